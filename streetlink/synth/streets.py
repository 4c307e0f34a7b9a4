"""Simulated streets and review clerks: the replies a night's packets get back (issue 11).

Goal: close the loop end to end without real streets. From the truth of night D, answer
the packets the pipeline published for D the way street offices do — most within 6-48 h,
some never, a few wrongly — and work the review queue the way the data center's clerks
do; then leave the workbooks as a spreadsheet program leaves them, in later nights'
``<inbox>/<D+k>/replies/`` folders (../shared/contracts/REPLIES.md).

Input → output: ``<out>/<D>/dispatch/*.xlsx`` (street packets), ``<out>/<D>/review/*.xlsx``
(the review workbook), ``<out>/<D>/links.parquet`` (where each record was sent, optional),
the truth of D (and the registry beside it, optional) → returned workbooks under
``<inbox>/<D+k>/replies/`` and a ``SimulationSummary``.

Layouts are read BY HEADER TEXT, never by position: the header row is the first row (of
the first 15) holding ``记录编号`` and a fill-in header; a missing fill-in column (转派至,
正确地址, 处理时间) is added after the last header, as a street would. ``记录编号`` may hold
several record ids separated by ``；``: the row is answered from the first id's truth.

What a street answers (from the truth; rates: ``STREETS``):
- sent to the true committee: 已核实在住 (the person or matter is found there), a few 查无此人
  (nobody at home to confirm) or 重复推送 (the same person's other record this night);
- sent to the committee of the person's registered home, which is stale: 已核实不在住, the
  new address in 正确地址 when the neighbours know it;
- sent to another committee of Pudong: 非本辖区 with 转派至 naming the right committee by name
  or 12-digit code (or blank: not known), else 地址错误 (正确地址 sometimes) or 查无此人;
- a place outside Pudong: 非本辖区 with 备注 saying so, 转派至 blank, or 地址错误.
A careless street answers a share of its rows wrongly; a silent street never replies;
some rows are left blank (still open). A clerk's review decision: 派发至候选N when the true
committee is candidate N, 派发至指定居村委 with its 12-digit code when it is none of them,
区外转办 for a place outside Pudong, 退回来源单位核实 / 无法定位结案 when there is no single
right committee; a few are wrong and some are left for later.

Re-saved as a spreadsheet program leaves them: sheets renamed and moved, rows sorted,
note and blank rows inserted, a row deleted, columns added, 核查时间 typed as an Excel
date or as text (11月25日 14:30), codes and phones turned into numbers, files renamed, a
file sent twice, a street's return split into two batches. The same seed gives the same
bytes (fixed workbook properties and zip timestamps).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import random
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from streetlink.errors import StreetlinkError

__all__ = [
    "CHECK_RESULTS",
    "PACKET_FILL",
    "REVIEW_FILL",
    "REVIEW_RESULTS",
    "STREETS",
    "SimulationSummary",
    "find_header",
    "simulate_replies",
]

log = logging.getLogger(__name__)

# The simulated streets read REPLIES.md, not streetlink's contract constants: a drift in
# those must show up as refused replies, not be copied into the answers.
CHECK_RESULTS = (
    "已核实在住",
    "已核实不在住",
    "查无此人",
    "地址错误",
    "非本辖区",
    "重复推送",
    "其他",
)
PACKET_FILL = ("核查结果", "核查时间", "核查人", "转派至", "正确地址", "备注")
REVIEW_RESULTS = (
    "派发至候选1",
    "派发至候选2",
    "派发至候选3",
    "派发至指定居村委",
    "区外转办",
    "退回来源单位核实",
    "无法定位结案",
)
REVIEW_FILL = ("处理结果", "派发居村委代码", "处理人", "处理时间", "备注")
ID_SEPARATOR = "；"

# How streets and clerks behave (documented in docs/synthetic_data.md, "Simulated streets").
STREETS = {
    "silent": 0.08,  # streets that never reply
    "careless": 0.10,  # streets that answer a share of rows wrongly
    "careless_wrong": 0.15,  # … that share
    "careful_wrong": 0.01,  # a careful street's slips
    "row_blank": 0.05,  # rows left blank (still open)
    "row_deleted": 0.01,  # rows deleted from the returned sheet
    "delay_hours": (6.0, 48.0),  # most streets: the median hours to a check lies in this range
    "slow": 0.10,  # streets taking 2-4 days
    "two_batches": 0.25,  # streets returning a first batch, then the whole file again
    "sent_twice": 0.05,  # files sent twice (another name, same folder)
    "transfer_named": 0.5,  # 非本辖区: the right committee by name (else code, or blank)
    "transfer_code": 0.3,
    "moved_new_address": 0.3,  # 已核实不在住: the new address known
    "not_home": 0.03,  # right committee, nobody found: 查无此人
    "duplicate": 0.3,  # the person's other record of the night: 重复推送
    "review_blank": 0.10,  # review rows not yet worked
    "review_wrong": 0.02,
}
_CHECKERS = ("张敏", "李娟", "王建国", "陈静", "刘洋", "周丽", "徐军", "顾美华", "沈伟", "陆红")
_NOTES_ROW = ("以下为第二批核查", "（以下为补充核查）", "注：部分住户未联系上")
_EXTRA_COLUMNS = ("网格员", "联系情况", "是否已上门")


@dataclass
class SimulationSummary:
    date: dt.date
    files: list[Path] = field(default_factory=list)
    answered: Counter = field(default_factory=Counter)  # 核查结果 / 处理结果 -> rows
    blank_rows: int = 0
    silent_streets: list[str] = field(default_factory=list)
    review_rows: int = 0


@dataclass(frozen=True)
class _Truth:
    category: str
    committee: str | None
    house: str | None
    person: str | None
    codes: tuple[str, ...]


@dataclass
class _World:
    truth: dict[str, _Truth]
    sent: dict[str, tuple[str | None, str | None]]  # record id -> (committee, house) dispatched
    names: dict[str, str]  # committee code -> name
    std: dict[str, str]  # house id -> standard address (true places only)
    home_committee: dict[str, str]  # person id -> committee of the registered dwelling


# ------------------------------------------------------------------ reading inputs
def _truth_files(truth: Path, date: dt.date) -> list[Path]:
    """The truth of `date` and of every earlier night beside it (a packet's overdue sheet
    lists records of earlier nights)."""
    if truth.is_file():
        return [truth]
    if not (truth / f"{date.isoformat()}.parquet").exists():
        raise StreetlinkError(f"no truth for {date.isoformat()} in {truth}")
    return sorted(p for p in truth.glob("*.parquet") if p.stem <= date.isoformat())


def _load_world(out_day: Path, truth: Path, date: dt.date, registry: Path | None) -> _World:
    rows = [r for f in _truth_files(truth, date) for r in pq.read_table(f).to_pylist()]
    t = {
        r["record_id"]: _Truth(
            r["category"],
            r["true_committee_code"],
            r["true_house_id"],
            r["true_person_id"],
            tuple(r["messiness"] or ()),
        )
        for r in rows
    }
    # Where each record was sent: tonight's links, then earlier nights' for the rows of the
    # 逾期未核查 sheet (items still open from before, whose sheet names no one committee).
    sent: dict[str, tuple[str | None, str | None]] = {}
    nights = [out_day] + sorted((d for d in out_day.parent.glob("????-??-??")
                                 if d.is_dir() and d.name < out_day.name), reverse=True)
    for day in nights:
        links = day / "links.parquet"
        if not links.exists():
            continue
        for r in pq.read_table(
            links, columns=["record_id", "committee_code", "house_id"]
        ).to_pylist():
            if day is out_day or (r["committee_code"] and r["record_id"] not in sent):
                sent.setdefault(r["record_id"], (r["committee_code"], r["house_id"]))
    names: dict[str, str] = {}
    std: dict[str, str] = {}
    home: dict[str, str] = {}
    registry = registry or (truth if truth.is_dir() else truth.parent).parent / "registry"
    if (registry / "admin.csv").exists():
        import csv

        with (registry / "admin.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                names[r["committee_code"]] = r["committee_name"]
    if (registry / "housing.parquet").exists() and (registry / "population.parquet").exists():
        wanted_houses = {x.house for x in t.values() if x.house}
        persons = {x.person for x in t.values() if x.person}
        pop = pq.read_table(registry / "population.parquet", columns=["person_id", "house_id"])
        reg_house = {
            p: h
            for p, h in zip(pop.column(0).to_pylist(), pop.column(1).to_pylist())
            if p in persons
        }
        houses = pq.read_table(
            registry / "housing.parquet", columns=["house_id", "committee_code", "std_address"]
        )
        registered = set(reg_house.values())
        com_of: dict[str, str] = {}
        for h, c, s in zip(*(houses.column(i).to_pylist() for i in range(3))):
            if h in wanted_houses:
                std[h] = s
            if h in registered:
                com_of[h] = c
        home = {p: com_of[h] for p, h in reg_house.items() if h in com_of}
    return _World(t, sent, names, std, home)


def find_header(
    ws: Worksheet, wanted: tuple[str, ...], max_rows: int = 15
) -> tuple[int, dict[str, int]]:
    """(header row, header text -> column) of the first row holding 记录编号 and one of `wanted`."""
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=max_rows, values_only=True), start=1):
        texts = {str(v).strip(): c for c, v in enumerate(row, start=1) if v is not None}
        if "记录编号" in texts and any(w in texts for w in wanted):
            return r, texts
    return 0, {}


def _ensure_columns(
    ws: Worksheet, header_row: int, cols: dict[str, int], wanted: tuple[str, ...]
) -> None:
    last = max(cols.values())
    for name in wanted:
        if name not in cols:
            last += 1
            ws.cell(header_row, last, name)
            cols[name] = last


_CODE = re.compile(r"310115\d{6}")


def _committee_of_sheet(ws: Worksheet, header_row: int) -> str | None:
    for row in ws.iter_rows(min_row=1, max_row=max(1, header_row - 1), values_only=True):
        for v in row:
            m = _CODE.search(str(v)) if v is not None else None
            if m:
                return m.group(0)
    return None


def _ids(value: Any) -> list[str]:
    return [x.strip() for x in str(value or "").split(ID_SEPARATOR) if x.strip()]


# ------------------------------------------------------------------ the answers
def _street_answer(
    rr: random.Random, w: _World, rid: str, committee: str | None, house: str | None
) -> dict[str, Any]:
    """核查结果 and what goes with it, for the record `rid` sent to `committee`."""
    s = STREETS
    t = w.truth.get(rid)
    if t is None:
        return {"核查结果": "其他", "备注": "记录无法核对"}
    true = t.committee
    if committee is not None and true == committee:
        if "same_person_other_source" in t.codes and rr.random() < s["duplicate"]:
            return {"核查结果": "重复推送", "备注": "同一人员已在另一条记录中核查"}
        if rr.random() < s["not_home"]:
            return {"核查结果": "查无此人", "备注": "多次上门无人应答"}
        return {"核查结果": "已核实在住"}
    if t.person and committee is not None and w.home_committee.get(t.person) == committee:
        out: dict[str, Any] = {"核查结果": "已核实不在住", "备注": "已搬离登记住址"}
        if t.house in w.std and rr.random() < s["moved_new_address"]:
            out["正确地址"] = w.std[t.house]
            out["备注"] = "已搬离，现住址见正确地址"
        return out
    if t.category == "outside_pudong":
        if rr.random() < 0.7:
            return {"核查结果": "非本辖区", "备注": "该地址不在浦东新区"}
        return {"核查结果": "地址错误", "备注": "本辖区无此地址"}
    if true is None:  # a matter spanning two committees: handled, noted
        return {"核查结果": "其他", "备注": "涉及两个居委，已协同处理"}
    x = rr.random()
    if x < 0.6:
        out = {"核查结果": "非本辖区"}
        y = rr.random()
        if y < s["transfer_named"] and true in w.names:
            out["转派至"] = w.names[true]
        elif y < s["transfer_named"] + s["transfer_code"]:
            out["转派至"] = true
        if t.house in w.std and rr.random() < 0.3:
            out["正确地址"] = w.std[t.house]
        return out
    if x < 0.85:
        out = {"核查结果": "地址错误"}
        if t.house in w.std and rr.random() < 0.4:
            out["正确地址"] = w.std[t.house]
            out["备注"] = "已电话确认地址"
        return out
    return {"核查结果": "查无此人"}


def _wrong(rr: random.Random, answer: dict[str, Any]) -> dict[str, Any]:
    """A slip: another result (a careless worker ticks the first one, or any other)."""
    if rr.random() < 0.5:
        return (
            {"核查结果": "已核实在住"}
            if answer["核查结果"] != "已核实在住"
            else {"核查结果": "查无此人"}
        )
    return {"核查结果": rr.choice([r for r in CHECK_RESULTS if r != answer["核查结果"]])}


@dataclass
class _StreetHabit:
    silent: bool
    wrong: float
    median_h: float
    two_batches: bool
    text_time: float  # share of 核查时间 typed as text


def _street_habit(rr: random.Random) -> _StreetHabit:
    s = STREETS
    lo, hi = s["delay_hours"]
    median = rr.uniform(lo + 4, hi - 12)
    if rr.random() < s["slow"]:
        median = rr.uniform(48, 96)
    return _StreetHabit(
        silent=rr.random() < s["silent"],
        wrong=s["careless_wrong"] if rr.random() < s["careless"] else s["careful_wrong"],
        median_h=median,
        two_batches=rr.random() < s["two_batches"],
        text_time=rr.choice((0.0, 0.3, 0.7)),
    )


def _check_time(rr: random.Random, published: dt.datetime, habit: _StreetHabit) -> dt.datetime:
    lo, hi = STREETS["delay_hours"]
    hours = habit.median_h * rr.lognormvariate(0, 0.35)
    hours = min(max(hours, lo if habit.median_h < hi else 24.0), 120.0)
    t = published + dt.timedelta(hours=hours)
    if t.hour < 8:  # nobody knocks at night: the morning after
        t = t.replace(hour=8 + rr.randrange(3), minute=rr.choice((0, 15, 30, 45)))
    elif t.hour >= 20:
        t = (t + dt.timedelta(days=1)).replace(hour=9, minute=rr.choice((0, 30)))
    return t.replace(second=0, microsecond=0, minute=t.minute - t.minute % 5)


def _time_value(rr: random.Random, t: dt.datetime, text_share: float) -> Any:
    if rr.random() >= text_share:
        return t
    return rr.choice(
        (
            f"{t.month}月{t.day}日 {t:%H:%M}",
            f"{t:%Y/%m/%d %H:%M}",
            f"{t.month}.{t.day} {t:%H:%M}",
            f"{t:%Y-%m-%d}",
        )
    )


# ------------------------------------------------------------------ re-saving like Excel
def _data_rows(ws: Worksheet, header_row: int, id_col: int) -> list[int]:
    return [
        r
        for r in range(header_row + 1, ws.max_row + 1)
        if str(ws.cell(r, id_col).value or "").startswith(
            ("checkpoint:", "hotline:", "healthcloud:")
        )
    ]


def _sort_rows(ws: Worksheet, rows: list[int], key_col: int) -> None:
    """Sort the data rows by one column, as Excel's 排序 does (values and formats move)."""
    if len(rows) < 2 or rows != list(range(rows[0], rows[0] + len(rows))):
        return
    width = ws.max_column
    block = [
        [(ws.cell(r, c).value, ws.cell(r, c).number_format) for c in range(1, width + 1)]
        for r in rows
    ]
    block.sort(key=lambda cells: str(cells[key_col - 1][0] or ""))
    for r, cells in zip(rows, block):
        for c, (value, fmt) in enumerate(cells, start=1):
            cell = ws.cell(r, c)
            cell.value = value
            cell.number_format = fmt


