"""Write the raw layer: what arrived, as it arrived, for auditors.

Input: the ``raw_<source>`` tables that ``stage_records`` created (Chinese headers, every
value text, extra columns kept, bad lines with their original text).
Output: ``<raw_dir>/<source>.parquet``, one file per source (empty when the source sent
nothing), each written to a temporary name and then moved into place.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

from streetlink.contracts import SOURCE_NAMES
from streetlink.errors import StreetlinkError
from streetlink.ingest.stage import raw_table_name

__all__ = ["write_raw"]

log = logging.getLogger(__name__)


def _sql_path(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def write_raw(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> list[Path]:
    """Copy every ``raw_<source>`` table to ``raw_dir/<source>.parquet``; return the paths."""
    present = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
        ).fetchall()
    }
    missing = [raw_table_name(s) for s in SOURCE_NAMES if raw_table_name(s) not in present]
    if missing:
        raise StreetlinkError(
            f"no raw table(s) {', '.join(missing)} to write: run stage_records first"
        )
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for source in SOURCE_NAMES:
        target = raw_dir / f"{source}.parquet"
        partial = raw_dir / f".{source}.parquet.partial"
        con.execute(
            f"COPY (SELECT * FROM {raw_table_name(source)} ORDER BY _file, _row) "
            f"TO {_sql_path(partial)} (FORMAT parquet, COMPRESSION zstd)"
        )
        os.replace(partial, target)
        written.append(target)
    log.info("raw layer written to %s (%d file(s))", raw_dir, len(written))
    return written
