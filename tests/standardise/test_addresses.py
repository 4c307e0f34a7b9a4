"""Address parsing: the hand-written golden file, properties, the record path."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streetlink.contracts.schema import check_table
from streetlink.contracts.tables import RECORDS_STD
from streetlink.standardise.addresses import (
    LOCATION_FIELDS,
    PART_FIELDS,
    PRECISIONS,
    SCOPES,
    AddressParts,
    address_key,
    clean_address_text,
    format_address,
    parse_address,
    standardise_record_addresses,
)
from streetlink.standardise.gazetteer import Gazetteer, build_gazetteer
from streetlink.standardise.housing import standardise_housing
from streetlink.standardise.places import resolve_street, streets

GOLDEN = Path(__file__).parent / "golden"
KEYS = {
    "sc": "addr_scope", "op": "outside_place", "st": "street_code_text", "cm": "community",
    "r": "road", "l": "lane", "sl": "sub_lane", "n": "number", "b": "building", "u": "unit",
    "rm": "room", "v": "village", "g": "group_no", "p": "addr_precision",
}
# checked only when a case gives them
OPTIONAL_KEYS = {"raw": "road_raw", "cb": "community_base"}
COMPARED = [f for f in PART_FIELDS if f != "address_clean"]


def _rows(name: str) -> list[dict[str, str]]:
    with (GOLDEN / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def build_fixture_gazetteer(con: duckdb.DuckDBPyConnection) -> Gazetteer:
    """Housing + admin tables from the hand-written fixture, then the real build path."""
    admin = _rows("addresses.fixture_admin.csv")
    con.execute("CREATE TABLE admin (street_code VARCHAR, street_name VARCHAR, "
                "committee_code VARCHAR, committee_name VARCHAR)")
    con.executemany("INSERT INTO admin VALUES (?, ?, ?, ?)",
                    [[r["street_code"], r["street_name"], r["committee_code"], r["committee_name"]] for r in admin])
    con.execute("CREATE TABLE housing (house_id VARCHAR, street_code VARCHAR, committee_code VARCHAR, "
                "community_name VARCHAR, road VARCHAR, lane VARCHAR, number VARCHAR, room VARCHAR, "
                "village VARCHAR, group_no VARCHAR, std_address VARCHAR)")
    rows = []
    for i, r in enumerate(_rows("addresses.fixture_housing.csv")):
        v = {k: (r[k] or None) for k in r}
        std = "浦东新区" + (
            f"{v['road']}{v['lane'] + '弄' if v['lane'] else ''}{v['number']}号{v['room'] + '室' if v['room'] else ''}"
            if v["road"] else f"{v['village']}{v['group_no']}组{v['number']}号")
        rows.append([f"H{i:06d}", r["committee_code"][:9], r["committee_code"], v["community_name"], v["road"],
                     v["lane"], v["number"], v["room"], v["village"], v["group_no"], std])
    con.executemany("INSERT INTO housing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    standardise_housing(con, "housing", "housing_std")
    build_gazetteer(con, "housing_std", "admin")
    return Gazetteer.load(con)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    con = duckdb.connect()
    try:
        return build_fixture_gazetteer(con)
    finally:
        con.close()


GOLDEN_FILES = ("addresses.golden", "addresses_placement.golden")


def _golden_cases(name: str = "addresses.golden") -> list[tuple]:
    """(line, text, context kind, context, street hint, expected) of one golden file."""
    street_codes = {s.name: s.code for s in streets().values()}
    cases = []
    for lineno, line in enumerate((GOLDEN / name).read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("||")]
        text, expected_text = fields[0], fields[-1]
        kind = context = hint = None
        if len(fields) == 3:
            key, _, value = fields[1].partition("=")
            if key == "hint":
                hint = resolve_street(value)
            else:
                kind, context = {"ctx": "text", "div": "divisions"}[key], value
        expected: dict[str, str] = {}
        for item in expected_text.split():
            key, _, value = item.partition("=")
            if key in OPTIONAL_KEYS:
                expected[OPTIONAL_KEYS[key]] = value
                continue
            expected[KEYS[key]] = street_codes[value] if key == "st" else value
        cases.append((lineno, text, kind, context, hint, expected))
    return cases


def _mismatches(parts: AddressParts, expected: dict[str, str]) -> list[str]:
    out = []
    for f in COMPARED:
        want = expected.get(f)
        if getattr(parts, f) != want:
            out.append(f"{f}={getattr(parts, f)!r} (want {want!r})")
    for f in OPTIONAL_KEYS.values():
        if f in expected and getattr(parts, f) != expected[f]:
            out.append(f"{f}={getattr(parts, f)!r} (want {expected[f]!r})")
    return out


@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_golden_addresses(gaz: Gazetteer, name: str) -> None:
    cases = _golden_cases(name)
    assert len(cases) >= (400 if name == "addresses.golden" else 40)
    failures = []
    for lineno, text, kind, context, hint, expected in cases:
        parts = parse_address(text, gaz, context, context_kind=kind, street_hint=hint)
        wrong = _mismatches(parts, expected)
        if wrong:
            failures.append(f"{name}:{lineno}: {text!r}: " + "; ".join(wrong))
    print(f"\n{name}: {len(cases) - len(failures)}/{len(cases)} exact")
    assert not failures, "\n".join(failures)


def test_golden_file_is_not_trivial() -> None:
    cases = _golden_cases()
    scopes = {c[5]["addr_scope"] for c in cases}
    precisions = {c[5]["addr_precision"] for c in cases}
    assert scopes == set(SCOPES)
    assert precisions == set(PRECISIONS)
    assert sum(1 for c in cases if c[2] == "text") >= 20
    assert sum(1 for c in cases if c[2] == "divisions") >= 10


@pytest.mark.parametrize("text, expected", [
    ("浦东新区齐河路88弄3号602室", {"road": "齐河路", "lane": "88", "number": "3", "room": "602"}),
    ("上海康桥镇秀沿路1258弄十六号一八零二室", {"street_code_text": "310115136", "number": "16", "room": "1802"}),
    ("浦东新区陆 楼5队4", {"village": "陆楼村", "group_no": "5", "number": "4"}),
    ("上海市浦东新区南塘3组7", {"village": "南塘村", "group_no": "3", "number": "7"}),
    ("徐汇区薛家宅小区25号101室", {"addr_scope": "outside", "outside_place": "上海市徐汇区"}),
    ("浦东南路1475弄17号201室", {"road": "浦东南路", "addr_scope": "unknown"}),
    ("浦东南码头路1136弄7号1802室", {"road": "南码头路", "addr_scope": "pudong"}),
    ("潍坊路100号", {"road": "潍坊路", "addr_scope": "unknown", "outside_place": None}),
    ("三林|南林路658弄(三林银杏苑)6-1404", {"street_code_text": "310115130", "community": "三林银杏苑"}),
    ("上海浦东新区北蔡镇大华锦绣华城4-2 402附近", {"number": "4", "unit": "2", "room": "402"}),
])
def test_parse_without_gazetteer(text: str, expected: dict[str, str | None]) -> None:
    parts = parse_address(text)
    for key, value in expected.items():
        assert getattr(parts, key) == value, (key, parts)


def test_parts_have_exactly_the_contract_columns_first() -> None:
    assert set(SCOPES) == set(RECORDS_STD.column("addr_scope").allowed)
    assert set(PRECISIONS) == set(RECORDS_STD.column("addr_precision").allowed)
    contract = [c.name for c in RECORDS_STD.columns]
    address_columns = contract[contract.index("address_clean"):contract.index("addr_precision") + 1]
    address_columns.remove("street_code_hint")
    assert list(PART_FIELDS) == address_columns
    # the parser's extra fields that the contract also carries, for linking and review
    assert {"road_raw", "committee_code_text", "address_key"} <= set(AddressParts.__dataclass_fields__)


def test_address_clean_is_clean_text() -> None:
    parts = parse_address("上海市 浦东新区 齐河路八十八弄三号六零二室 门口")
    assert parts.address_clean == "上海市浦东新区齐河路88弄3号602室"
    assert parse_address(None) == AddressParts()
    assert parse_address("   ") == AddressParts()


def test_road_correction_keeps_typed_form(gaz: Gazetteer) -> None:
    parts = parse_address("其河路88弄3号602室", gaz)
    assert (parts.road, parts.road_raw, parts.addr_scope) == ("齐河路", "其河路", "pudong")
    assert "road_corrected:其河路" in parts.notes


def test_committee_is_resolved(gaz: Gazetteer) -> None:
    parts = parse_address("周家渡街道齐河第二居民区", gaz)
    assert parts.committee == "齐河第二居委会"
    assert parts.committee_code_text == "310115007012"


def test_outside_roads_are_not_corrected_to_pudong_roads(gaz: Gazetteer) -> None:
    parts = parse_address("江苏省南通市其河路5号", gaz)
    assert parts.addr_scope == "outside"
    assert parts.road == "其河路" and parts.road_raw is None


def test_address_key_matches_registry_form() -> None:
    assert address_key(parse_address("齐河路88弄3号602室")) == "齐河路88弄3号602室"
    assert address_key(parse_address("七灶村5组12号")) == "七灶村5组12号"
    assert address_key(parse_address("航梅路526弄78支弄5号201室")) == "航梅路526弄78支弄5号201室"


# ---------------------------------------------------------------- properties

_roads = st.sampled_from(["齐河路", "上南路", "浦东南路", "南码头路", "华夏二路", "沪南公路", "西大街", "潍坊路",
                          "其河路", "张扬路", "崂山路"])
_communities = st.sampled_from(["齐河小区", "世茂湖滨花园", "济阳二村", "繁荣馨苑", "菱翔苑三期", "大华锦绣华城",
                                "世茂湖滨", "东都"])
_villages = st.sampled_from(["七灶村", "南塘村", "双店村", "环东村", "陆楼村", "南塘", "永盛"])
_streets = st.sampled_from(["", "周家渡街道", "川沙新镇", "三林镇", "川沙", "盐仓镇", "南汇区", "东明路街道"])
_prefixes = st.sampled_from(["", "上海市", "上海", "浦东新区", "上海市浦东新区", "浦东", "上海市 浦东新区 ",
                             "徐汇区", "江苏省南通市", "湖南省怀化市麻阳苗族自治县", "上海市闵行区"])
_num = st.integers(min_value=1, max_value=3999).map(str)
_room = st.integers(min_value=101, max_value=3208).map(str)
_cn_num = st.sampled_from(["三", "十六", "二十一", "八十八", "一百零八"])
_cn_room = st.sampled_from(["六零二", "一八零二", "二〇二", "幺零一"])


@st.composite
def _addresses(draw: st.DrawFn) -> str:
    """Realistic addresses: every shape the parser claims to read, with typical mess."""
    head = draw(_prefixes) + draw(_streets)
    number = draw(st.one_of(_num, _cn_num))
    shape = draw(st.sampled_from(["urban", "community", "rural", "bracket", "shorthand"]))
    if shape == "urban":
        body = draw(_roads) + draw(st.sampled_from(["", draw(_num) + "弄", draw(_num) + "弄2支弄"])) + number + "号"
    elif shape == "community":
        body = draw(_communities) + number + draw(st.sampled_from(["号", "号楼", "幢", "栋", "#"]))
    elif shape == "bracket":
        body = draw(_roads) + draw(_num) + "弄(" + draw(_communities) + ")" + number + "号"
    elif shape == "shorthand":
        body = draw(_roads) + draw(_num) + "弄" + draw(_num) + draw(st.sampled_from(["-", "#", "-2-", "-2 "]))
    else:
        body = draw(_villages) + draw(st.one_of(_num, _cn_num)) + draw(st.sampled_from(["组", "队"])) + number
        bare = draw(st.booleans())  # 南塘3组7: a bare house number ends the address
        body += "" if bare else "号"
    tail = draw(st.sampled_from(["", draw(_room) + "室", draw(_room), draw(_cn_room) + "室", "附近", "门口",
                                 "对面", "1单元" + draw(_room), "5楼" + draw(_room)]))
    if shape == "shorthand":
        tail = draw(_room)
    if shape == "rural" and bare:
        tail = ""
    text = head + body + tail
    if draw(st.booleans()):
        text = text.replace("号", "號").replace("区", "區").replace("门", "門")
    if draw(st.booleans()):
        text = text.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    return text


_anything = st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.text(
    alphabet="上海市浦东新区路弄号室组队村小区花园苑一二三四五六七八九十零〇两幺0123456789-#() |，、街道镇近对面",
    max_size=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_anything)
def test_parse_never_raises(text: str) -> None:
    parts = parse_address(text)
    assert parts.addr_scope in SCOPES
    assert parts.addr_precision in PRECISIONS


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(text=_anything)
def test_parse_never_raises_with_gazetteer_and_context(gaz: Gazetteer, text: str) -> None:
    parse_address(text, gaz, text, context_kind="text")
    parse_address(text, gaz, text, context_kind="divisions")


@settings(max_examples=300, deadline=None)
@given(text=_anything)
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_address_text(text)
    assert clean_address_text(once) == once


@settings(max_examples=400, deadline=None)
@given(text=_addresses())
def test_format_then_parse_gives_the_same_parts(text: str) -> None:
    """Standardising twice changes nothing: parse(format(parse(x))) has parse(x)'s location."""
    first = parse_address(text)
    second = parse_address(format_address(first))
    assert second.location() == first.location(), (text, format_address(first))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_addresses())
