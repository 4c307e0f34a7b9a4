"""housing_std: the registry's parts normalised exactly as parsed record parts are."""

from __future__ import annotations

import duckdb
import pytest

from streetlink.contracts.schema import check_table
from streetlink.contracts.tables import HOUSING_STD
from streetlink.standardise.addresses import address_key, building_key, parse_address
from streetlink.standardise.gazetteer import Gazetteer, build_gazetteer
from streetlink.standardise.housing import HOUSING_STD_EXTRA_COLUMNS, standardise_housing

# house_id, street, committee, community, road, lane, number, room, village, group, std_address
RAW = [
    ("H1", "310115007", "310115007012", "齐河小区", "齐河路", "88", "3", "602", None, None,
     "浦东新区齐河路88弄3号602室"),
    ("H2", "310115007", "310115007012", " 齐河小区 ", "齐河路", "０８８", "03", "0603", None, None,
     "浦东新区齐河路88弄3号603室"),
    ("H3", "310115103", "310115103201", None, None, None, "12", None, "七灶村", "5",
     "浦东新区川沙新镇七灶村5组12号"),
    ("H4", "310115103", "310115103201", None, None, None, "12号", None, "七灶", "五组",
     "浦东新区川沙新镇七灶村5组12号"),
    ("H5", "310115137", "310115137015", None, "航梅路", "526弄78支弄", "5", "201", None, None,
     "浦东新区航梅路526弄78支弄5号201室"),
    ("H6", "310115016", "310115016018", None, "浦東大道", None, "2894", None, None, None,
     "浦东新区浦东大道2894号"),
    ("H7", "310115142", "310115142012", None, "华夏2路", "1088弄", "5", None, None, None,
     "浦东新区华夏二路1088弄5号"),
    ("H8", "310115005", "310115005010", None, "福山路", "450", "3", "501室", None, None,
     "浦东新区 福山路450弄3号501室"),
    ("H9", "310115132", "310115132020", "桃园新城汇枫公寓", "康沈路", "3001", "1-23", None, None, None,
     "浦东新区康沈路3001弄1-23号"),
    ("H10", "310115104", "310115104201", None, None, None, "1", None, "凌桥村", "1",
     "浦东新区高桥镇凌桥村1组1号"),
]
STD_COLUMNS = ("community", "road", "lane", "sub_lane", "number", "room", "village", "group_no")


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE housing (house_id VARCHAR, street_code VARCHAR, committee_code VARCHAR, "
                "community_name VARCHAR, road VARCHAR, lane VARCHAR, number VARCHAR, room VARCHAR, "
                "village VARCHAR, group_no VARCHAR, std_address VARCHAR)")
    con.executemany("INSERT INTO housing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", RAW)
    assert standardise_housing(con) == len(RAW)
    return con


def _rows(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str | None]]:
    cur = con.execute("SELECT * FROM housing_std ORDER BY house_id")
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}


def test_contract_holds(con: duckdb.DuckDBPyConnection) -> None:
    assert check_table(con, "housing_std", HOUSING_STD) == []
    columns = [d[0] for d in con.execute("SELECT * FROM housing_std LIMIT 0").description]
    assert set(HOUSING_STD.column_names) | set(HOUSING_STD_EXTRA_COLUMNS) == set(columns)


def test_parts_are_normalised(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(con)
    assert {k: rows["H2"][k] for k in STD_COLUMNS} == {
        "community": "齐河小区", "road": "齐河路", "lane": "88", "sub_lane": None, "number": "3",
        "room": "603", "village": None, "group_no": None}
    assert (rows["H4"]["village"], rows["H4"]["group_no"], rows["H4"]["number"]) == ("七灶村", "5", "12")
    assert (rows["H5"]["lane"], rows["H5"]["sub_lane"]) == ("526", "78")
    assert rows["H6"]["road"] == "浦东大道"
    assert (rows["H7"]["road"], rows["H7"]["lane"]) == ("华夏二路", "1088")
    assert rows["H8"]["room"] == "501" and rows["H8"]["std_address"] == "浦东新区福山路450弄3号501室"
    assert rows["H9"]["number"] == "1-23"


def test_keys(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(con)
    assert rows["H1"]["address_key"] == "齐河路88弄3号602室"
    assert rows["H1"]["building_key"] == "齐河路88弄3号"
    assert rows["H3"]["address_key"] == rows["H4"]["address_key"] == "七灶村5组12号"
    assert rows["H5"]["address_key"] == "航梅路526弄78支弄5号201室"
    assert rows["H6"]["building_key"] == "浦东大道2894号"


@pytest.mark.parametrize("with_gazetteer", [False, True])
def test_registry_row_round_trip(con: duckdb.DuckDBPyConnection, with_gazetteer: bool) -> None:
    """parse_address(std_address) of a registry row gives that row's parts and keys."""
    gaz = None
    if with_gazetteer:
        con.execute("CREATE OR REPLACE TABLE admin AS SELECT DISTINCT street_code, '' AS street_name, "
                    "committee_code, committee_code || '居委会' AS committee_name FROM housing")
        build_gazetteer(con)
        gaz = Gazetteer.load(con)
    for house_id, row in _rows(con).items():
        parts = parse_address(row["std_address"], gaz)
        for column in STD_COLUMNS:
            if column == "community":
                continue  # std_address does not carry the community
            assert getattr(parts, column) == row[column], (house_id, column, parts)
        assert parts.addr_scope == "pudong"
        assert parts.addr_precision in ("room", "building")
        assert address_key(parts) == row["address_key"], house_id
        assert building_key(parts) == row["building_key"], house_id


def test_records_and_registry_agree_on_messy_forms(con: duckdb.DuckDBPyConnection) -> None:
    """A record typed the messy way reaches the same key as the registry row."""
    keys = {r["house_id"]: r["address_key"] for r in _rows(con).values()}
    assert address_key(parse_address("上海市浦东新区齐河路八十八弄三号六零二室")) == keys["H1"]
    assert address_key(parse_address("浦东川沙七灶村五组十二号")) == keys["H3"]
    assert address_key(parse_address("航梅路526弄78支弄5号201")) == keys["H5"]
    assert address_key(parse_address("华夏2路1088弄5号")) == keys["H7"]


def test_table_names_are_checked() -> None:
    with pytest.raises(ValueError, match="not a table name"):
        standardise_housing(duckdb.connect(), src="housing; DROP TABLE x")
