"""A tiny Pudong, packets as streetlink sends them, and the ways streets mangle them.

Workbooks are built here with openpyxl (no file from ../shared): a packet has a summary
sheet and one sheet per committee with two title rows, the header row, and the records;
the fill-in columns are filled from an ``answers`` mapping. Manglers then change the
workbook the ways REPLIES.md lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from streetlink.contracts import ADMIN, PUBLISHED_ITEMS, REVIEW_ITEMS, Contract
from streetlink.replies import record_night

NIGHT = dt.date(2026, 11, 24)
PUBLISHED_AT = dt.datetime(2026, 11, 25, 3, 0)

ADMIN_ROWS = [
    ("310115005", "陆家嘴街道", "310115005001", "梅园一村居委会"),
    ("310115005", "陆家嘴街道", "310115005002", "崂山一村居委会"),
    ("310115005", "陆家嘴街道", "310115005003", "东南居委会"),
    ("310115013", "洋泾街道", "310115013001", "中海新苑居委会"),
    ("310115013", "洋泾街道", "310115013003", "樱花新苑居委会"),
    ("310115013", "洋泾街道", "310115013004", "东南居委会"),  # same name as in 陆家嘴
    ("310115137", "航头镇", "310115137210", "梅园村村委会"),
]
STREET_NAME = {s: n for s, n, _, _ in ADMIN_ROWS}
COMMITTEE_NAME = {c: n for _, _, c, n in ADMIN_ROWS}
COMMITTEE_STREET = {c: s for s, _, c, _ in ADMIN_ROWS}

PACKET_HEADERS = ["记录编号", "来源", "姓名", "联系电话", "标准地址", "居村委", "派发依据",
                  "核查结果", "核查时间", "核查人", "转派至", "正确地址", "备注"]
FILL = {"result": "核查结果", "time": "核查时间", "checker": "核查人", "transfer": "转派至",
        "address": "正确地址", "note": "备注"}


def rid(n: int, source: str = "checkpoint") -> str:
    prefix = {"checkpoint": "KK", "hotline": "GD", "healthcloud": "HC"}[source]
    return f"{source}:{prefix}20261124{n:06d}"


def create(con: duckdb.DuckDBPyConnection, name: str, contract: Contract, rows: list[dict]) -> None:
    cols = contract.column_names
    con.execute(f'CREATE OR REPLACE TABLE {name} ({", ".join(f"{c.name} {c.dtype}" for c in contract.columns)})')
    if rows:
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in cols)})",
                        [[r.get(c) for c in cols] for r in rows])


def make_admin(con: duckdb.DuckDBPyConnection) -> None:
    create(con, "admin", ADMIN, [dict(zip(ADMIN.column_names, r)) for r in ADMIN_ROWS])


def item(record_id: str, committee_code: str, **extra: Any) -> dict[str, Any]:
    """One published item with defaults (new, address-based, 24 h deadline)."""
    row = {
        "record_id": record_id, "source": record_id.split(":")[0],
        "street_code": COMMITTEE_STREET[committee_code], "committee_code": committee_code,
        "basis": "address_dwelling", "kind": "new", "deadline": PUBLISHED_AT + dt.timedelta(hours=24),
        "name": "测试人", "phone": "13800000000", "address": "某路1号", "resolved_address": "浦东新区某路1号",
        "house_id": None, "person_id": None,
    }
    row.update(extra)
    return row


def publish(con: duckdb.DuckDBPyConnection, ledger: Path, night: dt.date, items: list[dict],
            reviews: list[dict] | None = None, published_at: dt.datetime | None = None,
            model_version: str = "test-model") -> dict:
    """Record a night's publication (items and review queue) in the ledger, nothing else."""
    create(con, "t_items", PUBLISHED_ITEMS, items)
    create(con, "t_reviews", REVIEW_ITEMS, reviews or [])
    return record_night(con, ledger, night, published_at=published_at or dt.datetime.combine(
        night + dt.timedelta(days=1), dt.time(3)), model_version=model_version, items="t_items",
        review_items="t_reviews", labels=None, review_actions=None, reply_files=None, file_streets=None)


