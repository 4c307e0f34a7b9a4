"""Gazetteer: built set-based from a tiny housing table, loaded, used for lookups."""

from __future__ import annotations

import duckdb
import pytest

from streetlink.errors import StreetlinkError
from streetlink.standardise.gazetteer import GAZETTEER_TABLES, Gazetteer, build_gazetteer
from streetlink.standardise.housing import standardise_housing

ADMIN = [
    ("310115007", "周家渡街道", "310115007012", "齐河第二居委会"),
    ("310115007", "周家渡街道", "310115007005", "上南四村居委会"),
    ("310115016", "花木街道", "310115016004", "世茂湖滨居委会"),
    ("310115103", "川沙新镇", "310115103201", "七灶村村委会"),
    ("310115120", "金桥镇", "310115120201", "金桥村村委会"),
    ("310115015", "东明路街道", "310115015016", "菱翔苑居委会"),
    ("310115013", "洋泾街道", "310115013009", "杨高中路居委会"),
    ("310115130", "三林镇", "310115130040", "高青居委会"),
    ("310115121", "高行镇", "310115121001", "东沟居委会"),
    ("310115123", "高东镇", "310115123001", "东沟居委会"),
]
# (committee, community, road, lane, number, room, village, group)
HOUSING = [
    ("310115007012", "齐河小区", "齐河路", "88", "3", "602", None, None),
    ("310115007012", "齐河小区", "齐河路", "88", "3", "603", None, None),
    ("310115007005", "上南四村", "上南路", "1500", "4", "202", None, None),
    ("310115013009", None, "上南路", "2000", "1", "101", None, None),  # 上南路 crosses two streets
    ("310115016004", "世茂湖滨花园", "花木路", "1688", "7", "304", None, None),
    ("310115015016", "菱翔苑一期", "凌兆路", "10", "3", "101", None, None),
    ("310115015016", "菱翔苑三期", "凌兆路", "30", "9", "201", None, None),
    ("310115103201", None, None, None, "12", None, "七灶村", "5"),
    ("310115103201", None, None, None, "13", None, "七灶村", "6"),
    ("310115120201", None, None, None, "2", None, "金桥村", "1"),
    ("310115013009", None, "杨高中路", "1188", "10", "802", None, None),
    ("310115013009", None, "杨高南路", "5889", "12", "501", None, None),
    ("310115130040", None, "高青路", "2861", "17", "2102", None, None),
    ("310115130040", None, "高科西路", "100", "1", "101", None, None),
    ("310115130040", None, "高科东路", "100", "1", "101", None, None),
    ("310115130040", None, "锦绣路", "2580", "11", "302", None, None),
    ("310115130040", None, "锦秀东路", "5", "1", "101", None, None),
    ("310115130040", None, "浦东大道", None, "2894", None, None, None),
    ("310115130040", None, "花园石桥路", "28", "24", "1003", None, None),
]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE admin (street_code VARCHAR, street_name VARCHAR, committee_code VARCHAR, "
                "committee_name VARCHAR)")
    con.executemany("INSERT INTO admin VALUES (?, ?, ?, ?)", ADMIN)
    con.execute("CREATE TABLE housing (house_id VARCHAR, street_code VARCHAR, committee_code VARCHAR, "
                "community_name VARCHAR, road VARCHAR, lane VARCHAR, number VARCHAR, room VARCHAR, "
                "village VARCHAR, group_no VARCHAR, std_address VARCHAR)")
    con.executemany("INSERT INTO housing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        [f"H{i}", r[0][:9], r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], "浦东新区"] for i, r in enumerate(HOUSING)
    ])
    standardise_housing(con)
    build_gazetteer(con)
    return con


@pytest.fixture(scope="module")
def gaz(con: duckdb.DuckDBPyConnection) -> Gazetteer:
    return Gazetteer.load(con)


def test_tables_are_built(con: duckdb.DuckDBPyConnection) -> None:
    for table in GAZETTEER_TABLES:
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] > 0


