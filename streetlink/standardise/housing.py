"""Housing registry (实有房屋库) → housing_std, standardised once per registry refresh.

Goal: the registry's road/lane/number/room and village/group/number parts written exactly
as the address parser writes a record's parts, so that linking compares like with like
(a test checks that ``parse_address(std_address)`` of a registry row gives that row's
parts) — and repaired where clerks typed them dirty (repairs.py): a road field holding
``（齐河路``, ``上海市浦东新区齐河路``, ``世纪公园(一期)(锦绣路`` or ``齐河路88弄``; a number
field holding ``88弄3号``; one estate written 齐河 and 齐河小区 in the same street; a
std_address that disagrees with the parts. Every repair is counted by kind.

Input → output: table ``housing`` (HOUSING contract, ~2.3 M rows) → table ``housing_std``
(HOUSING_STD contract) with, in addition:
    sub_lane        N of 526弄78支弄 when the registry's lane holds one
    address_key     road+N弄+N支弄+N号+N室 / village+N组+N号+N室 (``addresses.address_key``)
    building_key    address_key without the room: blocking key for "building known, room not"
    community_base  the estate without its phase or zone (``addresses.community_base``)
    repairs         the repair kinds applied to the dwelling, comma-separated (NULL: none)

``HOUSING_STEPS`` is set-based: every DISTINCT raw value of each part column is repaired
once in Python (a few thousand values), registered as a small mapping table and joined in
SQL (housing.sql); only std_address values that disagree with their parts are read in
Python, one each. The repair counts are left in the table ``housing_repairs`` (kind,
dwellings) beside ``housing_std``, for the refresh log and registry_meta.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from streetlink import sql
from streetlink.contracts.schema import enforce
from streetlink.contracts.tables import HOUSING_STD
from streetlink.standardise.addresses import (
    community_base,
    normalise_name,
    parse_address,
    split_lane,
)
from streetlink.standardise.addresses.parts import make_key
from streetlink.standardise.addresses.steps import Step, run_steps
from streetlink.standardise.gazetteer import Gazetteer
from streetlink.standardise.places import street_name, streets
from streetlink.standardise.repairs import (
    REPAIR_KINDS,
    RoadRepair,
    is_clean_road,
    repair_community,
    repair_number,
    repair_road,
    repair_village,
)
from streetlink.standardise.repairs import (
    has_fullwidth as _has_fullwidth,
)
from streetlink.standardise.text import normalise_text

__all__ = [
    "HOUSING_STD_EXTRA_COLUMNS",
    "HOUSING_STEPS",
    "REPAIR_KINDS",
    "read_repairs",
    "standardise_housing",
]

log = logging.getLogger(__name__)

_SQL = "streetlink.standardise"
HOUSING_STD_EXTRA_COLUMNS = ("sub_lane", "address_key", "building_key", "community_base", "repairs")
_PARTS = ("road", "lane", "sub_lane", "number", "room", "village", "group_no")


@dataclass
class _HousingRun:
    con: duckdb.DuckDBPyConnection
    src: str
    out: str
    values: dict[str, list[str]] = field(default_factory=dict)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    rows: int = 0
    repairs: dict[str, int] = field(default_factory=dict)

    def register(self, name: str, table: pa.Table) -> None:
        self.tables[name] = table
        self.con.register(name, table)


def _kinds(kinds: tuple[str, ...]) -> str | None:
    return ",".join(kinds) or None


def _strings(values: list) -> pa.Array:
    return pa.array(values, pa.string())


def _table(**columns: list) -> pa.Table:
    return pa.table({name: _strings(values) for name, values in columns.items()})


# ---------------------------------------------------------------- steps


def _select_distinct(h: _HousingRun) -> None:
    sql.run(h.con, _SQL, "define_sorted_kinds")
    lists = sql.run(h.con, _SQL, "distinct_values", src=h.src).fetchall()[0]
    for column, values in zip(("road", "community_name", "village", "lane", "number", "room", "group_no"), lists):
        h.values[column] = sorted(v for v in values or () if v is not None)


def _repair_roads(h: _HousingRun) -> None:
    raw = h.values["road"]
    clean = {normalise_name(v) for v in raw if is_clean_road(normalise_text(v))}
    # 川沙新镇锦绣路 and 上海齐河路 look clean, but are a prefix in front of another clean road
    known = frozenset(r for r in clean if repair_road(r, clean - {r}).road == r)
    fixed = [_road_fast(v, known) for v in raw]
    h.register("_hs_roads", _table(
        raw=raw, road=[f.road for f in fixed], community=[f.community for f in fixed],
        community_base=[community_base(f.community) for f in fixed],
        lane=[f.lane for f in fixed], number=[f.number for f in fixed],
        kinds=[_kinds(f.kinds) for f in fixed]))


def _road_fast(raw: str, known: frozenset[str]) -> RoadRepair:
    text = normalise_text(raw)
    name = normalise_name(text)
    if name in known and text == text.strip() and not _has_fullwidth(raw):
        return RoadRepair(name)  # the common case: already the registry's clean road
    return repair_road(raw, known)


def _repair_communities(h: _HousingRun) -> None:
    raw = h.values["community_name"]
    fixed = [repair_community(v) for v in raw]
    h.register("_hs_communities", _table(raw=raw, community=[f[0] for f in fixed],
                                         community_base=[community_base(f[0]) for f in fixed],
                                         kinds=[_kinds(f[1]) for f in fixed]))


def _repair_villages(h: _HousingRun) -> None:
    raw = h.values["village"]
    fixed = [repair_village(v) for v in raw]
    h.register("_hs_villages", _table(raw=raw, village=[f[0] for f in fixed], kinds=[_kinds(f[1]) for f in fixed]))


def _repair_numbers(h: _HousingRun) -> None:
    lanes = h.values["lane"]
    split = [split_lane(v) for v in lanes]
    lane_kinds = [repair_number(v).kinds if s[1] is None else () for v, s in zip(lanes, split)]
    h.register("_hs_lanes", _table(raw=lanes, lane=[s[0] for s in split], sub_lane=[s[1] for s in split],
                                   kinds=[_kinds(k) for k in lane_kinds]))
    raw = sorted(set(h.values["number"]) | set(h.values["room"]) | set(h.values["group_no"]))
    fixed = [repair_number(v) for v in raw]
    h.register("_hs_numbers", _table(raw=raw, value=[f.value for f in fixed], lane=[f.lane for f in fixed],
                                     number=[f.number for f in fixed], kinds=[_kinds(f.kinds) for f in fixed]))


def _apply_value_repairs(h: _HousingRun) -> None:
    sql.run(h.con, _SQL, "apply_value_repairs", src=h.src, out=h.out)


def _unify_community_forms(h: _HousingRun) -> None:
    """齐河 and 齐河小区 in one street are one estate: the form with more dwellings wins."""
    rows = sql.run(h.con, _SQL, "community_forms", out=h.out).fetchall()
    groups: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for street, community, dwellings in rows:
        groups[(street, community.removesuffix("小区") or community)].append((dwellings, community))
    streets, raws, chosen = [], [], []
    for (street, _), forms in groups.items():
        if len(forms) < 2:
            continue
        best = max(forms, key=lambda f: (f[0], len(f[1])))[1]
        for _, community in forms:
            if community != best:
                streets.append(street)
                raws.append(community)
                chosen.append(best)
    if raws:
        h.register("_hs_forms", _table(street_code=streets, raw=raws, community=chosen,
                                       community_base=[community_base(c) for c in chosen]))
        sql.run(h.con, _SQL, "unify_community_forms", out=h.out)


def _check_std_addresses(h: _HousingRun) -> None:
    """Each std_address that disagrees with its parts: fill a missing part, or rebuild it.

    Set-based where std_address has the plain registry form after the road or village
    (housing.sql reads it); the rest are read in Python, one each, by the address parser.
    """
    sql.run(h.con, _SQL, "std_address_candidates", out=h.out)
    try:
        cur = sql.run(h.con, _SQL, "std_address_unreadable")
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
        out: dict[str, list] = {c: [] for c in ("house_id", *_PARTS, "std_address", "address_key",
                                                "building_key", "repairs")}
        gaz = _registry_names(h) if rows else None
        for row in rows:
            _read_std_address(dict(zip(columns, row)), gaz, out)
        h.register("_hs_std", _table(**out))
        codes = sorted(streets())
        h.register("_hs_street_names", _table(street_code=codes, street_name=[street_name(c) for c in codes]))
        sql.run(h.con, _SQL, "std_address_fixes")
        sql.run(h.con, _SQL, "fix_std_addresses", out=h.out)
    finally:
        sql.run(h.con, _SQL, "drop_std_candidates")
        sql.run(h.con, _SQL, "drop_std_fixes")


def _read_std_address(r: dict, gaz: Gazetteer, out: dict[str, list]) -> None:
    """One std_address the SQL could not read: the parser reads it, and the parts are judged."""
    parsed = parse_address(r["std_address"], gaz)
    fills = {p: getattr(parsed, p) for p in _PARTS if r[p] is None and getattr(parsed, p) is not None}
    if (parsed.road is not None and r["village"] is not None) or (
            parsed.village is not None and r["road"] is not None):
        fills = {}  # a rural dwelling is not given a road, nor an urban one a village
    merged = {p: r[p] if r[p] is not None else fills.get(p) for p in _PARTS}
    agrees = all(getattr(parsed, p) is None or getattr(parsed, p) == merged[p] for p in _PARTS)
    kinds = ["part_from_std_address"] if fills else []
    std = r["std_address"]
    if not agrees:
        kinds.append("std_address_rebuilt")
        std = _std_address(merged, r["street_code"]) or std
    if not kinds:
        return
    out["house_id"].append(r["house_id"])
    for p in _PARTS:
        out[p].append(merged[p])
    out["std_address"].append(std)
    road, lane, sub_lane, number, room, village, group_no = (merged[p] for p in _PARTS)
    out["address_key"].append(make_key(road, lane, sub_lane, number, room, village, group_no, r["community"]))
    out["building_key"].append(make_key(road, lane, sub_lane, number, None, village, group_no, r["community"]))
    out["repairs"].append(",".join(filter(None, [r["repairs"], *kinds])))


def _registry_names(h: _HousingRun) -> Gazetteer:
    """This registry's repaired road and village names, for reading its std_address values."""
    roads = {r for r in h.tables["_hs_roads"].column("road").to_pylist() if r}
    villages = {v for v in h.tables["_hs_villages"].column("village").to_pylist() if v}
    names = {v: ((("village", v),), False) for v in villages}
    names.update({r: ((("road", r),), False) for r in roads})
    return Gazetteer.from_parts(names=names, roads={r: frozenset() for r in roads}, communities={},
                                community_lanes={}, villages={v: frozenset() for v in villages},
                                committees={})


