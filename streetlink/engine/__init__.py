"""The one place that knows the engine: DuckDB (embedded, the default) or Spark.

Stages are written against a *connection*: they run named statements through
``streetlink.sql`` (which calls ``execute``), register Arrow tables they computed in
Python (``register`` / ``unregister``), fetch small results. Both engines answer that
small interface:

    DuckDB   a ``duckdb.DuckDBPyConnection`` itself (nothing is wrapped: the default path
             is exactly what it always was)
    Spark    ``streetlink.engine.spark.SparkEngine``: the same SQL text, written once in
             DuckDB's dialect, is rendered for Spark (sqlglot, plus the few rewrites in
             ``spark_sql.py``); ``CREATE TABLE … AS`` materialises the result as Parquet
             in the run's scratch folder (a table is then read, not recomputed, by the
             next statement); Python that runs per distinct value keeps running on the
             distinct values, collected to the driver once.

``of(con)`` gives the ``Engine`` helpers for either (table I/O a stage needs beyond SQL:
read a table as Arrow, write it as Parquet, its columns and their DuckDB type names).

The engine of a run is chosen by ``EngineConfig.kind`` (``--engine duckdb|spark``); a
Spark session runs in local mode unless ``SPARK_REMOTE`` or ``--spark-master`` names a
cluster (see ``spark.py``). Requires the optional extra ``.[spark]`` and Java 17.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from streetlink import sql

__all__ = ["KINDS", "DuckDBEngine", "Engine", "is_spark", "of"]

KINDS = ("duckdb", "spark")
_SQL = "streetlink.engine"


class Engine(Protocol):
    """What a stage may ask of an engine besides running SQL (``con.execute``)."""

    kind: str

    def read_arrow(self, table: str) -> pa.Table: ...

    def write_parquet(self, table: str, path: Path) -> None: ...

    def describe(self, table: str) -> list[tuple[str, str]]: ...

    def table_exists(self, table: str) -> bool: ...


class DuckDBEngine:
    """The Engine helpers over a DuckDB connection."""

    kind = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def read_arrow(self, table: str) -> pa.Table:
        return sql.run(self.con, _SQL, "select_all", table=table).to_arrow_table()

    def write_parquet(self, table: str, path: Path) -> None:
        sql.run(self.con, _SQL, "copy_to_parquet", table=table, path=path)

    def describe(self, table: str) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in sql.run(self.con, _SQL, "describe", table=table).fetchall()]

    def table_exists(self, table: str) -> bool:
        try:
            self.describe(table)
        except duckdb.Error:
            return False
        return True


def is_spark(con: Any) -> bool:
    return getattr(con, "kind", None) == "spark"


def of(con: Any) -> Engine:
    """The Engine of a connection: a DuckDB connection, or a SparkEngine (which is its own)."""
    if is_spark(con):
        return con
    return DuckDBEngine(con)
