"""Labels as evidence for learning: per labelled record, what the streets' answers say.

For the lead's threshold search (``streetlink train --labels``): instead of the synthetic
truth, each record whose first dispatch was answered gets

* ``committee_confirmed`` — the first dispatch's committee was right (true), wrong (false),
  or the answer does not say (null: ``duplicate``, ``other``);
* ``true_committee_code`` — the confirmed committee; for a refuted one, the committee a
  later dispatch of the record was confirmed at, else the one 转派至 named;
* ``person_confirmed`` (person-linked only), ``home_stale`` (home-based placements only).

``rule_label_counts`` says per decide rule how many answers speak to the committee and
whether that reaches ``min_answers_per_rule`` (settings.json).
"""

from __future__ import annotations

import datetime as dt
import logging

import duckdb

from streetlink import sql
from streetlink.contracts import LABEL_EVIDENCE, enforce
from streetlink.replies.accuracy import verdicts
from streetlink.replies.open_items import item_status
from streetlink.replies.settings import RepliesSettings, load_settings

__all__ = ["label_evidence"]

log = logging.getLogger(__name__)

PKG = "streetlink.replies"


def label_evidence(
    con: duckdb.DuckDBPyConnection,
    through_night: dt.date,
    *,
    ledger: str = "ledger",
    settings: RepliesSettings | None = None,
    out: str = "label_evidence",
    counts_out: str = "rule_label_counts",
) -> dict[str, dict]:
    """Create `out` (LABEL_EVIDENCE) and `counts_out`; return the counts per rule."""
    settings = settings or load_settings()
    status = item_status(con, through_night, ledger=ledger, pending_labels=None,
                         dispatch_before=through_night + dt.timedelta(days=1), settings=settings)
    verdicts(con, status, through_night, ledger=ledger, settings=settings, out="replies_evidence_verdicts")
    sql.run(con, PKG, "evidence_records", out=out, verdicts="replies_evidence_verdicts")
    enforce(con, out, LABEL_EVIDENCE)
    sql.run(con, PKG, "evidence_rule_counts", {"min_answers": settings.min_answers_per_rule}, out=counts_out,
            evidence=out)
    cursor = sql.run(con, PKG, "accuracy_fetch", table=counts_out)
    names = [d[0] for d in cursor.description]
    counts = {row[0]: dict(zip(names[1:], row[1:])) for row in cursor.fetchall()}
    log.info("label evidence through %s: %s", through_night, counts)
    return counts
