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

from streetlink import __version__, sql
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

_SQL = "streetlink.link"


def _train_one(con: duckdb.DuckDBPyConnection, spec: ModelSpec, records: str, registry: str,
               tf_tables: dict[str, str], seed: int, warehouse: str) -> tuple[dict[str, Any], list[str]]:
    from streetlink.link.splink_engine import train

    log.info("training %s on %s records", spec.name,
             sql.run(con, _SQL, "count_rows", table=records).fetchall()[0][0])
    return train(con, spec, records, registry, tf_tables, seed=seed,
                 registry_u=load_registry_u(con, warehouse, spec.name))


def train_linkage_models(con: duckdb.DuckDBPyConnection, warehouse: str, models_dir: Path, *,
                         trained_on: str, seed: int = 20261124,
                         data_description: dict[str, Any] | None = None) -> tuple[LinkageModel, LinkageModel]:
    """Train both models on the night in `con`; write their JSON files into `models_dir`."""
    register_place_pinyin(con)
    sql.run(con, _SQL, "create_table_as", table="address_records",
            query=address_records_sql(registry=f"{warehouse}.dwelling_features"))
    sql.run(con, _SQL, "create_table_as", table="person_records",
            query=person_records_sql(population=f"{warehouse}.person_features"))
    sql.run(con, _SQL, "view_of", view="train_dwellings", source=f"{warehouse}.dwelling_features")
    sql.run(con, _SQL, "view_of", view="train_persons", source=f"{warehouse}.person_features")
    tf_tables = {}
    for column in PERSON_SPEC.tf_columns:
        sql.run(con, _SQL, "view_of", view=f"train_tf_{column}", source=f"{warehouse}.tf_{column}")
        tf_tables[column] = f"train_tf_{column}"

    registry_meta = sql.run(con, _SQL, "registry_fingerprint", registry_meta=f"{warehouse}.registry_meta").fetchall()[0]
    base = {
        "trained_on": trained_on, "seed": seed, "streetlink_version": __version__,
        "registry_fingerprint": registry_meta[0], "registry_rows": registry_meta[1],
        **(data_description or {}),
    }
    train_records_sql, train_registry_sql = address_training_sql(
        "address_records", "person_records", "train_dwellings", "train_persons")
    sql.run(con, _SQL, "create_temp_table_as", table="address_train_records", query=train_records_sql)
    sql.run(con, _SQL, "create_temp_table_as", table="address_train_registry", query=train_registry_sql)
    settings_a, neutral_a = _train_one(con, ADDRESS_SPEC, "address_train_records", "address_train_registry",
                                       {}, seed, warehouse)
    settings_p, neutral_p = _train_one(con, PERSON_SPEC, "person_records", "train_persons", tf_tables, seed,
                                       warehouse)
    n_a = sql.run(con, _SQL, "count_rows", table="address_records").fetchall()[0][0]
    n_p = sql.run(con, _SQL, "count_rows", table="person_records").fetchall()[0][0]
    address_model = save_model(models_dir, "address_model", settings_a,
                               {**base, "records": n_a, "levels_without_evidence": neutral_a})
    person_model = save_model(models_dir, "person_model", settings_p,
                              {**base, "records": n_p, "levels_without_evidence": neutral_p})
    return address_model, person_model


