"""The naive "before" baseline: what a clerk did by hand in Excel before streetlink.

Goal: a floor to measure streetlink against. Only exact look-ups, no cleaning:

1. the ID number exactly as typed (only trimmed) equals a registry ``id_number`` of exactly
   one person who has a dwelling → dispatch to that dwelling's committee (person link);
2. else the address exactly as typed (trimmed) equals a housing ``std_address``, or equals it
   after adding, removing or swapping one of the exact prefixes 上海市 / 浦东新区 /
   上海市浦东新区 → dispatch to that dwelling's committee (address link);
3. else review with reason ``address_unresolved``.

A record that staging already rejected (``reject_reason`` set) stays rejected with that
reason: the clerk never saw it as a usable row.

Input → output: a table shaped per STAGED_RECORDS plus the raw registry tables HOUSING
and POPULATION (DuckDB table or view names) → a relation shaped exactly per LINKS.
Set-based: one SQL statement (baseline.sql), no Python per row.
"""

from __future__ import annotations

import duckdb

from streetlink import sql
from streetlink.contracts import LINKS

__all__ = ["PREFIXES", "lookup_counts", "naive_links"]

PREFIXES = ("上海市浦东新区", "上海市", "浦东新区")

_SQL = "streetlink.evaluate"


def _render(name: str, staged: str, housing: str, population: str) -> str:
    tables = {"staged": staged, "housing": housing, "population": population}
    values = {"typed_lookups": sql.render(_SQL, "typed_lookups", **tables), **tables}
    statement = sql.load(_SQL, name)
    return statement.render(**{k: v for k, v in values.items() if k in statement.placeholders})


def lookup_counts(con: duckdb.DuckDBPyConnection, staged: str = "staged_records",
                  housing: str = "housing", population: str = "population") -> dict[str, int]:
    """How much the clerk looked up: records, ID hits, address variants tried, address hits
    (the baseline's equivalent of candidate pairs, for the benchmark)."""
    cur = con.execute(_render("lookup_counts", staged, housing, population), {"prefixes": list(PREFIXES)})
    names = [c[0] for c in cur.description]
    return dict(zip(names, cur.fetchall()[0]))


def naive_links(
    con: duckdb.DuckDBPyConnection,
    staged: str = "staged_records",
    housing: str = "housing",
    population: str = "population",
) -> duckdb.DuckDBPyRelation:
    """Exact-lookup links for every staged record, shaped exactly per LINKS."""
    rel = con.sql(_render("naive_links", staged, housing, population), params={"prefixes": list(PREFIXES)})
    cols = ", ".join(f'CAST("{c.name}" AS {c.dtype}) AS "{c.name}"' for c in LINKS.columns)
    return rel.query("naive", f"SELECT {cols} FROM naive ORDER BY record_id")
