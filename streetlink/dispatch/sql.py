"""Fixed SQL of the dispatch and report stages: loaded from ``.sql`` files, tables named safely.

Table names are identifiers and cannot be bound as parameters, so they are substituted
(``$decisions``) only after checking they are plain (optionally schema-qualified) names;
values are always bound parameters.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

import duckdb

__all__ = ["load_sql", "table_exists", "table_ref"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


def table_ref(name: str) -> str:
    """`name` quoted as a DuckDB identifier; refuses anything but a (schema.)table name."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a table name: {name!r}")
    return ".".join(f'"{part}"' for part in name.split("."))


def load_sql(path: Path, **tables: str) -> str:
    """The SQL in `path` with each ``$key`` replaced by the quoted table name given for it."""
    return Template(path.read_text(encoding="utf-8")).substitute(
        {key: table_ref(name) for key, name in tables.items()}
    )


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table or view called `name` is visible on `con`."""
    table_ref(name)
    schema, _, table = name.rpartition(".")
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
        "AND (? = '' OR table_schema = ?)",
        [table, schema, schema],
    ).fetchone()
    return bool(row and row[0])
