"""Link: score the night's records against dwellings and persons with two Splink models.

Input:  `records_std` (run database) and, in the warehouse, `dwelling_features`,
        `person_features`, `tf_name_clean`, `tf_phone` (built by
        ``prepare_registry_features`` at refresh time).
Output: `address_candidates` (record → dwelling) and `person_candidates` (record → person):
        every blocked pair with its match weight, the per-record normalised probabilities
        (of the dwelling, its building, its committee; of the person) and a one-line
        explanation of the evidence (the Splink waterfall, in words).

Normalisation (done in the decide stage): Splink scores pairs one by one; a record has
several candidates and at most one is right. With odds_j = 2^match_weight_j and c the
prior odds that the record has no match in the registry,
P(candidate j) = odds_j / (c + Σ_k odds_k), and P(committee C) sums the odds of C's
candidates. Ten rooms that tie because the record gives no room thus make a certain
*committee* from ten uncertain *dwellings*, and two 王芳 that tie make an uncertain person.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import duckdb

from streetlink import sql
from streetlink.link.features import (
    address_records_sql,
    dwelling_features_sql,
    person_features_sql,
    person_records_sql,
    place_committees_sql,
    prefilter_registry_sql,
    register_place_pinyin,
    tf_table_sql,
)
from streetlink.link.models import LinkageModel, load_model
from streetlink.link.specs import ADDRESS_SPEC, PERSON_SPEC, ModelSpec

__all__ = [
    "adapted_to_registry",
    "candidates_sql",
    "identity_conflict_sql",
    "link_night",
    "load_registry_u",
    "prepare_registry_features",
    "score_model",
    "score_night",
    "store_registry_u",
]

log = logging.getLogger(__name__)

_SQL = "streetlink.link"


def prepare_registry_features(con: duckdb.DuckDBPyConnection) -> None:
    """Registry-side features and term frequencies (warehouse, once per refresh)."""
    register_place_pinyin(con)
    sql.run(con, _SQL, "create_table_as", table="dwelling_features", query=dwelling_features_sql())
    sql.run(con, _SQL, "create_table_as", table="person_features", query=person_features_sql())
    for column in PERSON_SPEC.tf_columns:
        sql.run(con, _SQL, "create_table_as", table=f"tf_{column}", query=tf_table_sql(column))
    sql.run(con, _SQL, "create_table_as", table="place_committees", query=place_committees_sql())
    store_registry_u(con)


def store_registry_u(con: duckdb.DuckDBPyConnection) -> None:
    """`registry_u`: each model level's u, sampled from this registry (see splink_engine)."""
    from streetlink.link.splink_engine import estimate_registry_u

    rows = []
    for spec, table in ((ADDRESS_SPEC, "dwelling_features"), (PERSON_SPEC, "person_features")):
        for comparison, levels in estimate_registry_u(con, spec, table).items():
            rows += [(spec.name, comparison, label, u) for label, u in levels.items()]
    sql.run(con, _SQL, "create_registry_u")
    con.executemany(sql.render(_SQL, "insert_registry_u"), rows)


def load_registry_u(con: duckdb.DuckDBPyConnection, warehouse: str, model: str) -> dict[str, dict[str, float]]:
    values: dict[str, dict[str, float]] = {}
    for comparison, level, u in sql.run(con, _SQL, "registry_u_of_model", [model],
                                        registry_u=f"{warehouse}.registry_u").fetchall():
        values.setdefault(comparison, {})[level] = u
    return values


def _explanation_sql(model: LinkageModel) -> str:
    """SQL text: each comparison's level label and its weight (log2 Bayes factor)."""
    parts = []
    for comparison in model.splink_settings["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        cases = " ".join(
            f"WHEN gamma_{name} = {len(levels) - 1 - i} THEN '{lvl['label_for_charts'].replace(chr(39), chr(39) * 2)}'"
            for i, lvl in enumerate(levels)
        )
        label = f"CASE {cases} ELSE 'missing' END"
        weight = f"round(coalesce(mw_{name}, 0), 1)"
        parts.append(f"'{name}: ' || {label} || ' (' || {weight} || ')'")
    return "concat_ws('; ', " + ", ".join(parts) + ")"