def test_roads_with_the_streets_they_cross(con: duckdb.DuckDBPyConnection, gaz: Gazetteer) -> None:
    rows = con.execute(
        "SELECT street_code, committee_code, n_dwellings FROM gaz_roads WHERE road = '上南路' ORDER BY 1"
    ).fetchall()
    assert rows == [("310115007", "310115007005", 1), ("310115013", "310115013009", 1)]
    assert gaz.roads["上南路"] == frozenset({"310115007", "310115013"})
    assert gaz.roads["齐河路"] == frozenset({"310115007"})


def test_communities_with_committees_and_lanes(con: duckdb.DuckDBPyConnection, gaz: Gazetteer) -> None:
    assert con.execute(
        "SELECT committee_code, road, lane, n_dwellings FROM gaz_communities WHERE community = '齐河小区'"
    ).fetchall() == [("310115007012", "齐河路", "88", 2)]
    assert gaz.community_lanes["齐河小区"] == frozenset({("齐河路", "88")})
    assert gaz.communities["世茂湖滨花园"] == frozenset({"310115016004"})


def test_villages(con: duckdb.DuckDBPyConnection, gaz: Gazetteer) -> None:
    assert con.execute(
        "SELECT committee_code, street_code, n_dwellings, n_groups FROM gaz_villages WHERE village = '七灶村'"
    ).fetchall() == [("310115103201", "310115103", 2, 2)]
    assert gaz.villages["七灶村"] == frozenset({"310115103201"})


def test_committee_alias_forms(con: duckdb.DuckDBPyConnection) -> None:
    aliases = {a for (a,) in con.execute(
        "SELECT alias FROM gaz_committees WHERE committee_code = '310115007012'").fetchall()}
    assert aliases == {"齐河第二居委会", "齐河第二居民委员会", "齐河第二居委", "齐河第二居民区", "齐河第二社区"}
    village = {a for (a,) in con.execute(
        "SELECT alias FROM gaz_committees WHERE committee_code = '310115103201'").fetchall()}
    assert {"七灶村村委会", "七灶村村民委员会", "七灶村委会", "七灶村委"} <= village


def test_aliases_only_when_unambiguous(gaz: Gazetteer) -> None:
    assert gaz.resolve("community", "世茂湖滨") == "世茂湖滨花园"  # without 花园
    assert gaz.resolve("community", "齐河") == "齐河小区"  # without 小区
    assert gaz.resolve("community", "上南四村小区") == "上南四村"  # with 小区 added
    assert gaz.resolve("village", "七灶") == "七灶村"  # without 村
    # 一期 and 三期: not one of them, the estate as a whole (decide takes every phase)
    assert gaz.resolve("community", "菱翔苑") == "菱翔苑"
    assert gaz.resolve("village", "金桥") is None  # 金桥 is the town 金桥镇


def test_match_at_is_longest_and_guards_aliases(gaz: Gazetteer) -> None:
    m = gaz.match_at("齐河路88弄", 0)
    assert m is not None and m.surface == "齐河路" and m.canonical("road") == "齐河路"
    m = gaz.match_at("住世茂湖滨花园7号", 1)
    assert m is not None and m.surface == "世茂湖滨花园"
    assert gaz.match_at("七灶5组", 0).canonical("village") == "七灶村"
    assert gaz.match_at("七灶路5号", 0) is None  # an alias only where the name ends
    committee = gaz.match_at("齐河第二居民区", 0)
    assert committee is not None and committee.canonical("committee") == "310115007012"
    assert gaz.match_at("", 0) is None and gaz.match_at("齐河", 5) is None


@pytest.mark.parametrize("typed, expected", [
    ("其河路", "齐河路"),  # homophone of a 2-character name
    ("扬高中路", "杨高中路"),  # homophone
    ("锦秀路", "锦绣路"),  # homophone, although 锦秀东路 is one edit away
    ("花园百桥路", "花园石桥路"),  # one wrong character in a long name
    ("齐河路", None),  # known already
    ("齐江路", None),  # one edit in a 2-character name: a different road, not a typo
    ("高科中路", None),  # 高科西路 and 高科东路: two candidates, and a direction
    ("杨高北路", None),  # direction variant of 杨高中路/杨高南路: never corrected
    ("齐河街", None),  # road type differs
    ("齐河支路", None),
    ("浦东大路", None),  # 浦东大道 is a 大道
    ("路", None),
    ("张江", None),
])
def test_correct_road(gaz: Gazetteer, typed: str, expected: str | None) -> None:
    assert gaz.correct_road(typed) == expected


