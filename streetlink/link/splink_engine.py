"""The one module that imports Splink: train a model spec, and score a night with it.

Both sides of a model are DuckDB tables with the spec's feature columns plus a
``source_dataset`` column: ``a_records`` for the night's records, ``b_registry`` for the
registry. Splink may put either record of a pair on its ``_l`` side ("lower id on the
left"); naming the datasets so that the records always sort first keeps the asymmetric
comparison levels (``room_l IS NULL`` = the *record* gives no room) meaning what they say,
and ``predict`` re-checks the orientation of every pair it returns.

Training is deterministic: u by random sampling with a fixed seed, m by EM, one DuckDB
thread (parallel aggregation changes floating-point sums in the last bits).
"""

from __future__ import annotations

import contextlib
import copy
import logging
from typing import Any

import duckdb
import sqlglot
from splink import DuckDBAPI, Linker
from splink.internals.comparison_level import ComparisonLevel
from splink.internals.exceptions import EMTrainingException
from splink.internals.settings import Settings

from streetlink import sql
from streetlink.link.specs import ModelSpec

__all__ = ["RECORDS_DATASET", "REGISTRY_DATASET", "estimate_registry_u", "m_from_labels", "predict", "settings_for",
           "train"]

log = logging.getLogger(__name__)

_SQL = "streetlink.link"

RECORDS_DATASET = "a_records"
REGISTRY_DATASET = "b_registry"


def settings_for(spec: ModelSpec, probability_two_random_records_match: float = 1e-6) -> dict[str, Any]:
    """Untrained Splink settings for a spec."""
    return {
        "link_type": "link_only",
        "unique_id_column_name": "unique_id",
        "source_dataset_column_name": "source_dataset",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": copy.deepcopy(list(spec.comparisons)),
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in spec.blocking_rules
        ],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": list(spec.retain_columns),
        "em_convergence": 0.0001,
        "max_iterations": 30,
    }


def _register_tf(linker: Linker, db_api: Any, tf_tables: dict[str, str], con: Any = None) -> None:
    for column, table in tf_tables.items():
        sdf = db_api.register(_input(con, table), table_name=f"tf_lookup_{column}")
        linker.table_management.register_term_frequency_lookup(sdf, column)


def _is_spark(con: Any) -> bool:
    return getattr(con, "kind", None) == "spark"


def _db_api(con: Any) -> Any:
    """Splink's API for the engine of `con`: DuckDB on the connection, or Spark on its session.

    On Spark, Splink breaks the lineage of its intermediate tables by writing them as
    Parquet into the session's checkpoint folder (the run's scratch folder).
    """
    if _is_spark(con):
        from splink import SparkAPI

        return SparkAPI(spark_session=con.spark, break_lineage_method="parquet",
                        num_partitions_on_repartition=int(con.spark.conf.get("spark.sql.shuffle.partitions")))
    return DuckDBAPI(connection=con)


def _input(con: Any, table: str) -> Any:
    """What Splink registers: the table's name on DuckDB, its DataFrame on Spark."""
    return con.read_frame(table) if _is_spark(con) else table


def _register(db_api: Any, con: Any, table: str) -> Any:
    if _is_spark(con):
        return db_api.register(con.read_frame(table), table_name=f"{table.replace('.', '__')}_splink_input")
    return db_api.register(table)


