"""Registry repairs: dirty housing rows (golden/registry_repairs.csv) → clean housing_std, counted."""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path

import duckdb
import pytest

from streetlink.standardise.addresses import community_base, parse_address
from streetlink.standardise.gazetteer import Gazetteer, build_gazetteer
from streetlink.standardise.housing import HOUSING_STEPS, read_repairs, standardise_housing
from streetlink.standardise.repairs import (
    REPAIR_KINDS,
    repair_community,
    repair_number,
    repair_road,
)

GOLDEN = Path(__file__).with_name("golden") / "registry_repairs.csv"
PARTS = ("community", "road", "lane", "sub_lane", "number", "room", "village", "group_no",
         "community_base", "std_address")


def _none(value: str | None) -> str | None:
    return value or None


@cache
def _golden() -> tuple[dict[str, str], ...]:
    with GOLDEN.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(line for line in f if not line.startswith("#")))


@pytest.fixture(scope="module")
def golden_rows() -> tuple[dict[str, str], ...]:
    return _golden()


@pytest.fixture(scope="module")
def con(golden_rows) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE housing (house_id VARCHAR, street_code VARCHAR, committee_code VARCHAR, "
                "community_name VARCHAR, road VARCHAR, lane VARCHAR, number VARCHAR, room VARCHAR, "
                "village VARCHAR, group_no VARCHAR, std_address VARCHAR)")
    con.executemany("INSERT INTO housing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        [f"H{i:03d}", r["committee_code"][:9], r["committee_code"], *(_none(r[c]) for c in (
            "community_name", "road", "lane", "number", "room", "village", "group_no")), r["std_address"]]
        for i, r in enumerate(golden_rows)])
    assert standardise_housing(con) == len(golden_rows)
    return con


def _std(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str | None]]:
    cur = con.execute("SELECT * FROM housing_std ORDER BY house_id")
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}


def test_golden_registry_rows(con: duckdb.DuckDBPyConnection, golden_rows) -> None:
    std = _std(con)
    failures = []
    for i, row in enumerate(golden_rows):
        got = std[f"H{i:03d}"]
        for part in PARTS:
            if got[part] != _none(row[f"e_{part}"]):
                failures.append(f"{row['why']}: {part}={got[part]!r} (want {_none(row[f'e_{part}'])!r})")
        want = sorted(filter(None, (row["e_repairs"] or "").split(";")))
        if sorted(filter(None, (got["repairs"] or "").split(","))) != want:
            failures.append(f"{row['why']}: repairs={got['repairs']!r} (want {want})")
    assert not failures, "\n".join(failures)


def test_repairs_are_counted_by_kind(con: duckdb.DuckDBPyConnection, golden_rows) -> None:
    expected = Counter(k for r in golden_rows for k in (r["e_repairs"] or "").split(";") if k)
    counts = read_repairs(con)
    assert set(counts) == set(REPAIR_KINDS)
    assert {k: n for k, n in counts.items() if n} == dict(expected)
    assert set(expected) <= set(REPAIR_KINDS)


def test_repaired_registry_meets_the_record_parser(con: duckdb.DuckDBPyConnection, golden_rows) -> None:
    """A record typed the usual way reaches the repaired dwelling's road, community and key."""
    con.execute("CREATE OR REPLACE TABLE admin AS SELECT DISTINCT street_code, '' AS street_name, "
                "committee_code, committee_code || '居委会' AS committee_name FROM housing")
    build_gazetteer(con)
    gaz = Gazetteer.load(con)
    for house_id, row in _std(con).items():
        parts = parse_address(row["std_address"], gaz)
        assert (parts.road, parts.village, parts.address_key) == (row["road"], row["village"], row["address_key"]), \
            (house_id, parts)
    # the community as residents say it: with or without 小区, the unified name
    assert parse_address("齐河小区7号301室", gaz).community == "齐河小区"
    assert parse_address("齐河7号301室", gaz).community == "齐河小区"
    assert parse_address("世纪公园一期2号301室", gaz).community == "世纪公园一期"


def test_community_base_is_the_same_rule_on_both_sides(con: duckdb.DuckDBPyConnection) -> None:
    for community, base in con.execute(
            "SELECT DISTINCT community, community_base FROM housing_std WHERE community IS NOT NULL").fetchall():
        assert community_base(community) == base


