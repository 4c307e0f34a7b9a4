"""The record path: every staged record's address → its parts, set-based around the parser.

``RECORD_STEPS``: the night's DISTINCT (address, context, source, street field) are
selected in SQL, the DISTINCT street fields resolved to codes, each address parsed once in
Python (``parse_address``: reading free Chinese text is tokenising, not a column
expression; the street field only completes a road within the stated street), and the
parts joined back to every record in SQL (records.sql).

    standardise_record_addresses(con, staged, out, gazetteer) → rows in ``out``
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from streetlink import sql
from streetlink.standardise.addresses.parse import parse_address
from streetlink.standardise.addresses.steps import Step, run_steps
from streetlink.standardise.gazetteer import Gazetteer
from streetlink.standardise.places import resolve_street

__all__ = ["RECORD_COLUMNS", "RECORD_STEPS", "standardise_record_addresses"]

log = logging.getLogger(__name__)

_SQL = "streetlink.standardise.addresses"
# The parser's columns a record gets (records.sql selects them by name, in this order).
RECORD_COLUMNS = (
    "address_clean", "addr_scope", "outside_place", "street_code_text", "community", "road",
    "lane", "sub_lane", "number", "building", "unit", "room", "village", "group_no",
    "addr_precision", "road_raw", "committee", "committee_code_text", "address_key", "community_base",
)
_CONTEXT_KIND = {"hotline": "text", "healthcloud": "divisions"}


@dataclass
class _RecordRun:
    con: duckdb.DuckDBPyConnection
    staged: str
    out: str
    gazetteer: Gazetteer | None
    parsed: pa.Table | None = None
    hints: pa.Table | None = None
    distinct: int = 0
    rows: int = 0


def _select_distinct(r: _RecordRun) -> None:
    sql.run(r.con, _SQL, "select_distinct_addresses", staged=r.staged)


def _parse_distinct(r: _RecordRun) -> None:
    rows = sql.run(r.con, _SQL, "read_distinct_addresses").fetchall()
    hints = dict(zip(r.hints.column("street_hint").to_pylist(), r.hints.column("street_code_hint").to_pylist()))
    columns: dict[str, list] = {"addr_id": []}
    columns.update({c: [] for c in RECORD_COLUMNS})
    columns["address_notes"] = []
    for addr_id, address, context, source, hint in rows:
        parts = parse_address(address, r.gazetteer, context, context_kind=_CONTEXT_KIND.get(source),
                              street_hint=hints.get(hint))
        columns["addr_id"].append(addr_id)
        for c in RECORD_COLUMNS:
            columns[c].append(getattr(parts, c))
        columns["address_notes"].append("; ".join(parts.notes) or None)
    r.parsed = pa.table({
        name: pa.array(values, pa.int64() if name == "addr_id" else pa.string())
        for name, values in columns.items()
    })
    r.distinct = len(rows)


def _resolve_hints(r: _RecordRun) -> None:
    hints = sql.run(r.con, _SQL, "select_distinct_street_hints", staged=r.staged).fetchall()
    r.hints = pa.table({
        "street_hint": pa.array([h for (h,) in hints], pa.string()),
        "street_code_hint": pa.array([resolve_street(h) for (h,) in hints], pa.string()),
    })


def _join_back(r: _RecordRun) -> None:
    r.con.register("_addr_parsed", r.parsed)
    r.con.register("_addr_hints", r.hints)
    try:
        sql.run(r.con, _SQL, "join_parts_to_records", staged=r.staged, out=r.out)
    finally:
        r.con.unregister("_addr_parsed")
        r.con.unregister("_addr_hints")
        sql.run(r.con, _SQL, "drop_distinct_addresses")
    r.rows = sql.run(r.con, _SQL, "count_rows", table=r.out).fetchall()[0][0]


RECORD_STEPS = (
    Step("select_distinct_addresses", "each (address, context, source, street field) of the night once",
         _select_distinct, kind="sql"),
    Step("resolve_street_hints", "each distinct street field (所属街镇, residence.street) → street code",
         _resolve_hints),
    Step("parse_distinct_addresses", "PARSE_STEPS on each distinct address, with its street field's code",
         _parse_distinct),
    Step("join_parts_to_records", "the parts and the hint's code joined back to every record",
         _join_back, kind="sql"),
)


def standardise_record_addresses(
    con: duckdb.DuckDBPyConnection,
    staged: str = "staged_records",
    out: str = "records_address",
    gazetteer: Gazetteer | None = None,
) -> int:
    """Parse every staged record's address into ``out`` (one row per record); returns rows.

    Columns: record_id, the RECORDS_STD address columns, street_code_hint (the staged
    street_hint resolved like a street in the text), and extras road_raw, committee,
    committee_code_text, address_key, community_base, address_notes. Only DISTINCT
    (address, context, source, street field) are parsed.
    """
    for name in (staged, out):
        sql.identifier(name)  # a bad name fails before any work is done
    run = run_steps(RECORD_STEPS, _RecordRun(con, staged, out, gazetteer))
    log.info("standardised %d record addresses (%d distinct parsed) into %s", run.rows, run.distinct, out)
    return run.rows
