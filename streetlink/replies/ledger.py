"""The ledger: ``<out>/ledger.duckdb``, what must survive nights. Never rebuilt.

Unlike the warehouse (rebuilt when the registries change) and the run database (thrown
away after each night), the ledger is history: every item ever published and every
reply row ever read. It is created on first use, carries a schema version, and changes
only in ``record_night``, in one transaction, at publish time. Tables:

``dispatches``  one row per (night, record) published: street, committee, dwelling, person,
                decide rule and basis, case, priority, deadline, packet file, publication
                time, model version, kind (new / transfer / manual), where a transfer came
                from, and the display fields an overdue sheet needs (name, phone, addresses)
``reviews``     one row per (night, record) put in the review queue (so a clerk's answer
                can be checked against it)
``labels``      append-only: one row per reply row read (file content + sheet + row +
                record), applied or refused with the reason (contract LEDGER_LABELS)
``review_actions`` append-only: the clerks' rows, likewise
``reply_files`` the files each night found, with their status and street
``nights``      one row per published night (first publication time, counts)

Idempotence: a rerun of a night replaces that night's dispatches and reviews (keeping
each record's first publication time) and appends only reply rows never read before, so
running a night twice leaves the ledger as running it once.

Reading: ``attached_ledger(con, path)`` attaches it read-only as ``ledger`` to a run
connection for the queries of this package (``open_items``, ``accuracy`` …), then detaches.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from streetlink import sql
from streetlink.contracts import (
    LEDGER_LABELS,
    PUBLISHED_ITEMS,
    REPLY_LABELS,
    REVIEW_ACTION_ROWS,
    REVIEW_ITEMS,
    enforce,
)
from streetlink.dispatch.tables import table_exists
from streetlink.errors import ContractViolation, StreetlinkError

__all__ = [
    "LEDGER_FILE",
    "SCHEMA_VERSION",
    "TABLES",
    "attached_ledger",
    "ensure_ledger",
    "ledger_path",
    "ledger_tables",
    "record_night",
]

log = logging.getLogger(__name__)

PKG = "streetlink.replies"
LEDGER_FILE = "ledger.duckdb"
SCHEMA_VERSION = 1
TABLES = ("schema_version", "dispatches", "reviews", "labels", "review_actions", "reply_files", "nights")


def ledger_path(out: Path) -> Path:
    """Where the ledger of an output root lives."""
    return Path(out) / LEDGER_FILE


def ledger_tables(alias: str) -> dict[str, str]:
    """Table name → qualified name in the ledger attached as `alias`."""
    return {t: f"{alias}.{t}" for t in TABLES}


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def ensure_ledger(path: Path) -> int:
    """Create the ledger at `path` if it does not exist; check its schema version; return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        sql.run(con, PKG, "ledger_create", **{t: t for t in TABLES})
        version = sql.run(con, PKG, "ledger_version", schema_version="schema_version").fetchone()[0]
        if version is None:
            sql.run(con, PKG, "ledger_stamp_version", {"version": SCHEMA_VERSION, "now": _now(),
                                                        "note": "created"}, schema_version="schema_version")
            log.info("ledger created: %s (schema version %d)", path, SCHEMA_VERSION)
            version = SCHEMA_VERSION
        elif version > SCHEMA_VERSION:
            raise StreetlinkError(f"ledger {path} has schema version {version}; this streetlink knows "
                                  f"up to {SCHEMA_VERSION}: upgrade streetlink, never rebuild the ledger")
        # Older versions would be migrated here, statement by statement; version 1 is the first.
    finally:
        con.close()
    return int(version)


@contextmanager
def attached_ledger(con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool = True,
                    alias: str = "ledger") -> Iterator[str]:
    """Attach the ledger (created on first use) to `con` as `alias` for the block; detach after."""
    if not Path(path).exists():
        ensure_ledger(path)
    sql.run(con, PKG, "ledger_attach_read_only" if read_only else "ledger_attach", path=Path(path), alias=alias)
    try:
        version = sql.run(con, PKG, "ledger_version", schema_version=f"{alias}.schema_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise StreetlinkError(f"ledger {path} has schema version {version}; this streetlink reads "
                                  f"version {SCHEMA_VERSION}")
        yield alias
    finally:
        sql.run(con, PKG, "ledger_detach", alias=alias)