def _for_engine(con: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """Settings whose comparison SQL is in the engine's dialect.

    The specs write comparison levels in DuckDB's SQL (blocking rules carry their dialect
    and Splink transpiles them itself; levels it reads in the engine's dialect). On Spark,
    "road_l" would be a string literal, not a column: the levels are transpiled here.
    """
    if not _is_spark(con):
        return settings
    out = copy.deepcopy(settings)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            condition = level.get("sql_condition")
            if condition and condition.strip().upper() != "ELSE":
                level["sql_condition"] = sqlglot.transpile(condition, read="duckdb", write="spark")[0]
    return out


def train(
    con: duckdb.DuckDBPyConnection,
    spec: ModelSpec,
    records: str,
    registry: str,
    tf_tables: dict[str, str],
    seed: int,
    max_pairs: float = 5e6,
    registry_u: dict[str, dict[str, float]] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Estimate λ, u and m for `spec` on a night's records against the registry.

    With `registry_u` (see ``estimate_registry_u``) those u values replace the ones
    sampled from the night's pairs before EM, so m is estimated against the same u the
    nightly runs will use.
    """
    threads = sql.run(con, _SQL, "current_threads").fetchall()[0][0]
    sql.run(con, "streetlink.engine", "set_threads", threads="1")
    try:
        with _floored_m_probabilities():
            trained = _estimate(con, spec, records, registry, tf_tables, seed, max_pairs, registry_u)
    finally:
        sql.run(con, "streetlink.engine", "set_threads", threads=str(int(threads)))
    trained["linker_uid"] = None  # a random id: would make identical trainings differ
    filled = _fill_unobserved_levels(trained, max_pairs)
    if filled:
        log.warning("%s: levels training did not observe: %s", spec.name, "; ".join(filled))
    return trained, filled


def _estimate(con: duckdb.DuckDBPyConnection, spec: ModelSpec, records: str, registry: str,
              tf_tables: dict[str, str], seed: int, max_pairs: float,
              registry_u: dict[str, dict[str, float]] | None) -> dict[str, Any]:
    db_api = DuckDBAPI(connection=con)
    left = db_api.register(records, table_name=f"{spec.name}_train_records")
    right = db_api.register(registry, table_name=f"{spec.name}_train_registry")
    linker = Linker([left, right], settings_for(spec), log_level=None)
    _register_tf(linker, db_api, tf_tables)
    linker.training.estimate_probability_two_random_records_match(
        list(spec.deterministic_rules), recall=spec.deterministic_recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    if registry_u:
        # EM estimates m given u: give it the registry's u, which the nightly runs use too.
        for comparison in linker._settings_obj.core_model_settings.comparisons:
            values = registry_u.get(comparison.output_column_name, {})
            for level in comparison._comparison_levels_excluding_null:
                u = values.get(level.label_for_charts)
                if u is not None:
                    level.u_probability = u
    trained_lambda = linker._settings_obj._probability_two_random_records_match
    for rule in spec.training_rules:
        start = _session_start_lambda(con, linker, rule, records, registry)
        if start is None:
            log.warning("EM session skipped for %s: no pairs for %s", spec.name, rule)
            continue
        linker._settings_obj._probability_two_random_records_match = start
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
        except EMTrainingException as exc:
            # A rule with no pairs in this night's data (e.g. no rural records): the
            # other sessions may still cover every level (checked by the caller).
            log.warning("EM session skipped for %s: %s", spec.name, str(exc).splitlines()[0])
    linker._settings_obj._probability_two_random_records_match = trained_lambda
    return linker.misc.save_model_to_json()


M_FLOOR = 1e-5


@contextlib.contextmanager
def _floored_m_probabilities():
    """During training, keep every m ≥ M_FLOOR (a level no training match showed).

    Splink 5.0.0's EM drives the m of a level that never occurs among matches (a road
    that differs, for a record at home) towards zero faster than exponentially, until
    float64 underflows and Splink refuses the value. No level is impossible in real data
    — a parser can fail, a clerk can mistype — so a floor is the honest estimate, and it
    bounds the weight of one disagreeing field (log2(1e-5 / u) ≈ −17 at most).
    """
    prop = ComparisonLevel.m_probability

    def clamped(self, value):
        if isinstance(value, float) and value < M_FLOOR:
            value = M_FLOOR
        prop.fset(self, value)

    ComparisonLevel.m_probability = property(prop.fget, clamped)
    try:
        yield
    finally:
        ComparisonLevel.m_probability = prop


def estimate_registry_u(con: duckdb.DuckDBPyConnection, spec: ModelSpec, registry: str,
                        seed: int = 20261124, max_pairs: float = 2e6) -> dict[str, dict[str, float]]:
    """u of every comparison level, from random pairs of the registry's own rows.

    u (how often a level occurs between two unrelated records) is a property of the
    registry: on 2.3 M dwellings two random ones share a road far less often than on
    25 K. Sampling it from the registry at each refresh keeps a model trained on one
    registry calibrated on another; m (how often a true match shows the level) is a
    property of the sources' data quality and comes from training. Levels the registry
    alone cannot show (a caller who gave only a surname) return None and keep the
    trained u.
    """
    threads = sql.run(con, _SQL, "current_threads").fetchall()[0][0]
    sql.run(con, "streetlink.engine", "set_threads", threads="1")
    try:
        sql.run(con, _SQL, "registry_as_records", view=f"{spec.name}_u_left", registry=registry,
                records_dataset=RECORDS_DATASET)
        db_api = DuckDBAPI(connection=con)
        left = db_api.register(f"{spec.name}_u_left", table_name=f"{spec.name}_u_sample_left")
        right = db_api.register(registry, table_name=f"{spec.name}_u_sample_right")
        linker = Linker([left, right], settings_for(spec), log_level=None)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        settings = linker.misc.save_model_to_json()
    finally:
        sql.run(con, "streetlink.engine", "set_threads", threads=str(int(threads)))
    return {
        c["output_column_name"]: {lvl["label_for_charts"]: lvl.get("u_probability")
                                  for lvl in c["comparison_levels"] if not lvl.get("is_null_level")}
        for c in settings["comparisons"]
    }


def _session_start_lambda(con: duckdb.DuckDBPyConnection, linker: Linker, rule: str,
                          records: str, registry: str) -> float | None:
    """The global λ that makes an EM session *start* from its own share of matches.

    Splink starts each session from λ times the Bayes factors of the exact-match levels
    of every column the rule mentions. Our rules name some columns only to hold their
    comparisons out of the session (see specs.py), so that adjustment would start EM
    near λ = 1, where it stays. A record meets at most one true dwelling or person, so
    (records with a pair) / (pairs) is the share of matches we want EM to start from;
    the global value returned here gives exactly that after Splink's adjustment. EM
    still estimates λ freely within the session and does not write it back.
    """
    n_pairs, n_records = sql.run(con, _SQL, "rule_pairs", records=records, registry=registry,
                                 rule=rule).fetchall()[0]
    if not n_pairs:
        return None
    share = min(0.5, n_records / n_pairs)
    levels = Settings._get_comparison_levels_corresponding_to_training_blocking_rule(
        blocking_rule_sql=rule, sqlglot_dialect="duckdb",
        comparisons=linker._settings_obj.core_model_settings.comparisons)
    odds = share / (1 - share)
    for info in levels:
        odds /= info["level"]._bayes_factor
    return odds / (1 + odds)


def _fill_unobserved_levels(settings: dict[str, Any], max_pairs: float) -> list[str]:
    """Give levels that training never observed an estimate at the data's resolution.

    m unobserved (no training match showed the level): m = M_FLOOR, as EM would have
    floored it. u unobserved (no sampled random pair showed it): u = 1 / max_pairs, the
    smallest share the sample could have seen. Neither observed: m = u, weight 0. The
    model card lists every such level so that a reviewer sees what the data could not teach.
    """
    filled = []
    for comparison in settings["comparisons"]:
        for lvl in comparison["comparison_levels"]:
            if lvl.get("is_null_level"):
                continue
            m, u = lvl.get("m_probability"), lvl.get("u_probability")
            if m is not None and u is not None:
                continue
            if m is None and u is None:
                m = u = 1.0 / max_pairs
                note = "neither m nor u observed: weight 0"
            elif m is None:
                m, note = M_FLOOR, "m not observed: floored"
            else:
                u, note = 1.0 / max_pairs, "u not observed: 1/sample size"
            lvl["m_probability"], lvl["u_probability"] = m, u
            filled.append(f'{comparison["output_column_name"]}: {lvl["label_for_charts"]} ({note})')
    return filled


def predict(
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    records: str,
    registry: str,
    tf_tables: dict[str, str],
    out: str,
    threshold_match_weight: float | None = None,
) -> int:
    """Score every blocked (record, registry row) pair into table `out`, records on `_l`."""
    db_api = _db_api(con)
    left = _register(db_api, con, records)
    right = _register(db_api, con, registry)
    linker = Linker([left, right], _for_engine(con, copy.deepcopy(settings)), log_level=None)
    _register_tf(linker, db_api, tf_tables, con)
    scored = linker.inference.predict_between(
        left, right, threshold_match_weight=threshold_match_weight, warning_mode="never")
    sql.run(con, _SQL, "copy_of", table=out, source=scored.physical_name)
    scored.drop_table_from_database_and_remove_from_cache()
    flipped = sql.run(con, _SQL, "pairs_flipped", table=out, records_dataset=RECORDS_DATASET).fetchone()[0]
    if flipped:
        raise RuntimeError(f"{flipped} scored pairs have the registry on the left: comparisons "
                           "with one-sided levels would be misread")
    return sql.run(con, _SQL, "count_rows", table=out).fetchone()[0]


def m_from_labels(con: duckdb.DuckDBPyConnection, settings: dict[str, Any], records: str, registry: str,
                  labels: str, tf_tables: dict[str, str] | None = None,
                  prior_pairs: float = 20.0) -> tuple[dict[str, Any], int]:
    """m of every level re-estimated from labelled true pairs (the streets' confirmations).

    `labels`: a table of (unique_id_l = record, unique_id_r = registry row) pairs known to
    match. Splink counts each level among them; the result is blended with the trained m
    as if the trained model were `prior_pairs` labelled pairs, so a level the labels rarely
    show keeps most of its trained value instead of falling to 0. Fixed m (the caller's age)
    stays fixed. Returns the new settings and the number of labelled pairs used.
    """
    n = sql.run(con, _SQL, "count_rows", table=labels).fetchone()[0]
    if n == 0:
        return copy.deepcopy(settings), 0
    sql.run(con, _SQL, "label_pairs_view", labels=labels, records_dataset=RECORDS_DATASET,
            registry_dataset=REGISTRY_DATASET)
    db_api = DuckDBAPI(connection=con)
    left = db_api.register(records)
    right = db_api.register(registry)
    linker = Linker([left, right], copy.deepcopy(settings), log_level=None)
    _register_tf(linker, db_api, tf_tables or {})
    linker.training.estimate_m_from_pairwise_labels("m_labels_pairs")
    learnt = linker.misc.save_model_to_json()
    out = copy.deepcopy(settings)
    by_name = {c["output_column_name"]: c for c in learnt["comparisons"]}
    for comparison in out["comparisons"]:
        new_levels = {lvl.get("label_for_charts"): lvl for lvl in by_name[comparison["output_column_name"]]
                      ["comparison_levels"]}
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            seen = new_levels.get(level.get("label_for_charts"), {}).get("m_probability")
            old = level.get("m_probability")
            if old is None:
                continue
            seen = 0.0 if seen is None else float(seen)
            level["m_probability"] = max((n * seen + prior_pairs * old) / (n + prior_pairs), M_FLOOR)
    out["linker_uid"] = None
    return out, n
