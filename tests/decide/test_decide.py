"""The decision rules, one table-driven case per rule, on tiny hand-built tables."""

from __future__ import annotations

import duckdb

from streetlink.contracts import DECISIONS, RECORDS_STD, check_table
from streetlink.decide import DEFAULT_THRESHOLDS, decide_sql
from streetlink.link import candidates_sql

C1, C2, C3 = "310115007001", "310115007002", "310115103201"  # two urban committees, one village


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS wh")
    con.execute("""CREATE TABLE wh.admin AS SELECT * FROM (VALUES
        ('310115007', '周家渡街道', '310115007001', '齐河第一居委会'),
        ('310115007', '周家渡街道', '310115007002', '齐河第二居委会'),
        ('310115103', '川沙新镇', '310115103201', '七灶村村委会')) t(street_code, street_name, committee_code, committee_name)""")
    con.execute("""CREATE TABLE wh.housing_std AS SELECT * FROM (VALUES
        ('H1', '310115007', '310115007001', '齐河小区', '齐河路', '88', '3', '602', NULL, NULL, '浦东新区齐河路88弄3号602室'),
        ('H2', '310115007', '310115007001', '齐河小区', '齐河路', '88', '3', '601', NULL, NULL, '浦东新区齐河路88弄3号601室'),
        ('H3', '310115007', '310115007002', '阳光花园', '齐河路', '100', '1', '101', NULL, NULL, '浦东新区齐河路100弄1号101室'),
        ('H4', '310115103', '310115103201', NULL, NULL, NULL, '12', NULL, '七灶村', '5', '浦东新区川沙新镇七灶村5组12号'))
        t(house_id, street_code, committee_code, community, road, lane, number, room, village, group_no, std_address)""")
    con.execute("""CREATE TABLE wh.place_committees AS SELECT * FROM (VALUES
        ('community', '齐河小区', '310115007', '310115007001', 2),
        ('community', '阳光花园', '310115007', '310115007002', 1),
        ('community', '阳光花园', '310115103', '310115103201', 1),
        ('village', '七灶村', '310115103', '310115103201', 1)) t(place_kind, place_key, street_code, committee_code, dwellings)""")
    cols = ", ".join(f'NULL::{c.dtype} AS "{c.name}"' for c in RECORDS_STD.columns)
    con.execute(f"CREATE TABLE records_std AS SELECT {cols} WHERE false")
    con.execute("""CREATE TABLE staged_records (record_id VARCHAR, source VARCHAR, address VARCHAR, reject_reason VARCHAR)""")
    # Splink's scored pairs, as the link stage leaves them (only the columns used here).
    con.execute("""CREATE TABLE address_pairs (unique_id_l VARCHAR, unique_id_r VARCHAR, committee_code_r VARCHAR,
        road_r VARCHAR, village_r VARCHAR, lane_r VARCHAR, group_no_r VARCHAR, number_r VARCHAR,
        match_weight DOUBLE, explanation VARCHAR)""")
    con.execute("""CREATE TABLE person_pairs (unique_id_l VARCHAR, unique_id_r VARCHAR, house_id_r VARCHAR,
        committee_code_r VARCHAR, match_weight DOUBLE, explanation VARCHAR, identity_conflict BOOLEAN)""")
    return con


