"""The night's funnel — received → linked → screened → pushed → emergency orders — as JSON.

Definitions (records unless said otherwise):

    received          every record of the night (the rows of links.parquet)
    linked            records with a registry link: a person or a dwelling, or placed at a
                      committee (dispatched)
    screened          records that fired at least one screening rule
    pushed            records dispatched to a committee (decision = dispatched)
    emergency_orders  应急派单: urgent case rows (one per case and committee) among the pushed

The stages are not nested (a review record may be screened; a pushed record may fire no
rule), so the funnel also carries the full cross-table decision × priority per source:
every record is in exactly one cell, which is what lets it reconcile with links.parquet
(``reconcile_funnel``). ``funnel_history`` reads earlier nights' funnels for the trend.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb

from streetlink import sql
from streetlink.contracts import DECISION_VALUES, SOURCE_NAMES
from streetlink.contracts.screen import PRIORITY_VALUES
from streetlink.screen.rules import RuleSet

__all__ = ["SUMMARY_FILE", "compute_funnel", "funnel_history", "reconcile_funnel"]

SUMMARY_FILE = "internal/screen_summary.json"  # under <out>/<date>/
PACKAGE = "streetlink.screen"
STAGES = ("received", "linked", "screened", "pushed", "emergency_orders")


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def compute_funnel(con: duckdb.DuckDBPyConnection, rs: RuleSet, night: dt.date, *,
                   decisions: str = "decisions", results: str = "screen_results",
                   case_rows: str = "case_rows") -> dict[str, Any]:
    cells = _rows(sql.run(con, PACKAGE, "funnel_by_source", results=results, decisions=decisions))
    cases = _rows(sql.run(con, PACKAGE, "funnel_cases", results=results, decisions=decisions,
                          case_rows=case_rows))[0]
    fired = {r["rule"]: r for r in _rows(sql.run(con, PACKAGE, "funnel_by_rule", results=results))}
    emergency_by_source = dict(sql.run(con, PACKAGE, "emergency_by_source", case_rows=case_rows).fetchall())

    by_source: dict[str, dict[str, int]] = {}
    cross: dict[str, dict[str, int]] = {d: dict.fromkeys(PRIORITY_VALUES, 0) for d in DECISION_VALUES}
    by_source_decision: dict[str, dict[str, int]] = {s: dict.fromkeys(DECISION_VALUES, 0) for s in SOURCE_NAMES}
    for s in SOURCE_NAMES:
        by_source[s] = {"received": 0, "linked": 0, "screened": 0, "pushed": 0, "pushed_urgent": 0,
                        "in_emergency_orders": emergency_by_source.get(s, 0)}
    for c in cells:
        src = by_source[c["source"]]
        src["received"] += c["records"]
        src["linked"] += c["linked"]
        src["screened"] += c["screened"]
        if c["decision"] == "dispatched":
            src["pushed"] += c["records"]
            if c["priority"] == "urgent":
                src["pushed_urgent"] += c["records"]
        cross[c["decision"]][c["priority"]] += c["records"]
        by_source_decision[c["source"]][c["decision"]] += c["records"]
    stages = {
        "received": sum(s["received"] for s in by_source.values()),
        "linked": sum(s["linked"] for s in by_source.values()),
        "screened": sum(s["screened"] for s in by_source.values()),
        "pushed": sum(s["pushed"] for s in by_source.values()),
        "emergency_orders": cases["emergency_rows"],
    }
    problems = []
    if cases["results_rows"] != cases["decision_rows"] or cases["results_not_decided"]:
        problems.append(f"screened {cases['results_rows']} records, decided {cases['decision_rows']}")
    if sum(sum(p.values()) for p in cross.values()) != stages["received"]:
        problems.append("decision × priority cells do not add up to the records received")
    return {
        "night": night.isoformat(),
        "rules_version": rs.version, "rules_sha256": rs.sha256, "key_areas_sha256": rs.key_areas_sha256,
        "stages": stages,
        "stages_by_source": by_source,
        "records_by_decision_priority": cross,
        "records_by_source_decision": by_source_decision,
        "pushed_by_priority": cross["dispatched"],
        "cases": {k: int(v) for k, v in cases.items()
                  if k not in ("results_rows", "decision_rows", "results_not_decided")}
                 | {"total": int(cases["cases"])},
        "by_rule": [{"rule": r.name, "title": r.title, "priority": r.priority,
                     "records": int(fired.get(r.name, {}).get("records", 0)),
                     "pushed": int(fired.get(r.name, {}).get("pushed", 0)),
                     "cases": int(fired.get(r.name, {}).get("cases", 0))} for r in rs.rules],
        "reconciled": not problems,
        "problems": problems,
    }


def reconcile_funnel(funnel: dict[str, Any], links: Path) -> list[str]:
    """Every way the funnel disagrees with links.parquet (empty: it reconciles)."""
    con = duckdb.connect()
    try:
        counts = sql.run(con, PACKAGE, "links_counts", links=links).fetchall()
    finally:
        con.close()
    problems = list(funnel.get("problems", []))
    expected: dict[str, dict[str, int]] = {}
    for source, decision, n in counts:
        expected.setdefault(source, dict.fromkeys(DECISION_VALUES, 0))[decision] = n
    got = funnel["records_by_source_decision"]
    for source in sorted(set(expected) | {s for s, d in got.items() if sum(d.values())}):
        for decision in DECISION_VALUES:
            e = expected.get(source, {}).get(decision, 0)
            g = got.get(source, {}).get(decision, 0)
            if e != g:
                problems.append(f"{source} {decision}: links.parquet {e}, funnel {g}")
    total = sum(sum(d.values()) for d in expected.values())
    if funnel["stages"]["received"] != total:
        problems.append(f"received {funnel['stages']['received']}, links.parquet has {total} records")
    dispatched = sum(d["dispatched"] for d in expected.values())
    if funnel["stages"]["pushed"] != dispatched:
        problems.append(f"pushed {funnel['stages']['pushed']}, links.parquet dispatched {dispatched}")
    return problems


def funnel_history(out: Path, before: dt.date, nights: int = 30) -> list[dict[str, Any]]:
    """The funnels of up to `nights` published nights before `before`, oldest first (for the trend)."""
    found = []
    for day in sorted(out.glob("????-??-??")):
        try:
            date = dt.date.fromisoformat(day.name)
        except ValueError:
            continue
        path = day / SUMMARY_FILE
        if date < before and path.is_file():
            summary = json.loads(path.read_text(encoding="utf-8"))
            found.append(summary["funnel"])
    return found[-nights:]
