"""Write the clerical review workbook for the data center: ``review/review_<date>.xlsx``.

Input: ``decisions`` (DECISIONS), ``staged_records``, ``admin`` and, when present,
``records_std`` (for the standardised address). Output, one workbook:

* ``汇总`` — counts by decision × reason (code and Chinese label) and by source;
* ``待复核`` — every ``review`` record: reason code + label, the source fields (unmasked:
  the data center needs them), the standardised address, the decide stage's explanation,
  the top candidates the model considered (committee, what matched, probability), and
  fill-in columns 处理结果 (drop-down), 派发居村委代码 (12 digits), 处理人, 备注;
* ``已拒绝`` — every ``rejected`` record with its reason and where it came from
  (file and row), with a 备注 column.

Source values are text, never formulas (see xlsx.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from pathlib import Path

import duckdb

from streetlink.contracts import REASONS, SOURCE_NAMES, SOURCES
from streetlink.dispatch.packets import format_details
from streetlink.dispatch.sql import load_sql, table_exists, table_ref
from streetlink.dispatch.xlsx import Col, add_choice_list, new_workbook, write_table, write_title

__all__ = ["MAX_CANDIDATES", "REVIEW_RESULTS", "parse_candidates", "write_review"]

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).parent
MAX_CANDIDATES = 3
REVIEW_RESULTS: tuple[str, ...] = (
    "派发至候选1", "派发至候选2", "派发至候选3", "派发至指定居村委", "区外转办", "退回来源单位核实",
    "无法定位结案",
)
_HEADER_ROW = 2

_REVIEW_COLUMNS: tuple[Col, ...] = (
    Col("记录编号", 22), Col("来源", 13), Col("时间", 19, "datetime"),
    Col("原因代码", 20), Col("原因", 24, "wrap"),
    Col("姓名", 10), Col("证件类型", 12), Col("证件号码", 21), Col("联系电话", 15),
    Col("原始地址", 40, "wrap"), Col("地址补充", 30, "wrap"), Col("街镇提示", 12),
    Col("标准化地址", 36, "wrap"), Col("说明", 40, "wrap"), Col("其他信息", 36, "wrap"),
    Col("候选数", 8, "count"),
    *(col for k in range(1, MAX_CANDIDATES + 1) for col in (
        Col(f"候选{k}居村委", 24, "wrap"), Col(f"候选{k}匹配内容", 32, "wrap"),
        Col(f"候选{k}概率", 9, "probability"))),
    Col("处理结果", 16, "fill"), Col("派发居村委代码", 16, "fill"), Col("处理人", 10, "fill"),
    Col("备注", 24, "fill"),
)
_REJECTED_COLUMNS: tuple[Col, ...] = (
    Col("记录编号", 22), Col("来源", 13), Col("时间", 19, "datetime"),
    Col("原因代码", 20), Col("原因", 24, "wrap"), Col("来源文件", 26), Col("行号", 8, "count"),
    Col("姓名", 10), Col("证件号码", 21), Col("联系电话", 15), Col("原始地址", 40, "wrap"),
    Col("其他信息", 36, "wrap"), Col("说明", 40, "wrap"), Col("备注", 24, "fill"),
)
_HEADERS = [c.header for c in _REVIEW_COLUMNS]
_KIND_LABELS = {"address": "地址", "person": "身份"}


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


def _candidate_cells(c: dict, committees: dict[str, tuple[str, str, str]]) -> list[object]:
    code = c.get("committee_code")
    street_code, street_name, committee_name = committees.get(code, (c.get("street_code"), "", ""))
    if committee_name:
        where = f"{street_name}{committee_name}（{code}）"
    else:
        where = "，".join(str(v) for v in (street_code, code) if v) or "未知居村委"
    kind = _KIND_LABELS.get(c.get("kind"), str(c.get("kind") or ""))
    label = c.get("label")
    what = f"{kind}：{label}" if label else kind
    p = c.get("probability")
    return [where, what, p if isinstance(p, (int, float)) else None]


def _source_label(source: str | None) -> str | None:
    return SOURCES[source].label if source in SOURCES else source


def _event_time(r: dict) -> object:
    return r["event_time"] if r["event_time"] is not None else r["event_time_raw"]


def _review_values(r: dict, committees: dict[str, tuple[str, str, str]]) -> list[object]:
    candidates = parse_candidates(r["candidates_json"])
    explanation = r["explanation"] or ""
    if candidates is None:
        explanation = (explanation + "\n" if explanation else "") + f"候选信息无法解析：{r['candidates_json']}"
        candidates = []
    cells: list[object] = []
    for k in range(MAX_CANDIDATES):
        cells += _candidate_cells(candidates[k], committees) if k < len(candidates) else [None, None, None]
    return [
        r["record_id"], _source_label(r["source"]), _event_time(r),
        r["reason"], REASONS.get(r["reason"], (None, r["reason"]))[1],
        r["name"], r["id_type"], r["id_number"], r["phone"],
        r["address"], r["address_context"], r["street_hint"], r["address_clean"],
        explanation, format_details(r["details"]), len(candidates),
        *cells,
        None, None, None, None,
    ]


def _rejected_values(r: dict) -> list[object]:
    return [
        r["record_id"], _source_label(r["source"]), _event_time(r),
        r["reason"], REASONS.get(r["reason"], (None, r["reason"]))[1],
        r["source_file"], r["source_row"],
        r["name"], r["id_number"], r["phone"], r["address"],
        format_details(r["details"], r["address_context"]), r["explanation"], None,
    ]


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, decision: str) -> list[dict]:
    cursor = con.execute(sql, [decision])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def _write_summary(ws, styles, run_date: dt.date, review: list[dict], rejected: list[dict]) -> None:
    row = write_title(ws, styles, 0, f"待复核与拒绝记录 {run_date.isoformat()}",
                      f"待复核 {len(review)} 条 · 已拒绝 {len(rejected)} 条")
    row += 1
    for c, h in enumerate(("处理类别", "原因代码", "原因", "条数")):
        ws.write_string(row, c, h, styles.header)
    for decision, label, records in (("review", "待复核", review), ("rejected", "已拒绝", rejected)):
        for reason, n in sorted(Counter(r["reason"] for r in records).items(), key=lambda x: str(x[0])):
            row += 1
            ws.write_string(row, 0, label, styles.text)
            ws.write_string(row, 1, str(reason), styles.text)
            ws.write_string(row, 2, REASONS.get(reason, (None, str(reason)))[1], styles.text)
            ws.write_number(row, 3, n, styles.count)
    row += 2
    for c, h in enumerate(("来源", "待复核", "已拒绝")):
        ws.write_string(row, c, h, styles.header)
    review_by, rejected_by = Counter(r["source"] for r in review), Counter(r["source"] for r in rejected)
    for s in SOURCE_NAMES:
        row += 1
        ws.write_string(row, 0, SOURCES[s].label, styles.text)
        ws.write_number(row, 1, review_by.get(s, 0), styles.count)
        ws.write_number(row, 2, rejected_by.get(s, 0), styles.count)
    row += 2
    ws.write_string(row, 0, "「待复核」表：在黄色列选择处理结果；派发时填写12位居村委代码。请勿修改记录编号。")
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 30)
    ws.set_column(3, 3, 10)


def write_review(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    run_date: dt.date,
    decisions: str = "decisions",
    staged: str = "staged_records",
    admin: str = "admin",
    records_std: str | None = "records_std",
) -> int:
    """Write the review workbook; return the number of `review` records in it.

    The workbook is written even when the queue is empty, so every date has one.
    Without a `records_std` table the standardised-address column stays empty.
    """
    if records_std is None or not table_exists(con, records_std):
        log.warning("no records_std table (%s): the review workbook has no standardised addresses",
                    records_std)
        records_std = "no_records_std"
    sql = load_sql(SQL_DIR / "review_rows.sql", decisions=decisions, staged=staged, records_std=records_std)
    review = _fetch(con, sql, "review")
    rejected = _fetch(con, sql, "rejected")
    committees = {
        code: (street_code, street_name, committee_name)
        for code, street_code, street_name, committee_name in con.execute(
            f"SELECT committee_code, street_code, street_name, committee_name FROM {table_ref(admin)}"
        ).fetchall()
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb, styles = new_workbook(path, f"待复核与拒绝记录 {run_date.isoformat()}", run_date)
    _write_summary(wb.add_worksheet("汇总"), styles, run_date, review, rejected)

    ws = wb.add_worksheet("待复核")
    write_title(ws, styles, 0, f"待复核记录 {run_date.isoformat()}",
                f"共 {len(review)} 条 · 候选按概率排序，最多显示前{MAX_CANDIDATES}个")
    n = write_table(ws, styles, _HEADER_ROW, _REVIEW_COLUMNS,
                    (_review_values(r, committees) for r in review), freeze_cols=1)
    add_choice_list(ws, _HEADER_ROW + 1, _HEADER_ROW + n, _HEADERS.index("处理结果"), REVIEW_RESULTS,
                    "处理结果：" + "、".join(REVIEW_RESULTS))
    ws.data_validation(_HEADER_ROW + 1, _HEADERS.index("派发居村委代码"),
                       _HEADER_ROW + max(n, 1), _HEADERS.index("派发居村委代码"), {
                           "validate": "length", "criteria": "==", "value": 12,
                           "input_title": "居村委代码", "input_message": "12位居村委代码（派发时填写）",
                           "error_message": "居村委代码应为12位数字。",
                       })

    ws = wb.add_worksheet("已拒绝")
    write_title(ws, styles, 0, f"已拒绝记录 {run_date.isoformat()}", f"共 {len(rejected)} 条")
    write_table(ws, styles, _HEADER_ROW, _REJECTED_COLUMNS, (_rejected_values(r) for r in rejected),
                freeze_cols=1)
    wb.close()
    log.info("review workbook %s: %d review, %d rejected", path.name, len(review), len(rejected))
    return len(review)
