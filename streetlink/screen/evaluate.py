"""Run a rule set on a night's screening base: travel ties, two passes of rules, priorities.

``evaluate_base`` is the one place rules are applied; the nightly stage
(``screen_night``) and the replay of a rule change (``diff_rules``) both call it, so a
replay shows exactly what the run would have done.

    screen_base ──(key areas)──> travel.*
                └─ pass 1: rules that do not read household.* ──> case priorities
                   └──(urgent cases sharing a dwelling)──> household.*
                      └─ pass 2: rules that read household.* ──> screen_results
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from streetlink import sql
from streetlink.screen.areas import AreaMatcher
from streetlink.screen.fields import FIELDS, KEPT_NAMESPACES, struct_type
from streetlink.screen.rules import Rule, RuleError, RuleSet, wrap

__all__ = ["base_from_rows", "check_floor", "evaluate_base", "rules_fragment"]

log = logging.getLogger(__name__)

PACKAGE = "streetlink.screen"


def rules_fragment(rules: Sequence[Rule]) -> str:
    """The ``{{rules:sql}}`` of fire_rules: each record's list of the rules (orders) it fires."""
    if not rules:
        return "[]::INTEGER[]"
    items = ",\n".join(f"CASE WHEN coalesce({wrap(r.condition)}, false) THEN {r.order} END" for r in rules)
    return f"list_filter([\n{items}\n]::INTEGER[], lambda x: x IS NOT NULL)"


def _table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    view = f"{name}_arrow"
    con.register(view, table)
    try:
        sql.run(con, PACKAGE, "table_from_view", target=name, view=view)
    finally:
        con.unregister(view)


def _load_ruleset_tables(con: duckdb.DuckDBPyConnection, rs: RuleSet) -> None:
    shows_area = [any(r.startswith("travel.key_area") for r in rule.reads) for rule in rs.rules]
    _table(con, "screen_rule_table", pa.table({
        "rule_order": pa.array([r.order for r in rs.rules], pa.int32()),
        "name": [r.name for r in rs.rules],
        "title": [r.title for r in rs.rules],
        "priority": [r.priority for r in rs.rules],
        "rank": pa.array([rs.priorities[r.priority].rank for r in rs.rules], pa.int32()),
        "deadline_hours": pa.array([r.deadline_hours for r in rs.rules], pa.float64()),
        "shows_area": shows_area,
    }))
    prios = list(rs.priorities.values())
    _table(con, "screen_priority_table", pa.table({
        "name": [p.name for p in prios], "label": [p.label for p in prios],
        "rank": pa.array([p.rank for p in prios], pa.int32()),
        "deadline_hours": pa.array([p.deadline_hours for p in prios], pa.float64()),
    }))
    _table(con, "screen_area_table", pa.table({
        "area_index": pa.array([a.index for a in rs.key_areas], pa.int32()),
        "label": pa.array([a.label for a in rs.key_areas], pa.string()),
        "from_date": pa.array([a.from_date for a in rs.key_areas], pa.date32()),
        "to_date": pa.array([a.to_date for a in rs.key_areas], pa.date32()),
    }))


def _match_areas(con: duckdb.DuckDBPyConnection, rs: RuleSet, base: str) -> int:
    texts = [row[0] for row in sql.run(con, PACKAGE, "distinct_match_texts", base=base).fetchall()]
    hits = AreaMatcher(rs.key_areas).match_all(texts)
    pairs = [(t, i) for t, found in hits.items() for i in found]
    _table(con, "screen_area_hits", pa.table({
        "text": pa.array([p[0] for p in pairs], pa.string()),
        "area_index": pa.array([p[1] for p in pairs], pa.int32()),
    }))
    return len(hits)


def _fire(con: duckdb.DuckDBPyConnection, rules: Sequence[Rule], out: str) -> None:
    sql.run(con, PACKAGE, "fire_rules", fired=out, rules=rules_fragment(rules))


def _rank(con: duckdb.DuckDBPyConnection, base: str) -> None:
    sql.run(con, PACKAGE, "rank_cases", base=base, rules="screen_rule_table",
            priorities="screen_priority_table")


def evaluate_base(con: duckdb.DuckDBPyConnection, rs: RuleSet, base: str = "screen_base",
                  results: str = "screen_results", check: bool = True) -> dict[str, Any]:
    """Apply `rs` to the screening base `base`; create `results` (one row per record).

    With `check`, a symptomatic health-cloud report or a record tied to a key area inside
    its window that ends `normal` fails (RuleError): OUTPUTS.md forbids it.
    """
    night = sql.run(con, PACKAGE, "base_night", base=base).fetchall()[0][0]
    if night is None:
        night = dt.date.today()  # an empty night: nothing is evaluated, any date will do
    _load_ruleset_tables(con, rs)
    texts_named = _match_areas(con, rs, base)
    fragments = {t: struct_type(t) for t in ("travel", "household")}
    sql.run(con, PACKAGE, "tie_key_areas", {"incubation_days": rs.parameters.incubation_days},
            base=base, hits="screen_area_hits", areas="screen_area_table", travel_type=fragments["travel"])
    sql.run(con, PACKAGE, "empty_table", target="screen_household", columns="record_id VARCHAR, urgent_cases INTEGER")
    sql.run(con, PACKAGE, "screen_input", base=base, household_type=fragments["household"])
    first = [r for r in rs.rules if not r.second_pass]
    second = [r for r in rs.rules if r.second_pass]
    _fire(con, first, "screen_fired_1")
    _fire(con, [], "screen_fired_2")
    _rank(con, base)
    sql.run(con, PACKAGE, "household_urgent", base=base)
    if second:
        _fire(con, second, "screen_fired_2")
        _rank(con, base)
    sql.run(con, PACKAGE, "screen_results", {"dispatch_at": rs.parameters.dispatch_at(night)},
            base=base, results=results, rules="screen_rule_table")
    if check:
        _check_floor_on(con, base, results)
    return {"texts_naming_key_areas": texts_named}


