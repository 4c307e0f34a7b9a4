"""The replies part of a night in three calls, in the order the nightly run needs them.

1. ``take_replies`` — before (or beside) decide: read ``<inbox>/<date>/replies/``, judge
   every row against the ledger, plan transfers, list open and overdue items.
2. ``stage_publication`` — after decide (and screening): the repeats of open items, and
   tonight's ``published_items`` / ``review_items`` in the ledger's shape.
3. ``ledger.record_night`` — at publish, after the packets are swapped in.

Each is a plain function on the run connection; the tables it leaves are listed in its
docstring. A night with replies and no extracts is fine: without ``decisions`` step 2
publishes only the transfers and manual dispatches.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import duckdb

from streetlink.contracts import DECISIONS, STAGED_RECORDS
from streetlink.dispatch.tables import table_exists
from streetlink.replies.assess import assess_replies
from streetlink.replies.items import build_published_items, build_review_items, empty_table
from streetlink.replies.ledger import attached_ledger
from streetlink.replies.open_items import find_repeats, open_items, overdue_items
from streetlink.replies.read import read_replies, register_replies
from streetlink.replies.settings import RepliesSettings, load_settings
from streetlink.replies.transfers import plan_transfers

__all__ = ["stage_publication", "take_replies"]

log = logging.getLogger(__name__)


def take_replies(
    con: duckdb.DuckDBPyConnection,
    replies_dir: Path,
    ledger_file: Path,
    night: dt.date,
    *,
    admin: str = "admin",
    read_at: dt.datetime | None = None,
    overdue_as_of: dt.datetime | None = None,
    settings: RepliesSettings | None = None,
) -> dict[str, Any]:
    """Leaves ``reply_files``, ``reply_rows``, ``review_reply_rows``, ``reply_file_streets``,
    ``reply_labels``, ``review_actions``, ``transfer_items``, ``transfer_review``,
    ``open_items`` and ``overdue_items`` on `con`; returns a JSON-able summary (files with
    their status and reason: a failed file is reported, the night goes on)."""
    settings = settings or load_settings()
    batch = read_replies(replies_dir)
    register_replies(con, batch)
    with attached_ledger(con, ledger_file):
        assessed = assess_replies(con, night, admin=admin, read_at=read_at, settings=settings)
        transfers = plan_transfers(con, night, admin=admin)
        n_open = open_items(con, night, settings=settings)
        n_overdue = overdue_items(con, night, as_of=overdue_as_of, settings=settings)
    return {**batch.summary(), "assessed": assessed, "transfers": transfers, "open_items": n_open,
            "overdue_items": n_overdue}


def stage_publication(
    con: duckdb.DuckDBPyConnection,
    *,
    published_at: dt.datetime,
    admin: str = "admin",
    decisions: str = "decisions",
    staged: str = "staged_records",
    cases: str | None = None,
    skip_repeats: bool = False,
    settings: RepliesSettings | None = None,
) -> dict[str, int]:
    """After decide: ``repeats`` (REPEATS), ``published_items`` and ``review_items``.

    With `skip_repeats`, tonight's records that repeat an open item are not published as
    new items (the lead marks them on the open item instead of a second knock)."""
    if not table_exists(con, decisions):  # a night with replies only
        empty_table(con, "replies_no_decisions", DECISIONS)
        empty_table(con, "replies_no_staged", STAGED_RECORDS)
        decisions, staged = "replies_no_decisions", "replies_no_staged"
    n_repeats = find_repeats(con, decisions=decisions)
    n_items = build_published_items(con, published_at=published_at, decisions=decisions, staged=staged,
                                    admin=admin, cases=cases, settings=settings,
                                    exclude="repeats" if skip_repeats else None)
    n_reviews = build_review_items(con, decisions=decisions, staged=staged)
    return {"repeats": n_repeats, "published_items": n_items, "review_items": n_reviews}
