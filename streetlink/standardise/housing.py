"""Housing registry (实有房屋库) → housing_std, standardised once per registry refresh.

Goal: the registry's road/lane/number/room and village/group/number parts written exactly
as the address parser writes a record's parts, so that linking compares like with like
(a test checks that ``parse_address(std_address)`` of a registry row gives that row's
parts).

Input → output: table ``housing`` (HOUSING contract, ~2.3 M rows) → table ``housing_std``
(HOUSING_STD contract) with, in addition:
    sub_lane      N of 526弄78支弄 when the registry's lane holds one
    address_key   road+N弄+N支弄+N号+N室 / village+N组+N号+N室 (``addresses.address_key``)
    building_key  address_key without the room: blocking key for "building known, room not"

Set-based: every DISTINCT raw value of each part column is normalised once in Python (a
few thousand values), registered as a small mapping table, and joined in SQL
(housing.sql).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from importlib import resources

import duckdb
import pyarrow as pa

from streetlink.contracts.schema import enforce
from streetlink.contracts.tables import HOUSING_STD
from streetlink.standardise.addresses import normalise_name, normalise_village, split_lane
from streetlink.standardise.numerals import normalise_number
from streetlink.standardise.text import normalise_text

__all__ = ["HOUSING_STD_EXTRA_COLUMNS", "standardise_housing"]

log = logging.getLogger(__name__)

HOUSING_STD_EXTRA_COLUMNS = ("sub_lane", "address_key", "building_key")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")


def _distinct(con: duckdb.DuckDBPyConnection, src: str, *columns: str) -> list[str]:
    union = " UNION ".join(f"SELECT DISTINCT CAST({c} AS VARCHAR) AS v FROM {src}" for c in columns)
    return [v for (v,) in con.execute(f"SELECT v FROM ({union}) WHERE v IS NOT NULL").fetchall()]


def _mapping(values: list[str], normalise: Callable[[str], str | None]) -> pa.Table:
    return pa.table({
        "raw": pa.array(values, pa.string()),
        "norm": pa.array([normalise(v) for v in values], pa.string()),
    })


def _number(value: str) -> str | None:
    return normalise_number(normalise_text(value))


def standardise_housing(
    con: duckdb.DuckDBPyConnection, src: str = "housing", out: str = "housing_std"
) -> int:
    """Create ``out`` from the raw housing registry ``src``; returns its row count."""
    for name in (src, out):
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a table name: {name!r}")
    lanes = _distinct(con, src, "lane")
    split = [split_lane(v) for v in lanes]
    mappings = {
        "_hs_names": _mapping(_distinct(con, src, "community_name", "road"), normalise_name),
        "_hs_villages": _mapping(_distinct(con, src, "village"), normalise_village),
        "_hs_numbers": _mapping(_distinct(con, src, "number", "room", "group_no"), _number),
        "_hs_lanes": pa.table({
            "raw": pa.array(lanes, pa.string()),
            "lane": pa.array([s[0] for s in split], pa.string()),
            "sub_lane": pa.array([s[1] for s in split], pa.string()),
        }),
    }
    for name, table in mappings.items():
        con.register(name, table)
    try:
        sql = resources.files("streetlink.standardise").joinpath("housing.sql").read_text("utf-8")
        body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
        con.execute(body.format(src=src, out=out))
    finally:
        for name in mappings:
            con.unregister(name)
    enforce(con, out, HOUSING_STD)
    n = con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0]
    log.info("standardised %d dwellings into %s (%s distinct part values normalised)",
             n, out, sum(t.num_rows for t in mappings.values()))
    return n
