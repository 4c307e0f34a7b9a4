"""A tiny night for the report, full of known (synthetic) personal data that must never show."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from streetlink.contracts import ADMIN, DECISIONS, RECORDS_STD, STAGED_RECORDS, Contract
from streetlink.report import FileResult, ModelInfo, RunInfo

RUN_DATE = dt.date(2026, 11, 20)
MODEL_HASH = "9f2c4e1b7a3d5f60" * 4

# Every value a report must never print verbatim.
PERSONAL = {
    "names": ["王兰芳", "欧阳娜娜", "闻人", "WangLanfang", "Wang Lanfang", "钟离秋水", "慕容复"],
    "ids": ["310115195803120029", "11010519491231002X", "320813199410270304", "440301200001011234"],
    "phones": ["13812345678", "+86 139 8765 4321", "13987654321", "021-58881234", "02158881234",
               "18612340000"],
}

ADMIN_ROWS = [
    ("310115004", "潍坊新村街道", "310115004001", "潍坊一村居委会"),
    ("310115004", "潍坊新村街道", "310115004002", "潍坊二村居委会"),
    ("310115007", "周家渡街道", "310115007001", "齐河居委会"),
    ("310115125", "川沙新镇", "310115125001", "城南村村委会"),
]

# record_id, source, decision, street, committee, reason, basis, name, id, phone, n_copies, std street text
RECORDS = [
    ("checkpoint:KK1", "checkpoint", "dispatched", "310115004", "310115004001", None, "address_dwelling",
     "钟离秋水", "440301200001011234", "18612340000", 2, None),
    ("checkpoint:KK2", "checkpoint", "dispatched", "310115007", "310115007001", None, "person_registered_home",
     "慕容复", None, None, 1, None),
    ("checkpoint:KK3", "checkpoint", "review", None, None, "address_ambiguous", None,
     "王兰芳", "310115195803120029", "13812345678", 1, None),
    ("hotline:GD1", "hotline", "dispatched", "310115004", "310115004002", None, "address_building",
     "闻人", None, "021-58881234", 1, None),
    ("hotline:GD2", "hotline", "review", None, None, "vague_address", None,
     "Wang Lanfang", None, "+86 139 8765 4321", 1, "310115004"),
    ("healthcloud:HC1", "healthcloud", "review", None, None, "outside_pudong", None,
     "欧阳娜娜", "11010519491231002X", "13987654321", 1, "310115007"),
    ("healthcloud:HC2", "healthcloud", "rejected", None, None, "bad_json_line", None,
     None, "320813199410270304", None, 1, None),
]


def create(con: duckdb.DuckDBPyConnection, name: str, contract: Contract, rows: list[dict]) -> None:
    cols = contract.column_names
    con.execute(f'CREATE OR REPLACE TABLE {name} ({", ".join(f"{c.name} {c.dtype}" for c in contract.columns)})')
    if rows:
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in cols)})",
                        [[r.get(c) for c in cols] for r in rows])


def build(con: duckdb.DuckDBPyConnection) -> None:
    create(con, "admin", ADMIN, [dict(zip(("street_code", "street_name", "committee_code", "committee_name"), r))
                                 for r in ADMIN_ROWS])
    staged, std, decisions = [], [], []
    for i, (rid, source, decision, street, committee, reason, basis, name, id_no, phone, copies,
            street_text) in enumerate(RECORDS):
        staged.append({"record_id": rid, "source": source, "source_id": rid.split(":")[1],
                       "source_file": f"{source}.x", "source_row": i + 2, "n_copies": copies,
                       "name": name, "id_number": id_no, "phone": phone,
                       "address": f"{name or ''}家 {phone or ''} 齐河路88弄3号602室"})
        std.append({"record_id": rid, "source": source, "name_kind": "full", "id_status": "valid",
                    "phone_kind": "mobile", "addr_scope": "pudong", "addr_precision": "room",
                    "road": "齐河路", "lane": "88", "room": "602", "street_code_text": street_text})
        candidates = None
        if rid == "checkpoint:KK3":
            candidates = json.dumps([
                {"kind": "address", "rank": 1, "committee_code": "310115007001", "street_code": "310115007",
                 "label": "浦东新区齐河路88弄3号602室", "probability": 0.55},
                {"kind": "person", "rank": 2, "committee_code": "310115004001", "street_code": "310115004",
                 "label": "王兰芳 登记住址", "probability": 0.40},
            ], ensure_ascii=False)
        elif rid == "hotline:GD2":
            candidates = "[not json"
        decisions.append({"record_id": rid, "source": source, "decision": decision, "street_code": street,
                          "committee_code": committee, "reason": reason, "basis": basis,
                          "house_id": "H1" if basis == "address_dwelling" else None,
                          "person_id": "P1" if basis == "person_registered_home" else None,
                          "address_match_probability": 0.97 if basis else None,
                          "explanation": f"{name} 的证件 {id_no} 电话 {phone}",
                          "candidates_json": candidates})
    create(con, "staged_records", STAGED_RECORDS, staged)
    create(con, "records_std", RECORDS_STD, std)
    create(con, "decisions", DECISIONS, decisions)


def make_run_info(**changes) -> RunInfo:
    base = dict(
        run_date=RUN_DATE,
        started_at=dt.datetime(2026, 11, 21, 1, 0, 0),
        finished_at=dt.datetime(2026, 11, 21, 1, 4, 30),
        inbox=Path("/data/inbox"),
        registry=Path("/data/registry"),
        out=Path("/data/out"),
        files=(
            FileResult("checkpoint_2026-11-20.csv", "checkpoint", "read", rows_read=4),
            FileResult("hotline_2026-11-20.xlsx", "hotline", "read", rows_read=2),
            FileResult("healthcloud_2026-11-20.jsonl", "healthcloud", "read", rows_read=2, bad_lines=1),
            FileResult("notes.txt", None, "ignored", reason="no source claims this file"),
        ),
        rows_read={"checkpoint": 4, "hotline": 2, "healthcloud": 2},
        duplicates_collapsed={"checkpoint": 1, "hotline": 0, "healthcloud": 0},
        models=(
            ModelInfo("address_model", "2026.11.1", MODEL_HASH, {"dispatch_threshold": 0.9, "review_floor": 0.5}),
            ModelInfo("person_model", "2026.11.1", "0" * 64, {"blocking": ["id_number", "phone"]}),
        ),
        registry_fingerprint="sha256:feedface",
        registry_rows={"population": 5700, "housing": 2300},
        stage_seconds={"ingest": 1.5, "standardise": 3.25, "link": 12.0, "decide": 0.5},
    )
    base.update(changes)
    return RunInfo(**base)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    build(connection)
    yield connection
    connection.close()


@pytest.fixture
def run_info() -> RunInfo:
    return make_run_info()


@pytest.fixture
def run_info_with():
    return make_run_info


@pytest.fixture
def personal() -> dict[str, list[str]]:
    return PERSONAL