def choose_and_save_thresholds(models_dir: Path, address_model: LinkageModel, person_model: LinkageModel,
                               worlds: list[Any], trained_on: str) -> dict[str, Any]:
    """decision.json: thresholds chosen on `worlds` (SearchWorld), or the defaults without any."""
    from streetlink.decide.search import BAND_PRECISION, PRECISION_TARGETS, choose_thresholds, rule_precision

    if worlds:
        thresholds, trace = choose_thresholds(worlds)
        rules = rule_precision(worlds, thresholds)
        why = ("chosen on the ground truth of the worlds listed: each threshold in turn set to the value "
               "best for its objective in the worst world among those keeping every world at the targets "
               f"and right at least {BAND_PRECISION:.1%} of the time, in every world, on what they dispatch "
               "beyond each other value's placements")
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
    if decision.get("rules_measured"):
        lines += ["", f"Per-rule figures: {decision['rules_measured']}."]
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
    labels = decision.get("labels")
    if labels:
        lines += _label_card(labels)
    path = Path(models_dir) / "MODEL_CARD.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _label_card(labels: dict[str, Any]) -> list[str]:
    """The model card's account of a training from the streets' answers."""
    def pct(v: float | None) -> str:
        return "–" if v is None else f"{v:.4%}"

    b, a = labels["before"]["overall"], labels["after"]["overall"]
    lines = ["", "## Learnt from the streets' answers", "",
             f"- Labelled nights: {', '.join(f'{n} ({k} records)' for n, k in sorted(labels['nights'].items()))}.",
             f"- Models these answers judged: {labels['from_models']}.",
             f"- Confirmed pairs used to re-estimate m (blended with the trained m): {labels['m_pairs']}.",
             f"- A rule's thresholds move only on at least {labels['min_answers']} answers.",
             f"- Thresholds changed: {labels['changed'] or 'none'}.",
             "", "On the labelled nights (answered records only):", "",
             "| | dispatch rate | committee precision | street precision |", "|---|---|---|---|",
             f"| before (models and thresholds in force) | {pct(b['dispatch_rate'])} | {pct(b['committee_precision'])} | "
             f"{pct(b['street_precision'])} |",
             f"| after (this set) | {pct(a['dispatch_rate'])} | {pct(a['committee_precision'])} | "
             f"{pct(a['street_precision'])} |",
             "", "| rule | labelled records before | after | enough answers | committee precision after |",
             "|---|---|---|---|---|"]
    for name, after in labels["after"]["rules"].items():
        before = labels["before"]["rules"].get(name, {})
        n_after = after.get("records", 0)
        lines.append(f"| `{name}` | {before.get('records', 0)} | {n_after} | "
                     f"{'yes' if n_after >= labels['min_answers'] else 'no'} | {pct(after.get('committee_precision'))} |")
    return lines


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
            sql.run(con, _SQL, "training_truth", [str(truth_path)])
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


# Measured from labels: committee and street (what the streets' answers say). Person and
# dwelling links are not judged here: their truth is not in the answers for unlinked records.
LABEL_TARGETS = {"committee_precision": 0.9995, "street_precision": 0.9995}
# Thresholds whose objective (person or dwelling recall) labels cannot measure keep their value.
_NOT_FROM_LABELS_OBJECTIVES = ("person_recall", "dwelling_recall")


def _labelled_pairs(con: duckdb.DuckDBPyConnection, warehouse: str, nights: list[tuple[str, Path]]) -> None:
    """All labelled nights' records (features) and their confirmed pairs, in `con`."""
    for table in ("staged_records", "records_std"):
        paths = [str(path / "internal" / "decide_inputs" / f"{table}.parquet") for _, path in nights]
        sql.run(con, _SQL, "labelled_night_records", {"paths": paths}, table=table)
    register_place_pinyin(con)
    sql.run(con, _SQL, "create_table_as", table="address_records",
            query=address_records_sql(registry=f"{warehouse}.dwelling_features"))
    sql.run(con, _SQL, "create_table_as", table="person_records",
            query=person_records_sql(population=f"{warehouse}.person_features"))
    sql.run(con, _SQL, "address_label_pairs")
    sql.run(con, _SQL, "person_label_pairs")


