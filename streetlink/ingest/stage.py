"""Stage a night's records: raw per-source tables → one English-named table.

Input: an ``InboxBatch`` (per source, the raw all-text records of every file read).
Output, in the given DuckDB connection:
    raw_<source>    the raw records as read (Chinese headers, extra columns kept): audit
    staged_records  one row per record, contract ``STAGED_RECORDS`` (enforced)

Staging only renames (per ``streetlink.contracts.SOURCES``, the one header map), trims,
removes control characters and bounds each value's length; it collapses repeated source
ids (last file in name order, last row wins; ``n_copies`` counts the copies), parses the
event time, and marks the records rejected at ingest. Every row read is accounted for:
rows read = staged records + duplicates collapsed, per source.

The SQL lives in ``sql/`` next to this module, one small named step per file, run in
the order of ``_STEPS`` through ``streetlink.sql`` (the plumbing around them: steps.sql).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from streetlink import sql
from streetlink.contracts import SOURCE_NAMES, SOURCES, STAGED_RECORDS, SourceSpec, enforce
from streetlink.errors import StreetlinkError
from streetlink.ingest.inbox import InboxBatch
from streetlink.ingest.raw_records import empty_records

__all__ = [
    "MAX_VALUE_LENGTH",
    "StageSummary",
    "install_macros",
    "raw_table_name",
    "rename_sql",
    "stage_records",
]

log = logging.getLogger(__name__)

# No field of these sources means anything beyond this; a 20,000-character value must
# not reach regexes, Splink or spreadsheets downstream.
MAX_VALUE_LENGTH = 2_000

_SQL = Path(__file__).with_name("sql")
_STEPS = (
    "stage_checkpoint",
    "stage_hotline",
    "stage_healthcloud",
    "stage_records",
)


@dataclass(frozen=True)
class StageSummary:
    rows_read: dict[str, int]  # per source, bad lines included
    duplicates_collapsed: dict[str, int]  # per source: copies folded into an earlier row
    records: dict[str, int]  # per source: rows of staged_records
    rejected: dict[str, dict[str, int]]  # per source: reject_reason -> records

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for reasons in self.rejected.values():
            for reason, n in reasons.items():
                totals[reason] = totals.get(reason, 0) + n
        return totals


def raw_table_name(source: str) -> str:
    return f"raw_{source}"


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def rename_sql(spec: SourceSpec) -> str:
    """The rename step of one source: its headers → English names, per the header map."""
    columns = ['"_file" AS source_file', '"_row" AS source_row', '"_error" AS reader_error']
    columns += [f"{_quote_ident(header)} AS {english}" for header, english in spec.headers.items()]
    return sql.render(_SQL, "rename_source", view=f"ingest_renamed_{spec.source}", columns=", ".join(columns),
                      raw=raw_table_name(spec.source))


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The ingest_* SQL macros (text cleaning, list text, event-time parsing)."""
    sql.run(con, _SQL, "macros", max_value_length=str(int(MAX_VALUE_LENGTH)))


def _load_raw(con: duckdb.DuckDBPyConnection, source: str, table: pa.Table) -> None:
    view = f"ingest_arrow_{source}"
    con.register(view, table)
    try:
        sql.run(con, _SQL, "load_raw", raw=raw_table_name(source), arrow=view)
    finally:
        con.unregister(view)


def _summarise(con: duckdb.DuckDBPyConnection) -> StageSummary:
    rows_read = {
        s: sql.run(con, _SQL, "count_rows", table=raw_table_name(s)).fetchone()[0]
        for s in SOURCE_NAMES
    }
    records = dict.fromkeys(SOURCE_NAMES, 0)
    duplicates = dict.fromkeys(SOURCE_NAMES, 0)
    for source, n, extra in sql.run(con, _SQL, "staged_by_source").fetchall():
        records[source], duplicates[source] = n, int(extra)
    rejected: dict[str, dict[str, int]] = {s: {} for s in SOURCE_NAMES}
    for source, reason, n in sql.run(con, _SQL, "rejected_by_reason").fetchall():
        rejected[source][reason] = n
    return StageSummary(rows_read, duplicates, records, rejected)


def _check_accounted(summary: StageSummary) -> None:
    lost = [
        f"{s}: {summary.rows_read[s]} read, {summary.records[s]} staged + "
        f"{summary.duplicates_collapsed[s]} duplicates"
        for s in SOURCE_NAMES
        if summary.rows_read[s] != summary.records[s] + summary.duplicates_collapsed[s]
    ]
    if lost:
        raise StreetlinkError("staging lost records: " + "; ".join(lost))


def stage_records(con: duckdb.DuckDBPyConnection, batch: InboxBatch) -> StageSummary:
    """Create ``raw_<source>`` tables and ``staged_records`` from a batch; return counts."""
    for source in SOURCE_NAMES:
        table = batch.tables.get(source)
        _load_raw(con, source, empty_records(SOURCES[source]) if table is None else table)
    install_macros(con)
    for source in SOURCE_NAMES:
        con.execute(rename_sql(SOURCES[source]))
    for step in _STEPS:
        sql.run(con, _SQL, step)
    for source in SOURCE_NAMES:
        sql.run(con, _SQL, "drop_view", view=f"ingest_stage_{source}")
        sql.run(con, _SQL, "drop_view", view=f"ingest_renamed_{source}")

    enforce(con, "staged_records", STAGED_RECORDS)
    summary = _summarise(con)
    _check_accounted(summary)
    for source in SOURCE_NAMES:
        log.info(
            "staged %s: %d read, %d duplicate(s) collapsed, %d record(s), rejected %s",
            source,
            summary.rows_read[source],
            summary.duplicates_collapsed[source],
            summary.records[source],
            summary.rejected[source] or "none",
        )
    return summary