@pytest.mark.parametrize("name, base", [
    ("菱翔苑三期", "菱翔苑"), ("思凡南苑西区", "思凡南苑"), ("绿洲四期东区", "绿洲"), ("馨苑北块", "馨苑"),
    ("齐河小区一期", "齐河"), ("齐河小区", "齐河"), ("临港家园B区", "临港家园"), ("某某苑", "某某苑"),
    # 小区 appended after the phase: the same estate as its other phases
    ("金桂小区北区小区", "金桂"), ("望江苑西区小区", "望江苑"), ("上南四村小区", "上南四村"),
    # numbered estates are different estates; a name that is only a zone stays itself
    ("济阳一村", "济阳一村"), ("金桥二村", "金桥二村"), ("东区", "东区"), ("园区", "园区"), ("小区", "小区"),
    (None, None),
])
def test_community_base(name: str | None, base: str | None) -> None:
    assert community_base(name) == base


@pytest.mark.parametrize("raw, road, community, lane, number", [
    ("齐河路", "齐河路", None, None, None),
    ("(齐河路", "齐河路", None, None, None),
    ("中国上海市市辖区浦东新区齐河路", "齐河路", None, None, None),
    ("勤奋小区中山路", "中山路", "勤奋小区", None, None),  # by shape: a strong estate word
    ("上海市新齐河路", "新齐河路", None, None, None),  # a road not known: never cut to a known one
    ("上海西路", "上海西路", None, None, None),
    ("上海中山路", "中山路", None, None, None),  # 上海 alone is a prefix only before a known road
    ("上海浦江路", "上海浦江路", None, None, None),
    ("浦东公路", "浦东公路", None, None, None),
    ("川沙新镇锦绣路", "锦绣路", None, None, None),
    ("唐镇新城路", "唐镇新城路", None, None, None),
    ("齐河路88弄3号", "齐河路", None, "88", "3"),
])
def test_repair_road(raw: str, road: str, community: str | None, lane: str | None, number: str | None) -> None:
    fixed = repair_road(raw, frozenset({"齐河路", "锦绣路", "中山路"}))
    assert (fixed.road, fixed.community, fixed.lane, fixed.number) == (road, community, lane, number)


@pytest.mark.parametrize("raw, community", [
    ("上海江小区", "上海江小区"), ("浦东花园", "浦东花园"), ("唐镇新城", "唐镇新城"),
    ("张江镇汤臣豪园", "汤臣豪园"), ("上海市浦东新区齐河小区", "齐河小区"),
])
def test_repair_community_keeps_names_that_begin_like_a_prefix(raw: str, community: str) -> None:
    assert repair_community(raw)[0] == community


@pytest.mark.parametrize("raw, value, lane, number", [
    ("0602", "602", None, None), ("3号", "3", None, None), ("五组", "5", None, None),
    ("88弄3号", "3", "88", None), ("3号602室", "602", None, "3"), ("１２", "12", None, None),
])
def test_repair_number(raw: str, value: str, lane: str | None, number: str | None) -> None:
    fixed = repair_number(raw)
    assert (fixed.value, fixed.lane, fixed.number) == (value, lane, number)


def test_steps_are_named_and_described() -> None:
    names = [s.name for s in HOUSING_STEPS]
    assert len(names) == len(set(names))
    assert all(s.description for s in HOUSING_STEPS)
    assert names[-1] == "count_repairs"


# ---------------------------------------------------------------- a dirtied registry


def _clean_registry() -> list[dict[str, str | None]]:
    """Urban dwellings in three estates of two streets, and village houses."""
    rows = []
    for street, committee, community, road, lane in (
            ("310115007", "310115007012", "齐河小区", "齐河路", "88"),
            ("310115007", "310115007013", "上南花园", "上南路", "1500"),
            ("310115016", "310115016004", "锦绣苑三期", "锦绣路", "2580")):
        for number in range(1, 5):
            for room in ("101", "202", "303"):
                rows.append({"street_code": street, "committee_code": committee, "community_name": community,
                             "road": road, "lane": lane, "number": str(number), "room": room,
                             "village": None, "group_no": None,
                             "std_address": f"浦东新区{road}{lane}弄{number}号{room}室"})
    for number in range(1, 7):
        rows.append({"street_code": "310115103", "committee_code": "310115103201", "community_name": None,
                     "road": None, "lane": None, "number": str(number), "room": None, "village": "七灶村",
                     "group_no": "5", "std_address": f"浦东新区川沙新镇七灶村5组{number}号"})
    return rows