def score_model(con: duckdb.DuckDBPyConnection, model: LinkageModel, spec: ModelSpec,
                records: str, registry: str, tf_tables: dict[str, str], out: str) -> int:
    """Prefilter the registry to rows some record can block with, then score all pairs."""
    from streetlink.link.splink_engine import predict

    n_records = sql.run(con, _SQL, "count_rows", table=records).fetchall()[0][0]
    if n_records == 0:  # a night with replies only: the same columns, no rows
        sides = ", ".join(f'{side}."{c}" AS "{c}_{side}"' for side in ("l", "r")
                          for c in ("source_dataset", *spec.feature_columns))
        scores = ", ".join(f"NULL::INTEGER AS gamma_{c['output_column_name']}, "
                           f"NULL::DOUBLE AS mw_{c['output_column_name']}"
                           for c in model.splink_settings["comparisons"])
        sql.run(con, _SQL, "empty_pairs", out=out, sides=sides, scores=scores, records=records, registry=registry)
        return 0
    reachable = f"{spec.name}_registry_rows"
    sql.run(con, _SQL, "create_temp_table_as", table=reachable, query=prefilter_registry_sql(spec, records, registry))
    n = predict(con, model.splink_settings, records, reachable, tf_tables, f"{out}_raw")
    sql.run(con, _SQL, "explained_pairs", out=out, raw=f"{out}_raw", explanation=_explanation_sql(model))
    sql.run(con, _SQL, "drop_table", table=f"{out}_raw")
    sql.run(con, _SQL, "drop_table", table=reachable)
    return n


def candidates_sql(pairs: str, kind: str) -> str:
    """Each record's candidates with their odds and the sums the decision normalises by.

    odds = 2^match_weight (Splink's weight includes the prior λ). For addresses also the
    summed odds of the candidate's building and committee. Probabilities are computed in
    the decide stage, which owns the prior odds that a record has no match at all.
    """
    if kind not in ("address", "person"):
        raise ValueError(f"candidates of {kind!r}: address or person")
    return sql.render(_SQL, f"{kind}_candidates", pairs=pairs)


# Fellegi–Sunter adds evidence field by field. Two strong identifiers that contradict each
# other are not a sum but a different situation: a valid ID far from the candidate's, or a
# full name that is not the candidate's (a relative's ID, a namesake at the same address).
# Such a pair is never linked, whatever its weight; it still ranks among the candidates.
CONFLICT_LEVELS = {"id": ("different",), "name": ("different", "same surname, different given name")}


def _gamma_values(model: LinkageModel, comparison: str, labels: tuple[str, ...]) -> list[int]:
    for c in model.splink_settings["comparisons"]:
        if c["output_column_name"] == comparison:
            levels = [lvl for lvl in c["comparison_levels"] if not lvl.get("is_null_level")]
            return [len(levels) - 1 - i for i, lvl in enumerate(levels) if lvl["label_for_charts"] in labels]
    raise KeyError(comparison)


def identity_conflict_sql(model: LinkageModel) -> str:
    parts = []
    for comparison, labels in CONFLICT_LEVELS.items():
        values = _gamma_values(model, comparison, labels)
        parts.append(f"gamma_{comparison} IN ({', '.join(map(str, values))})")
    return "(" + " OR ".join(parts) + ")"


def _local_tf(con: duckdb.DuckDBPyConnection, warehouse: str, records: str) -> dict[str, str]:
    """Copy the term frequencies the night needs out of the (attached) warehouse."""
    tables = {}
    for column in PERSON_SPEC.tf_columns:
        sql.run(con, _SQL, "night_tf", table=f"tf_{column}", source=f"{warehouse}.tf_{column}", column=column,
                records=records)
        tables[column] = f"tf_{column}"
    return tables


def _registry_rows(con: duckdb.DuckDBPyConnection, warehouse: str) -> dict[str, int]:
    import json

    return json.loads(sql.run(con, _SQL, "registry_rows", registry_meta=f"{warehouse}.registry_meta").fetchall()[0][0])