def _mess_sheet(rr: random.Random, ws: Worksheet, header_row: int, cols: dict[str, int]) -> None:
    rows = _data_rows(ws, header_row, cols["记录编号"])
    if rr.random() < 0.3:
        key = rr.choice([h for h in ("核查结果", "姓名", "标准地址", "核查人") if h in cols])
        _sort_rows(ws, rows, cols[key])
    if rr.random() < 0.2 and "联系电话" in cols:  # a number column: phones lose their text
        for r in rows:
            v = ws.cell(r, cols["联系电话"]).value
            if isinstance(v, str) and v.isdigit() and not v.startswith("0"):
                ws.cell(r, cols["联系电话"]).value = int(v)
    if rr.random() < 0.25:
        c = max(cols.values()) + 1
        ws.cell(header_row, c, rr.choice(_EXTRA_COLUMNS))
        for r in rows:
            if rr.random() < 0.5:
                ws.cell(r, c, rr.choice(("已联系", "电话未接", "是", "王师傅")))
    if rows and rr.random() < 0.2:
        at = rr.choice(rows[len(rows) // 2 :])
        ws.insert_rows(at)
        ws.cell(at, 1, rr.choice(_NOTES_ROW))
    if rows and rr.random() < 0.15:
        ws.insert_rows(rr.choice(rows))
    if rr.random() < 0.1 and rows:  # a column inserted before the fill-ins: everything shifts
        ws.insert_cols(cols["核查结果"])
        ws.cell(header_row, cols["核查结果"], "核查情况说明")


def _save(wb: openpyxl.Workbook, path: Path, when: dt.datetime) -> Path:
    """Save with fixed properties and zip timestamps, so the same seed gives the same bytes."""
    wb.properties.creator = "Microsoft Office User"
    wb.properties.lastModifiedBy = "街道办"
    wb.properties.created = dt.datetime(2026, 1, 1)
    wb.properties.modified = when
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    stamp = (when.year, when.month, when.day, when.hour, when.minute, 0)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path


def _reply_name(rr: random.Random, original: str, street: str, when: dt.datetime) -> str:
    stem = Path(original).stem
    return rr.choice(
        (
            f"{street}核查回执（{when.month}.{when.day}）.xlsx",
            f"{stem}_已核查.xlsx",
            f"副本 {stem}.xlsx",
            f"{street}{when.month}月{when.day}日反馈.xlsx",
            f"{stem}(1).xlsx",
        )
    )


# ------------------------------------------------------------------ one packet
def _answer_packet(
    path: Path,
    w: _World,
    rr: random.Random,
    habit: _StreetHabit,
    published: dt.datetime,
    summary: SimulationSummary,
) -> tuple[openpyxl.Workbook, dt.datetime, dict[str, dt.datetime]]:
    """Fill in the packet; returns (workbook, last check, 记录编号 cell -> check time)."""
    wb = openpyxl.load_workbook(path)
    last = published
    times: dict[str, dt.datetime] = {}
    for ws in wb.worksheets:
        header_row, cols = find_header(ws, PACKET_FILL)
        if not header_row:
            continue
        _ensure_columns(ws, header_row, cols, PACKET_FILL)
        sheet_committee = _committee_of_sheet(ws, header_row)
        checkers = rr.sample(_CHECKERS, 2)
        for r in _data_rows(ws, header_row, cols["记录编号"]):
            ids = _ids(ws.cell(r, cols["记录编号"]).value)
            if not ids or rr.random() < STREETS["row_blank"]:
                summary.blank_rows += 1
                continue
            committee, house = w.sent.get(ids[0], (sheet_committee, None))
            answer = _street_answer(rr, w, ids[0], committee or sheet_committee, house)
            if rr.random() < habit.wrong:
                answer = _wrong(rr, answer)
            when = _check_time(rr, published, habit)
            last = max(last, when)
            times[str(ws.cell(r, cols["记录编号"]).value)] = when
            answer["核查时间"] = _time_value(rr, when, habit.text_time)
            answer["核查人"] = rr.choice(checkers)
            code = answer.get("转派至")
            if isinstance(code, str) and code.isdigit() and rr.random() < 0.5:
                answer["转派至"] = int(code)  # the code cell turned into a number
            for header, value in answer.items():
                cell = ws.cell(r, cols[header], value)
                if isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
            summary.answered[answer["核查结果"]] += 1
        for r in reversed(_data_rows(ws, header_row, cols["记录编号"])):
            if rr.random() < STREETS["row_deleted"]:
                ws.delete_rows(r)
        _mess_sheet(rr, ws, header_row, cols)
    return wb, last, times


def _mess_workbook(rr: random.Random, wb: openpyxl.Workbook) -> None:
    for ws in wb.worksheets[1:]:
        if rr.random() < 0.3:
            suffix = rr.choice(("(已核)", "已完成", "-核查"))
            ws.title = (ws.title + suffix)[:31]
    if len(wb.worksheets) > 2 and rr.random() < 0.4:
        wb.move_sheet(wb.worksheets[0], offset=len(wb.worksheets) - 1)  # the summary last
    if len(wb.worksheets) > 3 and rr.random() < 0.3:
        wb.move_sheet(wb.worksheets[-1], offset=-(len(wb.worksheets) - 2))


def _first_batch(wb: openpyxl.Workbook, times: dict[str, dt.datetime], cut: dt.datetime) -> None:
    """The first batch: rows checked after `cut` are still blank."""
    for ws in wb.worksheets:
        header_row, cols = find_header(ws, PACKET_FILL)
        if not header_row:
            continue
        for r in _data_rows(ws, header_row, cols["记录编号"]):
            when = times.get(str(ws.cell(r, cols["记录编号"]).value))
            if when is None or when > cut:
                for h in PACKET_FILL:
                    if h in cols:
                        ws.cell(r, cols[h]).value = None


# ------------------------------------------------------------------ the review workbook
def _candidate_codes(ws: Worksheet, r: int, cols: dict[str, int]) -> list[str | None]:
    out = []
    for k in (1, 2, 3):
        c = cols.get(f"候选{k}居村委")
        m = _CODE.search(str(ws.cell(r, c).value or "")) if c else None
        out.append(m.group(0) if m else None)
    return out


def _review_answer(
    rr: random.Random, w: _World, rid: str, cands: list[str | None]
) -> dict[str, Any]:
    t = w.truth.get(rid)
    if t is None:
        return {"处理结果": "退回来源单位核实", "备注": "记录无法核对"}
    if t.category == "outside_pudong":
        return {"处理结果": "区外转办"}
    if t.committee is None:
        return {"处理结果": rr.choice(("无法定位结案", "退回来源单位核实"))}
    if t.committee in cands:
        return {"处理结果": f"派发至候选{cands.index(t.committee) + 1}"}
    return {"处理结果": "派发至指定居村委", "派发居村委代码": t.committee}


def _answer_review(
    path: Path, w: _World, rr: random.Random, day: dt.date, summary: SimulationSummary
) -> openpyxl.Workbook | None:
    wb = openpyxl.load_workbook(path)
    worked = False
    for ws in wb.worksheets:
        header_row, cols = find_header(ws, ("处理结果", "派发居村委代码"))
        if not header_row or "处理结果" not in cols:
            continue
        _ensure_columns(ws, header_row, cols, REVIEW_FILL)
        clerk = rr.choice(_CHECKERS)
        for r in _data_rows(ws, header_row, cols["记录编号"]):
            ids = _ids(ws.cell(r, cols["记录编号"]).value)
            if not ids or rr.random() < STREETS["review_blank"]:
                summary.blank_rows += 1
                continue
            cands = _candidate_codes(ws, r, cols)
            answer = _review_answer(rr, w, ids[0], cands)
            if rr.random() < STREETS["review_wrong"]:
                others = [f"派发至候选{k + 1}" for k, c in enumerate(cands) if c]
                answer = {"处理结果": rr.choice(others or ["无法定位结案"])}
            when = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=rr.randrange(540))
            answer["处理人"] = clerk
            answer["处理时间"] = (
                when if rr.random() < 0.7 else f"{when.month}月{when.day}日 {when:%H:%M}"
            )
            for header, value in answer.items():
                cell = ws.cell(r, cols[header], value)
                if header == "派发居村委代码":
                    cell.number_format = "@"  # a text cell: 12 digits
                if isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
            summary.answered[answer["处理结果"]] += 1
            summary.review_rows += 1
            worked = True
        if rr.random() < 0.2:
            _sort_rows(ws, _data_rows(ws, header_row, cols["记录编号"]), cols["处理结果"])
    return wb if worked else None


# ------------------------------------------------------------------ the command
def simulate_replies(
    out: Path,
    date: dt.date,
    truth: Path,
    inbox: Path,
    seed: int = 0,
    registry: Path | None = None,
    published: dt.datetime | None = None,
) -> SimulationSummary:
    """Answer night `date`'s packets and review workbook into later nights' replies folders.

    `published`: when the packets reached the streets (default: the morning after the
    night, 07:00). `registry`: the registry folder (default: ``registry`` beside the
    truth folder), for committee names, the true dwelling's address and registered homes.
    """
    out_day = Path(out) / date.isoformat()
    packets = sorted((out_day / "dispatch").glob("*.xlsx"))
    reviews = sorted((out_day / "review").glob("*.xlsx"))
    if not packets and not reviews:
        raise StreetlinkError(f"no packets or review workbook in {out_day}")
    world = _load_world(out_day, Path(truth), date, registry)
    published = published or dt.datetime.combine(date + dt.timedelta(days=1), dt.time(7))
    summary = SimulationSummary(date)
    for path in packets:
        street = path.stem.split("_", 1)[-1]
        rr = random.Random(f"{seed}:{date.isoformat()}:{path.name}")
        habit = _street_habit(rr)
        if habit.silent:
            summary.silent_streets.append(street)
            continue
        wb, last, times = _answer_packet(path, world, rr, habit, published, summary)
        sent = last + dt.timedelta(hours=rr.choice((1, 2, 4, 14)))
        if habit.two_batches and times:
            cut = published + (last - published) / 2
            early = _clone(wb)
            _first_batch(early, times, cut)
            _mess_workbook(rr, early)
            day = (cut + dt.timedelta(hours=2)).date()
            summary.files.append(
                _save(
                    early, _replies_dir(inbox, day) / _reply_name(rr, path.name, street, cut), cut
                )
            )
        _mess_workbook(rr, wb)
        name = _reply_name(rr, path.name, street, sent)
        target = _replies_dir(inbox, sent.date()) / name
        summary.files.append(_save(wb, target, sent))
        if rr.random() < STREETS["sent_twice"]:
            twice = target.with_name(f"{Path(name).stem}（重发）.xlsx")
            summary.files.append(_save(wb, twice, sent))
    for path in reviews:
        rr = random.Random(f"{seed}:{date.isoformat()}:review:{path.name}")
        day = date + dt.timedelta(days=1)
        wb = _answer_review(path, world, rr, day, summary)
        if wb is not None:
            when = dt.datetime.combine(day, dt.time(18, 30))
            name = rr.choice((f"待复核处理结果_{date:%m%d}.xlsx", f"复核反馈{date:%Y%m%d}.xlsx"))
            summary.files.append(_save(wb, _replies_dir(inbox, day) / name, when))
    log.info(
        "simulated replies for %s: %d files, %d rows answered, %d left blank, %d silent streets",
        date.isoformat(),
        len(summary.files),
        sum(summary.answered.values()),
        summary.blank_rows,
        len(summary.silent_streets),
    )
    return summary


def _replies_dir(inbox: Path, day: dt.date) -> Path:
    return Path(inbox) / day.isoformat() / "replies"


def _clone(wb: openpyxl.Workbook) -> openpyxl.Workbook:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