def test_load_requires_build() -> None:
    with pytest.raises(StreetlinkError, match="gazetteer not built"):
        Gazetteer.load(duckdb.connect())


def test_table_names_are_checked() -> None:
    with pytest.raises(StreetlinkError, match="not a table name"):
        build_gazetteer(duckdb.connect(), housing="housing; DROP TABLE admin")


def test_rebuild_replaces(con: duckdb.DuckDBPyConnection) -> None:
    before = con.execute("SELECT count(*) FROM gaz_names").fetchall()
    build_gazetteer(con)
    assert con.execute("SELECT count(*) FROM gaz_names").fetchall() == before


def test_ambiguous_committee_form_names_no_committee(gaz: Gazetteer) -> None:
    m = gaz.match_at("东沟居委", 0)
    assert m is not None and "committee" in m.kinds and m.canonical("committee") is None
    assert gaz.resolve("committee", "东沟居委") is None
    assert gaz.resolve("committee", "齐河第二居委") == "310115007012"


def test_correct_village_and_community() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE admin AS SELECT * FROM (VALUES ('310115110', '合庆镇', '310115110205', "
                "'勤劳村村委会')) AS t(street_code, street_name, committee_code, committee_name)")
    con.execute("CREATE TABLE housing AS SELECT * FROM (VALUES "
                "('H1', '310115110', '310115110205', NULL, NULL, NULL, '3', NULL, '勤劳村', '3', 'x'),"
                "('H2', '310115110', '310115110205', NULL, NULL, NULL, '3', NULL, '东风村', '3', 'x'),"
                "('H3', '310115110', '310115110205', '世茂湖滨花园', '花木路', '1', '3', '1', NULL, NULL, 'x')"
                ") AS t(house_id, street_code, committee_code, community_name, road, lane, number, room, "
                "village, group_no, std_address)")
    standardise_housing(con)
    build_gazetteer(con)
    gaz = Gazetteer.load(con)
    assert gaz.correct_village("擒劳村") == "勤劳村"  # homophone
    assert gaz.correct_village("勤荣村") is None  # 荣/劳 neither sound nor look alike
    assert gaz.correct_village("勤劳村") is None  # known
    assert gaz.correct_village("西风村") is None  # a direction is not a typo
    assert gaz.correct_community("世贸湖滨花园") == "世茂湖滨花园"  # homophone
    assert gaz.correct_community("世茂湖滨家园") is None  # 家/花: a different estate
    assert gaz.correct_road("花木璐") == "花木路"  # the whole name sounds the same
    assert gaz.correct_road("花木珞") is None  # neither sounds nor looks alike


# ---------------------------------------------------------------- completion within a street


@pytest.fixture(scope="module")
def doors_gaz() -> Gazetteer:
    """锦康路 (惠南, lane 258) and 锦康公路 (周浦, lane 100); 拱为路 (周浦, No. 36, no lane);
    two phases of 望江苑 and one of 秀枫苑."""
    con = duckdb.connect()
    con.execute("CREATE TABLE admin (street_code VARCHAR, street_name VARCHAR, committee_code VARCHAR, "
                "committee_name VARCHAR)")
    con.execute("CREATE TABLE housing (house_id VARCHAR, street_code VARCHAR, committee_code VARCHAR, "
                "community_name VARCHAR, road VARCHAR, lane VARCHAR, number VARCHAR, room VARCHAR, "
                "village VARCHAR, group_no VARCHAR, std_address VARCHAR)")
    rows = [("310115131016", None, "锦康路", "258", "8", "301"), ("310115132030", None, "锦康公路", "100", "2", "101"),
            ("310115132030", None, "拱为路", None, "36", "203"), ("310115132030", None, "拱伟路", None, "50", "101"),
            ("310115131020", "望江苑西区", "拱极路", "200", "3", "301"),
            ("310115131021", "望江苑东区", "拱极路", "300", "5", "402"),
            ("310115136030", "秀枫苑北块", "康桥路", "900", "3", "303")]
    con.executemany("INSERT INTO housing VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, '浦东新区')",
                    [[f"H{i}", r[0][:9], *r] for i, r in enumerate(rows)])
    standardise_housing(con)
    build_gazetteer(con)
    return Gazetteer.load(con)


@pytest.mark.parametrize("typed, street, lane, number, expected", [
    ("锦康", "310115131", "258", "8", "锦康路"),  # the one road of the street with that stem
    ("锦康", "310115131", "999", "8", "锦康路"),  # one fitting road: the lane need not be known
    ("锦康", "310115132", "100", "2", "锦康公路"),
    ("锦康", None, "258", "8", "锦康路"),  # no street: the one road of Pudong holding the lane
    ("锦康", None, "999", "8", None),
    ("锦康", "310115016", "258", "8", None),  # no such road in the street
    ("拱方路", "310115132", None, "36", "拱为路"),  # a wrong character, where the number is
    ("拱方路", "310115132", None, "37", None),
    ("拱方路", None, None, "36", None),  # a wrong character is corrected only within a street
    ("锦康路", "310115131", "258", "8", None),  # already known
])
def test_complete_road(doors_gaz: Gazetteer, typed: str, street: str | None, lane: str | None,
                       number: str | None, expected: str | None) -> None:
    assert doors_gaz.complete_road(typed, street, lane, number) == expected


def test_community_bases(doors_gaz: Gazetteer) -> None:
    assert doors_gaz.community_bases["望江苑"] == frozenset({"望江苑西区", "望江苑东区"})
    # two phases: no guess at one, the estate as a whole (decide takes every phase)
    assert doors_gaz.resolve("community", "望江苑") == "望江苑"
    assert doors_gaz.resolve("community", "秀枫苑") == "秀枫苑北块"  # one: the alias


def test_an_estate_named_without_its_phase_is_read_whole_not_as_a_name_inside_it() -> None:
    """祝祥苑 (南区, 北区) must not be read as 祥苑, another estate whose name it contains."""
    from streetlink.standardise.addresses import parse_address

    con = duckdb.connect()
    con.execute("""CREATE TABLE admin AS SELECT * FROM (VALUES
        ('310115139', '祝桥镇', '310115139039', '祝祥苑南区居委会'),
        ('310115139', '祝桥镇', '310115139041', '祝祥苑北区居委会'),
        ('310115143', '周浦镇', '310115143003', '祥苑居委会')) t(street_code, street_name, committee_code, committee_name)""")
    con.execute("""CREATE TABLE housing_std AS SELECT * FROM (VALUES
        ('310115139039', '祝祥苑南区', '东翔路', '94', '8', '301', NULL, NULL),
        ('310115139041', '祝祥苑北区', '东翔路', '96', '8', '301', NULL, NULL),
        ('310115143003', '祥苑', '祥安路', '1200', '8', '301', NULL, NULL))
        t(committee_code, community, road, lane, number, room, village, group_no)""")
    con.execute("""CREATE OR REPLACE TABLE housing_std AS SELECT 'H' || row_number() OVER () AS house_id,
        substr(committee_code, 1, 9) AS street_code, *, NULL::VARCHAR AS sub_lane,
        regexp_replace(community, '[南北]区$', '') AS community_base FROM housing_std""")
    build_gazetteer(con)
    gaz = Gazetteer.load(con)
    parts = parse_address("浦东新区祝祥苑8号301室", gaz)
    assert (parts.community, parts.number, parts.room) == ("祝祥苑", "8", "301")
    assert parse_address("祥苑8号301室", gaz).community == "祥苑"
