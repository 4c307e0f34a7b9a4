"""Records tonight's replies move: 转派 to the committee a street named, 人工派发 by a clerk.

Input (run connection): ``reply_labels`` and ``review_actions`` (``assess_replies``),
``admin``, and the ledger attached read-only. Output:

* ``transfer_items`` (TRANSFER_ITEMS) — tonight's extra items, one per record: a
  ``not_our_area`` answer to the record's latest dispatch whose 转派至 names a Pudong
  committee (kind ``transfer``, ``transferred_from_street`` = the street that returned it),
  or a clerk's 派发 from the review workbook (kind ``manual``); with the display fields
  from the ledger so the lead can map them into ``packet_rows`` of the target street
  (without a dwelling: the one it was placed at is the refuted place);
* ``transfer_review`` (TRANSFER_REVIEW) — the ones without a usable target, for the review
  queue with reason ``transfer_unresolved`` and why (``no_target``, ``ambiguous_name``,
  ``unknown_committee``, ``same_committee``, ``already_refuted``, ``no_candidate_code``).

A target that already said no to the record is not used again (no ping-pong between two
committees); such records go to the clerks.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import duckdb

from streetlink import sql
from streetlink.contracts import TRANSFER_ITEMS, TRANSFER_REVIEW, enforce
from streetlink.replies.ledger import ledger_tables

__all__ = ["plan_transfers"]

log = logging.getLogger(__name__)

PKG = "streetlink.replies"


def plan_transfers(
    con: duckdb.DuckDBPyConnection,
    night: dt.date,
    *,
    ledger: str = "ledger",
    admin: str = "admin",
    labels: str = "reply_labels",
    review_actions: str = "review_actions",
) -> dict[str, Any]:
    """Create ``transfer_items`` and ``transfer_review``; return counts by kind and outcome."""
    t = ledger_tables(ledger)
    sql.run(con, PKG, "transfers_plan", {"night": night}, out="replies_transfer_plan", labels=labels,
            ledger_labels=t["labels"], dispatches=t["dispatches"], reviews=t["reviews"], admin=admin,
            review_actions=review_actions)
    sql.run(con, PKG, "transfers_items", out="transfer_items", plan="replies_transfer_plan")
    sql.run(con, PKG, "transfers_review", out="transfer_review", plan="replies_transfer_plan")
    enforce(con, "transfer_items", TRANSFER_ITEMS)
    enforce(con, "transfer_review", TRANSFER_REVIEW)
    counts = [{"kind": k, "outcome": o, "records": n}
              for k, o, n in sql.run(con, PKG, "transfers_counts", plan="replies_transfer_plan").fetchall()]
    summary = {"transfer": sum(c["records"] for c in counts if c["kind"] == "transfer" and c["outcome"] == "dispatched"),
               "manual": sum(c["records"] for c in counts if c["kind"] == "manual" and c["outcome"] == "dispatched"),
               "unresolved": sum(c["records"] for c in counts if c["outcome"] != "dispatched"),
               "by_outcome": counts}
    log.info("transfers for %s: %s", night, summary)
    return summary
