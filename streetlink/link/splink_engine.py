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

import copy
import logging
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import EMTrainingException


from streetlink.link.specs import ModelSpec

__all__ = ["RECORDS_DATASET", "REGISTRY_DATASET", "settings_for", "train", "predict"]

log = logging.getLogger(__name__)

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


def _register_tf(linker: Linker, db_api: DuckDBAPI, tf_tables: dict[str, str]) -> None:
    for column, table in tf_tables.items():
        sdf = db_api.register(table, table_name=f"tf_lookup_{column}")
        linker.table_management.register_term_frequency_lookup(sdf, column)


def train(
    con: duckdb.DuckDBPyConnection,
    spec: ModelSpec,
    records: str,
    registry: str,
    tf_tables: dict[str, str],
    seed: int,
    max_pairs: float = 5e6,
) -> tuple[dict[str, Any], list[str]]:
    """Estimate λ, u and m for `spec` on a night's records against the registry."""
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute("SET threads = 1")
    try:
        db_api = DuckDBAPI(connection=con)
        left = db_api.register(records, table_name=f"{spec.name}_train_records")
        right = db_api.register(registry, table_name=f"{spec.name}_train_registry")
        linker = Linker([left, right], settings_for(spec), log_level=None)
        _register_tf(linker, db_api, tf_tables)
        linker.training.estimate_probability_two_random_records_match(
            list(spec.deterministic_rules), recall=spec.deterministic_recall)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        for rule in spec.training_rules:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True)
            except EMTrainingException as exc:
                # A rule with no pairs in this night's data (e.g. no rural records):
                # the other sessions may still cover every level; checked below.
                log.warning("EM session skipped for %s: %s", spec.name, str(exc).splitlines()[0])
        trained = linker.misc.save_model_to_json()
    finally:
        con.execute(f"SET threads = {int(threads)}")
    trained["linker_uid"] = None  # a random id: would make identical trainings differ
    neutral = _neutralise_unobserved_levels(trained)
    if neutral:
        log.warning("%s: levels never seen among training matches, given weight 0: %s",
                    spec.name, "; ".join(neutral))
    return trained, neutral


def _neutralise_unobserved_levels(settings: dict[str, Any]) -> list[str]:
    """Give levels that EM never saw a Bayes factor of 1 (m = u): no evidence either way.

    Guessing a small m for them instead would make a rare-in-training situation (a
    record giving a room for a rural house) count heavily against a match; the model
    card lists them so that a reviewer sees what the data could not teach.
    """
    neutral = []
    for comparison in settings["comparisons"]:
        for lvl in comparison["comparison_levels"]:
            if lvl.get("is_null_level") or lvl.get("m_probability") is not None:
                continue
            u = lvl.get("u_probability") or 1e-6
            lvl["u_probability"] = u
            lvl["m_probability"] = u
            neutral.append(f'{comparison["output_column_name"]}: {lvl["label_for_charts"]}')
    return neutral


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
    db_api = DuckDBAPI(connection=con)
    left = db_api.register(records)
    right = db_api.register(registry)
    linker = Linker([left, right], copy.deepcopy(settings), log_level=None)
    _register_tf(linker, db_api, tf_tables)
    scored = linker.inference.predict_between(
        left, right, threshold_match_weight=threshold_match_weight, warning_mode="never")
    con.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT * FROM {scored.physical_name}")
    scored.drop_table_from_database_and_remove_from_cache()
    flipped = con.execute(
        f"SELECT count(*) FROM {out} WHERE source_dataset_l <> '{RECORDS_DATASET}'").fetchone()[0]
    if flipped:
        raise RuntimeError(f"{flipped} scored pairs have the registry on the left: comparisons "
                           "with one-sided levels would be misread")
    return con.execute(f"SELECT count(*) FROM {out}").fetchone()[0]