def adapted_to_registry(model: LinkageModel, u_values: dict[str, dict[str, float]], table: str,
                        rows_now: dict[str, int]) -> LinkageModel:
    """The model with tonight's registry's u values and λ rescaled to its size.

    m comes from training (the sources' data quality); u from the registry the night is
    linked to (see splink_engine.estimate_registry_u). λ is the chance that a random
    (record, registry row) pair matches: a record has at most one match, so λ falls as
    1 / registry rows. Without both, a model trained on one registry would be over- or
    under-confident on another of a different size.
    """
    import copy
    import json

    settings = copy.deepcopy(model.splink_settings)
    for comparison in settings["comparisons"]:
        values = u_values.get(comparison["output_column_name"], {})
        for level in comparison["comparison_levels"]:
            u = values.get(level.get("label_for_charts"))
            if u is not None and not level.get("is_null_level"):
                level["u_probability"] = u
    trained_rows = model.training.get("registry_rows")
    if isinstance(trained_rows, str):
        trained_rows = json.loads(trained_rows)
    n_train, n_now = (trained_rows or {}).get(table), rows_now.get(table)
    if n_train and n_now and n_train != n_now:
        lam = settings["probability_two_random_records_match"]
        odds = lam / (1 - lam) * n_train / n_now
        settings["probability_two_random_records_match"] = odds / (1 + odds)
        log.info("%s: λ scaled for %s rows (trained on %s)", model.name, n_now, n_train)
    return dataclasses.replace(model, splink_settings=settings)


def link_night(con: duckdb.DuckDBPyConnection, warehouse: str, models_dir: Path) -> dict[str, Any]:
    """Score the night's `records_std` against the warehouse's registries."""
    rows_now = _registry_rows(con, warehouse)
    address_model = adapted_to_registry(load_model(models_dir, "address_model"),
                                        load_registry_u(con, warehouse, "address_model"), "housing_std", rows_now)
    person_model = adapted_to_registry(load_model(models_dir, "person_model"),
                                       load_registry_u(con, warehouse, "person_model"), "population_std", rows_now)
    return score_night(con, warehouse, address_model, person_model)


def score_night(con: duckdb.DuckDBPyConnection, warehouse: str, address_model: LinkageModel,
                person_model: LinkageModel) -> dict[str, Any]:
    """`address_candidates` and `person_candidates` for `records_std` (nightly run and training)."""
    register_place_pinyin(con)
    sql.run(con, _SQL, "create_table_as", table="address_records",
            query=address_records_sql(registry=f"{warehouse}.dwelling_features"))
    sql.run(con, _SQL, "create_table_as", table="person_records",
            query=person_records_sql(population=f"{warehouse}.person_features"))

    n_address_pairs = score_model(con, address_model, ADDRESS_SPEC, "address_records",
                                  f"{warehouse}.dwelling_features", {}, "address_pairs")
    sql.run(con, _SQL, "create_table_as", table="address_candidates", query=candidates_sql("address_pairs", "address"))
    tf = _local_tf(con, warehouse, "person_records")
    n_person_pairs = score_model(con, person_model, PERSON_SPEC, "person_records",
                                 f"{warehouse}.person_features", tf, "person_pairs")
    sql.run(con, _SQL, "add_identity_conflict")
    sql.run(con, _SQL, "set_identity_conflict", conflict=identity_conflict_sql(person_model))
    sql.run(con, _SQL, "create_table_as", table="person_candidates", query=candidates_sql("person_pairs", "person"))

    counts = sql.run(con, _SQL, "link_counts").fetchall()[0]
    summary = {
        "address_records": counts[0], "address_records_with_candidates": counts[1],
        "address_pairs": n_address_pairs,
        "address_pairs_per_record": round(n_address_pairs / counts[0], 2) if counts[0] else 0.0,
        "person_records": counts[2], "person_records_with_candidates": counts[3],
        "person_pairs": n_person_pairs,
        "person_pairs_per_record": round(n_person_pairs / counts[2], 2) if counts[2] else 0.0,
        "address_model": {"version": address_model.version, "sha256": address_model.sha256},
        "person_model": {"version": person_model.version, "sha256": person_model.sha256},
    }
    log.info("linked: %s address pairs (%.1f per record), %s person pairs (%.1f per record)",
             n_address_pairs, summary["address_pairs_per_record"], n_person_pairs,
             summary["person_pairs_per_record"])
    return summary
