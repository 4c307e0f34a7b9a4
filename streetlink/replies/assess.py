"""Judge tonight's reply rows against the ledger: which street, which dispatch, applied or refused.

Input (on the run connection): ``reply_files``, ``reply_rows``, ``review_reply_rows``
(``read.register_replies``), ``admin`` (ADMIN), and the ledger attached read-only
(``ledger.attached_ledger``). Output, nothing written to the ledger yet:

* ``reply_file_streets`` — each returned packet's street, from its content: the street its
  records were sent to, else the street its titles name (never the file name);
* ``reply_labels`` (REPLY_LABELS) — one label per reply row: the dispatch it answers,
  核查时间 completed with the packet's year, 转派至 resolved to a committee, and
  ``applied`` or a refusal (REFUSALS: ``unknown_record``, ``not_sent_to_this_street``,
  ``unreadable_result`` …);
* ``review_actions`` (REVIEW_ACTION_ROWS) — the clerks' rows likewise.

``write_replies_parquet`` then writes the night's ``replies.parquet`` (REPLIES_PARQUET);
``ledger.record_night`` appends the labels at publish time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from streetlink import sql
from streetlink.contracts import (
    ADMIN,
    REPLIES_PARQUET,
    REPLY_LABELS,
    REVIEW_ACTION_ROWS,
    check_table,
    enforce,
)
from streetlink.errors import ContractViolation
from streetlink.replies.committees import CommitteeResolver
from streetlink.replies.ledger import ledger_tables
from streetlink.replies.settings import RepliesSettings, load_settings

__all__ = ["assess_replies", "write_replies_parquet"]

log = logging.getLogger(__name__)

PKG = "streetlink.replies"


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register("_replies_arrow", table)
    try:
        sql.run(con, PKG, "assess_register", out=name, arrow="_replies_arrow")
    finally:
        con.unregister("_replies_arrow")


def _resolve_transfers(con: duckdb.DuckDBPyConnection, rows: str, admin: str, out: str) -> int:
    """转派至 texts → committee codes (Python per distinct text: spreadsheets are small)."""
    resolver = CommitteeResolver(sql.run(con, PKG, "assess_admin_rows", admin=admin).fetchall())
    texts = [r[0] for r in sql.run(con, PKG, "assess_transfer_texts", rows=rows).fetchall()]
    resolved = [resolver.resolve(t) for t in texts]
    _register(con, out, pa.table({
        "transfer_text": pa.array(texts, pa.string()),
        "transfer_committee_code": pa.array([r.committee_code for r in resolved], pa.string()),
        "transfer_status": pa.array([r.status for r in resolved], pa.string()),
    }))
    return len(texts)


def assess_replies(
    con: duckdb.DuckDBPyConnection,
    night: dt.date,
    *,
    ledger: str = "ledger",
    admin: str = "admin",
    read_at: dt.datetime | None = None,
    settings: RepliesSettings | None = None,
    files: str = "reply_files",
    rows: str = "reply_rows",
    review_rows: str = "review_reply_rows",
) -> dict[str, Any]:
    """Create ``reply_file_streets``, ``reply_labels`` and ``review_actions``; return their counts.

    `night` is the night whose inbox held the files; `ledger` the alias the ledger is
    attached under. Deterministic for a given ledger history before `night`: a rerun of
    the night judges every row as the first run did (``read_at`` aside).
    """
    settings = settings or load_settings()
    read_at = (read_at or dt.datetime.now()).replace(microsecond=0)
    enforce(con, admin, ADMIN)  # codes as text: a CSV read without types would not match anything
    t = ledger_tables(ledger)
    params = {"night": night, "read_at": read_at, "rollover_days": settings.year_rollover_days}
    sql.run(con, PKG, "assess_file_streets", {"night": night}, out="reply_file_streets", rows=rows,
            files=files, dispatches=t["dispatches"], admin=admin)
    n_texts = _resolve_transfers(con, rows, admin, "reply_transfer_codes")
    sql.run(con, PKG, "assess_reply_rows", params, out="reply_labels", rows=rows, files=files,
            file_streets="reply_file_streets", dispatches=t["dispatches"], reviews=t["reviews"],
            labels=t["labels"], transfer_codes="reply_transfer_codes")
    sql.run(con, PKG, "assess_review_rows", params, out="review_actions", rows=review_rows,
            dispatches=t["dispatches"], reviews=t["reviews"], review_actions=t["review_actions"], admin=admin)
    enforce(con, "reply_labels", REPLY_LABELS)
    enforce(con, "review_actions", REVIEW_ACTION_ROWS)
    outcomes = dict(sql.run(con, PKG, "assess_outcomes", labels="reply_labels").fetchall())
    review_outcomes = dict(sql.run(con, PKG, "assess_outcomes", labels="review_actions").fetchall())
    streets = sql.run(con, PKG, "assess_file_street_counts", file_streets="reply_file_streets").fetchone()
    summary = {"reply_rows": sum(outcomes.values()), "outcomes": outcomes,
               "review_rows": sum(review_outcomes.values()), "review_outcomes": review_outcomes,
               "packet_files": streets[1], "files_without_street": streets[0], "transfer_texts": n_texts}
    log.info("replies assessed for %s: %s", night, summary)
    return summary


def write_replies_parquet(con: duckdb.DuckDBPyConnection, path: Path, labels: str = "reply_labels") -> int:
    """Write ``replies.parquet`` (REPLIES_PARQUET, exact columns and types) from `labels`; return rows."""
    relation = f"({REPLIES_PARQUET.select_sql(sql.identifier(labels))})"
    violations = check_table(con, relation, REPLIES_PARQUET)
    if violations:
        raise ContractViolation(REPLIES_PARQUET.name, violations)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    columns = ", ".join(f'CAST("{c.name}" AS {c.dtype}) AS "{c.name}"' for c in REPLIES_PARQUET.columns)
    sql.run(con, PKG, "write_replies_parquet", labels=labels, columns=columns, path=partial)
    os.replace(partial, path)
    n = sql.run(con, PKG, "count_rows", table=labels).fetchone()[0]
    log.info("wrote %s: %d reply row(s)", path, n)
    return int(n)