def write_packet(path: Path, street_code: str, night: dt.date, records: dict[str, list[str]],
                 answers: dict[str, dict[str, Any]] | None = None) -> Path:
    """A packet as sent, then filled in: `records` committee → record ids; `answers` record → fills."""
    answers = answers or {}
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary.append([f"{STREET_NAME[street_code]}（{street_code}）派发核查清单"])
    summary.append([f"日期 {night.isoformat()} · 记录合计 {sum(map(len, records.values()))} 条"])
    summary.append([])
    summary.append(["居村委代码", "居村委", "合计"])
    for committee, ids in records.items():
        summary.append([committee, COMMITTEE_NAME[committee], len(ids)])
    for committee, ids in records.items():
        ws = wb.create_sheet(COMMITTEE_NAME[committee])
        ws.append([f"居村委：{COMMITTEE_NAME[committee]}（{committee}）"])
        ws.append([f"{STREET_NAME[street_code]} · {night.isoformat()} · 共 {len(ids)} 条 · 请在黄色列填写核查结果"])
        ws.append(PACKET_HEADERS)
        for record_id in ids:
            a = answers.get(record_id, {})
            ws.append([record_id, "公安道口登记", "张三", "13800000000", "浦东新区某路1号", COMMITTEE_NAME[committee],
                       "地址与实有房屋一致", a.get("result"), a.get("time"), a.get("checker"), a.get("transfer"),
                       a.get("address"), a.get("note")])
    wb.properties.title = f"{STREET_NAME[street_code]}派发核查清单 {night.isoformat()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_review(path: Path, night: dt.date, rows: list[dict[str, Any]]) -> Path:
    """A returned review workbook: 汇总, 待复核 (with candidates and the clerk's fill-ins), 已拒绝."""
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append([f"待复核与拒绝记录 {night.isoformat()}"])
    ws = wb.create_sheet("待复核")
    ws.append([f"待复核记录 {night.isoformat()}"])
    ws.append(["共 N 条"])
    ws.append(["记录编号", "来源", "原因代码", "姓名", "候选1居村委", "候选1概率", "候选2居村委", "候选2概率",
               "候选3居村委", "处理结果", "派发居村委代码", "处理人", "处理时间", "备注"])
    for r in rows:
        ws.append([r["record_id"], "公安道口登记", "address_ambiguous", "李四", r.get("c1"), 0.6, r.get("c2"), 0.3,
                   r.get("c3"), r.get("action"), r.get("code"), r.get("handler", "王科员" if r.get("action") else None), r.get("time"),
                   r.get("note")])
    rej = wb.create_sheet("已拒绝")
    rej.append(["已拒绝记录"])
    rej.append(["记录编号", "来源", "原因代码", "备注"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# ---- manglers: what spreadsheet programs and street offices do to a returned packet ----

def _committee_sheets(wb) -> list:
    return [ws for ws in wb.worksheets if ws.title != "汇总"]


def _header_row(ws) -> int:
    for row in ws.iter_rows(min_row=1, max_row=10):
        if any(c.value == "记录编号" for c in row):
            return row[0].row
    raise AssertionError("no header")


def _col(ws, header: str) -> int:
    h = _header_row(ws)
    for c in ws[h]:
        if c.value == header:
            return c.column
    raise AssertionError(header)


def rename_sheets(wb):
    for ws in _committee_sheets(wb):
        ws.title = ws.title[:6] + "(已核)"


def reorder_sheets(wb):
    wb._sheets.reverse()


def sort_rows_descending(wb):
    for ws in _committee_sheets(wb):
        h = _header_row(ws)
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=h + 1)]
        rows.sort(key=lambda r: str(r[0]), reverse=True)
        ws.delete_rows(h + 1, ws.max_row)
        for r in rows:
            ws.append(r)


def insert_blank_and_note_rows(wb):
    for ws in _committee_sheets(wb):
        h = _header_row(ws)
        ws.insert_rows(h + 2, 2)
        ws.cell(h + 2, 1, "以下为第二批核查")
        ws.append([])
        ws.append(["", "", "", "", "", "", "", "", "", "", "", "", "备注：共核查若干户"])


