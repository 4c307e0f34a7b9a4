"""A night with no records to link (replies only, or every file unreadable) is linked and decided."""

from __future__ import annotations

import datetime as dt

import duckdb

from streetlink.config import EngineConfig
from streetlink.contracts import RECORDS_STD, STAGED_RECORDS
from streetlink.decide import decide_night
from streetlink.link import link_night
from streetlink.paths import models_dir
from streetlink.synth import generate
from streetlink.ingest.warehouse import ensure_warehouse


def _empty(contract) -> str:
    return ", ".join(f'NULL::{c.dtype} AS "{c.name}"' for c in contract.columns)


def test_zero_records_give_empty_candidates_and_decisions(tmp_path):
    generate("tiny", 3, tmp_path / "data", nights=1, start_date=dt.date(2026, 11, 24))
    warehouse = tmp_path / "warehouse.duckdb"
    ensure_warehouse(tmp_path / "data" / "registry", warehouse, EngineConfig(threads=1))
    con = duckdb.connect(str(tmp_path / "run.duckdb"))
    con.execute(f"ATTACH '{warehouse}' AS wh (READ_ONLY)")
    con.execute(f"CREATE TABLE staged_records AS SELECT {_empty(STAGED_RECORDS)} WHERE false")
    con.execute(f"CREATE TABLE records_std AS SELECT {_empty(RECORDS_STD)} WHERE false")
    summary = link_night(con, "wh", models_dir())
    assert summary["address_pairs"] == summary["person_pairs"] == 0
    counts = decide_night(con, "wh", models_dir())
    assert counts["records"] == 0
    assert con.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0