def train_from_labels(out: Path, models_from: Path, staging: Path, *, min_answers: int = 50,
                      reestimate_m: bool = True) -> dict[str, Any]:
    """A new model set in `staging` from the streets' answers to the nights under `out`.

    m of both models re-estimated from the confirmed pairs (blended with the trained m);
    the labelled nights re-scored with them; the decision thresholds chosen on the labels
    (``streetlink.decide.search``, evidence 'labels': the registered-home rule included,
    each rule's precision resting on at least `min_answers` answers). Nothing is installed:
    the caller swaps `staging` in where the user asked, never over the committed models on
    its own. Returns what changed, for the model card and the command line.
    """
    from streetlink.config import connect
    from streetlink.decide.labelled import close_worlds, label_worlds
    from streetlink.decide.search import BAND_PRECISION, choose_thresholds, rule_precision
    from streetlink.decide.thresholds import THRESHOLDS as DECLARED
    from streetlink.decide.thresholds import load_decision
    from streetlink.errors import StreetlinkError
    from streetlink.evaluate.metrics import score_tables
    from streetlink.link import link_night
    from streetlink.link.models import load_model
    from streetlink.link.splink_engine import m_from_labels
    from streetlink.replies.evidence import label_evidence
    from streetlink.replies.ledger import attached_ledger, ledger_path
    from streetlink.replies.settings import load_settings

    out, staging = Path(out), Path(staging)
    warehouse = out / "warehouse.duckdb"
    decision = load_decision(models_from)
    before_values = decision["thresholds"]
    settings = load_settings()
    band_share = settings.min_band_answered_share
    worlds, counts = label_worlds(out, warehouse, staging.parent / f"{staging.name}-scratch")
    if not worlds:
        raise StreetlinkError(f"no labelled night under {out}: replies must have been read into "
                              f"{ledger_path(out)} for nights that kept internal/decide_inputs/")
    try:
        def overall(values: dict[str, Any]) -> dict[str, Any]:
            from streetlink.decide import apply_rules, build_evidence

            total: dict[str, list[int]] = {}
            for w in worlds:
                build_evidence(w.con, w.warehouse, values)
                apply_rules(w.con, w.warehouse, values)
                for k, r in score_tables(w.con, "decisions", w.truth)[None].items():
                    c, o = total.get(k, [0, 0])
                    total[k] = [c + r.count, o + r.of]
            return {k: (c / o if o else None) for k, (c, o) in total.items()
                    if k in ("dispatch_rate", "committee_precision", "street_precision")}

        before = {"overall": overall(before_values), "rules": rule_precision(worlds, before_values)}
        address_model = load_model(models_from, "address_model")
        person_model = load_model(models_from, "person_model")
        m_pairs = {"address_model": 0, "person_model": 0}
        staging.mkdir(parents=True, exist_ok=True)
        if reestimate_m:
            con = connect(staging.parent / f"{staging.name}-pairs.duckdb")
            try:
                sql.run(con, "streetlink.engine", "attach_read_only", path=warehouse, alias="wh")
                with attached_ledger(con, ledger_path(out)) as ledger:
                    label_evidence(con, max(dt.date.fromisoformat(n) for n in counts), ledger=ledger)
                _labelled_pairs(con, "wh", [(n, out / n) for n in counts])
                tf = {}
                for column in PERSON_SPEC.tf_columns:
                    sql.run(con, _SQL, "temp_copy_of", table=f"tf_{column}", source=f"wh.tf_{column}")
                    tf[column] = f"tf_{column}"
                settings_a, m_pairs["address_model"] = m_from_labels(
                    con, address_model.splink_settings, "address_records", "wh.dwelling_features",
                    "address_label_pairs")
                settings_p, m_pairs["person_model"] = m_from_labels(
                    con, person_model.splink_settings, "person_records", "wh.person_features",
                    "person_label_pairs", tf)
            finally:
                con.close()
                (staging.parent / f"{staging.name}-pairs.duckdb").unlink(missing_ok=True)
            labels_note = {"labelled_pairs": m_pairs, "nights": sorted(counts)}
            address_model = save_model(staging, "address_model", settings_a,
                                       {**address_model.training, "labels": labels_note})
            person_model = save_model(staging, "person_model", settings_p,
                                      {**person_model.training, "labels": labels_note})
        else:
            for m in (address_model, person_model):
                save_model(staging, m.name, m.splink_settings, m.training)
        for w in worlds:  # the labelled nights as the new models see them
            link_night(w.con, w.warehouse, staging)
        searched = tuple(n for n, t in DECLARED.items()
                         if t.objective not in _NOT_FROM_LABELS_OBJECTIVES and t.grid)
        values, trace = choose_thresholds(worlds, start=before_values, targets=LABEL_TARGETS, evidence="labels",
                                          names=searched, min_records_per_rule=min_answers,
                                          band_answered_share=band_share, band_proof_z=settings.wilson_z)
        after = {"overall": overall(values), "rules": rule_precision(worlds, values)}
    finally:
        close_worlds(worlds)
    changed = {k: (before_values[k], v) for k, v in values.items() if v != before_values[k]}
    payload = {
        "thresholds": values, "trained_on": "labels",
        "why": (f"chosen on the streets' answers to {len(counts)} labelled nights ({', '.join(sorted(counts))}): "
                f"each threshold the labels can judge set to the value best for the dispatch rate while every "
                f"night kept {LABEL_TARGETS} and each rule it moves rests on at least {min_answers} answers "
                f"and meets the committee precision target on them by itself, and what the value dispatches "
                f"beyond each other value's placements is right at least {BAND_PRECISION:.1%} of the time on its answered "
                f"records, judged only when at least {band_share:.0%} of them have an answer; and a value moves away "
                f"from the current one only when what it adds, on all labelled nights together, is proven right at "
                f"least {BAND_PRECISION:.1%} of the time (Wilson lower bound, z = {settings.wilson_z:.2f})"),
        "targets": LABEL_TARGETS, "worlds": [w.name for w in worlds], "search": trace,
        "rules": after["rules"], "address_model": address_model.version, "person_model": person_model.version,
        "labels": {"nights": counts, "min_answers": min_answers, "min_band_answered_share": band_share,
                   "band_proof_z": settings.wilson_z, "m_pairs": m_pairs, "changed": changed,
                   "before": before, "after": after,
                   "from_models": {"address_model": decision.get("address_model"),
                                   "person_model": decision.get("person_model")}},
    }
    save_decision(staging, payload)
    write_model_card(staging, address_model, person_model, payload)
    return payload