def _check_floor_on(con: duckdb.DuckDBPyConnection, base: str, results: str) -> None:
    symptomatic, tied = sql.run(con, PACKAGE, "floor_violations", base=base, results=results).fetchall()[0]
    if symptomatic or tied:
        raise RuleError(
            f"the screening rules leave {symptomatic} symptomatic health-cloud report(s) and {tied} "
            "record(s) tied to a key area inside its window at priority normal (OUTPUTS.md: never normal)")


# ---- tiny bases: the rule file's self-check and the tests -----------------------------

_BASE_DEFAULTS: dict[str, Any] = {
    "case_id": None, "case_key": None, "continued": False, "open_case_rank": None,
    "open_case_deadline": None, "person_id": None, "home_id": None, "open_urgent_cases": [],
    "match_texts": [],
}


def _struct_json(namespace: str, values: dict[str, Any] | None) -> str:
    values = dict(values or {})
    names = [f.name for f in FIELDS[namespace]]
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise KeyError(f"{namespace} has no field(s) {unknown}")
    return json.dumps({n: values.get(n) for n in names}, ensure_ascii=False, default=str)


def base_from_rows(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]],
                   table: str = "screen_base") -> None:
    """A screening base from hand-written rows (missing fields null, as for an unlinked record).

    Each row: ``record_id`` and optionally the base columns (case_id defaults to one case
    per record) and dicts ``record``, ``person``, ``dwelling``, ``history``.
    """
    columns = ", ".join(
        ["record_id VARCHAR", "case_id VARCHAR", "case_key VARCHAR", "continued BOOLEAN",
         "open_case_rank INTEGER", "open_case_deadline TIMESTAMP", "person_id VARCHAR", "home_id VARCHAR",
         "open_urgent_cases VARCHAR[]", 'match_texts STRUCT(via VARCHAR, "text" VARCHAR)[]']
        + [f'"{ns}" {struct_type(ns)}' for ns in KEPT_NAMESPACES])
    sql.run(con, PACKAGE, "base_table", target=table, columns=columns)
    types = {f"{ns}_type": struct_type(ns) for ns in KEPT_NAMESPACES}
    for i, row in enumerate(rows):
        extra = sorted(set(row) - set(_BASE_DEFAULTS) - {"record_id", *KEPT_NAMESPACES})
        if extra:
            raise KeyError(f"base row {i}: unknown column(s) {extra}")
        r = {**_BASE_DEFAULTS, **row}
        record = {"night": "2026-11-24", "decision": "dispatched", "has_symptoms": False, "person_linked": False,
                  **(r.get("record") or {})}
        params = {k: r[k] for k in _BASE_DEFAULTS if k != "match_texts"}
        params |= {"record_id": r["record_id"], "case_id": r["case_id"] or f"C20261124-{i:010X}",
                   "case_key": r["case_key"] or f"R|{r['record_id']}",
                   "match_texts": json.dumps(r["match_texts"], ensure_ascii=False),
                   "record": _struct_json("record", record)}
        params |= {ns: _struct_json(ns, r.get(ns)) for ns in KEPT_NAMESPACES[1:]}
        sql.run(con, PACKAGE, "base_row", params, target=table, **types)


def check_floor(rs: RuleSet) -> None:
    """Probe `rs` with records OUTPUTS.md says are never normal; refuse it if one ends normal.

    Probes: a health-cloud report with one ordinary symptom (linked or not), and a record
    of each source naming the first listed key area on the first day it is listed.
    """
    probes: list[dict[str, Any]] = []
    night = "2026-11-24"
    for linked in (False, True):
        probes.append({"record_id": f"probe:symptoms:{linked}", "record": {
            "source": "healthcloud", "symptoms": ["咳嗽"], "has_symptoms": True, "person_linked": linked,
            "night": night, "event_time": f"{night} 09:00:00"}, "person": {"linked": linked}})
    if rs.key_areas:
        area = rs.key_areas[0]
        day = area.from_date.isoformat()
        for source, via, text in (("healthcloud", "旅居史", area.label), ("checkpoint", "出发地", area.label),
                                  ("hotline", "诉求内容", f"家属从{area.label}返沪")):
            probes.append({"record_id": f"probe:key_area:{source}", "match_texts": [{"via": via, "text": text}],
                           "record": {"source": source, "night": day, "event_time": f"{day} 09:00:00"}})
    con = duckdb.connect()
    try:
        base_from_rows(con, probes, "probe_base")
        evaluate_base(con, rs, base="probe_base", results="probe_results", check=False)
        left = [r[0] for r in sql.run(con, PACKAGE, "normal_records", results="probe_results").fetchall()]
    finally:
        con.close()
    if left:
        what = "a symptomatic health-cloud report" if any("symptoms" in p for p in left) else \
            "a record tied to a key area inside its window"
        raise RuleError(f"{rs.path.name}: the rules leave {what} at priority normal ({', '.join(left)}); "
                        "OUTPUTS.md: never normal — keep rules like symptoms_reported and key_area_arrival")
