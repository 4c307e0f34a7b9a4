"""Labelled nights as threshold-search worlds: what the streets answered, as truth.

A deployment has no synthetic truth; the streets' replies and the clerks' decisions are the
only truth it sees. Every published night keeps the decide stage's inputs
(``<out>/<date>/internal/decide_inputs/*.parquet``); the ledger keeps every answer. Here a
night becomes a ``SearchWorld``: its inputs loaded into a scratch database, the registries
attached, and a truth-shaped table (``labelled.sql``) holding only the labelled records.

Which rules the labels can speak for: a rule's precision is only measured on the records
it decides that carry an answer; ``enough_labels`` says, per rule, whether there are
``min_answers`` of them, and the search (``evidence='labels'``) moves a threshold only to
values whose dispatching rules are each backed by that many answers (or decide nothing).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import duckdb

from streetlink import sql
from streetlink.config import connect
from streetlink.contracts import REFUTING_RESULTS
from streetlink.decide.search import SearchWorld

__all__ = ["DECIDE_INPUTS", "close_worlds", "label_truth", "label_worlds", "labelled_nights"]

log = logging.getLogger(__name__)

PACKAGE = "streetlink.decide"
# The decide stage's inputs a published night keeps (the nightly run writes them).
DECIDE_INPUTS = ("staged_records", "records_std", "address_candidates", "person_candidates")


def labelled_nights(out: Path) -> list[dt.date]:
    """Published nights under `out` that kept their decide inputs."""
    nights = []
    for folder in sorted(Path(out).glob("20??-??-??")):
        inputs = folder / "internal" / "decide_inputs"
        if all((inputs / f"{t}.parquet").is_file() for t in DECIDE_INPUTS):
            nights.append(dt.date.fromisoformat(folder.name))
    return nights


def label_worlds(out: Path, warehouse: Path, scratch: Path, *,
                 through: dt.date | None = None) -> tuple[list[SearchWorld], dict[str, Any]]:
    """One SearchWorld per labelled night under `out` (answers read through `through`).

    Returns the worlds (connections open: the caller closes them) and, per night, how many
    labelled records it holds.
    """
    from streetlink.replies.evidence import label_evidence
    from streetlink.replies.ledger import attached_ledger, ledger_path
    from streetlink.replies.settings import load_settings

    nights = [n for n in labelled_nights(out) if through is None or n <= through]
    if not nights:
        return [], {}
    through = through or max(nights)
    closing = list(load_settings().closing_results)
    scratch.mkdir(parents=True, exist_ok=True)
    worlds: list[SearchWorld] = []
    counts: dict[str, Any] = {}
    for night in nights:
        con = connect(scratch / f"labels_{night.isoformat()}.duckdb")
        sql.run(con, PACKAGE, "attach_read_only", path=Path(warehouse), alias="wh")
        inputs = Path(out) / night.isoformat() / "internal" / "decide_inputs"
        for table in DECIDE_INPUTS:
            sql.run(con, PACKAGE, "load_parquet", out=table, path=inputs / f"{table}.parquet")
        with attached_ledger(con, ledger_path(Path(out))) as ledger:
            label_evidence(con, through, ledger=ledger)
            label_truth(con, closing, evidence="label_evidence", records="staged_records",
                        review_actions=f"{ledger}.review_actions")
        n = con.execute("SELECT count(*) FROM label_truth").fetchone()[0]
        counts[night.isoformat()] = n
        if n == 0:
            con.close()
            continue
        worlds.append(SearchWorld(f"labels {night.isoformat()}", con, "wh", "label_truth"))
    log.info("labelled nights: %s", counts)
    return worlds, counts


def label_truth(con: duckdb.DuckDBPyConnection, closing: list[str], *, evidence: str, records: str,
                review_actions: str, out: str = "label_truth") -> None:
    """Create `out`: the answers about `records` as truth (``labelled.sql``), `closing` the
    replies settings' closing results."""
    sql.run(con, PACKAGE, "label_truth", {"closing": closing, "refuting": list(REFUTING_RESULTS)}, out=out,
            evidence=evidence, records=records, review_actions=review_actions)


def close_worlds(worlds: list[SearchWorld]) -> None:
    for world in worlds:
        world.con.close()
