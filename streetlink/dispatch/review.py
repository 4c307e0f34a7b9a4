"""Write the clerical review workbook for the data center: ``review/review_<date>.xlsx``.

Input: ``decisions`` (DECISIONS), ``staged_records``, ``admin`` and, when present,
``records_std`` (the standardised address, the place outside Pudong). Output, one workbook:

* ``汇总`` — counts by decision × reason and by source, out-of-Pudong records by where
  they belong, and how to work the queue;
* ``待复核`` — every ``review`` record whose place may be in Pudong: the reason, the source
  fields (unmasked: the data center needs them), the standardised address, a plain-Chinese
  note (from REVIEW_NOTES and the candidates, never the model's own explanation), the top
  candidates (``候选1居村委`` = "310115007012 齐河第二居委会（周家渡街道）" and what matched,
  with its probability), and the fill-in columns 处理结果 (drop-down), 派发居村委代码 (a
  text cell checked against the registry's committee codes: 12 digits stay 12 digits),
  处理人, 处理时间 (a date and time), 备注;
* ``区外记录`` — the records whose place is outside Pudong, grouped by the district (上海市)
  or province they belong to, for bulk transfer, with the same fill-in columns;
* ``已拒绝`` — every ``rejected`` record with its reason and where it came from
  (file and row), with a 备注 column;
* ``居村委代码`` (hidden) — the committee codes the code column is checked against.

Source values are text, never formulas (see xlsx.py). Sheets print one page wide (A3
landscape: the queue is wide) with the page header and the secrecy footer.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import Counter
from pathlib import Path

import duckdb

from streetlink import sql
from streetlink.contracts import REASONS, REVIEW_FILL_IN, REVIEW_RESULTS, SOURCE_NAMES, SOURCES
from streetlink.contracts.packets import DEFAULT_REVIEW_NOTE, REVIEW_NOTES
from streetlink.dispatch.packets import HIDDEN_DETAIL_KEYS
from streetlink.dispatch.tables import stand_in, table_exists
from streetlink.dispatch.xlsx import (
    Col,
    add_choice_list,
    add_datetime_check,
    cell_text,
    new_workbook,
    print_setup,
    protect,
    write_table,
    write_title,
)

__all__ = [
    "MAX_CANDIDATES", "REVIEW_RESULTS", "candidate_label", "candidate_probabilities", "outside_group",
    "parse_candidates",
    "review_note", "write_review",
]

log = logging.getLogger(__name__)

PACKAGE = "streetlink.dispatch"
MAX_CANDIDATES = 3
_HEADER_ROW = 2
_BLANK_ROWS = 30
REVIEW_SHEET, OUTSIDE_SHEET, REJECTED_SHEET, CODES_SHEET = "待复核", "区外记录", "已拒绝", "居村委代码"

_FILL_COLUMNS: tuple[Col, ...] = (
    Col("处理结果", 12, "fill"), Col("派发居村委代码", 14, "fill_code"), Col("处理人", 7, "fill"),
    Col("处理时间", 11.5, "fill_datetime"), Col("备注", 12, "fill"),
)
assert tuple(c.header for c in _FILL_COLUMNS) == REVIEW_FILL_IN

_REVIEW_COLUMNS: tuple[Col, ...] = (
    Col("记录编号", 15), Col("来源·时间", 12), Col("原因", 13),
    Col("姓名", 8), Col("证件号码／电话", 19), Col("原始地址", 24),
    Col("标准化地址", 20), Col("说明", 26), Col("其他信息", 20), Col("候选数", 5, "count"),
    *(col for k in range(1, MAX_CANDIDATES + 1) for col in (
        Col(f"候选{k}居村委", 17), Col(f"候选{k}依据", 17))),
    *_FILL_COLUMNS,
)
_OUTSIDE_COLUMNS: tuple[Col, ...] = (
    Col("记录编号", 15), Col("所属区／省", 12), Col("来源·时间", 12), Col("姓名", 8),
    Col("证件号码／电话", 19), Col("原始地址", 28), Col("地区（来源）", 16), Col("其他信息", 24),
    *_FILL_COLUMNS,
)
_REJECTED_COLUMNS: tuple[Col, ...] = (
    Col("记录编号", 15), Col("来源·时间", 12), Col("原因", 16), Col("来源文件", 22), Col("行号", 6, "count"),
    Col("姓名", 8), Col("证件号码／电话", 19), Col("原始地址", 28), Col("其他信息", 28), Col("备注", 14, "fill"),
)
_KIND_LABELS = {"address": "地址", "person": "身份（登记住址）"}
_SHORT_SOURCE = {"checkpoint": "道口登记", "hotline": "12345热线", "healthcloud": "健康云自报"}
_SHANGHAI_DISTRICT = re.compile(r"^(上海市?)?(?P<d>[^市省]{1,4}区)")
_PROVINCE = re.compile(r"^(?P<p>.{2,6}?(省|自治区)|北京市|天津市|重庆市|上海市|.{2,6}?特别行政区)")


def parse_candidates(candidates_json: str | None) -> list[dict] | None:
    """The candidates as dicts, best first (by rank, then probability); None if unreadable."""
    if not candidates_json:
        return []
    try:
        parsed = json.loads(candidates_json)
    except (TypeError, ValueError):
        return None
    if not isinstance(parsed, list):
        return None
    candidates = [c for c in parsed if isinstance(c, dict)]

    def key(c: dict) -> tuple[float, float]:
        rank = c.get("rank")
        p = c.get("probability")
        return (rank if isinstance(rank, (int, float)) else float("inf"),
                -p if isinstance(p, (int, float)) else 0.0)

    return sorted(candidates, key=key)


def outside_group(place: str | None) -> str:
    """Where an out-of-Pudong record goes: 上海市杨浦区, 江苏省, 重庆市 …; 未注明 when unknown."""
    text = re.sub(r"\s+", "", place or "")
    if not text:
        return "未注明"
    m = _SHANGHAI_DISTRICT.match(text)
    if m and (text.startswith("上海") or m.start("d") == 0):
        return f"上海市{m.group('d')}"
    m = _PROVINCE.match(text)
    if m:
        return m.group("p")
    return text[:12]


def candidate_label(c: dict, committees: dict[str, tuple[str, str, str]]) -> str:
    """"310115007012 齐河第二居委会（周家渡街道）": the code first, so a reader can take it."""
    code = c.get("committee_code")
    street_code, street_name, committee_name = committees.get(code, (c.get("street_code"), "", ""))
    if committee_name:
        return f"{code} {committee_name}（{street_name}）"
    return " ".join(str(v) for v in (code, street_code) if v) or "未知居村委"


def candidate_probabilities(c: dict) -> str:
    """What the probabilities say, committee first: that is what a clerk decides."""
    p, pc = c.get("probability"), c.get("committee_probability")
    parts = []
    if isinstance(pc, (int, float)):
        parts.append(f"居村委概率 {pc:.0%}")
    if isinstance(p, (int, float)):
        parts.append(("房屋概率" if c.get("kind") == "address" else "身份概率") + f" {p:.0%}")
    return " · ".join(parts)


def _candidate_basis(c: dict) -> str:
    kind = _KIND_LABELS.get(c.get("kind"), str(c.get("kind") or ""))
    label = c.get("label")
    lines = [f"{kind}：{label}" if label else kind]
    if candidate_probabilities(c):
        lines.append(candidate_probabilities(c))
    return "\n".join(lines)


def review_note(reason: str | None, candidates: list[dict], committees: dict[str, tuple[str, str, str]]) -> str:
    """The 说明 a clerk reads: the reason's note, then the candidates in words."""
    note = REVIEW_NOTES.get(reason or "", DEFAULT_REVIEW_NOTE)
    parts = []
    for k, c in enumerate(candidates[:MAX_CANDIDATES], start=1):
        code = c.get("committee_code")
        name = committees.get(code, (None, "", ""))[2] or code or "未知居村委"
        p = c.get("committee_probability")
        if not isinstance(p, (int, float)):
            p = c.get("probability")
        via = "身份" if c.get("kind") == "person" else "地址"
        parts.append(f"候选{k} {name}（{via}{f' {p:.0%}' if isinstance(p, (int, float)) else ''}）")
    return note + ("：" + "；".join(parts) if parts else "")


