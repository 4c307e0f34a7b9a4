"""Training: estimate both models on one night against the registries; pick thresholds.

Input:  a run database holding `records_std` and `staged_records` for the training night,
        with the warehouse attached; optionally that night's ground truth (synthetic data
        only) to choose the decision thresholds on.
Output: ``linkage_models/address_model.json``, ``person_model.json``, ``decision.json`` and
        ``MODEL_CARD.md``.

u comes from random sampling (fixed seed), m from EM sessions whose blocking rules
together cover every comparison, λ from deterministic rules with an assumed recall;
DuckDB runs on one thread during training so that the same data gives the same bytes.

Thresholds: without truth, the documented defaults. With truth, each threshold is moved,
one at a time and in a fixed order, to the loosest value that keeps the night's
committee precision ≥ 99.95 % and person precision ≥ 99.9 % — on the training night only;
accuracy is then measured on other seeds (see docs/evaluation.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import duckdb

from streetlink import __version__
from streetlink.decide import DEFAULT_THRESHOLDS, decide_sql
from streetlink.link import candidates_sql, identity_conflict_sql, load_registry_u, score_model
from streetlink.link.features import (
    address_records_sql,
    address_training_sql,
    person_records_sql,
    register_place_pinyin,
)
from streetlink.link.models import LinkageModel, model_info, save_decision, save_model
from streetlink.link.specs import ADDRESS_SPEC, PERSON_SPEC, ModelSpec

__all__ = ["PRECISION_TARGETS", "THRESHOLD_GRID", "choose_thresholds", "train_linkage_models", "train_on_workspace"]

log = logging.getLogger(__name__)

# Tried loosest-first; each threshold keeps the loosest value that meets the targets.
THRESHOLD_GRID: dict[str, tuple[float, ...]] = {
    "person_no_match_odds": (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0),
    "person_min": (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
    "dwelling_min": (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99),
    "address_no_match_odds": (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0),
    "committee_min": (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
    "committee_supported_min": (0.1, 0.2, 0.3, 0.5, 0.7, 0.9),
    "person_home_min": (0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999),
    "person_home_evidence": (0, 1, 2),
    "hotline_place_via_caller": (2, 1, 0),
    "address_margin_bits": (6, 7, 8, 9, 10, 12, 1000),
}
PRECISION_TARGETS = {"committee_precision": 0.9995, "person_precision": 0.9995, "dwelling_accuracy": 0.98}
# What each threshold trades precision for: person thresholds buy person recall, the
# dwelling threshold dwelling recall, all others the dispatch rate.
OBJECTIVE = {"person_no_match_odds": "person_recall", "person_min": "person_recall",
             "dwelling_min": "dwelling_recall"}


def _train_one(con: duckdb.DuckDBPyConnection, spec: ModelSpec, records: str, registry: str,
               tf_tables: dict[str, str], seed: int, warehouse: str) -> tuple[dict[str, Any], list[str]]:
    from streetlink.link.splink_engine import train

    log.info("training %s on %s records", spec.name,
             con.execute(f"SELECT count(*) FROM {records}").fetchall()[0][0])
    return train(con, spec, records, registry, tf_tables, seed=seed,
                 registry_u=load_registry_u(con, warehouse, spec.name))


def train_linkage_models(con: duckdb.DuckDBPyConnection, warehouse: str, models_dir: Path, *,
                         trained_on: str, seed: int = 20261124, truth: str | None = None,
                         data_description: dict[str, Any] | None = None) -> dict[str, Any]:
    """Train both models on the night in `con`, choose thresholds, write the model files."""
    register_place_pinyin(con)
    con.execute(f"CREATE OR REPLACE TABLE address_records AS "
                f"{address_records_sql(registry=f'{warehouse}.dwelling_features')}")
    con.execute(f"CREATE OR REPLACE TABLE person_records AS {person_records_sql()}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW train_dwellings AS SELECT * FROM {warehouse}.dwelling_features")
    con.execute(f"CREATE OR REPLACE TEMP VIEW train_persons AS SELECT * FROM {warehouse}.person_features")
    tf_tables = {}
    for column in PERSON_SPEC.tf_columns:
        con.execute(f"CREATE OR REPLACE TEMP VIEW train_tf_{column} AS SELECT * FROM {warehouse}.tf_{column}")
        tf_tables[column] = f"train_tf_{column}"

    registry_meta = con.execute(f"SELECT fingerprint, rows_json FROM {warehouse}.registry_meta").fetchall()[0]
    base = {
        "trained_on": trained_on, "seed": seed, "streetlink_version": __version__,
        "registry_fingerprint": registry_meta[0], "registry_rows": registry_meta[1],
        **(data_description or {}),
    }
    train_records_sql, train_registry_sql = address_training_sql(
        "address_records", "person_records", "train_dwellings", "train_persons")
    con.execute(f"CREATE OR REPLACE TEMP TABLE address_train_records AS {train_records_sql}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE address_train_registry AS {train_registry_sql}")
    settings_a, neutral_a = _train_one(con, ADDRESS_SPEC, "address_train_records", "address_train_registry",
                                       {}, seed, warehouse)
    settings_p, neutral_p = _train_one(con, PERSON_SPEC, "person_records", "train_persons", tf_tables, seed,
                                       warehouse)
    n_a = con.execute("SELECT count(*) FROM address_records").fetchall()[0][0]
    n_p = con.execute("SELECT count(*) FROM person_records").fetchall()[0][0]
    address_model = save_model(models_dir, "address_model", settings_a,
                               {**base, "records": n_a, "levels_without_evidence": neutral_a})
    person_model = save_model(models_dir, "person_model", settings_p,
                              {**base, "records": n_p, "levels_without_evidence": neutral_p})

    # Score the training night with the new models, then choose thresholds on it.
    score_model(con, address_model, ADDRESS_SPEC, "address_records", "train_dwellings", {}, "address_pairs")
    con.execute(f"CREATE OR REPLACE TABLE address_candidates AS {candidates_sql('address_pairs', 'address')}")
    local_tf = {}
    for column in PERSON_SPEC.tf_columns:
        con.execute(f"CREATE OR REPLACE TEMP TABLE tf_{column} AS SELECT * FROM {warehouse}.tf_{column} "
                    f"WHERE {column} IN (SELECT {column} FROM person_records)")
        local_tf[column] = f"tf_{column}"
    score_model(con, person_model, PERSON_SPEC, "person_records", "train_persons", local_tf, "person_pairs")
    con.execute("ALTER TABLE person_pairs ADD COLUMN identity_conflict BOOLEAN")
    con.execute(f"UPDATE person_pairs SET identity_conflict = {identity_conflict_sql(person_model)}")
    con.execute(f"CREATE OR REPLACE TABLE person_candidates AS {candidates_sql('person_pairs', 'person')}")

    if truth is not None:
        thresholds, trace = choose_thresholds(con, warehouse, truth)
        why = ("chosen on the training night's ground truth: each threshold in turn set to the loosest "
               f"value keeping {PRECISION_TARGETS}")
    else:
        thresholds, trace = dict(DEFAULT_THRESHOLDS), []
        why = "defaults (no ground truth given to the training flow)"
    decision_path = save_decision(models_dir, {
        "format_version": 1, "thresholds": thresholds, "why": why, "trained_on": trained_on,
        "targets": PRECISION_TARGETS if truth is not None else None, "search": trace,
        "address_model": address_model.version, "person_model": person_model.version,
    })
    card = write_model_card(models_dir, address_model, person_model, thresholds, why, trace)
    return {"models": {m.name: {"path": str(m.path), "sha256": m.sha256, "version": m.version}
                       for m in (address_model, person_model)},
            "decision": str(decision_path), "model_card": str(card), "thresholds": thresholds,
            "info": model_info(models_dir)}


def _metrics_sql(truth: str) -> str:
    return f"""
        SELECT
            count(*) FILTER (WHERE t.placeable) AS placeable,
            count(*) FILTER (WHERE t.placeable AND d.decision = 'dispatched') AS dispatched_placeable,
            count(*) FILTER (WHERE d.decision = 'dispatched') AS dispatched,
            count(*) FILTER (WHERE d.decision = 'dispatched'
                             AND d.committee_code IS NOT DISTINCT FROM t.true_committee_code
                             ) AS committee_ok,
            count(*) FILTER (WHERE d.person_id IS NOT NULL) AS persons,
            count(*) FILTER (WHERE d.person_id IS NOT NULL AND d.person_id = t.true_person_id) AS person_ok,
            count(*) FILTER (WHERE t.true_person_id IS NOT NULL) AS true_persons,
            count(*) FILTER (WHERE d.house_id IS NOT NULL AND t.true_house_id IS NOT NULL) AS houses,
            count(*) FILTER (WHERE d.house_id IS NOT NULL AND d.house_id = t.true_house_id) AS house_ok,
            count(*) FILTER (WHERE t.placeable AND t.true_house_id IS NOT NULL) AS true_houses
        FROM decisions d JOIN {truth} t USING (record_id)
    """


def _score(con: duckdb.DuckDBPyConnection, truth: str) -> dict[str, float]:
    row = con.execute(_metrics_sql(truth)).fetchall()[0]
    (placeable, disp_placeable, dispatched, committee_ok, persons, person_ok, true_persons, houses,
     house_ok, true_houses) = row
    return {
        "dispatch_rate": disp_placeable / placeable if placeable else 0.0,
        "committee_precision": committee_ok / dispatched if dispatched else 1.0,
        "person_precision": person_ok / persons if persons else 1.0,
        "person_recall": person_ok / true_persons if true_persons else 0.0,
        "dwelling_accuracy": house_ok / houses if houses else 1.0,
        "dwelling_recall": house_ok / true_houses if true_houses else 0.0,
    }


def choose_thresholds(con: duckdb.DuckDBPyConnection, warehouse: str,
                      truth: str, passes: int = 2) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Coordinate search under the precision targets (see module doc).

    Each threshold in turn takes the value that best serves its objective (OBJECTIVE;
    the dispatch rate by default) among those meeting every target, the others held; if none meets them, the value with the best
    committee precision. Two passes, because an early threshold may only become
    loosenable once a later one is set.
    """
    thresholds = dict(DEFAULT_THRESHOLDS)
    trace: list[dict[str, Any]] = []
    sql = decide_sql(warehouse)
    for n_pass in range(1, passes + 1):
        for name, grid in THRESHOLD_GRID.items():
            scored = []
            for value in grid:
                trial = {**thresholds, name: value}
                con.execute(sql, trial)
                score = _score(con, truth)
                ok = all(score[k] >= v for k, v in PRECISION_TARGETS.items())
                scored.append((ok, value, score))
                trace.append({"pass": n_pass, "threshold": name, "value": value, "ok": ok,
                              **{k: round(v, 5) for k, v in score.items()}})
            goal = OBJECTIVE.get(name, "dispatch_rate")
            meeting = [(s[goal], s["dispatch_rate"], s["committee_precision"], v) for ok, v, s in scored if ok]
            if meeting:
                thresholds[name] = max(meeting)[-1]
            else:
                thresholds[name] = max((s["committee_precision"], s["dispatch_rate"], v)
                                       for _, v, s in scored)[2]
            log.info("pass %d: threshold %s = %s", n_pass, name, thresholds[name])
    con.execute(sql, thresholds)
    return thresholds, trace