def _record(con, rid, source="checkpoint", address="齐河路88弄3号602室", reject=None, **std):
    con.execute("INSERT INTO staged_records VALUES (?, ?, ?, ?)", [rid, source, address, reject])
    row = {"record_id": rid, "source": source, "name_kind": "full", "id_status": "valid",
           "phone_kind": "mobile", "addr_scope": "pudong", "addr_precision": "room", **std}
    names = ", ".join(f'"{k}"' for k in row)
    con.execute(f"INSERT INTO records_std ({names}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))


def _address(con, rid, house, weight):
    """A scored (record, dwelling) pair; weight 10 is certain, -2 likely, 5 vs 5 a tie."""
    con.execute("""INSERT INTO address_pairs SELECT ?, house_id, committee_code, road, village, lane, group_no,
                   number, ?, 'road: road equal (9.1)' FROM wh.housing_std WHERE house_id = ?""", [rid, weight, house])


def _person(con, rid, person, house, weight, conflict=False):
    con.execute("""INSERT INTO person_pairs SELECT ?, ?, house_id, committee_code, ?, 'id: ID equal (20.0)', ?
                   FROM wh.housing_std WHERE house_id = ?""", [rid, person, weight, conflict, house])


def _decide(con, **thresholds: float) -> dict[str, dict]:
    con.execute(f"CREATE OR REPLACE TABLE address_candidates AS {candidates_sql('address_pairs', 'address')}")
    con.execute(f"CREATE OR REPLACE TABLE person_candidates AS {candidates_sql('person_pairs', 'person')}")
    con.execute(decide_sql("wh"), {**DEFAULT_THRESHOLDS, **thresholds})
    assert check_table(con, "decisions", DECISIONS) == []
    cur = con.execute("SELECT * FROM decisions")
    names = [c[0] for c in cur.description]
    return {row[0]: dict(zip(names, row)) for row in cur.fetchall()}


def test_each_rule_gives_its_decision():
    con = _con()
    # 1 staging rejected
    _record(con, "r_bad", reject="unparseable_time")
    # 2 outside Pudong, even with a good-looking candidate
    _record(con, "r_out", addr_scope="outside")
    _address(con, "r_out", "H1", 12)
    # 3 nothing at all
    _record(con, "r_empty", address=None, name_kind="none", id_status="missing", phone_kind="missing",
            addr_precision="none")
    # 3b only a broken ID
    _record(con, "r_badid", address=None, name_kind="none", id_status="bad_checksum", phone_kind="missing",
            addr_precision="none")
    # 4 certain address, dwelling known (the other room of the building far behind)
    _record(con, "r_house")
    _address(con, "r_house", "H1", 12)
    _address(con, "r_house", "H2", 2)
    # 4b certain committee, room missing: two rooms tie, committee level, no dwelling
    _record(con, "r_building", addr_precision="building")
    _address(con, "r_building", "H1", 8)
    _address(con, "r_building", "H2", 8)
    # 4c certain address beats a person registered elsewhere (moved)
    _record(con, "r_moved")
    _address(con, "r_moved", "H1", 12)
    _person(con, "r_moved", "P9", "H3", 20)
    # 5 an uncertain address whose second choice is the certain person's committee
    _record(con, "r_support")
    _address(con, "r_support", "H3", 2)
    _address(con, "r_support", "H1", 1.7)
    _person(con, "r_support", "P1", "H1", 20)
    # 5b four look-alike dwellings tie (two of them in C1); the certain person is registered
    # in the one of C3, which the address alone gives only P = 0.25
    _record(con, "r_lookalike")
    _address(con, "r_lookalike", "H3", 3)
    _address(con, "r_lookalike", "H1", 3)
    _address(con, "r_lookalike", "H2", 3)
    _address(con, "r_lookalike", "H4", 3)
    _person(con, "r_lookalike", "P7", "H4", 20)
    # 6 community that lies in one committee
    _record(con, "r_comm", address="齐河小区门口", addr_precision="community", community="齐河小区")
    # 6b community name in two towns, the street field picks one
    _record(con, "r_comm2", address="阳光花园", addr_precision="community", community="阳光花园",
            street_code_hint="310115103")
    # 6c the same without a street: ambiguous
    _record(con, "r_comm3", address="阳光花园", addr_precision="community", community="阳光花园")
    # 7 vague address naming the town, certain person registered there
    _record(con, "r_home", address="川沙新镇", addr_precision="street", street_code_text="310115103")
    _person(con, "r_home", "P4", "H4", 20)
    # 7b the same from the hotline: the caller's registered home, corroborated by the town
    _record(con, "r_hotline", source="hotline", address="川沙新镇", addr_precision="street",
            street_code_text="310115103")
    _person(con, "r_hotline", "P4", "H4", 20)
    # 7c a street hint contradicts the registered home
    _record(con, "r_hint", address="浦东新区", addr_precision="none", street_code_hint="310115007")
    _person(con, "r_hint", "P4", "H4", 20)
    # 7d nothing in the address to corroborate the registered home: a mover is as likely
    _record(con, "r_nothing", address="浦东新区", addr_precision="none")
    _person(con, "r_nothing", "P4", "H4", 20)
    # 7e a certain-looking person whose full name contradicts the record: never linked
    _record(con, "r_relative", address="川沙新镇", addr_precision="street", street_code_text="310115103")
    _person(con, "r_relative", "P5", "H4", 25, conflict=True)
    # 8 likely address, certain person elsewhere: conflict
    _record(con, "r_conflict")
    _address(con, "r_conflict", "H1", -2)
    _person(con, "r_conflict", "P9", "H3", 20)
    # 8b candidates split over two committees
    _record(con, "r_ambig")
    _address(con, "r_ambig", "H1", 5)
    _address(con, "r_ambig", "H3", 5)
    # 8c an address that found nothing
    _record(con, "r_unres", address="不存在路1号", road="不存在路", number="1", addr_precision="building")
    # 8d a road Pudong does not have, nothing saying Pudong, and a dwelling that shares only
    # lane, number and room: another district's address written without its district
    elsewhere = {"road": "延长中路", "lane": "88", "number": "3", "room": "602", "addr_scope": "unknown"}
    _record(con, "r_elsewhere", address="延长中路88弄3号602室", **elsewhere)
    _address(con, "r_elsewhere", "H1", 12)
    # 4d ... but a slip of one character is a Pudong road mistyped, and a text that says
    # Pudong is Pudong's
    _record(con, "r_slip", address="齐和路88弄3号602室", **{**elsewhere, "road": "齐和路"})
    _address(con, "r_slip", "H1", 12)
    _record(con, "r_said", address="浦东新区延长中路88弄3号602室", **{**elsewhere, "addr_scope": "pudong"})
    _address(con, "r_said", "H1", 12)

    d = _decide(con)
    expect = {
        "r_bad": ("rejected", "unparseable_time", None),
        "r_out": ("review", "outside_pudong", None),
        "r_empty": ("rejected", "no_address_no_identity", None),
        "r_badid": ("rejected", "unparseable_id", None),
        "r_house": ("dispatched", None, C1),
        "r_building": ("dispatched", None, C1),
        "r_moved": ("dispatched", None, C1),
        "r_support": ("dispatched", None, C1),
        "r_lookalike": ("dispatched", None, C3),
        "r_comm": ("dispatched", None, C1),
        "r_comm2": ("dispatched", None, C3),
        "r_comm3": ("review", "address_ambiguous", None),
        "r_home": ("dispatched", None, C3),
        "r_hotline": ("dispatched", None, C3),
        "r_hint": ("review", "vague_address", None),
        "r_nothing": ("review", "vague_address", None),
        "r_relative": ("review", "vague_address", None),
        "r_conflict": ("review", "conflicting_evidence", None),
        "r_ambig": ("review", "address_ambiguous", None),
        "r_unres": ("review", "address_unresolved", None),
        "r_elsewhere": ("review", "address_unresolved", None),
        "r_slip": ("dispatched", None, C1),
        "r_said": ("dispatched", None, C1),
    }
    got = {rid: (r["decision"], r["reason"], r["committee_code"]) for rid, r in d.items()}
    assert got == expect

    assert d["r_house"]["house_id"] == "H1" and d["r_house"]["basis"] == "address_dwelling"
    assert d["r_building"]["house_id"] is None and d["r_building"]["basis"] == "address_building"
    assert d["r_building"]["address_match_probability"] > 0.99
    assert d["r_moved"]["person_id"] == "P9"  # the person is still linked, the place is the address's
    assert d["r_support"]["person_id"] == "P1"
    assert d["r_relative"]["person_id"] is None
    assert d["r_lookalike"]["house_id"] == "H4"
    assert d["r_comm"]["basis"] == "address_community"
    assert d["r_home"]["basis"] == "person_registered_home" and d["r_home"]["house_id"] == "H4"
    assert d["r_house"]["street_code"] == "310115007"
    # review rows carry their candidates for the clerk
    assert '"H3"' in d["r_ambig"]["candidates_json"] and '"H1"' in d["r_ambig"]["candidates_json"]


def test_a_clear_best_dwelling_places_its_committee_only_with_the_margin_rule():
    # odds 32 (H1, C1) against 2 (H3, C2): P(C1) = 32 / 34.1 < committee_min, while H1 is
    # 2^4 times likelier than H3 and likelier than all else together
    con = _con()
    _record(con, "r")
    _address(con, "r", "H1", 5)
    _address(con, "r", "H3", 1)
    assert _decide(con)["r"]["reason"] == "address_ambiguous"  # default: the rule is off
    assert _decide(con, address_margin_bits=5)["r"]["reason"] == "address_ambiguous"
    placed = _decide(con, address_margin_bits=4)["r"]
    assert (placed["decision"], placed["committee_code"], placed["house_id"]) == ("dispatched", C1, "H1")


def test_hotline_community_matter_goes_to_the_callers_committee_as_the_threshold_allows():
    con = _con()
    # 幸福苑: one community split between the two committees of 周家渡街道
    con.execute(f"""INSERT INTO wh.place_committees VALUES
        ('community', '幸福苑', '310115007', '{C1}', 5), ('community', '幸福苑', '310115007', '{C2}', 5)""")
    # 阳光花园 is one committee in each of two towns; the caller lives in the 川沙 one
    _record(con, "h_named", source="hotline", address="阳光花园门口", addr_precision="community",
            community="阳光花园")
    _person(con, "h_named", "P4", "H4", 20)
    _record(con, "h_split", source="hotline", address="幸福苑门口", addr_precision="community",
            community="幸福苑")
    _person(con, "h_split", "P1", "H1", 20)

    def placed(level: int) -> dict[str, str | None]:
        d = _decide(con, hotline_place_via_caller=level)
        return {rid: r["committee_code"] or r["reason"] for rid, r in d.items()}

    assert placed(0) == {"h_named": "address_ambiguous", "h_split": "address_ambiguous"}
    assert placed(1) == {"h_named": C3, "h_split": "address_ambiguous"}
    assert placed(2) == {"h_named": C3, "h_split": C1}


def test_every_staged_record_decided_exactly_once():
    con = _con()
    for i in range(5):
        _record(con, f"r{i}")
        _address(con, f"r{i}", "H1", 12)
        _address(con, f"r{i}", "H2", 1)
        _person(con, f"r{i}", "P1", "H1", 20)
        _person(con, f"r{i}", "P2", "H1", -5)
    d = _decide(con)
    assert sorted(d) == [f"r{i}" for i in range(5)]


def test_dispatched_fields_set_iff_dispatched():
    con = _con()
    _record(con, "a")
    _address(con, "a", "H1", 12)
    _record(con, "b", addr_scope="outside")
    _address(con, "b", "H1", 12)
    d = _decide(con)
    assert d["a"]["street_code"] and d["a"]["committee_code"] and d["a"]["reason"] is None
    assert d["b"]["street_code"] is None and d["b"]["committee_code"] is None and d["b"]["house_id"] is None
    assert d["b"]["reason"] == "outside_pudong"
