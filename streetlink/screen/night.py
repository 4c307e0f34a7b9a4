"""The screen stage of one night, run on the run database after decide."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from streetlink import sql
from streetlink.contracts import enforce
from streetlink.contracts.screen import CASE_ROWS, CASES, OPEN_ITEMS_READ, SCREEN_BASE
from streetlink.screen.evaluate import PACKAGE, check_floor, evaluate_base
from streetlink.screen.fields import struct_type
from streetlink.screen.funnel import compute_funnel
from streetlink.screen.rules import RuleSet, read_rules

__all__ = ["build_case_outputs", "build_screen_base", "empty_open_items", "load_rules", "screen_night"]

log = logging.getLogger(__name__)


def load_rules(path: Path | None = None) -> RuleSet:
    """Read and check a rule file whole (syntax, fields, key areas, the never-normal floor).

    Call it before the night's first step: a bad file then fails the run before anything
    is written, with one line naming the rule.
    """
    rs = read_rules(path)
    check_floor(rs)
    log.info("screening rules %s (sha256 %s…): %d rules, %d key areas", rs.version, rs.sha256[:12],
             len(rs.rules), len(rs.key_areas))
    return rs


def empty_open_items(con: duckdb.DuckDBPyConnection, name: str = "screen_no_open_items") -> str:
    """An empty table with the open-item columns (a first night, or no ledger yet)."""
    cols = ", ".join(f'"{c.name}" {c.dtype}' for c in OPEN_ITEMS_READ.columns)
    sql.run(con, PACKAGE, "empty_table", target=name, columns=cols)
    return name


def build_screen_base(con: duckdb.DuckDBPyConnection, night: dt.date, rs: RuleSet, *,
                      warehouse: str = "wh", open_items: str | None = None,
                      decisions: str = "decisions", staged: str = "staged_records",
                      records_std: str = "records_std", base: str = "screen_base") -> None:
    """`base`: one row per decided record, what the rules read apart from key areas and household."""
    if open_items is None:
        open_items = empty_open_items(con)
    enforce(con, open_items, OPEN_ITEMS_READ)
    matters = pa.table({"category": pa.array(list(rs.hotline_matters), pa.string()),
                        "matter": pa.array(list(rs.hotline_matters.values()), pa.string())})
    con.register("screen_matters_arrow", matters)
    try:
        sql.run(con, PACKAGE, "table_from_view", target="screen_matters", view="screen_matters_arrow")
    finally:
        con.unregister("screen_matters_arrow")
    population = f"{warehouse}.population_std"
    sql.run(con, PACKAGE, "collect_records",
            {"night": night, "no_symptom_words": list(rs.parameters.no_symptom_words),
             "default_matter": rs.default_matter},
            decisions=decisions, staged=staged, records_std=records_std, matters="screen_matters",
            population=population)
    sql.run(con, PACKAGE, "collect_open_items", {"night": night}, open_items=open_items, population=population)
    sql.run(con, PACKAGE, "assign_cases", {"night": night})
    sql.run(con, PACKAGE, "case_history")
    sql.run(con, PACKAGE, "dwelling_facts", population=population)
    sql.run(con, PACKAGE, "build_base", base=base,
            **{f"{ns}_type": struct_type(ns) for ns in ("record", "person", "dwelling", "history")})
    enforce(con, base, SCREEN_BASE)


def build_case_outputs(con: duckdb.DuckDBPyConnection, results: str = "screen_results",
                       cases: str = "cases", case_rows: str = "case_rows") -> None:
    """`cases` (cases.parquet) and `case_rows` (one row per case and committee) from the results."""
    sql.run(con, PACKAGE, "cases_output", results=results, cases=cases)
    enforce(con, cases, CASES)
    sql.run(con, PACKAGE, "case_rows", results=results, case_rows=case_rows, rules="screen_rule_table",
            priorities="screen_priority_table")
    enforce(con, case_rows, CASE_ROWS)


def screen_night(con: duckdb.DuckDBPyConnection, night: dt.date, rules: RuleSet | Path | None = None, *,
                 warehouse: str = "wh", open_items: str | None = None,
                 decisions: str = "decisions", staged: str = "staged_records",
                 records_std: str = "records_std") -> dict[str, Any]:
    """Screen the night's decided records: cases, priorities, deadlines, the funnel.

    Reads `decisions`, `staged_records`, `records_std` (run database), ``<warehouse>.population_std``
    and `open_items` (a table/view with the OPEN_ITEMS columns; None: none open). Creates
    `screen_base` (kept as internal/screen_input.parquet), `screen_results`, `cases`
    (contract CASES) and `case_rows` (contract CASE_ROWS). Returns a JSON-able summary:
    the rules in force, the funnel and the counts per rule.
    """
    rs = rules if isinstance(rules, RuleSet) else load_rules(rules)
    build_screen_base(con, night, rs, warehouse=warehouse, open_items=open_items, decisions=decisions,
                      staged=staged, records_std=records_std)
    matched = evaluate_base(con, rs)
    build_case_outputs(con)
    funnel = compute_funnel(con, rs, night, decisions=decisions)
    log.info("screened %d records: %d fired a rule, %d cases; pushed %d, of which %d urgent in %d "
             "emergency orders", funnel["stages"]["received"], funnel["stages"]["screened"],
             funnel["cases"]["total"], funnel["stages"]["pushed"], funnel["pushed_by_priority"]["urgent"],
             funnel["stages"]["emergency_orders"])
    return {"rules": rs.info(), "funnel": funnel, **matched}
