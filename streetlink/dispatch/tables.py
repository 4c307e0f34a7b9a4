"""Small questions the dispatch and report stages ask of the run database.

SQL text itself is loaded and run only through ``streetlink.sql``; this module answers
whether a table is there, what columns it has, and makes an empty stand-in for an
optional input that is absent (so one statement serves both cases).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from streetlink import sql

__all__ = ["columns_of", "stand_in", "table_exists"]


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table or view called `name` (optionally schema-qualified) is visible on `con`."""
    sql.identifier(name)
    schema, _, table = name.rpartition(".")
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
        "AND (? = '' OR table_schema = ? OR table_catalog = ?)",
        [table, schema, schema, schema],
    ).fetchall()
    return bool(row and row[0][0])


def columns_of(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """The column names of table or view `name`."""
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {sql.identifier(name)}").fetchall()]


def stand_in(con: duckdb.DuckDBPyConnection, name: str, columns: Sequence[str]) -> str:
    """An empty temporary table `name` with these VARCHAR columns; returns its name."""
    cols = ", ".join(f"{sql.identifier(c)} VARCHAR" for c in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {sql.identifier(name)} ({cols})")
    return name
