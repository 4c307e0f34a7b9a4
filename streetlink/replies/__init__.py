"""Replies: what the streets and the review desk send back becomes labels, transfers,
open items, and accuracy measured in the field (../shared/contracts/REPLIES.md).

Goal: close the loop. A packet is answered row by row (核查结果 …); every answer is kept
in the persistent ledger as a label, moves a record sent to the wrong place, closes an
item or leaves it open, and measures how right and how fast the pipeline is.

Input → output, in the order a night uses them (all Prefect-free; the flow wires them;
``night.py`` bundles steps 1–4 as ``take_replies`` and 4–5 as ``stage_publication``):

  1. ``read_replies(inbox_day / "replies")`` → ``ReplyBatch``; ``register_replies(con, batch)``
     → ``reply_files``, ``reply_rows``, ``review_reply_rows``                     (read.py)
  2. with ``attached_ledger(con, ledger_path(out))`` (read-only):
     ``assess_replies(con, night)`` → ``reply_file_streets``, ``reply_labels``,
     ``review_actions``                                                         (assess.py)
  3. ``plan_transfers(con, night)`` → ``transfer_items``, ``transfer_review``   (transfers.py)
  4. ``open_items(con, night)`` → ``open_items``; ``overdue_items(con, night)`` →
     ``overdue_items``; after decide: ``find_repeats(con)`` → ``repeats``        (open_items.py)
  5. ``build_published_items(con, published_at=…)`` → ``published_items``;
     ``build_review_items(con)`` → ``review_items``                               (items.py)
  6. ``write_replies_parquet(con, output_tmp / "replies.parquet")``             (assess.py)
  7. at publish: ``record_night(con, ledger_path(out), night, published_at=…,
     model_version=…)`` — the ledger's only write, one transaction, idempotent  (ledger.py)
  8. for the report (before publication, tonight's labels pending):
     ``measure_from_labels(con, night, pending_labels="reply_labels")``; for the model card
     and training, from the ledger alone: ``measure_from_labels(con, night)`` (accuracy.py),
     ``label_evidence(con, night)`` (evidence.py)

Tunable numbers (default deadline, which results close an item, home-based rules, how
many answers a rule needs, the interval's z) are in ``settings.json``.
"""

from streetlink.replies.accuracy import measure_from_labels, wilson_interval
from streetlink.replies.assess import assess_replies, write_replies_parquet
from streetlink.replies.committees import CommitteeResolver, Resolution
from streetlink.replies.evidence import label_evidence
from streetlink.replies.items import build_published_items, build_review_items
from streetlink.replies.ledger import (
    LEDGER_FILE,
    SCHEMA_VERSION,
    attached_ledger,
    ensure_ledger,
    ledger_path,
    record_night,
)
from streetlink.replies.night import stage_publication, take_replies
from streetlink.replies.open_items import OVERDUE_COLUMNS, find_repeats, open_items, overdue_items
from streetlink.replies.read import ReplyBatch, ReplyFile, read_replies, register_replies
from streetlink.replies.settings import RepliesSettings, load_settings
from streetlink.replies.transfers import plan_transfers

__all__ = [
    "LEDGER_FILE", "OVERDUE_COLUMNS", "SCHEMA_VERSION", "CommitteeResolver", "RepliesSettings", "ReplyBatch",
    "ReplyFile", "Resolution", "assess_replies", "attached_ledger", "build_published_items",
    "build_review_items", "ensure_ledger", "find_repeats", "label_evidence", "ledger_path", "load_settings",
    "measure_from_labels", "open_items", "overdue_items", "plan_transfers", "read_replies", "record_night",
    "register_replies", "stage_publication", "take_replies", "wilson_interval", "write_replies_parquet",
]
