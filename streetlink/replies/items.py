"""Tonight's publication in the ledger's shape: ``published_items`` and ``review_items``.

Input (run connection): ``decisions`` (DECISIONS; ``rule`` used once it exists),
``staged_records`` (for name, phone and address as sent), ``admin``, optionally screening's
``cases`` (case_id, record_id, priority, rules, deadline) and the replies stage's
``transfer_items`` / ``transfer_review``. Output:

* ``published_items`` (PUBLISHED_ITEMS) — every record tonight's packets carry: the new
  dispatches, plus the transfers and manual dispatches; each with its deadline (screening's
  when it gave one, else publication + ``default_deadline_hours``);
* ``review_items`` (REVIEW_ITEMS) — tonight's review queue, the unresolved transfers included.

The lead may build these tables from ``packet_rows`` instead, once that exists: the
ledger needs only the contract's columns.
"""

from __future__ import annotations

import datetime as dt
import logging

import duckdb

from streetlink import sql
from streetlink.contracts import (
    PUBLISHED_ITEMS,
    REVIEW_ITEMS,
    TRANSFER_ITEMS,
    TRANSFER_REVIEW,
    enforce,
)
from streetlink.dispatch.tables import table_exists
from streetlink.replies.settings import RepliesSettings, load_settings

__all__ = ["build_published_items", "build_review_items", "empty_table"]

log = logging.getLogger(__name__)

PKG = "streetlink.replies"


def empty_table(con: duckdb.DuckDBPyConnection, name: str, contract) -> str:
    """Create an empty temp table `name` with `contract`'s columns (a step's missing input)."""
    columns = ", ".join(f'"{c.name}" {c.dtype}' for c in contract.columns)
    sql.run(con, PKG, "items_empty", out=name, columns=columns)
    return name


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in sql.run(con, PKG, "items_columns", table=table).fetchall()}


def build_published_items(
    con: duckdb.DuckDBPyConnection,
    *,
    published_at: dt.datetime,
    decisions: str = "decisions",
    staged: str = "staged_records",
    admin: str = "admin",
    cases: str | None = None,
    transfers: str | None = "transfer_items",
    exclude: str | None = None,
    settings: RepliesSettings | None = None,
    out: str = "published_items",
) -> int:
    """Create `out` (PUBLISHED_ITEMS) from tonight's decisions and transfers; return its rows.

    `exclude`: a table whose ``record_id``s are not published as new items (e.g. ``repeats``)."""
    settings = settings or load_settings()
    if cases is None or not table_exists(con, cases):
        sql.run(con, PKG, "items_no_cases", out="replies_no_cases")
        cases = "replies_no_cases"
    if transfers is None or not table_exists(con, transfers):
        transfers = empty_table(con, "replies_no_transfers", TRANSFER_ITEMS)
    if exclude is None or not table_exists(con, exclude):
        sql.run(con, PKG, "items_empty", out="replies_no_exclude", columns="record_id VARCHAR")
        exclude = "replies_no_exclude"
    rule = 'd."rule"' if "rule" in _columns(con, decisions) else "CAST(NULL AS VARCHAR)"
    sql.run(con, PKG, "items_published",
            {"published_at": published_at, "hours": settings.default_deadline_hours},
            out=out, decisions=decisions, staged=staged, admin=admin, cases=cases, transfers=transfers, rule=rule,
            exclude=exclude)
    enforce(con, out, PUBLISHED_ITEMS)
    n = sql.run(con, PKG, "count_rows", table=out).fetchone()[0]
    log.info("published items: %d", n)
    return int(n)


def build_review_items(
    con: duckdb.DuckDBPyConnection,
    *,
    decisions: str = "decisions",
    staged: str = "staged_records",
    transfer_review: str | None = "transfer_review",
    out: str = "review_items",
) -> int:
    """Create `out` (REVIEW_ITEMS): tonight's review decisions and unresolved transfers."""
    if transfer_review is None or not table_exists(con, transfer_review):
        transfer_review = empty_table(con, "replies_no_transfer_review", TRANSFER_REVIEW)
    sql.run(con, PKG, "items_review", out=out, decisions=decisions, staged=staged, transfer_review=transfer_review)
    enforce(con, out, REVIEW_ITEMS)
    return int(sql.run(con, PKG, "count_rows", table=out).fetchone()[0])
