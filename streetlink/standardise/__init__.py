"""Standardise: Chinese names, ID numbers, phones and addresses, for records and registries.

Input:  `staged_records` (the night) or `admin`, `housing`, `population` (a refresh).
Output: `records_std` (contract RECORDS_STD) — or `housing_std`, `population_std` and the
        gazetteer tables (contracts HOUSING_STD, POPULATION_STD), built once per refresh.

Modules, in the order a value meets them:
    text        NFKC, Traditional → Simplified, dashes, spaces (every other module uses it)
    names       names, honorific callers, minority separators, pinyin keys with surname readings
    ids         GB 11643-1999 resident ID numbers: check digit, 15 → 18, birth date, region
    phones      mobiles by segment, landlines, +86 and spreadsheet damage
    numerals    Chinese numerals, converted only next to an address unit
    places      streets/towns in full, short, old and merged forms; places outside Pudong
    addresses   an address → road / lane / number / room or village / group / number …
                (a package of named steps in order: ``python -m streetlink.standardise.addresses``)
    gazetteer   roads, communities, villages, committees of *this* registry, built at refresh
    identity    the set-based record and registry paths for names, IDs and phones
    housing     the set-based registry path for dwellings
"""

from __future__ import annotations

import logging
import time
from typing import Any

import duckdb

from streetlink import engine, sql
from streetlink.contracts import HOUSING_STD, POPULATION_STD, RECORDS_STD, enforce

__all__ = ["standardise_night", "standardise_registry"]

log = logging.getLogger(__name__)

_SQL = "streetlink.standardise"


def standardise_registry(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """`housing` → `housing_std` + gazetteer; `population` → `population_std` (in `con`).

    Returns row counts, seconds by part and ``repairs``: the registry repairs made, by kind
    (dwellings), as kept in `housing_repairs`.
    """
    from streetlink.standardise.gazetteer import build_gazetteer
    from streetlink.standardise.housing import read_repairs, standardise_housing
    from streetlink.standardise.identity import standardise_population

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    n_housing = standardise_housing(con, "housing", "housing_std")
    seconds["housing"] = round(time.perf_counter() - t, 2)
    enforce(con, "housing_std", HOUSING_STD)

    t = time.perf_counter()
    build_gazetteer(con, "housing_std", "admin")
    seconds["gazetteer"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    n_population = standardise_population(con, "population", "population_std")
    seconds["population"] = round(time.perf_counter() - t, 2)
    enforce(con, "population_std", POPULATION_STD)
    repairs = read_repairs(con)
    log.info("registry standardised: %s dwellings, %s persons (%s)", n_housing, n_population, seconds)
    return {"housing_std": n_housing, "population_std": n_population, "seconds": seconds, "repairs": repairs}


def standardise_night(con: duckdb.DuckDBPyConnection, warehouse: str = "wh") -> dict[str, Any]:
    """`staged_records` → `records_std`, with the warehouse's gazetteer for addresses."""
    from streetlink.standardise.addresses import standardise_record_addresses
    from streetlink.standardise.gazetteer import Gazetteer
    from streetlink.standardise.identity import standardise_record_identity

    t = time.perf_counter()
    # The gazetteer tables live in the attached warehouse; let unqualified names find them.
    sql.identifier(warehouse)
    sql.run(con, _SQL, "set_warehouse_path", path=f"main,{warehouse}")
    try:
        gazetteer = Gazetteer.load(con)
    finally:
        sql.run(con, _SQL, "reset_search_path")
    seconds = {"gazetteer_load": round(time.perf_counter() - t, 2)}

    t = time.perf_counter()
    standardise_record_identity(con, "staged_records", "records_identity")
    seconds["identity"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    standardise_record_addresses(con, "staged_records", "records_address", gazetteer)
    seconds["addresses"] = round(time.perf_counter() - t, 2)

    identity_cols = [c.name for c in RECORDS_STD.columns if c.name not in ("record_id", "source")]
    address_cols = {name for name, _ in engine.of(con).describe("records_address")}
    select = ", ".join(
        f'{"a" if c in address_cols else "i"}."{c}"' for c in identity_cols
    )
    sql.run(con, _SQL, "records_std", columns=select)
    enforce(con, "records_std", RECORDS_STD)
    counts = dict(sql.run(con, _SQL, "scope_precision_counts").fetchall())
    n = sql.run(con, _SQL, "count_rows", table="records_std").fetchone()[0]
    return {"records": n, "address_scope_precision": counts, "seconds_by_part": seconds}
