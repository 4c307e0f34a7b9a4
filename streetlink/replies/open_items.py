"""Open and overdue items, and tonight's records that repeat one still open.

An item is a dispatch of a record to a street on a night. It is open until a reply of
that street to it closes it (``closing_results`` in settings.json: every result but
``other``); the latest reply wins, so a later ``other`` reopens it. Input: the ledger
attached read-only, and tonight's ``reply_labels`` (pending, not yet in the ledger).
Outputs on the run connection:

* ``open_items`` (OPEN_ITEMS) — every item published before tonight still open, with its
  deadline; screening reads it (cases still open share their case id);
* ``overdue_items`` — the open items past their deadline, per street and committee, with the
  columns ops' OVERDUE_ITEMS names (street_code, committee_code, record_id, night, deadline,
  resolved_address, name, phone) and a few more (source, kind, case_id, priority,
  last_result, hours_overdue): the packet's 逾期未核查 sheet;
* ``repeats`` (REPEATS) — tonight's dispatched records that repeat an open item (the same
  record, person, or dwelling from the same source): the lead marks them on the open item
  instead of sending a second knock.
"""

from __future__ import annotations

import datetime as dt
import logging

import duckdb

from streetlink import sql
from streetlink.contracts import OPEN_ITEMS, REPEATS, REPLY_LABELS, enforce
from streetlink.dispatch.tables import table_exists
from streetlink.replies.items import empty_table
from streetlink.replies.ledger import ledger_tables
from streetlink.replies.settings import RepliesSettings, load_settings

__all__ = ["OVERDUE_COLUMNS", "find_repeats", "item_status", "open_items", "overdue_items"]

log = logging.getLogger(__name__)

PKG = "streetlink.replies"
# ops' OVERDUE_ITEMS contract names these; overdue_items gives them first, in this order.
OVERDUE_COLUMNS = ("street_code", "committee_code", "record_id", "night", "deadline", "resolved_address",
                   "name", "phone")


def item_status(
    con: duckdb.DuckDBPyConnection,
    night: dt.date,
    *,
    ledger: str = "ledger",
    pending_labels: str | None = "reply_labels",
    dispatch_before: dt.date | None = None,
    settings: RepliesSettings | None = None,
    out: str = "replies_item_status",
) -> str:
    """Create `out`: every dispatch before `dispatch_before` (default `night`) with its latest
    answer as of `night` (the ledger's answers, plus `pending_labels` when given)."""
    settings = settings or load_settings()
    t = ledger_tables(ledger)
    pending_given = pending_labels is not None and table_exists(con, pending_labels)
    if not pending_given:
        pending_labels = empty_table(con, "replies_no_labels", REPLY_LABELS)
    sql.run(con, PKG, "status_labels", {"night": night, "pending_given": pending_given},
            out="replies_status_labels", ledger_labels=t["labels"], pending=pending_labels)
    sql.run(con, PKG, "status_items",
            {"dispatch_before": dispatch_before or night, "closing": list(settings.closing_results)},
            out=out, labels="replies_status_labels", dispatches=t["dispatches"])
    return out


def open_items(
    con: duckdb.DuckDBPyConnection,
    night: dt.date,
    *,
    ledger: str = "ledger",
    pending_labels: str | None = "reply_labels",
    settings: RepliesSettings | None = None,
    out: str = "open_items",
) -> int:
    """Create `out` (OPEN_ITEMS): items published before `night` that no reply has closed."""
    status = item_status(con, night, ledger=ledger, pending_labels=pending_labels, settings=settings)
    sql.run(con, PKG, "status_open_items", out=out, status=status)
    enforce(con, out, OPEN_ITEMS)
    n = int(sql.run(con, PKG, "count_rows", table=out).fetchone()[0])
    log.info("open items before %s: %d", night, n)
    return n


def overdue_items(
    con: duckdb.DuckDBPyConnection,
    night: dt.date,
    *,
    as_of: dt.datetime | None = None,
    ledger: str = "ledger",
    pending_labels: str | None = "reply_labels",
    settings: RepliesSettings | None = None,
    out: str = "overdue_items",
) -> int:
    """Create `out`: open items whose deadline is before `as_of` (default: the midnight
    after `night`, before which the night's packets are not published)."""
    as_of = as_of or dt.datetime.combine(night + dt.timedelta(days=1), dt.time())
    status = item_status(con, night, ledger=ledger, pending_labels=pending_labels, settings=settings)
    sql.run(con, PKG, "status_overdue_items", {"as_of": as_of}, out=out, status=status)
    n = int(sql.run(con, PKG, "count_rows", table=out).fetchone()[0])
    log.info("overdue items as of %s: %d", as_of, n)
    return n


def find_repeats(
    con: duckdb.DuckDBPyConnection,
    *,
    decisions: str = "decisions",
    open_items: str = "open_items",
    out: str = "repeats",
) -> int:
    """Create `out` (REPEATS): tonight's dispatched records → the open item they repeat."""
    sql.run(con, PKG, "status_repeats", out=out, decisions=decisions, open_items=open_items)
    enforce(con, out, REPEATS)
    return int(sql.run(con, PKG, "count_rows", table=out).fetchone()[0])
