"""Summarise a night for the auditors: rates, the count reconciliation, reasons, provenance.

Input: ``decisions``, ``staged_records``, ``admin`` and (if present) ``records_std`` on the
run's DuckDB connection, plus the flow's ``RunInfo``. Output: a JSON-serialisable dict
(written as ``summary.json`` beside the HTML; the next nights read it for the trend).
Personal data appears only masked (the review sample).

Definitions shown in the report (RATE_DEFINITIONS, rendered with the figures):
* overall rate (总体派发率) = dispatched / all records (``match_rate``; per source too);
* in-district rate (区内派发率) = dispatched / (all records − records whose place is outside
  Pudong), the records a Pudong street could receive at all (``in_district_rate``);
* a street's rate = dispatched to it / (dispatched to it + review records whose most
  likely street is it): an in-district rate, since a place outside Pudong belongs to no
  street; review records with no likely street are counted apart;
* a source reconciles when rows read − duplicates collapsed = staged records = records
  with a decision = dispatched + review + rejected, and no decision lacks a staged record.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb

from streetlink import sql
from streetlink.contracts import BASES, REASONS, SOURCE_NAMES, SOURCES
from streetlink.dispatch.tables import stand_in, table_exists
from streetlink.report.masking import mask_id, mask_name, mask_phone
from streetlink.report.run_info import RunInfo

__all__ = ["RATE_DEFINITIONS", "REVIEW_SAMPLE_SIZE", "SUMMARY_SCHEMA", "summarise_run"]

log = logging.getLogger(__name__)

SUMMARY_SCHEMA = "streetlink.run_summary/2"
RATE_DEFINITIONS = {
    "in_district_rate": ("区内派发率", "派发记录 ÷（全部记录 − 地址在浦东新区以外的记录）：浦东街镇能够接收的记录中派发出去的比例"),
    "match_rate": ("总体派发率", "派发记录 ÷ 全部记录（含地址在浦东新区以外、待复核和已拒绝的记录）"),
    "street_rate": ("街镇派发率", ("派发到该街镇的记录 ÷（派发到该街镇的记录 + 最可能属于该街镇的待复核记录）；"
                                  "浦东新区以外的记录不属于任何街镇，不计入")),
}
REVIEW_SAMPLE_SIZE = 12
_SAMPLE_PER_REASON = 2
PACKAGE = "streetlink.report"
_PRECISION_LABELS = {
    "room": "室", "building": "楼栋", "lane": "弄", "road": "路", "village_group": "村组",
    "village": "村", "community": "小区", "street": "街镇", "none": "无",
}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def _sources(con, run_info: RunInfo, decisions: str, staged: str) -> list[dict[str, Any]]:
    cursor = sql.run(con, PACKAGE, "sources", {"sources": list(SOURCE_NAMES)}, decisions=decisions, staged=staged)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, v)) for v in cursor.fetchall()]
    order = {s: i for i, s in enumerate(SOURCE_NAMES)}
    out = []
    for r in sorted(rows, key=lambda r: (order.get(r["source"], len(order)), r["source"])):
        source = r["source"]
        from_flow = source in run_info.rows_read
        rows_read = int(run_info.rows_read[source]) if from_flow else int(r["copies"])
        duplicates = int(run_info.duplicates_collapsed.get(source, r["duplicates"]))
        outcomes = r["dispatched"] + r["review"] + r["rejected"]
        out.append({
            "source": source,
            "label": SOURCES[source].label if source in SOURCES else source,
            "rows_read": rows_read,
            "rows_read_from": "flow" if from_flow else "staged_records",
            "duplicates_collapsed": duplicates,
            "expected_records": rows_read - duplicates,
            "records": int(r["records"]),
            "decided": int(r["decided"]),
            "dispatched": int(r["dispatched"]),
            "review": int(r["review"]),
            "rejected": int(r["rejected"]),
            "undecided": int(r["undecided"]),
            "orphan_decisions": int(r["orphans"]),
            "dispatched_to_dwelling": int(r["dispatched_to_dwelling"]),
            "person_linked": int(r["person_linked"]),
            "outside_pudong": int(r["outside_pudong"]),
            "match_rate": _rate(r["dispatched"], r["decided"]),
            "in_district_rate": _rate(r["dispatched"], r["decided"] - r["outside_pudong"]),
            "reconciled": (rows_read - duplicates == r["records"] == r["decided"] == outcomes
                           and r["undecided"] == 0 and r["orphans"] == 0),
        })
    return out


def _totals(sources: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("rows_read", "duplicates_collapsed", "expected_records", "records", "decided",
            "dispatched", "review", "rejected", "undecided", "orphan_decisions",
            "dispatched_to_dwelling", "person_linked", "outside_pudong")
    totals: dict[str, Any] = {k: sum(s[k] for s in sources) for k in keys}
    totals["match_rate"] = _rate(totals["dispatched"], totals["decided"])
    totals["in_district_rate"] = _rate(totals["dispatched"], totals["decided"] - totals["outside_pudong"])
    totals["reconciled"] = all(s["reconciled"] for s in sources)
    return totals


def _streets(con, attribution: str, decisions: str, admin: str) -> tuple[list[dict], int]:
    cursor = sql.run(con, PACKAGE, "streets", attribution=attribution, decisions=decisions, admin=admin)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, v)) for v in cursor.fetchall()]
    streets = [{
        "street_code": r["street_code"], "street_name": r["street_name"],
        "committees": int(r["committees"]), "committees_reached": int(r["committees_reached"]),
        "dispatched": int(r["dispatched"]), "review": int(r["review"]),
        "match_rate": _rate(r["dispatched"], r["dispatched"] + r["review"]),
    } for r in rows]
    review_total = con.execute(f"SELECT count(*) FROM {sql.identifier(attribution)}").fetchall()[0][0]
    return streets, int(review_total) - sum(s["review"] for s in streets)


def _reasons(con, decisions: str) -> list[dict[str, Any]]:
    rows = sql.run(con, PACKAGE, "reasons", decisions=decisions).fetchall()
    return [{"decision": d, "code": code, "label": REASONS.get(code, (None, "未知原因"))[1], "count": int(n)}
            for d, code, n in rows]


def _bases(con, decisions: str) -> list[dict[str, Any]]:
    rows = sql.run(con, PACKAGE, "bases", decisions=decisions).fetchall()
    return [{"code": b, "label": BASES.get(b, "未注明依据"), "count": int(n)} for b, n in rows]


def _review_sample(con, attribution: str, decisions: str, staged: str, admin: str,
                   records_std: str) -> list[dict[str, Any]]:
    cursor = sql.run(con, PACKAGE, "review_sample", {"per_reason": _SAMPLE_PER_REASON, "size": REVIEW_SAMPLE_SIZE},
                     attribution=attribution, decisions=decisions, staged=staged, admin=admin,
                     records_std=records_std)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, v)) for v in cursor.fetchall()]
    return [{
        "record_id": r["record_id"],
        "source": SOURCES[r["source"]].label if r["source"] in SOURCES else r["source"],
        "reason": r["reason"],
        "reason_label": REASONS.get(r["reason"], (None, "未知原因"))[1],
        "name": mask_name(r["name"]),
        "id_number": mask_id(r["id_number"]),
        "phone": mask_phone(r["phone"]),
        "place": r["place"] or None,
        "precision": _PRECISION_LABELS.get(r["precision"], r["precision"]),
        "top_candidate": (f"{r['street_name']}{r['committee_name']}" if r["committee_name"] else None),
        "top_probability": r["top_probability"],
    } for r in rows]


def summarise_run(
    con: duckdb.DuckDBPyConnection,
    run_info: RunInfo,
    decisions: str = "decisions",
    staged: str = "staged_records",
    admin: str = "admin",
    records_std: str | None = "records_std",
) -> dict[str, Any]:
    """The night's summary (see the module docstring for every definition)."""
    if records_std is None or not table_exists(con, records_std):
        log.warning("no %s table: review attribution and sample go without standardised addresses",
                    records_std)
        records_std = stand_in(con, "report_no_records_std", (
            "record_id", "street_code_text", "street_code_hint", "community", "road", "village", "addr_precision"))
    attribution = "report_review_attribution"
    sql.run(con, PACKAGE, "review_attribution", attribution=attribution, decisions=decisions, admin=admin,
            records_std=records_std)
    sources = _sources(con, run_info, decisions, staged)
    streets, unattributed = _streets(con, attribution, decisions, admin)
    info = run_info.to_dict()
    duration = None
    if run_info.started_at and run_info.finished_at:
        duration = round((run_info.finished_at - run_info.started_at).total_seconds(), 1)
    files = info["files"]
    summary = {
        "schema": SUMMARY_SCHEMA,
        "run_date": info["run_date"],
        "started_at": info["started_at"],
        "finished_at": info["finished_at"],
        "duration_seconds": duration,
        "partial": run_info.is_partial,
        "paths": info["paths"],
        "totals": _totals(sources),
        "sources": sources,
        "streets": streets,
        "unattributed_review": unattributed,
        "reasons": _reasons(con, decisions),
        "bases": _bases(con, decisions),
        "files": files,
        "failed_files": [f for f in files if f["status"] == "failed"],
        "ignored_files": [f for f in files if f["status"] == "ignored"],
        "models": info["models"],
        "registry": info["registry"],
        "stage_seconds": info["stage_seconds"],
        "review_sample": _review_sample(con, attribution, decisions, staged, admin, records_std),
        "rate_definitions": {k: {"name": n, "definition": d} for k, (n, d) in RATE_DEFINITIONS.items()},
    }
    log.info("summary %s: %d records, in-district rate %s, overall rate %s, reconciled %s, partial %s",
             summary["run_date"], summary["totals"]["records"], summary["totals"]["in_district_rate"],
             summary["totals"]["match_rate"], summary["totals"]["reconciled"], summary["partial"])
    return summary