def _std_address(parts: dict[str, str | None], street_code: str) -> str | None:
    key = make_key(parts["road"], parts["lane"], parts["sub_lane"], parts["number"], parts["room"],
                   parts["village"], parts["group_no"], None)
    if key is None:
        return None
    # the registry's own form: urban 浦东新区齐河路88弄3号602室, rural with the town
    return "浦东新区" + ("" if parts["road"] else street_name(street_code) or "") + key


def _count_repairs(h: _HousingRun) -> None:
    sql.run(h.con, _SQL, "count_repairs", out=h.out)
    h.repairs = read_repairs(h.con)
    h.rows = sql.run(h.con, _SQL, "count_rows", table=h.out).fetchall()[0][0]


HOUSING_STEPS = (
    Step("select_distinct_values", "each distinct raw road, community, village, lane, number, room, group",
         _select_distinct, kind="sql"),
    Step("repair_road_values", "（齐河路, 上海市浦东新区齐河路, 世纪公园(一期)(锦绣路, 齐河路88弄 → road (+ estate, "
         "lane, number); the registry's clean roads first", _repair_roads),
    Step("repair_community_values", "prefix, stray brackets, full-width digits; 川杨新苑(四期) → 川杨新苑四期; "
         "the estate's base key", _repair_communities),
    Step("repair_village_values", "prefix, stray brackets; 七灶 → 七灶村", _repair_villages),
    Step("repair_number_values", "0602 → 602, 3号 → 3, 526弄78支弄 → lane + sub-lane, 88弄3号 → lane + number",
         _repair_numbers),
    Step("apply_value_repairs", "housing_std written once: every dwelling with its repaired values and keys",
         _apply_value_repairs, kind="sql"),
    Step("unify_community_forms", "齐河 / 齐河小区 in one street → the commoner form (rows updated)",
         _unify_community_forms, kind="sql+py"),
    Step("check_std_addresses", "a std_address disagreeing with the parts: a missing part filled, else rebuilt "
         "(plain forms read in SQL, the rest by the parser)", _check_std_addresses, kind="sql+py"),
    Step("count_repairs", "dwellings repaired, by kind → housing_repairs (registry_meta, the refresh log)",
         _count_repairs, kind="sql"),
)


def read_repairs(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The last refresh's repair counts: kind → dwellings (every kind of REPAIR_KINDS, 0 if none)."""
    found = dict(sql.run(con, _SQL, "read_repairs").fetchall())
    return {kind: int(found.get(kind, 0)) for kind in REPAIR_KINDS}


def standardise_housing(
    con: duckdb.DuckDBPyConnection, src: str = "housing", out: str = "housing_std"
) -> int:
    """Create ``out`` (and ``housing_repairs``) from the raw housing registry ``src``; returns rows."""
    for name in (src, out):
        sql.identifier(name)  # a bad name fails before any work is done
    run = _HousingRun(con, src, out)
    try:
        run_steps(HOUSING_STEPS, run)
    finally:
        for name in run.tables:
            con.unregister(name)
    enforce(con, out, HOUSING_STD)
    distinct = sum(len(v) for v in run.values.values())
    repaired = {k: n for k, n in run.repairs.items() if n}
    log.info("standardised %d dwellings into %s (%d distinct part values); repairs: %s", run.rows, out,
             distinct, ", ".join(f"{k} {n:,}" for k, n in repaired.items()) or "none")
    return run.rows
