"""Summarise a night for the auditors: rates, the count reconciliation, reasons, provenance.

Input: ``decisions``, ``staged_records``, ``admin`` and (if present) ``records_std`` on the
run's DuckDB connection, plus the flow's ``RunInfo``. Output: a JSON-serialisable dict
(written as ``summary.json`` beside the HTML; the next nights read it for the trend).
Personal data appears only masked (the review sample).

Definitions shown in the report:
* match rate = dispatched / records (overall and per source);
* a street's match rate = dispatched to it / (dispatched to it + review records whose most
  likely street is it); review records with no likely street are counted apart;
* a source reconciles when rows read − duplicates collapsed = staged records = records
  with a decision = dispatched + review + rejected, and no decision lacks a staged record.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import duckdb

from streetlink.contracts import BASES, REASONS, SOURCE_NAMES, SOURCES
from streetlink.dispatch.sql import load_sql, table_exists, table_ref
from streetlink.report.masking import mask_id, mask_name, mask_phone
from streetlink.report.run_info import RunInfo

__all__ = ["REVIEW_SAMPLE_SIZE", "SUMMARY_SCHEMA", "summarise_run"]

log = logging.getLogger(__name__)

SUMMARY_SCHEMA = "streetlink.run_summary/1"
REVIEW_SAMPLE_SIZE = 12
_SAMPLE_PER_REASON = 2
SQL_DIR = Path(__file__).parent
_PRECISION_LABELS = {
    "room": "室", "building": "楼栋", "lane": "弄", "road": "路", "village_group": "村组",
    "village": "村", "community": "小区", "street": "街镇", "none": "无",
}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def _sources(con, run_info: RunInfo, decisions: str, staged: str) -> list[dict[str, Any]]:
    sql = load_sql(SQL_DIR / "sources.sql", decisions=decisions, staged=staged)
    rows = _rows(con, sql, [list(SOURCE_NAMES)])
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
            "match_rate": _rate(r["dispatched"], r["decided"]),
            "reconciled": (rows_read - duplicates == r["records"] == r["decided"] == outcomes
                           and r["undecided"] == 0 and r["orphans"] == 0),
        })
    return out


def _totals(sources: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("rows_read", "duplicates_collapsed", "expected_records", "records", "decided",
            "dispatched", "review", "rejected", "undecided", "orphan_decisions",
            "dispatched_to_dwelling", "person_linked")
    totals: dict[str, Any] = {k: sum(s[k] for s in sources) for k in keys}
    totals["match_rate"] = _rate(totals["dispatched"], totals["decided"])
    totals["reconciled"] = all(s["reconciled"] for s in sources)
    return totals


def _streets(con, attribution: str, decisions: str, admin: str) -> tuple[list[dict], int]:
    rows = _rows(con, f"""
        WITH attributed AS (
            SELECT street_code, decision, committee_code FROM {table_ref(decisions)}
            WHERE decision = 'dispatched'
            UNION ALL
            SELECT street_code, 'review', NULL FROM ({attribution})
        ),
        streets AS (
            SELECT street_code, min(street_name) AS street_name, count(*) AS committees
            FROM {table_ref(admin)} GROUP BY street_code
        )
        SELECT s.street_code, s.street_name, s.committees,
               count(x.decision) FILTER (WHERE x.decision = 'dispatched') AS dispatched,
               count(x.decision) FILTER (WHERE x.decision = 'review') AS review,
               count(DISTINCT x.committee_code) AS committees_reached
        FROM streets AS s LEFT JOIN attributed AS x USING (street_code)
        GROUP BY ALL ORDER BY s.street_code
    """)
    streets = [{
        "street_code": r["street_code"], "street_name": r["street_name"],
        "committees": int(r["committees"]), "committees_reached": int(r["committees_reached"]),
        "dispatched": int(r["dispatched"]), "review": int(r["review"]),
        "match_rate": _rate(r["dispatched"], r["dispatched"] + r["review"]),
    } for r in rows]
    review_total = con.execute(f"SELECT count(*) FROM ({attribution})").fetchone()[0]
    return streets, int(review_total) - sum(s["review"] for s in streets)


def _reasons(con, decisions: str) -> list[dict[str, Any]]:
    rows = con.execute(f"""
        SELECT decision, reason, count(*) AS n FROM {table_ref(decisions)}
        WHERE decision IN ('review', 'rejected') GROUP BY ALL
        ORDER BY decision, n DESC, reason
    """).fetchall()
    return [{"decision": d, "code": code, "label": REASONS.get(code, (None, "未知原因"))[1], "count": int(n)}
            for d, code, n in rows]


def _bases(con, decisions: str) -> list[dict[str, Any]]:
    rows = con.execute(f"""
        SELECT basis, count(*) AS n FROM {table_ref(decisions)}
        WHERE decision = 'dispatched' GROUP BY basis ORDER BY n DESC, basis
    """).fetchall()
    return [{"code": b, "label": BASES.get(b, "未注明依据"), "count": int(n)} for b, n in rows]


def _review_sample(con, attribution: str, decisions: str, staged: str, admin: str,
                   records_std: str | None) -> list[dict[str, Any]]:
    if records_std is not None:
        std_cols = "concat_ws(' ', s.community, s.road, s.village) AS place, s.addr_precision AS precision"
        std_join = f"LEFT JOIN {table_ref(records_std)} AS s USING (record_id)"
    else:
        std_cols, std_join = "NULL AS place, NULL AS precision", ""
    rows = _rows(con, f"""
        SELECT d.record_id, d.source, d.reason, st.name, st.id_number, st.phone, {std_cols},
               a.street_name, a.committee_name, t.top_probability
        FROM ({attribution}) AS t
        JOIN {table_ref(decisions)} AS d USING (record_id)
        LEFT JOIN {table_ref(staged)} AS st USING (record_id)
        {std_join}
        LEFT JOIN {table_ref(admin)} AS a ON a.committee_code = t.top_committee_code
        QUALIFY row_number() OVER (PARTITION BY d.reason ORDER BY d.record_id) <= {_SAMPLE_PER_REASON}
        ORDER BY d.reason, d.record_id
        LIMIT {REVIEW_SAMPLE_SIZE}
    """)
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
    if records_std is not None and not table_exists(con, records_std):
        log.warning("no %s table: review attribution and sample go without standardised addresses",
                    records_std)
        records_std = None
    attribution = load_sql(SQL_DIR / "review_attribution.sql", decisions=decisions, admin=admin,
                           records_std=records_std or "no_records_std")
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
    }
    log.info("summary %s: %d records, match rate %s, reconciled %s, partial %s",
             summary["run_date"], summary["totals"]["records"], summary["totals"]["match_rate"],
             summary["totals"]["reconciled"], summary["partial"])
    return summary
