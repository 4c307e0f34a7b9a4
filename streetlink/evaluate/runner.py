"""The naive "before" baseline as a command: read a night, look up exactly, write links.

Input:  an inbox day folder and a registry folder (the same contracts as the nightly run).
Output: ``<out>/<date>/baseline_links.parquet`` (contract LINKS), so that
        ``streetlink evaluate --baseline`` can show before and after side by side.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from streetlink import sql
from streetlink.config import EngineConfig, connect
from streetlink.contracts import LINKS, enforce

__all__ = ["run_baseline"]

log = logging.getLogger(__name__)


def run_baseline(date: dt.date, inbox: Path, registry: Path, out: Path,
                 engine: EngineConfig | None = None) -> Path:
    from streetlink.evaluate.baseline import naive_links
    from streetlink.ingest import load_registry, read_inbox, stage_records

    batch = read_inbox(inbox / date.isoformat())
    con = connect(":memory:", engine)
    try:
        stage_records(con, batch)
        load_registry(con, registry)
        # a fresh cursor: duckdb ≥ 2.0 refuses relation work while an earlier result is open
        naive_links(con.cursor()).create("baseline_links")
        enforce(con, "baseline_links", LINKS)
        target = out / date.isoformat() / "baseline_links.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".parquet.tmp")
        sql.run(con, "streetlink.engine", "copy_to_parquet", table="baseline_links", path=tmp)
        tmp.replace(target)
        n = con.execute("SELECT count(*) FROM baseline_links").fetchall()[0][0]
    finally:
        con.close()
    log.info("baseline: %s records → %s", n, target)
    return target
