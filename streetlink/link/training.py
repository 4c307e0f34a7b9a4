"""Training: estimate both models on one night against the registries; then the thresholds.

Input:  a run database holding `records_std` and `staged_records` for the training night,
        with the warehouse attached; optionally that night's ground truth (synthetic data
        only) and further *search worlds* (other nights, other world variations, each with
        its truth) to choose the decision thresholds on.
Output: ``address_model.json``, ``person_model.json``, ``decision.json`` and
        ``MODEL_CARD.md``, written together (``linkage_models/`` by default).

u comes from random sampling (fixed seed), m from EM sessions whose blocking rules
together cover every comparison, λ from deterministic rules with an assumed recall;
DuckDB runs on one thread during training so that the same data gives the same bytes.

Thresholds: without truth, the documented defaults. With truth, ``streetlink.decide.search``
chooses them so that the *worst* world meets the precision targets; the per-rule
dispatch counts and precision on those worlds go into decision.json and the model card.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from streetlink import __version__
from streetlink.decide.rules import RULES
from streetlink.decide.thresholds import THRESHOLDS, default_thresholds, save_decision
from streetlink.link import load_registry_u, score_night
from streetlink.link.features import (
    address_records_sql,
    address_training_sql,
    person_records_sql,
    register_place_pinyin,
)
from streetlink.link.models import LinkageModel, model_info, save_model
from streetlink.link.specs import ADDRESS_SPEC, PERSON_SPEC, ModelSpec

__all__ = ["train_linkage_models", "train_on_workspace", "write_model_card"]

log = logging.getLogger(__name__)


def _train_one(con: duckdb.DuckDBPyConnection, spec: ModelSpec, records: str, registry: str,
               tf_tables: dict[str, str], seed: int, warehouse: str) -> tuple[dict[str, Any], list[str]]:
    from streetlink.link.splink_engine import train

    log.info("training %s on %s records", spec.name,
             con.execute(f"SELECT count(*) FROM {records}").fetchall()[0][0])
    return train(con, spec, records, registry, tf_tables, seed=seed,
                 registry_u=load_registry_u(con, warehouse, spec.name))


def train_linkage_models(con: duckdb.DuckDBPyConnection, warehouse: str, models_dir: Path, *,
                         trained_on: str, seed: int = 20261124,
                         data_description: dict[str, Any] | None = None) -> tuple[LinkageModel, LinkageModel]:
    """Train both models on the night in `con`; write their JSON files into `models_dir`."""
    register_place_pinyin(con)
    con.execute(f"CREATE OR REPLACE TABLE address_records AS "
                f"{address_records_sql(registry=f'{warehouse}.dwelling_features')}")
    con.execute(f"CREATE OR REPLACE TABLE person_records AS {person_records_sql(population=f'{warehouse}.person_features')}")
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
    return address_model, person_model


def choose_and_save_thresholds(models_dir: Path, address_model: LinkageModel, person_model: LinkageModel,
                               worlds: list[Any], trained_on: str) -> dict[str, Any]:
    """decision.json: thresholds chosen on `worlds` (SearchWorld), or the defaults without any."""
    from streetlink.decide.search import PRECISION_TARGETS, choose_thresholds, rule_precision

    if worlds:
        thresholds, trace = choose_thresholds(worlds)
        rules = rule_precision(worlds, thresholds)
        why = ("chosen on the ground truth of the worlds listed: each threshold in turn set to the value "
               "best for its objective in the worst world among those keeping every world at the targets")
        targets: dict[str, float] | None = PRECISION_TARGETS
    else:
        thresholds, trace, rules, targets = default_thresholds(), [], {}, None
        why = "defaults (no ground truth given to the training flow)"
    payload = {
        "thresholds": thresholds, "why": why, "trained_on": trained_on, "targets": targets,
        "worlds": [w.name for w in worlds], "search": trace, "rules": rules,
        "address_model": address_model.version, "person_model": person_model.version,
    }
    save_decision(models_dir, payload)
    write_model_card(models_dir, address_model, person_model, payload)
    return payload


def write_model_card(models_dir: Path, address_model: LinkageModel, person_model: LinkageModel,
                     decision: dict[str, Any]) -> Path:
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
        spec = ADDRESS_SPEC if m.name == "address_model" else PERSON_SPEC
        lines.append(f"| {m.name} | {m.version} | `{m.sha256[:16]}…` | {spec.description} |")
    for m in (address_model, person_model):
        t = m.training
        lines += [
            "", f"## {m.name}", "",
            f"- Training data: night {t.get('trained_on')} ({t.get('records')} records with evidence), "
            f"registry fingerprint `{str(t.get('registry_fingerprint'))[:16]}…`, rows {t.get('registry_rows')}.",
            f"- Data description: {t.get('profile', 'n/a')} profile, generator seed {t.get('data_seed', 'n/a')}"
            f"{', variation ' + str(t['variation']) if t.get('variation') else ''}; u sampling seed {t.get('seed')}.",
            "- Method: u by random sampling, m by EM (one session per training rule), λ from deterministic rules.",
            f"- λ (probability two random records match): "
            f"{m.splink_settings.get('probability_two_random_records_match'):.3e}",
            f"- Levels training did not observe: "
            f"{'; '.join(t.get('levels_without_evidence') or []) or 'none'}",
            "",
            "| comparison | level | m | u | weight (log2 m/u) |",
            "|---|---|---|---|---|",
        ]
        for comp, levels in m.parameters()["comparisons"].items():
            for lvl in levels:
                mm, uu = lvl["m"], lvl["u"]
                w = math.log2(mm / uu) if mm and uu else float("nan")
                lines.append(f"| {comp} | {lvl['label']} | {mm:.4g} | {uu:.4g} | {w:+.2f} |")

    thresholds = decision["thresholds"]
    lines += ["", "## Decision rules", "",
              "In order; the first that holds decides (`streetlink/decide/rules.py`). Records and committee "
              "precision summed over the threshold-search worlds "
              f"({', '.join(decision.get('worlds') or []) or 'none'}).", "",
              "| # | rule | outcome | thresholds | records | wrong | committee precision | what |",
              "|---|---|---|---|---|---|---|---|"]
    measured = decision.get("rules") or {}
    for i, rule in enumerate(RULES, 1):
        m = measured.get(rule.name, {})
        prec = m.get("committee_precision")
        used = ", ".join(f"{t}={thresholds[t]}" for t in rule.thresholds) or "–"
        outcome = rule.decision + (f" ({rule.reason})" if rule.reason else "")
        lines.append(f"| {i} | `{rule.name}` | {outcome} | {used} | {m.get('records', '–')} | "
                     f"{m.get('wrong', '–') if rule.decision == 'dispatched' else '–'} | "
                     f"{f'{prec:.4%}' if prec is not None else '–'} | {rule.description} |")
    lines += ["", "## Decision thresholds", "", decision["why"], "",
              "| threshold | value | meaning |", "|---|---|---|"]
    lines += [f"| {k} | {v} | {THRESHOLDS[k].description} |" for k, v in thresholds.items()]
    if decision.get("targets"):
        lines += ["", f"Targets on every search world: {decision['targets']}."]
    trace = decision.get("search") or []
    if trace:
        lines += ["", "Search trace (worst world for each value tried):", "",
                  "| pass | threshold | value | meets targets | dispatch | committee precision | "
                  "street precision | person precision | person recall | dwelling accuracy |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for t in trace:
            w = t["worst"]
            lines.append(f"| {t['pass']} | {t['threshold']} | {t['value']} | {'yes' if t['ok'] else 'no'} | "
                         f"{w['dispatch_rate']:.4f} | {w['committee_precision']:.5f} | "
                         f"{w['street_precision']:.5f} | {w['person_precision']:.5f} | "
                         f"{w['person_recall']:.4f} | {w['dwelling_accuracy']:.4f} |")
    path = Path(models_dir) / "MODEL_CARD.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def train_on_workspace(ws: Any, models_dir: Path, truth_path: Path | None = None,
                       data_description: dict[str, Any] | None = None,
                       prepare_worlds: Callable[[Path], list[Any]] | None = None) -> dict[str, Any]:
    """Train on a workspace whose records were ingested and standardised (training flow).

    The training night is a threshold-search world when its truth is given;
    `prepare_worlds(models_dir)` returns further ones (SearchWorld), linked by the caller
    with the models just written (other nights, other world variations).
    """
    from streetlink.decide.search import SearchWorld

    con = ws.connect()
    try:
        address_model, person_model = train_linkage_models(
            con, "wh", models_dir, trained_on=ws.config.date_str, data_description=data_description)
        worlds = []
        if truth_path is not None:
            score_night(con, "wh", address_model, person_model)
            con.execute("CREATE OR REPLACE TEMP TABLE training_truth AS SELECT * FROM read_parquet(?)",
                        [str(truth_path)])
            worlds.append(SearchWorld(f"training night {ws.config.date_str}", con, "wh", "training_truth"))
        if prepare_worlds is not None:
            worlds += prepare_worlds(models_dir)
        decision = choose_and_save_thresholds(models_dir, address_model, person_model, worlds,
                                              ws.config.date_str)
        return {"models": {m.name: {"path": str(m.path), "sha256": m.sha256, "version": m.version}
                           for m in (address_model, person_model)},
                "decision": str(Path(models_dir) / "decision.json"),
                "model_card": str(Path(models_dir) / "MODEL_CARD.md"),
                "thresholds": decision["thresholds"], "info": model_info(models_dir)}
    finally:
        con.close()