def add_columns(wb):
    for ws in _committee_sheets(wb):
        ws.insert_cols(2)
        ws.cell(_header_row(ws), 2, "序号")
        ws.insert_cols(_col(ws, "核查结果"))
        ws.cell(_header_row(ws), _col(ws, "核查结果") - 1, "核查情况说明")


def move_header_down(wb):
    for ws in _committee_sheets(wb):
        ws.insert_rows(1, 3)
        ws.cell(1, 1, "（已核查，请查收）")


def times_as_text(wb):
    for ws in _committee_sheets(wb):
        col = _col(ws, "核查时间")
        for r in range(_header_row(ws) + 1, ws.max_row + 1):
            v = ws.cell(r, col).value
            if isinstance(v, dt.datetime):
                ws.cell(r, col, f"{v.month}月{v.day}日 {v.hour:02d}:{v.minute:02d}")


def codes_as_numbers(wb):
    for ws in _committee_sheets(wb):
        col = _col(ws, "转派至")
        for r in range(_header_row(ws) + 1, ws.max_row + 1):
            v = ws.cell(r, col).value
            if isinstance(v, str) and v.isdigit():
                ws.cell(r, col, int(v))


def filter_rows(wb):
    for ws in _committee_sheets(wb):
        h = _header_row(ws)
        ws.auto_filter.ref = f"A{h}:M{ws.max_row}"
        ws.row_dimensions[h + 1].hidden = True


MANGLERS: dict[str, Callable] = {
    "as_sent": lambda wb: None,
    "rename_sheets": rename_sheets,
    "reorder_sheets": reorder_sheets,
    "sort_rows": sort_rows_descending,
    "blank_and_note_rows": insert_blank_and_note_rows,
    "added_columns": add_columns,
    "header_moved_down": move_header_down,
    "times_as_text": times_as_text,
    "codes_as_numbers": codes_as_numbers,
    "filtered": filter_rows,
}


def mangle(path: Path, *names: str) -> Path:
    wb = openpyxl.load_workbook(path)
    for name in names:
        MANGLERS[name](wb)
    wb.save(path)
    return path


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    make_admin(c)
    yield c
    c.close()


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return tmp_path / "out" / "ledger.duckdb"


# ---- a night's replies, end to end through the package's entry points ----

def take_replies(con: duckdb.DuckDBPyConnection, ledger: Path, night: dt.date, folder: Path,
                 read_at: dt.datetime | None = None) -> tuple[dict, dict]:
    """Read `folder`, judge it against the ledger, plan transfers (nothing written yet)."""
    from streetlink.replies import (
        assess_replies,
        attached_ledger,
        plan_transfers,
        read_replies,
        register_replies,
    )

    register_replies(con, read_replies(folder))
    with attached_ledger(con, ledger):
        assessed = assess_replies(con, night, read_at=read_at or dt.datetime.combine(night + dt.timedelta(days=1),
                                                                                     dt.time(2)))
        transfers = plan_transfers(con, night)
    return assessed, transfers


def commit_replies(con: duckdb.DuckDBPyConnection, ledger: Path, night: dt.date, items: str | None = None,
                   review_items: str | None = None) -> dict:
    """Record tonight's labels (and, when given, tonight's publication) in the ledger."""
    return record_night(con, ledger, night, published_at=dt.datetime.combine(night + dt.timedelta(days=1), dt.time(3)),
                        model_version="test-model", items=items, review_items=review_items)


def labels(con: duckdb.DuckDBPyConnection, table: str = "reply_labels") -> dict[str, tuple]:
    """record → (applied, refused_reason, result) of the judged rows (one row per record expected)."""
    rows = con.execute(f"SELECT record_id, applied, refused_reason, result FROM {table} ORDER BY ALL").fetchall()
    return {r[0]: r[1:] for r in rows}


def ledger_dump(path: Path) -> dict[str, list]:
    """Every table of the ledger, sorted, minus the wall-clock columns: for before/after equality."""
    c = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for t in ("dispatches", "reviews", "labels", "review_actions", "reply_files", "nights"):
            cols = [r[0] for r in c.execute(f"DESCRIBE {t}").fetchall()
                    if r[0] not in ("read_at", "last_recorded_at")]
            out[t] = c.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY ALL").fetchall()
        return out
    finally:
        c.close()