def test_format_then_parse_with_gazetteer(gaz: Gazetteer, text: str) -> None:
    first = parse_address(text, gaz)
    second = parse_address(format_address(first), gaz)
    assert second.location() == first.location(), (text, format_address(first))


# ---------------------------------------------------------------- records


def test_standardise_record_addresses(gaz: Gazetteer) -> None:
    con = duckdb.connect()
    con.execute("""
        CREATE TABLE staged_records AS SELECT * FROM (VALUES
          ('checkpoint:1', 'checkpoint', '上海康桥镇秀沿路1258弄十六号一八零二室', NULL, NULL),
          ('checkpoint:2', 'checkpoint', '上海康桥镇秀沿路1258弄十六号一八零二室', NULL, NULL),
          ('hotline:1', 'hotline', '鹏海二村14号对面', '反映莲溪路2190弄14号202室群租，请核实。', '北蔡'),
          ('hotline:2', 'hotline', NULL, NULL, '东明路'),
          ('healthcloud:1', 'healthcloud', '人民路847号26栋1单元103室', '重庆市 重庆市 丰都县', ''),
          ('healthcloud:2', 'healthcloud', '林展路422弄4号503室', '上海市 上海市 浦东新区', '三林镇'),
          ('hotline:3', 'hotline', '锦康100弄2号101室', NULL, '周浦镇'),
          ('hotline:4', 'hotline', '锦康100弄2号101室', NULL, '惠南'),
          ('checkpoint:3', 'checkpoint', '望江苑3号301室', NULL, NULL)
        ) AS t(record_id, source, address, address_context, street_hint)
    """)
    n = standardise_record_addresses(con, gazetteer=gaz)
    assert n == 9
    rows = {r[0]: r for r in con.execute(
        "SELECT record_id, addr_scope, street_code_text, street_code_hint, road, lane, number, room, "
        "addr_precision, outside_place FROM records_address").fetchall()}
    assert rows["checkpoint:1"][1:9] == ("pudong", "310115136", None, "秀沿路", "1258", "16", "1802", "room")
    assert rows["checkpoint:2"] == ("checkpoint:2",) + rows["checkpoint:1"][1:]
    assert rows["hotline:1"][3:8] == ("310115105", "莲溪路", "2190", "14", "202")
    assert rows["hotline:2"][1] == "unknown" and rows["hotline:2"][3] == "310115015"
    assert rows["healthcloud:1"][1] == "outside" and rows["healthcloud:1"][9] == "重庆市丰都县"
    assert rows["healthcloud:2"][1:4] == ("pudong", None, "310115130")
    # the same address completed within each record's own street field
    assert dict(con.execute("SELECT record_id, road FROM records_address WHERE record_id IN "
                            "('hotline:3', 'hotline:4')").fetchall()) == {"hotline:3": "锦康公路", "hotline:4": "锦康路"}
    assert con.execute("SELECT community, community_base FROM records_address WHERE record_id = 'checkpoint:3'"
                       ).fetchall() == [("望江苑", "望江苑")]
    address_part = [c for c in RECORDS_STD.columns if c.name in PART_FIELDS or c.name == "street_code_hint"]
    probe = type(RECORDS_STD)(name="records_address", grain="", columns=tuple(address_part))
    assert check_table(con, "records_address", probe) == []