def _fullwidth(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


# kind → how a clerk might type the row instead (urban rows unless said)
DIRT = {
    "road_bracket": lambda r: {**r, "road": "（" + r["road"]},
    "road_prefix": lambda r: {**r, "road": "上海市浦东新区" + r["road"]},
    "road_estate": lambda r: {**r, "road": f"{r['community_name']}({r['road']}", "community_name": None},
    "road_numbers": lambda r: {**r, "road": r["road"] + r["lane"] + "弄", "lane": None},
    "community_prefix": lambda r: {**r, "community_name": "浦东新区" + r["community_name"]},
    "community_bracket": lambda r: {**r, "community_name": "(" + r["community_name"]},
    "number_units": lambda r: {**r, "number": r["number"] + "号", "room": r["room"] + "室"},
    "number_split": lambda r: {**r, "number": f"{r['lane']}弄{r['number']}号", "lane": None},
    "fullwidth": lambda r: {**r, "number": _fullwidth(r["number"])},
    "part_from_std_address": lambda r: {**r, "room": None},
    "std_address_rebuilt": lambda r: {**r, "std_address": r["std_address"].replace("室", "0室")},
}


def _load(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, str | None]]) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {table} (house_id VARCHAR, street_code VARCHAR, committee_code VARCHAR, "
                "community_name VARCHAR, road VARCHAR, lane VARCHAR, number VARCHAR, room VARCHAR, "
                "village VARCHAR, group_no VARCHAR, std_address VARCHAR)")
    con.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        [f"H{i:03d}", r["street_code"], r["committee_code"], r["community_name"], r["road"], r["lane"],
         r["number"], r["room"], r["village"], r["group_no"], r["std_address"]] for i, r in enumerate(rows)])


def test_a_dirtied_registry_comes_out_as_the_clean_one() -> None:
    clean = _clean_registry()
    dirty = [dict(r) for r in clean]
    urban = [i for i, r in enumerate(clean) if r["road"]]
    dirtied: dict[str, list[int]] = {}
    for k, (kind, dirt) in enumerate(DIRT.items()):
        # two urban rows per kind, each row dirtied one way (36 urban rows, 11 kinds)
        picked = [urban[(3 * k) % len(urban)], urban[(3 * k + 1) % len(urban)]]
        for i in picked:
            dirty[i] = dirt(dirty[i])
        dirtied[kind] = picked
    village_rows = [i for i, r in enumerate(clean) if r["village"]][:2]
    for i in village_rows:
        dirty[i] = {**dirty[i], "village": "川沙新镇" + dirty[i]["village"]}
    dirtied["village_prefix"] = village_rows
    # one estate written without 小区 in a row of a street that writes it with
    form_row = next(i for i in urban if clean[i]["community_name"] == "齐河小区" and i not in
                    {j for rows in dirtied.values() for j in rows})
    dirty[form_row] = {**dirty[form_row], "community_name": "齐河"}
    dirtied["community_form"] = [form_row]

    con = duckdb.connect()
    _load(con, "housing", clean)
    standardise_housing(con, "housing", "clean_std")
    _load(con, "housing", dirty)
    standardise_housing(con, "housing", "housing_std")
    columns = "house_id, community, road, lane, sub_lane, number, room, village, group_no, std_address, address_key"
    differ = con.execute(f"SELECT {columns} FROM housing_std EXCEPT SELECT {columns} FROM clean_std").fetchall()
    assert differ == []
    counts = read_repairs(con)
    # road_estate moves the estate and needs the bracket to be seen; those rows count both
    expected = Counter({kind: len(rows) for kind, rows in dirtied.items()})
    expected["road_bracket"] += len(dirtied["road_estate"])
    assert {k: n for k, n in counts.items() if n} == dict(expected)
