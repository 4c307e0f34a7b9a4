"""A tiny night on an in-memory DuckDB: 4 streets (3 receive records), committees interleaved.

Every person-identifying value is unique per record so a test can tell exactly which
records reached which workbook.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from streetlink.contracts import ADMIN, DECISIONS, RECORDS_STD, STAGED_RECORDS, Contract

RUN_DATE = dt.date(2026, 11, 20)

ADMIN_ROWS = [
    # street_code, street_name, committee_code, committee_name
    ("310115004", "潍坊新村街道", "310115004001", "潍坊一村居委会"),
    ("310115004", "潍坊新村街道", "310115004002", "潍坊二村居委会"),
    ("310115005", "陆家嘴街道", "310115005001", "梅园一村居委会"),
    ("310115005", "陆家嘴街道", "310115005002", "崂山一村居委会"),
    ("310115007", "周家渡街道", "310115007001", "齐河居委会"),
    ("310115007", "周家渡街道", "310115007002", "上南一村居委会"),
    ("310115125", "川沙新镇", "310115125001", "城南村村委会"),  # receives nothing
]
COMMITTEE_STREET = {c: s for s, _, c, _ in ADMIN_ROWS}
COMMITTEE_NAME = {c: n for _, _, c, n in ADMIN_ROWS}

# record id suffix, source, decision, committee (dispatched) / reason (review, rejected)
_PLAN = [
    ("0001", "checkpoint", "dispatched", "310115007001"),
    ("0002", "hotline", "dispatched", "310115004002"),
    ("0003", "healthcloud", "dispatched", "310115005001"),
    ("0004", "checkpoint", "dispatched", "310115004001"),
    ("0005", "healthcloud", "dispatched", "310115007002"),
    ("0006", "hotline", "dispatched", "310115005002"),
    ("0007", "checkpoint", "dispatched", "310115007001"),
    ("0008", "healthcloud", "dispatched", "310115004002"),
    ("0009", "checkpoint", "dispatched", "310115005001"),
    ("0010", "hotline", "dispatched", "310115007002"),
    ("0011", "checkpoint", "review", "address_ambiguous"),
    ("0012", "hotline", "review", "vague_address"),
    ("0013", "healthcloud", "review", "outside_pudong"),
    ("0014", "checkpoint", "rejected", "no_address_no_identity"),
    ("0015", "healthcloud", "rejected", "bad_json_line"),
]
_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩"


def record_id(source: str, n: str) -> str:
    prefix = {"checkpoint": "KK", "hotline": "GD", "healthcloud": "HC"}[source]
    return f"{source}:{prefix}2026112000{n}"


def person(i: int) -> dict:
    """Unique, synthetic identity values for record i."""
    return {
        "name": f"{_SURNAMES[i % len(_SURNAMES)]}测{chr(0x4E00 + 300 + i)}芳",
        "id_number": f"31011519800101{i:03d}{i % 10}",
        "phone": f"139{i:04d}{(7000 + i):04d}",
    }


def create(con: duckdb.DuckDBPyConnection, name: str, contract: Contract, rows: list[dict]) -> None:
    """Create `name` with the contract's columns and types and insert `rows` (missing keys: NULL)."""
    cols = contract.column_names
    con.execute(f'CREATE OR REPLACE TABLE {name} ({", ".join(f"{c.name} {c.dtype}" for c in contract.columns)})')
    if rows:
        placeholders = ", ".join("?" for _ in cols)
        con.executemany(f"INSERT INTO {name} VALUES ({placeholders})", [[r.get(c) for c in cols] for r in rows])


def build_night(con: duckdb.DuckDBPyConnection, overrides: dict[str, dict] | None = None) -> dict:
    """Create admin, staged_records, records_std, decisions; return {record_id: expected row}."""
    overrides = overrides or {}
    create(con, "admin", ADMIN, [dict(zip(("street_code", "street_name", "committee_code", "committee_name"), r))
                                 for r in ADMIN_ROWS])
    staged, std, decisions, expected = [], [], [], {}
    for i, (n, source, decision, target) in enumerate(_PLAN):
        rid = record_id(source, n)
        p = person(i)
        address = f"浦东新区测试路{100 + i}弄{i}号{i}01室"
        s = {
            "record_id": rid, "source": source, "source_id": rid.split(":")[1],
            "source_file": f"{source}_2026-11-20.x", "source_row": i + 2, "n_copies": 1,
            "event_time": dt.datetime(2026, 11, 20, 8, i), "event_time_raw": f"2026-11-20 08:{i:02d}:00",
            "id_type": "居民身份证", "address": address,
            "address_context": "上海市 上海市 浦东新区" if source == "healthcloud" else None,
            "details": json.dumps({"出发地": f"测试市{i}", "来沪事由": "探亲", "途经": ["甲地", "乙地"]},
                                  ensure_ascii=False),
            **p,
        }
        d = {"record_id": rid, "source": source, "decision": decision}
        if decision == "dispatched":
            d.update(street_code=COMMITTEE_STREET[target], committee_code=target,
                     house_id=f"H{i:05d}", address_match_probability=0.9 + i / 1000,
                     basis="address_dwelling", resolved_address=f"浦东新区测试路{100 + i}弄{i}号{i}01室",
                     explanation=f"地址与实有房屋H{i:05d}一致")
        else:
            d.update(reason=target, explanation=f"说明{i}")
            if decision == "rejected":
                s["reject_reason"] = target if target in ("bad_json_line",) else None
        if n == "0011":
            d["candidates_json"] = json.dumps([
                {"kind": "address", "rank": 2, "house_id": "H2", "committee_code": "310115004002",
                 "street_code": "310115004", "label": "浦东新区测试路2号", "probability": 0.41},
                {"kind": "address", "rank": 1, "house_id": "H1", "committee_code": "310115007001",
                 "street_code": "310115007", "label": "浦东新区测试路1号", "probability": 0.47,
                 "committee_probability": 0.52},
                {"kind": "person", "rank": 3, "person_id": "P9", "committee_code": "310115005001",
                 "street_code": "310115005", "label": "人口库登记住址", "probability": 0.12},
                {"kind": "address", "rank": 4, "committee_code": "310115005002",
                 "street_code": "310115005", "label": "第四候选", "probability": 0.05},
            ], ensure_ascii=False)
        elif n == "0012":
            d["candidates_json"] = "{not json"
        s.update(overrides.get(rid, {}).get("staged", {}))
        d.update(overrides.get(rid, {}).get("decision", {}))
        staged.append(s)
        decisions.append(d)
        std.append({"record_id": rid, "source": source, "name_kind": "full", "id_status": "valid",
                    "phone_kind": "mobile", "addr_scope": "pudong", "addr_precision": "room",
                    "address_clean": f"浦东新区测试路{100 + i}弄{i}号{i}01室（标准）", "road": "测试路",
                    "lane": str(100 + i), "number": str(i), "room": f"{i}01",
                    **overrides.get(rid, {}).get("std", {})})
        expected[rid] = {**d, **{k: s[k] for k in ("name", "id_number", "phone", "address")}}
    create(con, "staged_records", STAGED_RECORDS, staged)
    create(con, "records_std", RECORDS_STD, std)
    create(con, "decisions", DECISIONS, decisions)
    return expected


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def night(con) -> dict:
    return build_night(con)


@pytest.fixture
def make_night():
    """build_night, for tests that need to break the night before it is built."""
    return build_night


@pytest.fixture
def rid():
    """record_id(source, n)."""
    return record_id