def test_location_fields_are_part_fields() -> None:
    assert set(LOCATION_FIELDS) <= set(PART_FIELDS)


# ---------------------------------------------------------------- places


from streetlink.reference import read_reference
from streetlink.standardise.places import (
    match_other_town,
    match_outside,
    match_street_at,
    scope_from_divisions,
)


def test_reference_streets_are_the_36_units() -> None:
    units = streets()
    assert len(units) == 36
    assert sum(1 for s in units.values() if s.kind == "街道") == 12
    assert all(c.startswith("310115") and len(c) == 9 for c in units)
    assert units["310115007"].name == "周家渡街道" and units["310115145"].name == "南汇新城镇"
    for row in read_reference("pudong_street_aliases.csv"):
        assert row["street_code"] == "" or row["street_code"] in units, row


@pytest.mark.parametrize("hint, code", [
    ("周家渡街道", "310115007"), ("周家渡", "310115007"), ("浦东新区周家渡街道", "310115007"),
    ("川沙新镇", "310115103"), ("川沙", "310115103"), ("川沙镇", "310115103"),
    ("盐仓", "310115139"), ("东海镇", "310115139"), ("江镇", "310115139"), ("施湾", "310115139"),
    ("上钢", "310115009"), ("东明路", "310115015"), ("南码头路", "310115010"), ("浦兴路", "310115014"),
    ("曹路", "310115117"), ("老港", "310115144"), ("唐镇", "310115114"), ("潍坊新村", "310115004"),
    ("東明路街道辦事處", "310115015"), (" 花木 街道 ", "310115016"), ("张江镇人民政府", "310115125"),
    ("周家渡街道齐河居委", "310115007"), ("潍坊街道", "310115004"), ("蔡路", "310115110"),
    ("黄路", "310115131"), ("临港", "310115145"), ("六团", "310115103"), ("顾路镇", "310115117"),
    ("浦东新区", None), ("南汇区", None), ("川沙县", None), ("", None), (None, None), ("徐汇区", None),
    ("不知道", None),
])
def test_resolve_street_hint(hint: str | None, code: str | None) -> None:
    assert resolve_street(hint) == code


