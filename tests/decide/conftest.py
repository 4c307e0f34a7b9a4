"""Tiny hand-built run databases for the decide tests: a warehouse, records and scored pairs."""

from __future__ import annotations

import types

import duckdb
import pytest

from streetlink.contracts import DECISIONS, RECORDS_STD, check_table
from streetlink.decide import apply_rules, build_evidence, default_thresholds
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
    # the parts the exact-address evidence reads besides the ones above
    con.execute("""ALTER TABLE wh.housing_std ADD COLUMN sub_lane VARCHAR""")
    con.execute("""ALTER TABLE wh.housing_std ADD COLUMN community_base VARCHAR""")
    con.execute("""UPDATE wh.housing_std SET community_base = community""")
    con.execute("""CREATE TABLE wh.place_committees AS SELECT * FROM (VALUES
        ('community', '齐河小区', '310115007', '310115007001', 2),
        ('community', '阳光花园', '310115007', '310115007002', 1),
        ('community', '阳光花园', '310115103', '310115103201', 1),
        ('village', '七灶村', '310115103', '310115103201', 1)) t(place_kind, place_key, street_code, committee_code, dwellings)""")
    # the registry's people, as far as the household-phone evidence reads them
    con.execute("""CREATE TABLE wh.population_std (person_id VARCHAR, surname VARCHAR, gender VARCHAR,
        phone VARCHAR, house_id VARCHAR, name_clean VARCHAR)""")
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


def _resident(con, person, surname, gender, phone, house):
    con.execute("INSERT INTO wh.population_std VALUES (?, ?, ?, ?, ?, ?)",
                [person, surname, gender, phone, house, surname + "某"])


def _decide(con, **thresholds: float) -> dict[str, dict]:
    con.execute(f"CREATE OR REPLACE TABLE address_candidates AS {candidates_sql('address_pairs', 'address')}")
    con.execute(f"CREATE OR REPLACE TABLE person_candidates AS {candidates_sql('person_pairs', 'person')}")
    values = {**default_thresholds(), **thresholds}
    build_evidence(con, "wh", values)
    apply_rules(con, "wh", values)
    assert check_table(con, "decisions", DECISIONS) == []
    cur = con.execute("SELECT * FROM decisions")
    names = [c[0] for c in cur.description]
    return {row[0]: dict(zip(names, row)) for row in cur.fetchall()}



@pytest.fixture()
def tiny():
    """The helpers above, as one namespace (tests/decide/*.py use them through this fixture)."""
    return types.SimpleNamespace(con=_con, record=_record, address=_address, person=_person,
                                 decide=_decide, resident=_resident, C1=C1, C2=C2, C3=C3)
