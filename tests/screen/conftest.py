"""Tiny nights for the screen stage, on an in-memory DuckDB.

``TinyNight`` builds the run-database tables screening reads after decide (decisions,
staged_records with its `details` JSON, records_std) and the warehouse's population_std,
from a few hand-written records; only the columns screening reads are filled.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pytest

from streetlink.paths import PROJECT_ROOT
from streetlink.screen import load_rules, screen_night

NIGHT = dt.date(2026, 11, 24)
RULES = PROJECT_ROOT / "screening_rules" / "rules.toml"
COMMITTEE_1, COMMITTEE_2 = "310115007001", "310115007002"  # two committees of 周家渡街道
COMMITTEE_3 = "310115103201"  # a village committee of 川沙新镇


@pytest.fixture(scope="session")
def rules():
    return load_rules(RULES)


def street_of(committee: str | None) -> str | None:
    return committee[:9] if committee else None


@dataclass
class TinyNight:
    C1: ClassVar[str] = COMMITTEE_1
    C2: ClassVar[str] = COMMITTEE_2
    C3: ClassVar[str] = COMMITTEE_3
    night: dt.date = NIGHT
    records: list[dict[str, Any]] = field(default_factory=list)
    persons: list[tuple] = field(default_factory=list)  # person_id, residence_type, gender, birth_date, house_id
    open_items: list[tuple] = field(default_factory=list)

    def person(self, person_id: str, house_id: str | None, residence_type: str = "户籍",
               birth_date: str = "1980-05-01", gender: str = "女") -> str:
        self.persons.append((person_id, residence_type, gender, birth_date, house_id))
        return person_id

    def add(self, rid: str, source: str = "checkpoint", *, decision: str = "dispatched",
            committee: str | None = COMMITTEE_1, house: str | None = None, person: str | None = None,
            name: str | None = None, event_time: str | None = None, address: str | None = None,
            place: str | None = None, reason: str | None = None, **details: Any) -> str:
        """A record: `details` are the source fields by their Chinese labels (出发地='湖北省黄冈市')."""
        record_id = rid if ":" in rid else f"{source}:{rid}"
        if decision != "dispatched":
            committee = None
            reason = reason or "address_ambiguous"
        defaults = {"checkpoint": {"道口名称": "G2京沪高速安亭道口", "车牌号码": None, "出发地": None, "来沪事由": "探亲"},
                    "hotline": {"工单类别": "社区管理-人员登记", "诉求内容": "来电人咨询登记事宜。"},
                    "healthcloud": {"到达日期": None, "旅居史": None, "症状": None}}[source]
        self.records.append({
            "record_id": record_id, "source": source, "decision": decision,
            "street_code": street_of(committee), "committee_code": committee, "house_id": house,
            "person_id": person, "reason": reason, "name": name,
            "event_time": event_time or f"{self.night} 10:00:00",
            "address": address, "place": place,
            "details": json.dumps({**defaults, **details}, ensure_ascii=False),
        })
        return record_id

    def open(self, record_id: str, night: dt.date, case_id: str, *, person: str | None = None,
             house: str | None = None, committee: str = COMMITTEE_1, priority: str | None = "high",
             deadline: str = "2026-11-24 08:00:00", rules: str | None = None) -> None:
        self.open_items.append((record_id, night, case_id, person, house, street_of(committee), committee,
                                priority, dt.datetime.fromisoformat(deadline), rules))

    def load(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("ATTACH ':memory:' AS wh")
        con.execute("CREATE TABLE wh.population_std (person_id VARCHAR, residence_type VARCHAR, gender VARCHAR, "
                    "birth_date DATE, house_id VARCHAR)")
        if self.persons:
            con.executemany("INSERT INTO wh.population_std VALUES (?, ?, ?, ?, ?)", self.persons)
        con.execute("""CREATE TABLE decisions (record_id VARCHAR, source VARCHAR, decision VARCHAR,
            street_code VARCHAR, committee_code VARCHAR, house_id VARCHAR, address_match_probability DOUBLE,
            person_id VARCHAR, person_match_probability DOUBLE, reason VARCHAR)""")
        con.execute("""CREATE TABLE staged_records (record_id VARCHAR, event_time TIMESTAMP, address VARCHAR,
            details VARCHAR)""")
        con.execute("""CREATE TABLE records_std (record_id VARCHAR, name_clean VARCHAR, address_key VARCHAR,
            community VARCHAR, village VARCHAR, address_clean VARCHAR)""")
        for r in self.records:
            con.execute("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL, ?)",
                        [r["record_id"], r["source"], r["decision"], r["street_code"], r["committee_code"],
                         r["house_id"], r["person_id"], r["reason"]])
            con.execute("INSERT INTO staged_records VALUES (?, ?, ?, ?)",
                        [r["record_id"], r["event_time"], r["address"], r["details"]])
            con.execute("INSERT INTO records_std VALUES (?, ?, ?, NULL, NULL, ?)",
                        [r["record_id"], r["name"], r["place"], r["address"]])
        con.execute("""CREATE TABLE open_items (record_id VARCHAR, night DATE, case_id VARCHAR, person_id VARCHAR,
            house_id VARCHAR, street_code VARCHAR, committee_code VARCHAR, priority VARCHAR,
            deadline TIMESTAMP, rules VARCHAR)""")
        if self.open_items:
            con.executemany("INSERT INTO open_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.open_items)

    def screen(self, rules, con: duckdb.DuckDBPyConnection | None = None) -> "Screened":
        con = con or duckdb.connect()
        self.load(con)
        summary = screen_night(con, self.night, rules, open_items="open_items")
        return Screened(con, summary)


@dataclass
class Screened:
    con: duckdb.DuckDBPyConnection
    summary: dict[str, Any]

    def rows(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, params or [])
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def result(self, record_id: str) -> dict[str, Any]:
        found = self.rows("SELECT * FROM screen_results WHERE record_id = ?", [record_id])
        assert found, record_id
        return found[0]

    def fired(self, record_id: str) -> list[str]:
        return list(self.result(record_id)["rules"])

    def case_rows(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM case_rows ORDER BY street_code, committee_code, case_id")


@pytest.fixture()
def tiny() -> TinyNight:
    return TinyNight()


def _write_rules(folder: Path, rules_text: str, areas_text: str | None = None) -> Path:
    """A rule file (and its key-area file, by default the shipped one) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "key_areas.csv").write_text(
        areas_text if areas_text is not None
        else (PROJECT_ROOT / "screening_rules" / "key_areas.csv").read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / "rules.toml"
    path.write_text(rules_text, encoding="utf-8")
    return path


@pytest.fixture()
def write_rules():
    return _write_rules


@pytest.fixture(scope="session")
def shipped_rules_text() -> str:
    return RULES.read_text(encoding="utf-8")