def test_road_named_forms_are_streets_only_in_hints() -> None:
    assert match_street_at("东明路1400弄", 0)[0] == "东明"  # the short form; the parser's guard rejects it
    assert parse_address("东明路1400弄").street_code_text is None
    assert resolve_street("东明路") == "310115015"


@pytest.mark.parametrize("text, place", [
    ("闵行区莘庄镇", "上海市闵行区"), ("上海市闵行区", "上海市闵行区"), ("江苏省", "江苏省"),
    ("江苏省南通市如东县文化路", "江苏省南通市如东县"), ("南通市如东县", "江苏省南通市如东县"),
    ("江苏南通", "江苏省南通市"), ("南通如东县", "江苏省南通市如东县"), ("潍坊市奎文区", "山东省潍坊市奎文区"),
    ("重庆市丰都县", "重庆市丰都县"), ("昆山市", "昆山市"), ("兴安盟", "内蒙古自治区兴安盟"),
    ("阿里地区", "西藏自治区阿里地区"), ("大理白族自治州", "云南省大理白族自治州"),
    # a Pudong road or name that carries a division's name is not outside
    ("潍坊路", None), ("崂山路", None), ("峨山路", None), ("莱阳路", None), ("沂林路", None),
    ("福山路", None), ("南京路", None), ("临沂路", None), ("德州路", None), ("潍坊新村", None),
    ("东方城市花园", None), ("家乐福超市", None), ("农贸市场", None), ("新市南路", None),
    ("浦东新区", None), ("南汇区", None), ("川沙县", None), ("上海市", None),
    ("綦江区团结路", "綦江区"), ("沛县迎宾路", "沛县"), ("金桥区块", None), ("东区3号", None),
    ("园区路", None), ("二区5号", None), ("张江高科技园区", None),
])
def test_match_outside(text: str, place: str | None) -> None:
    found = match_outside(text, 0)
    assert (found.place if found else None) == place