def write_model_card(models_dir: Path, address_model: LinkageModel, person_model: LinkageModel,
                     thresholds: dict[str, float], why: str, trace: list[dict[str, Any]]) -> Path:
    lines = [
        "# streetlink linkage models — model card",
        "",
        "Written by the training flow (`streetlink train`, `flows/train_models.py`); do not edit by hand.",
        f"Card written {dt.date.today().isoformat()}.",
        "",
        "## Models",
        "",
        "| model | version | sha256 | what it links |",
        "|---|---|---|---|",
    ]
    for m in (address_model, person_model):
        lines.append(f"| {m.name} | {m.version} | `{m.sha256[:16]}…` | {ADDRESS_SPEC.description if m.name == 'address_model' else PERSON_SPEC.description} |")
    for m in (address_model, person_model):
        t = m.training
        lines += [
            "", f"## {m.name}", "",
            f"- Training data: night {t.get('trained_on')} ({t.get('records')} records with evidence), "
            f"registry fingerprint `{str(t.get('registry_fingerprint'))[:16]}…`, rows {t.get('registry_rows')}.",
            f"- Data description: {t.get('profile', 'n/a')} profile, generator seed {t.get('data_seed', 'n/a')}; "
            f"u sampling seed {t.get('seed')}.",
            "- Method: u by random sampling, m by EM (one session per training rule), λ from deterministic rules.",
            f"- λ (probability two random records match): {m.splink_settings.get('probability_two_random_records_match'):.3e}",
            f"- Levels training did not observe: "
            f"{'; '.join(t.get('levels_without_evidence') or []) or 'none'}",
            "",
            "| comparison | level | m | u | weight (log2 m/u) |",
            "|---|---|---|---|---|",
        ]
        import math

        for comp, levels in m.parameters()["comparisons"].items():
            for lvl in levels:
                mm, uu = lvl["m"], lvl["u"]
                w = math.log2(mm / uu) if mm and uu else float("nan")
                lines.append(f"| {comp} | {lvl['label']} | {mm:.4g} | {uu:.4g} | {w:+.2f} |")
    lines += ["", "## Decision thresholds", "", why, "", "| threshold | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in thresholds.items()]
    if trace:
        lines += ["", "Search trace (training night):", "",
                  "| pass | threshold | value | meets targets | dispatch | committee precision | person precision | person recall | dwelling accuracy |",
                  "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {t['pass']} | {t['threshold']} | {t['value']} | {'yes' if t['ok'] else 'no'} | {t['dispatch_rate']:.4f} | "
                  f"{t['committee_precision']:.5f} | {t['person_precision']:.5f} | {t['person_recall']:.4f} | "
                  f"{t['dwelling_accuracy']:.4f} |" for t in trace]
    path = models_dir / "MODEL_CARD.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def train_on_workspace(ws: Any, models_dir: Path, truth_path: Path | None = None,
                       data_description: dict[str, Any] | None = None) -> dict[str, Any]:
    """Train on a workspace whose records were ingested and standardised (training flow)."""
    con = ws.connect()
    try:
        truth = None
        if truth_path is not None:
            con.execute("CREATE OR REPLACE TEMP TABLE training_truth AS SELECT * FROM read_parquet(?)",
                        [str(truth_path)])
            truth = "training_truth"
        return train_linkage_models(con, "wh", models_dir, trained_on=ws.config.date_str, truth=truth,
                                    data_description=data_description)
    finally:
        con.close()
