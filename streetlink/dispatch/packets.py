"""Write one Excel packet per street: the records the street office must check, by committee.

Input: ``decisions`` (DECISIONS), ``staged_records`` (STAGED_RECORDS) and ``admin`` (ADMIN).
Output: ``<out_dir>/<street_code>_<street_name>.xlsx`` for every street that received at
least one dispatched record, holding ONLY that street's records:

* sheet ``汇总`` — the date, totals, counts by committee × source (each committee linked
  to its sheet), counts by source, and how to fill in and return the packet;
* one sheet per committee (named after it), in committee-code order, each with the same
  columns: the source fields a worker needs to find the person and the door (full name,
  ID, phone: packets are operational, not masked), the standardised address, why the
  record was sent there, other source details, and the shaded fill-in columns
  核查结果 (drop-down), 核查时间, 核查人, 备注.

One sheet per committee because the committee is the unit of work: the street office
forwards or prints each committee's sheet as it is, and every sheet has the same columns so
the returned packet is read back uniformly by 记录编号. Before anything is written the
dispatched records are checked against the registry: a committee unknown to ``admin``, or
belonging to a different street than the decision says, stops the stage (ContractViolation).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from itertools import groupby
from pathlib import Path

import duckdb

from streetlink.contracts import BASES, SOURCE_NAMES, SOURCES
from streetlink.dispatch.sql import load_sql
from streetlink.dispatch.xlsx import (
    Col,
    Styles,
    add_choice_list,
    cell_text,
    file_name_part,
    new_workbook,
    sheet_name,
    write_table,
    write_title,
)
from streetlink.errors import ContractViolation

__all__ = ["CHECK_RESULTS", "PACKET_COLUMNS", "basis_text", "format_details", "write_packets"]

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).parent

PACKET_COLUMNS: tuple[Col, ...] = (
    Col("记录编号", 22),
    Col("来源", 13),
    Col("时间", 19, "datetime"),
    Col("姓名", 10),
    Col("证件号码", 21),
    Col("联系电话", 15),
    Col("原始地址", 40, "wrap"),
    Col("标准地址", 36, "wrap"),
    Col("居村委", 16),
    Col("派发依据", 40, "wrap"),
    Col("其他信息", 48, "wrap"),
    Col("核查结果", 14, "fill"),
    Col("核查时间", 12, "fill_date"),
    Col("核查人", 10, "fill"),
    Col("备注", 24, "fill"),
)
CHECK_RESULTS: tuple[str, ...] = ("已核实在住", "已核实不在住", "查无此人", "地址错误", "已离沪", "其他")
_RESULT_COL = [c.header for c in PACKET_COLUMNS].index("核查结果")
_HEADER_ROW = 2  # title, subtitle, then the header

_INSTRUCTIONS = (
    "填报说明：",
    "1. 各居村委的记录在以居村委命名的工作表中，可单独打印或转交居村委。",
    "2. 请在黄色列中填写：核查结果（下拉选择）、核查时间、核查人、备注。",
    "3. 请勿修改、删除「记录编号」列，核查完成后将本文件退回区城运中心（大数据中心）。",
    "4. 本表含个人信息，仅限核查工作使用，不得外传。",
)


def _percent(p: float | None) -> str | None:
    return None if p is None else f"{p:.0%}"


def basis_text(basis: str | None, explanation: str | None,
               address_p: float | None, person_p: float | None) -> str:
    """派发依据: the basis label, the confidences, and the decide stage's one-line explanation."""
    parts = [BASES.get(basis, basis or "未注明依据")]
    confidences = [f"{label}置信度{_percent(p)}" for label, p in (("地址", address_p), ("身份", person_p))
                   if p is not None]
    head = parts[0] + (f"（{'，'.join(confidences)}）" if confidences else "")
    return f"{head}；{explanation}" if explanation else head


