"""A night on Spark: what crosses between the driver's DuckDB files and the Spark session.

    registry refresh   the warehouse (DuckDB file) is exported once per refresh to
                       ``<warehouse>.parquet/<table>.parquet``; the session reads those as
                       the views ``wh.<table>``
    ingest             the inbox's files are read and staged on the driver, as on DuckDB
                       (readers are Python; a night is at most a few hundred thousand rows);
                       ``staged_records`` then goes to the session once
    standardise → link → decide   in the session (``SparkEngine``)
    hand back          the night's tables (records_std, candidates, decisions …) are
                       copied into the run's DuckDB file: packets, the review workbook,
                       links.parquet and the report are written from the decided night on
                       the driver, by the same code as on DuckDB

One engine per run folder, kept for the life of the process (the steps of a run, Prefect
tasks included, run in one process); ``release`` drops its tables.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from pathlib import Path
from typing import Any

import duckdb

from streetlink import sql

__all__ = ["export_warehouse", "hand_back", "release", "spark_engine", "warehouse_parquet"]

log = logging.getLogger(__name__)

_ENGINES: dict[Path, Any] = {}
_LOCK = threading.Lock()
_STAMP = "_exported_from.json"


def warehouse_parquet(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name.removesuffix(".duckdb") + ".parquet")


def export_warehouse(warehouse: Path, folder: Path | None = None) -> Path:
    """The warehouse's tables as Parquet files, rewritten only when the warehouse changed."""
    folder = folder or warehouse_parquet(warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        fingerprint, schema = sql.run(con, "streetlink.engine", "registry_stamp").fetchall()[0]
        stamp = {"fingerprint": fingerprint, "schema_version": schema}
        marker = folder / _STAMP
        if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == stamp:
            return folder
        tmp = folder.with_name(folder.name + ".new")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        tables = [r[0] for r in sql.run(con, "streetlink.engine", "tables_of_database").fetchall()]
        for table in tables:
            sql.run(con, "streetlink.engine", "copy_to_parquet", table=table, path=tmp / f"{table}.parquet")
        (tmp / _STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    finally:
        con.close()
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    log.info("warehouse exported for Spark: %s (%d tables)", folder, len(tables))
    return folder


def spark_engine(work_dir: Path, warehouse: Path, run_db: Path, spark_master: str | None = None):
    """The run's SparkEngine: warehouse attached as ``wh``, the night's staged records loaded."""
    from streetlink.engine.spark import SparkEngine, SparkSettings, spark_session

    key = Path(work_dir).resolve()
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            settings = SparkSettings.from_env(spark_master)
            engine = SparkEngine(spark_session(settings), key / "spark")
            engine.attach_parquet("wh", export_warehouse(warehouse))
            con = duckdb.connect(str(run_db), read_only=True)
            try:
                engine.register("staged_records", con.sql("SELECT * FROM staged_records").to_arrow_table())
            finally:
                con.close()
            _ENGINES[key] = engine
        return engine


def hand_back(engine: Any, con: duckdb.DuckDBPyConnection, skip: tuple[str, ...] = ("staged_records",)) -> list[str]:
    """Copy the tables the engine made into the DuckDB run database (same names)."""
    copied = []
    for table in engine.tables():
        if table in skip or table.startswith("_") or "__" in table:
            continue
        folder = engine.parquet_folder(table)
        if any(folder.glob("*.parquet")):
            # Read where Spark wrote it: collecting a Pudong night's candidates to the driver
            # (3 GB serialised, 6.4 M address pairs) exceeds spark.driver.maxResultSize and
            # holds the table twice in the driver's memory.
            sql.run(con, "streetlink.engine", "table_from_parquet", table=table,
                    path=(folder / "*.parquet").as_posix())
        else:  # a folder without a part file (an empty table): its schema comes from Spark
            view = f"_hand_back_{table}"
            con.register(view, engine.read_arrow(table))
            try:
                sql.run(con, "streetlink.engine", "table_from", table=table, source=view)
            finally:
                con.unregister(view)
        copied.append(table)
    log.info("handed back from Spark: %s", ", ".join(copied))
    return copied


def release(work_dir: Path) -> None:
    """Drop the run's Spark tables and scratch files (the session itself stays up)."""
    with _LOCK:
        engine = _ENGINES.pop(Path(work_dir).resolve(), None)
    if engine is not None:
        engine.shutdown()