def _source_time(r: dict) -> str:
    label = _SHORT_SOURCE.get(r["source"], r["source"] or "")
    when = r["event_time"].strftime("%m-%d %H:%M") if r["event_time"] else r["event_time_raw"]
    return f"{label}\n{when}" if when else label


def _identity(r: dict) -> str | None:
    id_number = r["id_number"]
    if id_number and r["id_type"] and r["id_type"] != "居民身份证":
        id_number = f"{r['id_type']} {id_number}"
    return "\n".join(v for v in (id_number, r["phone"]) if v) or None


def _written_address(r: dict) -> str | None:
    lines = [r["address"]] if r["address"] else []
    if r["address_context"] and r["address_context"] != r["address"] and r["source"] != "hotline":
        lines.append(f"补充：{r['address_context']}")
    if r["street_hint"]:
        lines.append(f"街镇提示：{r['street_hint']}")
    return "\n".join(lines) or None


def _details(r: dict) -> str | None:
    if not r["details"]:
        return None
    try:
        parsed = json.loads(r["details"])
    except (TypeError, ValueError):
        return r["details"]
    if not isinstance(parsed, dict):
        return r["details"]
    lines = []
    for key, value in parsed.items():
        if value in (None, "", [], {}) or key in HIDDEN_DETAIL_KEYS:
            continue
        text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
        lines.append(f"{key}：{text}")
    return "\n".join(lines) or None