def _detail_value(value: object) -> str:
    if isinstance(value, list):
        return "、".join(_detail_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def format_details(details: str | None, address_context: str | None = None) -> str:
    """其他信息: the details JSON as 「标签：值」 lines, plus the address context if not among them."""
    lines: list[str] = []
    values: set[str] = set()
    if details:
        try:
            parsed = json.loads(details)
        except (TypeError, ValueError):
            parsed = details
        if isinstance(parsed, dict):
            for key, value in parsed.items():
                if value in (None, "", [], {}):
                    continue
                text = _detail_value(value)
                values.add(text)
                lines.append(f"{key}：{text}")
        else:
            lines.append(str(parsed))
    if address_context and address_context not in values:
        lines.append(f"地址说明：{address_context}")
    return "\n".join(lines)


def _record_values(r: dict) -> list[object]:
    event_time = r["event_time"] if r["event_time"] is not None else r["event_time_raw"]
    return [
        r["record_id"],
        SOURCES[r["source"]].label if r["source"] in SOURCES else r["source"],
        event_time,
        r["name"],
        r["id_number"],
        r["phone"],
        r["address"],
        r["resolved_address"],
        r["committee_name"],
        basis_text(r["basis"], r["explanation"], r["address_match_probability"],
                   r["person_match_probability"]),
        format_details(r["details"], r["address_context"]),
        None, None, None, None,
    ]


def _check_packet_rows(con: duckdb.DuckDBPyConnection, base: str) -> None:
    checks = (
        ("NOT staged", "dispatched record(s) missing from staged records"),
        ("committee_name IS NULL", "dispatched to a committee unknown to the admin table"),
        ("committee_name IS NOT NULL AND admin_street_code IS DISTINCT FROM street_code",
         "dispatched to a committee of another street"),
    )
    probes = ", ".join(
        f"count(*) FILTER (WHERE {c}), (list(record_id ORDER BY record_id) FILTER (WHERE {c}))[1:3]"
        for c, _ in checks
    )
    row = con.execute(f"SELECT {probes} FROM ({base})").fetchone()
    violations = [
        f"{message}: {row[2 * i]} record(s), e.g. {', '.join(row[2 * i + 1])}"
        for i, (_, message) in enumerate(checks) if row[2 * i]
    ]
    if violations:
        raise ContractViolation("dispatch packets", violations)


def _write_summary(ws, styles: Styles, street_code: str, street_name: str, run_date: dt.date,
                   committees: list[tuple[str, str, Counter, str]]) -> None:
    total = sum(sum(c.values()) for _, _, c, _ in committees)
    row = write_title(ws, styles, 0, f"{street_name}（{street_code}）派发核查清单",
                      f"日期 {run_date.isoformat()} · 记录合计 {total} 条 · 居村委 {len(committees)} 个")
    row += 1
    headers = ["居村委代码", "居村委", *(SOURCES[s].label for s in SOURCE_NAMES), "合计", "工作表"]
    for c, h in enumerate(headers):
        ws.write_string(row, c, h, styles.header)
    by_source: Counter = Counter()
    for code, name, counts, sheet in committees:
        row += 1
        ws.write_string(row, 0, code, styles.text)
        ws.write_string(row, 1, cell_text(name), styles.text)
        for c, s in enumerate(SOURCE_NAMES, start=2):
            ws.write_number(row, c, counts.get(s, 0), styles.count)
        ws.write_number(row, 2 + len(SOURCE_NAMES), sum(counts.values()), styles.count)
        ws.write_url(row, 3 + len(SOURCE_NAMES), f"internal:'{sheet}'!A1", styles.link, string=sheet)
        by_source.update(counts)
    row += 1
    ws.write_string(row, 0, "合计", styles.total)
    ws.write_blank(row, 1, None, styles.total)
    for c, s in enumerate(SOURCE_NAMES, start=2):
        ws.write_number(row, c, by_source.get(s, 0), styles.total_count)
    ws.write_number(row, 2 + len(SOURCE_NAMES), total, styles.total_count)
    row += 2
    ws.write_string(row, 0, "来源", styles.header)
    ws.write_string(row, 1, "条数", styles.header)
    for s in SOURCE_NAMES:
        row += 1
        ws.write_string(row, 0, SOURCES[s].label, styles.text)
        ws.write_number(row, 1, by_source.get(s, 0), styles.count)
    row += 2
    for line in _INSTRUCTIONS:
        ws.write_string(row, 0, line)
        row += 1
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2 + len(SOURCE_NAMES), 13)
    ws.set_column(3 + len(SOURCE_NAMES), 3 + len(SOURCE_NAMES), 22)
    ws.set_paper(9)


def _write_street(path: Path, street_code: str, street_name: str, run_date: dt.date,
                  rows: list[dict]) -> None:
    wb, styles = new_workbook(path, f"{street_name}派发核查清单 {run_date.isoformat()}", run_date)
    summary = wb.add_worksheet("汇总")
    taken = {"汇总"}
    committees: list[tuple[str, str, Counter, str]] = []
    for committee_code, group in groupby(rows, key=lambda r: r["committee_code"]):
        records = list(group)
        name = records[0]["committee_name"]
        sheet = sheet_name(name, taken, committee_code)
        ws = wb.add_worksheet(sheet)
        write_title(ws, styles, 0, f"居村委：{name}（{committee_code}）",
                    f"{street_name} · {run_date.isoformat()} · 共 {len(records)} 条 · 请在黄色列填写核查结果")
        n = write_table(ws, styles, _HEADER_ROW, PACKET_COLUMNS, (_record_values(r) for r in records),
                        freeze_cols=1)
        add_choice_list(ws, _HEADER_ROW + 1, _HEADER_ROW + n, _RESULT_COL, CHECK_RESULTS,
                        "核查结果：" + "、".join(CHECK_RESULTS))
        committees.append((committee_code, name, Counter(r["source"] for r in records), sheet))
    _write_summary(summary, styles, street_code, street_name, run_date, committees)
    summary.activate()
    wb.close()


def write_packets(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    run_date: dt.date,
    decisions: str = "decisions",
    staged: str = "staged_records",
    admin: str = "admin",
) -> list[Path]:
    """Write one packet per street that received records; return their paths (by street code)."""
    base = load_sql(SQL_DIR / "packet_rows.sql", decisions=decisions, staged=staged, admin=admin)
    _check_packet_rows(con, base)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    streets = con.execute(
        f"SELECT street_code, any_value(street_name) FROM ({base}) GROUP BY street_code ORDER BY street_code"
    ).fetchall()
    paths: list[Path] = []
    for street_code, street_name in streets:
        cursor = con.execute(
            f"SELECT * FROM ({base}) WHERE street_code = ? "
            "ORDER BY committee_code, event_time NULLS LAST, record_id",
            [street_code],
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor.fetchall()]
        # Belt and braces: a packet never carries another street's record.
        strays = [r["record_id"] for r in rows if r["street_code"] != street_code]
        if strays:
            raise ContractViolation("dispatch packets", [f"{street_code} packet got other streets' records"])
        path = out_dir / f"{street_code}_{file_name_part(street_name)}.xlsx"
        _write_street(path, street_code, street_name, run_date, rows)
        log.info("packet %s: %d record(s)", path.name, len(rows))
        paths.append(path)
    return paths