def record_night(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    night: dt.date,
    *,
    published_at: dt.datetime,
    model_version: str | None,
    items: str | None = "published_items",
    review_items: str | None = "review_items",
    labels: str | None = "reply_labels",
    review_actions: str | None = "review_actions",
    reply_files: str | None = "reply_files",
    file_streets: str | None = "reply_file_streets",
) -> dict[str, Any]:
    """Write the night into the ledger at `path`, in one transaction; return what it holds for the night.

    Tables on `con` (a name that is None or absent is skipped): `items` (PUBLISHED_ITEMS:
    everything tonight's packets carry, new, transfer and manual), `review_items`
    (REVIEW_ITEMS: tonight's review queue), `labels` (REPLY_LABELS) and `review_actions`
    (REVIEW_ACTION_ROWS) as ``assess_replies`` made them, `reply_files` / `file_streets`.
    Call it when the night is published; a rerun of the night is idempotent.
    """
    present = {name: table_exists(con, name) for name in (items, review_items, labels, review_actions,
                                                     reply_files, file_streets) if name}
    for name, exists in present.items():
        if not exists:
            log.warning("record_night %s: no table %s on the connection; skipped", night, name)
    checks = ((items, PUBLISHED_ITEMS), (review_items, REVIEW_ITEMS), (labels, REPLY_LABELS),
              (review_actions, REVIEW_ACTION_ROWS))
    for name, contract in checks:
        if name and present.get(name):
            enforce(con, name, contract)
    now = _now()
    with attached_ledger(con, path, read_only=False, alias="ledger_w") as alias:
        t = ledger_tables(alias)
        night_p = {"night": night}
        con.execute("BEGIN TRANSACTION")
        try:
            if items and present[items]:
                sql.run(con, PKG, "ledger_drop_night_dispatches", night_p, dispatches=t["dispatches"], items=items)
                sql.run(con, PKG, "ledger_update_night_dispatches", {**night_p, "model_version": model_version},
                        dispatches=t["dispatches"], items=items)
                sql.run(con, PKG, "ledger_insert_night_dispatches",
                        {**night_p, "model_version": model_version, "published_at": published_at},
                        dispatches=t["dispatches"], items=items)
            if review_items and present[review_items]:
                sql.run(con, PKG, "ledger_drop_night_reviews", night_p, reviews=t["reviews"])
                sql.run(con, PKG, "ledger_insert_night_reviews", night_p, reviews=t["reviews"], items=review_items)
            if labels and present[labels]:
                columns = ", ".join(f'p."{c}"' for c in LEDGER_LABELS.column_names)
                sql.run(con, PKG, "ledger_append_labels", labels=t["labels"], pending=labels, columns=columns)
            if review_actions and present[review_actions]:
                columns = ", ".join(f'p."{c}"' for c in REVIEW_ACTION_ROWS.column_names)
                sql.run(con, PKG, "ledger_append_review_actions", review_actions=t["review_actions"],
                        pending=review_actions, columns=columns)
            if reply_files and present[reply_files] and file_streets and present[file_streets]:
                sql.run(con, PKG, "ledger_drop_night_files", night_p, reply_files=t["reply_files"])
                sql.run(con, PKG, "ledger_insert_night_files", night_p, reply_files=t["reply_files"],
                        files=reply_files, file_streets=file_streets)
            first = sql.run(con, PKG, "ledger_first_published_at", night_p, nights=t["nights"]).fetchone()[0]
            sql.run(con, PKG, "ledger_drop_night_row", night_p, nights=t["nights"])
            sql.run(con, PKG, "ledger_record_night_row",
                    {**night_p, "first_published_at": first or published_at, "now": now,
                     "model_version": model_version},
                    nights=t["nights"], dispatches=t["dispatches"], reviews=t["reviews"], labels=t["labels"])
            bad = sql.run(con, PKG, "ledger_check", dispatches=t["dispatches"], labels=t["labels"],
                          reviews=t["reviews"]).fetchone()
            if any(bad):
                raise ContractViolation("ledger", [
                    f"{what}: {n} duplicate key(s)" for what, n in
                    zip(("dispatches (night, record_id)", "labels (file, sheet, row, record)",
                         "reviews (night, record_id)"), bad) if n])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        row = sql.run(con, PKG, "ledger_night_row", night_p, nights=t["nights"]).fetchone()
    summary = {"night": night.isoformat(), "dispatches": row[0], "reviews": row[1], "labels_read": row[2],
               "labels_applied": row[3], "published_at": row[4].isoformat()}
    log.info("ledger %s: night %s recorded: %s", path, night, summary)
    return summary