def _reason_label(reason: str | None) -> str:
    return REASONS.get(reason, (None, reason or ""))[1]


def _review_values(r: dict, committees: dict[str, tuple[str, str, str]]) -> list[object]:
    candidates = parse_candidates(r["candidates_json"])
    unreadable = candidates is None
    candidates = candidates or []
    note = review_note(r["reason"], candidates, committees)
    if unreadable:
        note += "\n候选信息无法解析：" + cell_text(r["candidates_json"])[:500]
    cells: list[object] = []
    for k in range(MAX_CANDIDATES):
        if k < len(candidates):
            cells += [candidate_label(candidates[k], committees), _candidate_basis(candidates[k])]
        else:
            cells += [None, None]
    return [
        r["record_id"], _source_time(r), _reason_label(r["reason"]),
        r["name"], _identity(r), _written_address(r), r["address_clean"], note, _details(r),
        len(candidates), *cells, *(None for _ in _FILL_COLUMNS),
    ]


def _outside_values(r: dict) -> list[object]:
    return [r["record_id"], outside_group(r["outside_place"]), _source_time(r), r["name"], _identity(r),
            r["address"], r["address_context"] if r["source"] != "hotline" else r["street_hint"], _details(r),
            *(None for _ in _FILL_COLUMNS)]


def _rejected_values(r: dict) -> list[object]:
    return [r["record_id"], _source_time(r), _reason_label(r["reason"]), r["source_file"], r["source_row"],
            r["name"], _identity(r), r["address"], _details(r), None]