@pytest.mark.parametrize("context, expected", [
    ("上海市 上海市 浦东新区", ("pudong", None)),
    ("上海市 市辖区 浦东新区", ("pudong", None)),
    ("上海市,市辖区,浦东新区", ("pudong", None)),
    ("上海市 市辖区", ("unknown", None)),
    ("上海市 上海市 ", ("unknown", None)),
    ("", ("unknown", None)),
    (None, ("unknown", None)),
    ("上海市 上海市 徐汇区", ("outside", "上海市徐汇区")),
    ("重庆市 重庆市 丰都县", ("outside", "重庆市丰都县")),
    ("江苏省 南通市 如东县", ("outside", "江苏省南通市如东县")),
    ("湖南省 怀化市 麻阳苗族自治县", ("outside", "湖南省怀化市麻阳苗族自治县")),
    ("江苏", ("outside", "江苏省")),
])
def test_scope_from_divisions(context: str | None, expected: tuple[str, str | None]) -> None:
    assert scope_from_divisions(context) == expected


@settings(max_examples=300, deadline=None)
@given(text=_anything)
def test_place_resolvers_never_raise(text: str) -> None:
    resolve_street(text)
    scope_from_divisions(text)
    for pos in range(min(len(text), 5)):
        match_outside(text, pos)
        match_street_at(text, pos)