def _fetch(con: duckdb.DuckDBPyConnection, decision: str, **tables: str) -> list[dict]:
    cursor = sql.run(con, PACKAGE, "review_rows", {"decision": decision}, **tables)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def _write_summary(ws, styles, run_date: dt.date, review: list[dict], outside: list[dict],
                   rejected: list[dict]) -> None:
    row = write_title(ws, styles, 0, f"待复核与拒绝记录 {run_date.isoformat()}",
                      f"待复核 {len(review)} 条 · 区外记录 {len(outside)} 条 · 已拒绝 {len(rejected)} 条")
    row += 1
    for c, h in enumerate(("处理类别", "原因", "原因代码", "条数")):
        ws.write_string(row, c, h, styles.header)
    groups = (("review", "待复核", review + outside), ("rejected", "已拒绝", rejected))
    for _, label, records in groups:
        for reason, n in sorted(Counter(r["reason"] for r in records).items(), key=lambda x: str(x[0])):
            row += 1
            ws.write_string(row, 0, label, styles.text)
            ws.write_string(row, 1, _reason_label(reason), styles.text)
            ws.write_string(row, 2, str(reason), styles.text)
            ws.write_number(row, 3, n, styles.count)
    row += 2
    for c, h in enumerate(("来源", "待复核", "区外记录", "已拒绝")):
        ws.write_string(row, c, h, styles.header)
    counts = [Counter(r["source"] for r in records) for records in (review, outside, rejected)]
    for s in SOURCE_NAMES:
        row += 1
        ws.write_string(row, 0, SOURCES[s].label, styles.text)
        for c, by in enumerate(counts, start=1):
            ws.write_number(row, c, by.get(s, 0), styles.count)
    if outside:
        row += 2
        ws.write_string(row, 0, "区外记录所属区／省", styles.header)
        ws.write_string(row, 1, "条数", styles.header)
        by_group = Counter(outside_group(r["outside_place"]) for r in outside)
        for group, n in sorted(by_group.items(), key=lambda x: (-x[1], x[0])):
            row += 1
            ws.write_string(row, 0, group, styles.text)
            ws.write_number(row, 1, n, styles.count)
    row += 2
    for line in (("「待复核」表：在黄色列选择处理结果；派发时在「派发居村委代码」填写12位居村委代码（按文本保存，"
                  "须为登记库中的代码）；填写处理人、处理时间。请勿修改记录编号。"),
                 "「区外记录」表：按所属区／省排列，可整组选择「区外转办」。",
                 "内部资料，注意保密。"):
        ws.merge_range(row, 0, row, 3, line, styles.note)
        ws.set_row(row, 30 if len(line) > 40 else 16)
        row += 1
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 22)
    ws.set_column(3, 3, 10)
    ws.print_area(0, 0, row, 3)
    print_setup(ws, None, left="待复核与拒绝记录 · 汇总", center=run_date.isoformat(), landscape=False)
    protect(ws)


def _write_codes(wb, styles, committees: dict[str, tuple[str, str, str]]) -> None:
    """The hidden sheet the code column is checked against (every registry committee)."""
    ws = wb.add_worksheet(CODES_SHEET)
    ws.write_string(0, 0, "居村委代码", styles.header)
    ws.write_string(0, 1, "居村委", styles.header)
    ws.write_string(0, 2, "街镇", styles.header)
    codes = sorted(committees)
    for i, code in enumerate(codes, start=1):
        _, street_name, name = committees[code]
        ws.write_string(i, 0, code, styles.text)
        ws.write_string(i, 1, cell_text(name), styles.text)
        ws.write_string(i, 2, cell_text(street_name), styles.text)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 2, 20)
    ws.hide()
    protect(ws)


def _fill_in_checks(ws, cols: tuple[Col, ...], n: int, codes_range: str) -> None:
    headers = [c.header for c in cols]
    first, last = _HEADER_ROW + 1, _HEADER_ROW + n
    add_choice_list(ws, first, last, headers.index("处理结果"), REVIEW_RESULTS,
                    "处理结果：" + "、".join(REVIEW_RESULTS), blank_rows=_BLANK_ROWS)
    code_col = headers.index("派发居村委代码")
    ws.data_validation(first, code_col, max(last, first) + _BLANK_ROWS, code_col, {
        "validate": "list", "source": codes_range, "dropdown": False,
        "input_title": "派发居村委代码", "input_message": "12位居村委代码，须为登记库中的代码（按文本保存）",
        "error_title": "不是登记库中的居村委代码", "error_message": "请填写12位居村委代码，如 310115007012。",
        "error_type": "stop",
    })
    add_datetime_check(ws, first, last, headers.index("处理时间"), "处理时间", blank_rows=_BLANK_ROWS)


def _write_sheet(wb, styles, name: str, title: str, subtitle: str, cols: tuple[Col, ...], values,
                 run_date: dt.date, codes_range: str | None) -> int:
    ws = wb.add_worksheet(name)
    write_title(ws, styles, 0, title, subtitle)
    n = write_table(ws, styles, _HEADER_ROW, cols, values, freeze_cols=1)
    if codes_range is not None:
        _fill_in_checks(ws, cols, n, codes_range)
    ws.print_area(0, 0, _HEADER_ROW + max(n, 1), len(cols) - 1)
    print_setup(ws, _HEADER_ROW, left=f"待复核与拒绝记录 · {name}", center=run_date.isoformat())
    ws.set_paper(8)  # A3: the review queue is wide
    protect(ws)
    return n


def write_review(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    run_date: dt.date,
    decisions: str = "decisions",
    staged: str = "staged_records",
    admin: str = "admin",
    records_std: str | None = "records_std",
    transfer_review: str | None = None,
) -> int:
    """Write the review workbook; return the number of `review` records in it (区外 included).

    `transfer_review` (TRANSFER_REVIEW, when given and present): records returned by a
    street as 非本辖区 without a usable 转派至, queued in 待复核 as ``transfer_unresolved``.

    The workbook is written even when the queue is empty, so every date has one.
    Without a `records_std` table the standardised-address column stays empty and no
    record can be told to be outside Pudong but by its reason.
    """
    if records_std is None or not table_exists(con, records_std):
        log.warning("no records_std table (%s): the review workbook has no standardised addresses",
                    records_std)
        records_std = stand_in(con, "review_no_records_std", ("record_id", "address_clean", "outside_place"))
    tables = {"decisions": decisions, "staged": staged, "records_std": records_std}
    review_all = _fetch(con, "review", **tables)
    if transfer_review and table_exists(con, transfer_review):
        cursor = sql.run(con, PACKAGE, "review_rows_transfers", transfer_review=transfer_review, admin=admin,
                         decisions=decisions)
        names = [d[0] for d in cursor.description]
        review_all += [dict(zip(names, values)) for values in cursor.fetchall()]
    rejected = _fetch(con, "rejected", **tables)
    outside = sorted((r for r in review_all if r["reason"] == "outside_pudong"),
                     key=lambda r: (outside_group(r["outside_place"]), r["source"], r["record_id"]))
    review = [r for r in review_all if r["reason"] != "outside_pudong"]
    committees = {
        code: (street_code, street_name, committee_name)
        for code, street_code, street_name, committee_name in con.execute(
            f"SELECT committee_code, street_code, street_name, committee_name FROM {sql.identifier(admin)}"
        ).fetchall()
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb, styles = new_workbook(path, f"待复核与拒绝记录 {run_date.isoformat()}", run_date)
    summary = wb.add_worksheet("汇总")
    review_ws_index = len(wb.worksheets())
    codes_range = f"='{CODES_SHEET}'!$A$2:$A${max(len(committees), 1) + 1}"
    _write_sheet(wb, styles, REVIEW_SHEET, f"待复核记录 {run_date.isoformat()}",
                 f"共 {len(review)} 条 · 候选按概率排序，最多显示前{MAX_CANDIDATES}个 · 请在黄色列填写处理结果",
                 _REVIEW_COLUMNS, (_review_values(r, committees) for r in review), run_date, codes_range)
    _write_sheet(wb, styles, OUTSIDE_SHEET, f"区外记录 {run_date.isoformat()}",
                 f"共 {len(outside)} 条 · 地址在浦东新区以外，按所属区／省排列，供批量转办",
                 _OUTSIDE_COLUMNS, (_outside_values(r) for r in outside), run_date, codes_range)
    _write_sheet(wb, styles, REJECTED_SHEET, f"已拒绝记录 {run_date.isoformat()}", f"共 {len(rejected)} 条",
                 _REJECTED_COLUMNS, (_rejected_values(r) for r in rejected), run_date, None)
    _write_codes(wb, styles, committees)
    _write_summary(summary, styles, run_date, review, outside, rejected)
    wb.worksheets()[review_ws_index].activate()
    wb.close()
    log.info("review workbook %s: %d review, %d outside Pudong, %d rejected", path.name, len(review),
             len(outside), len(rejected))
    return len(review) + len(outside)