# ../shared beside the checkout (/work/main → /work/shared; a worktree /work/wt/x → /work/shared)
SHARED = next((p / "shared" / "reference" for p in Path(__file__).resolve().parents[3:5]
               if (p / "shared" / "reference").is_dir()), Path("/nonexistent"))


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "pudong_admin.csv").is_file(), reason="../shared reference data absent")
def test_streets_and_cities_agree_with_shared_reference() -> None:
    with (SHARED / "pudong_admin.csv").open(encoding="utf-8") as f:
        official = {r["street_code"]: r["street_name"] for r in csv.DictReader(f)
                    if r["street_code"][6] not in "45"}
    assert {c: s.name for c, s in streets().items()} == official
    with (SHARED / "counties.csv").open(encoding="utf-8") as f:
        cities = {r["city"] for r in csv.DictReader(f)}
    ours = {r["city"] for r in read_reference("china_prefectures.csv") if r["kind"] != "省直辖县级市"
            and r["kind"] != "former"}
    assert ours <= cities


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "shanghai_admin.csv").is_file(), reason="../shared reference data absent")
def test_other_district_towns_agree_with_shared_reference() -> None:
    with (SHARED / "shanghai_admin.csv").open(encoding="utf-8") as f:
        official = {r["street_name"]: r["county"] for r in csv.DictReader(f)
                    if r["county"] != "浦东新区" and r["street_code"][6] not in "45"}
    assert {r["town"]: r["district"] for r in read_reference("shanghai_towns.csv")} == official


@pytest.mark.parametrize("text, place", [
    ("城桥镇人民路88号", "上海市崇明区城桥镇"), ("崇明城桥镇人民路", "上海市崇明区城桥镇"),
    ("七宝镇七莘路", "上海市闵行区七宝镇"), ("闵行七宝镇", "上海市闵行区七宝镇"),
    ("南京东路街道", "上海市黄浦区南京东路街道"), ("横沙乡", "上海市崇明区横沙乡"),
    # a district's short name before another district's town; a road named after a town;
    # a short form; Pudong's own towns
    ("崇明七宝镇", None), ("七宝镇路5号", None), ("七宝", None), ("惠南镇人民路", None), ("川沙镇", None),
])
def test_match_other_town(text: str, place: str | None) -> None:
    found = match_other_town(text, 0)
    assert (found.place if found else None) == place


def test_village_stem_inside_a_road_name_is_not_the_village() -> None:
    # Seen at pudong scale: a village 新路村 (written 新路 without 村 in the countryside)
    # turned 共和新路2169号402室 — a road of another district written without it — into
    # village 新路村, and the record was dispatched to 航头镇. A village stem is found at
    # the start of an address (新路3组7号), never inside another name.
    con = duckdb.connect()
    con.execute("CREATE TABLE admin AS SELECT '310115137' AS street_code, '航头镇' AS street_name, "
                "'310115137215' AS committee_code, '新路村村委会' AS committee_name")
    con.execute("""CREATE TABLE housing AS SELECT * FROM (VALUES
        ('H1', '310115137', '310115137215', NULL, NULL, NULL, '7', NULL, '新路村', '3', '浦东新区航头镇新路村3组7号'),
        ('H2', '310115137', '310115137215', NULL, '航头路', NULL, '12', '301', NULL, NULL, '浦东新区航头路12号301室'))
        t(house_id, street_code, committee_code, community_name, road, lane, number, room, village, group_no,
          std_address)""")
    standardise_housing(con, "housing", "housing_std")
    build_gazetteer(con, "housing_std", "admin")
    local = Gazetteer.load(con)
    for text in ("共和新路2169号402室", "上海市共和新路793号1303室"):
        parts = parse_address(text, local)
        assert parts.village is None and parts.road == "共和新路", (text, parts)
    assert parse_address("新路3组7号", local).village == "新路村"
