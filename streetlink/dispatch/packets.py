"""One Excel packet per street, written from one relation: ``packet_rows`` (PACKET_ROWS).

``build_packet_rows`` makes tonight's rows from the decisions (one dispatched record, one
item); screening cases and transfers are other producers of the same table.
``write_packets`` writes ``<out_dir>/<street_code>_<street_name>.xlsx`` for every street
with at least one row, holding ONLY that street's rows:

* ``应急派单`` (first, only when the street has urgent items) — the urgent items of every
  committee, a list to act on at once; they are answered in their committee's sheet;
* ``汇总`` — the date, totals, counts by committee × source (each committee linked to its
  sheet), counts by source, and how to fill in and return the packet;
* one sheet per committee (named after it), in committee-code order: urgent items first,
  then walking order (小区/路, 弄, 号, 室; 村, 组, 号); what the visit needs (the person
  concerned, the standard address and the address as written, one plain-Chinese line on
  why it was sent here, the other source details) and the yellow fill-in columns of
  REPLIES.md (核查结果 drop-down, 核查时间 as a date and time, 核查人, 转派至, 正确地址, 备注);
* ``逾期未核查`` (last, only when ``overdue_items`` has rows for the street) — items of
  earlier nights still open past their deadline, with the same fill-in columns.

Every sheet prints one page wide with the page header 街镇 · 居委会 · 日期 · 第 x/y 页 and
the footer 内部资料 注意保密, and is protected (no password) except its fill-in columns.
No registry ids or model weights are printed; the checkpoint's licence plate is not; a
hotline caller who may be a neighbour is not printed beside the matter (packet_rows.sql).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from itertools import groupby
from pathlib import Path

import duckdb

from streetlink import sql
from streetlink.contracts import (
    CHECK_RESULTS,
    DISPATCH_REASONS,
    OVERDUE_ITEMS,
    PACKET_FILL_IN,
    PACKET_ROWS,
    SOURCE_NAMES,
    SOURCES,
    check_table,
    enforce,
)
from streetlink.contracts.packets import DEFAULT_DISPATCH_REASON, PRIORITY_LABELS
from streetlink.dispatch.tables import columns_of, stand_in, table_exists
from streetlink.dispatch.xlsx import (
    Col,
    Styles,
    add_choice_list,
    add_datetime_check,
    cell_text,
    file_name_part,
    new_workbook,
    print_setup,
    protect,
    sheet_name,
    write_table,
    write_title,
)
from streetlink.errors import ContractViolation

__all__ = [
    "COMMITTEE_COLUMNS", "DEFAULT_DEADLINE_HOURS", "HIDDEN_DETAIL_KEYS", "align_published_items",
    "build_packet_open_items", "build_packet_rows", "walking_key", "write_packets",
]

log = logging.getLogger(__name__)

PACKAGE = "streetlink.dispatch"
DEFAULT_DEADLINE_HOURS = 24.0
# Source details a door-knock does not need (minimum necessary).
HIDDEN_DETAIL_KEYS = ("车牌号码",)
WITHHELD_NOTE = "来电人信息不随单打印；如需联系来电人，请凭工单编号经12345热线回访"
URGENT_SHEET, SUMMARY_SHEET, OVERDUE_SHEET = "应急派单", "汇总", "逾期未核查"
_HEADER_ROW = 2  # title, subtitle, then the header
_BLANK_ROWS = 30  # drop-downs reach this far below the data, for rows a worker adds
_SHORT_SOURCE = {"checkpoint": "道口登记", "hotline": "12345热线", "healthcloud": "健康云自报"}

_FILL_COLUMNS: tuple[Col, ...] = (
    Col("核查结果", 10, "fill"),
    Col("核查时间", 11.5, "fill_datetime"),
    Col("核查人", 7, "fill"),
    Col("转派至", 10, "fill"),
    Col("正确地址", 13, "fill"),
    Col("备注", 11, "fill"),
)
assert tuple(c.header for c in _FILL_COLUMNS) == PACKET_FILL_IN

COMMITTEE_COLUMNS: tuple[Col, ...] = (
    Col("序号", 4.5, "count"),
    Col("记录编号", 15),
    Col("优先级", 5.5),
    Col("截止时间", 11, "deadline"),
    Col("姓名", 8),
    Col("证件号码／电话", 19),
    Col("地址", 27),
    Col("派发原因", 18),
    Col("其他信息", 24),
    *_FILL_COLUMNS,
)
_URGENT_COLUMNS: tuple[Col, ...] = (
    Col("序号", 4.5, "count"),
    Col("记录编号", 15),
    Col("居村委", 14),
    Col("截止时间", 11, "deadline"),
    Col("姓名", 8),
    Col("证件号码／电话", 19),
    Col("地址", 30),
    Col("派发原因", 22),
    Col("其他信息", 30),
)
_OVERDUE_COLUMNS: tuple[Col, ...] = (
    Col("序号", 4.5, "count"),
    Col("记录编号", 15),
    Col("居村委", 14),
    Col("派发日期", 10),
    Col("截止时间", 11, "deadline"),
    Col("已逾期", 8),
    Col("姓名", 8),
    Col("联系电话", 12),
    Col("地址", 27),
    Col("今晚再次出现", 15),
    *_FILL_COLUMNS,
)

_INSTRUCTIONS = (
    "填报说明：",
    "1. 各居村委的记录在以居村委命名的工作表中，按小区/路、弄、号、室（村、组、号）排列，可单独打印或转交居村委。",
    ("2. 「应急派单」所列为紧急事项，请立即处置；其核查结果在所属居村委工作表中填写。「逾期未核查」所列为以往派发仍未反馈的事项，"
     "「今晚再次出现」一栏有内容的，表示今晚又收到同一人（同一事项）的记录，不另行派发，请一并核查。"),
    ("3. 请在黄色列中填写：核查结果（下拉选择）、核查时间（日期和时间）、核查人；"
     "非本辖区请在「转派至」写明居村委名称或12位代码，地址错误或非本辖区请在「正确地址」写明实际地址；其他情况写在备注。"),
    "4. 请勿修改、删除「记录编号」列；核查完成后将本文件退回区城运中心（大数据中心）。",
    "5. 本表含个人信息，仅限核查工作使用，不得外传。内部资料，注意保密。",
)

_NATURAL = re.compile(r"(\d+)")


def _natural(text: str | None) -> tuple:
    """'12弄' < '102弄': digits compare as numbers; None sorts last."""
    if text is None or text == "":
        return ((2, ""),)
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _NATURAL.split(text) if part)


def walking_key(row: dict) -> tuple:
    """Urgent first, then 小区/路, 弄 (组), 号, 室 as a worker walks them; unplaced rows last."""
    return (
        0 if row["priority"] == "urgent" else 1,
        row["walk_place"] is None,
        _natural(row["walk_place"]), _natural(row["walk_block"]),
        _natural(row["walk_number"]), _natural(row["walk_room"]),
        row["event_time"] or dt.datetime.max, row["item_id"],
    )


def _reasons_table(con: duckdb.DuckDBPyConnection, name: str = "dispatch_reasons") -> str:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {sql.identifier(name)} (rule VARCHAR, basis VARCHAR, text VARCHAR)")
    con.executemany(f"INSERT INTO {sql.identifier(name)} VALUES (?, ?, ?)", [list(r) for r in DISPATCH_REASONS])
    return name


def _check_dispatched(con: duckdb.DuckDBPyConnection, decisions: str, staged: str, admin: str) -> None:
    row = sql.run(con, PACKAGE, "check_dispatched", decisions=decisions, staged=staged, admin=admin).fetchall()[0]
    messages = ("dispatched record(s) missing from staged records",
                "dispatched to a committee unknown to the admin table",
                "dispatched to a committee of another street")
    violations = [f"{m}: {row[2 * i]} record(s), e.g. {', '.join(row[2 * i + 1])}"
                  for i, m in enumerate(messages) if row[2 * i]]
    if violations:
        raise ContractViolation("dispatch packets", violations)


def build_packet_rows(
    con: duckdb.DuckDBPyConnection,
    published_at: dt.datetime,
    *,
    deadline_hours: float = DEFAULT_DEADLINE_HOURS,
    decisions: str = "decisions",
    staged: str = "staged_records",
    admin: str = "admin",
    records_std: str | None = "records_std",
    housing: str | None = None,
    population: str | None = None,
    case_rows: str | None = None,
    transfers: str | None = None,
    repeats: str | None = None,
    priority_hours: dict[str, float] | None = None,
    out: str = "packet_rows",
) -> int:
    """Create `out` (PACKET_ROWS) for tonight's packets; return its row count.

    Without `case_rows`, one item per dispatched record, each `published_at` (Shanghai
    wall-clock time) + `deadline_hours`. With screening's `case_rows` (CASE_ROWS), one item
    per case and committee, with the case's priority and deadline; records in `repeats`
    with ``same_committee`` (marked on their open item instead) and records moved by a
    reply tonight get no row. `transfers` (TRANSFER_ITEMS) adds the 转派 and 人工派发 items,
    their deadline `published_at` + `priority_hours[priority]`. `housing` (housing_std)
    gives the resolved dwelling's parts for the walking order, `population`
    (population_std) says whether a hotline caller lives at the place; either may be
    absent (then the record's own address parts, and the caller is not printed).
    """
    _check_dispatched(con, decisions, staged, admin)
    std = records_std if records_std and table_exists(con, records_std) else stand_in(
        con, "packet_no_records_std", ("record_id", "road", "community", "lane", "number", "room", "village",
                                       "group_no"))
    house = housing if housing and table_exists(con, housing) else stand_in(
        con, "packet_no_housing", ("house_id", "road", "community", "lane", "number", "room", "village",
                                   "group_no"))
    people = population if population and table_exists(con, population) else stand_in(
        con, "packet_no_population", ("person_id", "house_id"))
    rule = "d.rule" if "rule" in columns_of(con, decisions) else "NULL::VARCHAR"
    published = published_at.replace(tzinfo=None, second=0, microsecond=0)
    by_record = out if case_rows is None else f"{out}_by_record"
    sql.run(con, PACKAGE, "packet_rows_from_decisions", {
        "hidden_detail_keys": list(HIDDEN_DETAIL_KEYS), "default_reason": DEFAULT_DISPATCH_REASON,
        "withheld_note": WITHHELD_NOTE, "published_at": published, "deadline_hours": float(deadline_hours),
    }, packet_rows=by_record, decisions=decisions, staged=staged, admin=admin, records_std=std, housing=house,
        population=people, reasons=_reasons_table(con), rule=rule)
    if case_rows is not None:
        if not table_exists(con, case_rows):
            raise ContractViolation(PACKET_ROWS.name, [f"no case rows table {case_rows!r} (screening did not run)"])
        moved = transfers if transfers and table_exists(con, transfers) else stand_in(
            con, "packet_no_transfers", ("record_id",))
        rep = repeats if repeats and table_exists(con, repeats) else _no_repeats(con)
        sql.run(con, PACKAGE, "packet_excluded_records", out="packet_excluded", repeats=rep, transfers=moved)
        sql.run(con, PACKAGE, "packet_rows_from_cases", packet_rows=out, case_rows=case_rows, records=by_record,
                exclude="packet_excluded")
        _check_cases_covered(con, out, by_record)
    if transfers and table_exists(con, transfers):
        hours = priority_hours or {p: float(deadline_hours) for p in PRIORITY_LABELS}
        con.execute("CREATE OR REPLACE TEMP TABLE packet_priority_hours (priority VARCHAR, hours DOUBLE)")
        con.executemany("INSERT INTO packet_priority_hours VALUES (?, ?)", [[k, float(v)] for k, v in hours.items()])
        sql.run(con, PACKAGE, "packet_rows_add_transfers", {"published_at": published, "withheld_note": WITHHELD_NOTE},
                packet_rows=out, transfers=transfers, admin=admin, housing=house, priority_hours="packet_priority_hours")
    enforce(con, out, PACKET_ROWS)
    n = con.execute(f"SELECT count(*) FROM {sql.identifier(out)}").fetchall()[0][0]
    log.info("packet rows: %d item(s)", n)
    return int(n)


def _no_repeats(con: duckdb.DuckDBPyConnection) -> str:
    con.execute("CREATE OR REPLACE TEMP TABLE packet_no_repeats "
                "(record_id VARCHAR, open_record_id VARCHAR, open_night DATE, same_committee BOOLEAN)")
    return "packet_no_repeats"


def _check_cases_covered(con: duckdb.DuckDBPyConnection, rows: str, by_record: str) -> None:
    """Every dispatched record is in exactly one case row, or deliberately left out."""
    missing, doubled = con.execute(f"""
        WITH listed AS (SELECT unnest(record_ids) AS record_id FROM {sql.identifier(rows)})
        SELECT (SELECT list(item_id ORDER BY item_id)[1:3] FROM {sql.identifier(by_record)}
                WHERE item_id NOT IN (SELECT record_id FROM listed)
                  AND item_id NOT IN (SELECT record_id FROM packet_excluded)),
               (SELECT list(record_id ORDER BY record_id)[1:3] FROM
                   (SELECT record_id FROM listed GROUP BY record_id HAVING count(*) > 1))""").fetchall()[0]
    problems = []
    if missing:
        problems.append(f"dispatched records in no case row: {', '.join(missing)}")
    if doubled:
        problems.append(f"records in two packet rows: {', '.join(doubled)}")
    if problems:
        raise ContractViolation(PACKET_ROWS.name, problems)


def align_published_items(con: duckdb.DuckDBPyConnection, *, packet_rows: str = "packet_rows",
                          items: str = "published_items") -> dict[str, int]:
    """Make the ledger's items what the packets print (item, priority, deadline), drop the
    records the packets leave out (repeats), and check both hold the same records."""
    before = con.execute(f"SELECT count(*) FROM {sql.identifier(items)}").fetchall()[0][0]
    sql.run(con, PACKAGE, "align_published_items", items=items, packet_rows=packet_rows)
    not_published, not_in_packets = sql.run(con, PACKAGE, "published_vs_packet_rows", items=items,
                                            packet_rows=packet_rows).fetchall()[0]
    problems = [f"{what}: {', '.join(ids)}" for what, ids in (
        ("in a packet row but not published", not_published), ("published but in no packet row", not_in_packets))
        if ids]
    if problems:
        raise ContractViolation("published_items", problems)
    after = con.execute(f"SELECT count(*) FROM {sql.identifier(items)}").fetchall()[0][0]
    return {"published_items": int(after), "repeats_not_published": int(before - after)}


def build_packet_open_items(con: duckdb.DuckDBPyConnection, *, open_details: str = "open_item_details",
                            overdue: str = "overdue_items", repeats: str = "repeats",
                            out: str = "packet_open_items") -> int:
    """`out` (OVERDUE_ITEMS + seen_again): the 逾期未核查 sheet's rows (see packet_rows.sql)."""
    if not (table_exists(con, open_details) and table_exists(con, overdue)):
        return 0  # no ledger read tonight: no 逾期未核查 sheet
    rep = repeats if table_exists(con, repeats) else _no_repeats(con)
    sql.run(con, PACKAGE, "packet_open_items", out=out, open_details=open_details, overdue=overdue, repeats=rep)
    return int(con.execute(f"SELECT count(*) FROM {sql.identifier(out)}").fetchall()[0][0])


# ---------------------------------------------------------------- cells of one row

def _source_line(r: dict) -> str:
    sources = "、".join(_SHORT_SOURCE.get(s, s) for s in dict.fromkeys(r["sources"]))
    when = r["event_time"].strftime("%m-%d %H:%M") if r["event_time"] else r["event_time_raw"]
    return f"{sources} {when}" if when else sources


def _other_info(r: dict) -> str:
    lines = [_source_line(r)]
    if r["details"]:
        lines.append(r["details"])
    if r["contact_note"]:
        lines.append(r["contact_note"])
    return "\n".join(lines)


def _id_and_phone(id_number: str | None, phone: str | None) -> str | None:
    return "\n".join(v for v in (id_number, phone) if v) or None


def _compact(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _address(r: dict) -> str | None:
    resolved, written = r["resolved_address"], r["address"]
    if not resolved:
        return written
    if written and _compact(written) not in _compact(resolved):
        return f"{resolved}\n（原：{written}）"
    return resolved


def _reason(r: dict) -> str:
    if r["kind"] == "transfer":
        origin = f"由{r['transferred_from']}" if r["transferred_from"] else ""
        return f"【转派】{origin}退回转派；{r['reason_text']}"
    if r["kind"] == "manual":
        return f"【人工派发】{r['reason_text']}"
    return r["reason_text"]


def _record_ids(r: dict) -> str:
    return "；".join(r["record_ids"])


def _committee_values(i: int, r: dict) -> list[object]:
    return [i, _record_ids(r), PRIORITY_LABELS.get(r["priority"], r["priority"]), r["deadline"],
            r["person_name"], _id_and_phone(r["person_id_number"], r["person_phone"]), _address(r),
            _reason(r), _other_info(r), *(None for _ in _FILL_COLUMNS)]


def _urgent_values(i: int, r: dict) -> list[object]:
    return [i, _record_ids(r), r["committee_name"], r["deadline"], r["person_name"],
            _id_and_phone(r["person_id_number"], r["person_phone"]), _address(r), _reason(r), _other_info(r)]


def _overdue_for(night: dt.datetime, deadline: dt.datetime) -> str:
    if deadline >= night:
        return "未到期"
    hours = max(0, int((night - deadline).total_seconds() // 3600))
    days, rest = divmod(hours, 24)
    if not days:
        return f"{rest}小时"
    return f"{days}天{rest}小时" if rest else f"{days}天"


def _priority_formats(styles: Styles, rows: list[dict], col: int) -> list[dict[int, object]]:
    out = []
    for r in rows:
        fmt = {"urgent": styles.urgent, "high": styles.high}.get(r["priority"])
        out.append({col: fmt} if fmt is not None else {})
    return out


# ---------------------------------------------------------------- sheets

def _fill_in_checks_at(ws, cols: tuple[Col, ...], n: int) -> None:
    headers = [c.header for c in cols]
    first, last = _HEADER_ROW + 1, _HEADER_ROW + n
    add_choice_list(ws, first, last, headers.index("核查结果"), tuple(CHECK_RESULTS),
                    "核查结果：" + "、".join(CHECK_RESULTS), blank_rows=_BLANK_ROWS)
    add_datetime_check(ws, first, last, headers.index("核查时间"), "核查时间", blank_rows=_BLANK_ROWS)


def _finish_sheet(ws, cols: tuple[Col, ...], n: int, left: str, center: str) -> None:
    ws.print_area(0, 0, _HEADER_ROW + max(n, 1), len(cols) - 1)
    print_setup(ws, _HEADER_ROW, left=left, center=center)
    protect(ws)


def _write_committee(wb, styles: Styles, street_name: str, run_date: dt.date, sheet: str,
                     code: str, name: str, rows: list[dict]) -> None:
    ws = wb.add_worksheet(sheet)
    urgent = sum(r["priority"] == "urgent" for r in rows)
    deadline = min(r["deadline"] for r in rows)
    write_title(ws, styles, 0, f"居村委：{name}（{code}）",
                f"{street_name} · {run_date.isoformat()} · 共 {len(rows)} 条"
                + (f"（紧急 {urgent} 条）" if urgent else "")
                + f" · 最早截止 {deadline:%m-%d %H:%M} · 请在黄色列填写核查结果")
    n = write_table(ws, styles, _HEADER_ROW, COMMITTEE_COLUMNS,
                    (_committee_values(i, r) for i, r in enumerate(rows, start=1)), freeze_cols=2,
                    row_formats=_priority_formats(styles, rows, 2))
    _fill_in_checks_at(ws, COMMITTEE_COLUMNS, n)
    _finish_sheet(ws, COMMITTEE_COLUMNS, n, f"{street_name} · {name}", f"{run_date.isoformat()} 派发核查清单")


def _write_urgent(ws, styles: Styles, street_name: str, run_date: dt.date, rows: list[dict]) -> None:
    write_title(ws, styles, 0, f"应急派单：{street_name} {run_date.isoformat()}",
                f"紧急事项 {len(rows)} 条，请立即处置 · 核查结果请在所属居村委工作表中填写")
    n = write_table(ws, styles, _HEADER_ROW, _URGENT_COLUMNS,
                    (_urgent_values(i, r) for i, r in enumerate(rows, start=1)), freeze_cols=2)
    _finish_sheet(ws, _URGENT_COLUMNS, n, f"{street_name} · 应急派单", f"{run_date.isoformat()} 应急派单")


def _write_overdue(ws, styles: Styles, street_name: str, run_date: dt.date, now: dt.datetime,
                   rows: list[dict]) -> None:
    seen = sum(bool(r.get("seen_again")) for r in rows)
    write_title(ws, styles, 0, f"逾期未核查：{street_name}",
                f"截至 {now:%Y-%m-%d %H:%M}，以往派发仍未反馈 {len(rows)} 条"
                + (f"（其中今晚再次出现 {seen} 条，不另行派发）" if seen else "")
                + " · 可在本表黄色列直接填写核查结果")
    values = (
        [i, r["record_id"], r["committee_name"], r["night"].isoformat(), r["deadline"],
         _overdue_for(now, r["deadline"]), r["name"], r["phone"], r["resolved_address"], r.get("seen_again"),
         *(None for _ in _FILL_COLUMNS)]
        for i, r in enumerate(rows, start=1)
    )
    n = write_table(ws, styles, _HEADER_ROW, _OVERDUE_COLUMNS, values, freeze_cols=2)
    _fill_in_checks_at(ws, _OVERDUE_COLUMNS, n)
    _finish_sheet(ws, _OVERDUE_COLUMNS, n, f"{street_name} · 逾期未核查", f"{run_date.isoformat()}")


def _write_summary(ws, styles: Styles, street_code: str, street_name: str, run_date: dt.date,
                   committees: list[tuple[str, str, Counter, int, str]], n_overdue: int) -> None:
    total = sum(sum(c.values()) for _, _, c, _, _ in committees)
    urgent = sum(u for *_, u, _ in committees)
    row = write_title(ws, styles, 0, f"{street_name}（{street_code}）派发核查清单",
                      f"日期 {run_date.isoformat()} · 记录合计 {total} 条 · 紧急 {urgent} 条 · "
                      f"居村委 {len(committees)} 个" + (f" · 逾期未核查 {n_overdue} 条" if n_overdue else ""))
    row += 1
    headers = ["居村委代码", "居村委", *(SOURCES[s].label for s in SOURCE_NAMES), "合计", "其中紧急", "工作表"]
    for c, h in enumerate(headers):
        ws.write_string(row, c, h, styles.header)
    by_source: Counter = Counter()
    for code, name, counts, n_urgent, sheet in committees:
        row += 1
        ws.write_string(row, 0, code, styles.text)
        ws.write_string(row, 1, cell_text(name), styles.text)
        for c, s in enumerate(SOURCE_NAMES, start=2):
            ws.write_number(row, c, counts.get(s, 0), styles.count)
        ws.write_number(row, 2 + len(SOURCE_NAMES), sum(counts.values()), styles.count)
        ws.write_number(row, 3 + len(SOURCE_NAMES), n_urgent, styles.count)
        ws.write_url(row, 4 + len(SOURCE_NAMES), f"internal:'{sheet}'!A1", styles.link, string=sheet)
        by_source.update(counts)
    row += 1
    ws.write_string(row, 0, "合计", styles.total)
    ws.write_blank(row, 1, None, styles.total)
    for c, s in enumerate(SOURCE_NAMES, start=2):
        ws.write_number(row, c, by_source.get(s, 0), styles.total_count)
    ws.write_number(row, 2 + len(SOURCE_NAMES), total, styles.total_count)
    ws.write_number(row, 3 + len(SOURCE_NAMES), urgent, styles.total_count)
    row += 2
    ws.write_string(row, 0, "来源", styles.header)
    ws.write_string(row, 1, "条数", styles.header)
    for s in SOURCE_NAMES:
        row += 1
        ws.write_string(row, 0, SOURCES[s].label, styles.text)
        ws.write_number(row, 1, by_source.get(s, 0), styles.count)
    row += 2
    for line in _INSTRUCTIONS:
        ws.merge_range(row, 0, row, 4 + len(SOURCE_NAMES), line, styles.note)
        ws.set_row(row, 14 * -(-len(line) // 60) + 2)  # about 60 characters a line
        row += 1
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 20)
    ws.set_column(2, 3 + len(SOURCE_NAMES), 11)
    ws.set_column(4 + len(SOURCE_NAMES), 4 + len(SOURCE_NAMES), 20)
    ws.print_area(0, 0, row, 4 + len(SOURCE_NAMES))
    print_setup(ws, None, left=f"{street_name} · 汇总", center=f"{run_date.isoformat()} 派发核查清单",
                landscape=False)
    protect(ws)


def _write_street(path: Path, street_code: str, street_name: str, run_date: dt.date, now: dt.datetime,
                  rows: list[dict], overdue: list[dict]) -> None:
    wb, styles = new_workbook(path, f"{street_name}派发核查清单 {run_date.isoformat()}", run_date)
    taken = {SUMMARY_SHEET, URGENT_SHEET, OVERDUE_SHEET}
    urgent = sorted((r for r in rows if r["priority"] == "urgent"),
                    key=lambda r: (r["committee_code"], walking_key(r)))
    urgent_ws = wb.add_worksheet(URGENT_SHEET) if urgent else None
    summary = wb.add_worksheet(SUMMARY_SHEET)
    committees: list[tuple[str, str, Counter, int, str]] = []
    for committee_code, group in groupby(rows, key=lambda r: r["committee_code"]):
        records = sorted(group, key=walking_key)
        name = records[0]["committee_name"]
        sheet = sheet_name(name, taken, committee_code)
        _write_committee(wb, styles, street_name, run_date, sheet, committee_code, name, records)
        counts = Counter(s for r in records for s in r["sources"])
        committees.append((committee_code, name, counts, sum(r["priority"] == "urgent" for r in records), sheet))
    if urgent_ws is not None:
        _write_urgent(urgent_ws, styles, street_name, run_date, urgent)
    if overdue:
        _write_overdue(wb.add_worksheet(OVERDUE_SHEET), styles, street_name, run_date, now, overdue)
    _write_summary(summary, styles, street_code, street_name, run_date, committees, len(overdue))
    (urgent_ws or summary).activate()
    (urgent_ws or summary).set_first_sheet()
    wb.close()


def _fetch(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(query, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def _overdue_rows(con: duckdb.DuckDBPyConnection, overdue: str | None, admin: str) -> dict[str, list[dict]]:
    if not overdue or not table_exists(con, overdue):
        return {}
    violations = check_table(con, sql.identifier(overdue), OVERDUE_ITEMS)
    if violations:
        raise ContractViolation(OVERDUE_ITEMS.name, violations)
    rows = _fetch(con, f"""
        SELECT o.*, coalesce(a.committee_name, o.committee_code) AS committee_name
        FROM {sql.identifier(overdue)} AS o LEFT JOIN {sql.identifier(admin)} AS a USING (committee_code)
        ORDER BY o.street_code, o.committee_code, o.deadline, o.record_id""")
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["street_code"], []).append(r)
    return out


def write_packets(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    run_date: dt.date,
    *,
    published_at: dt.datetime | None = None,
    packet_rows: str = "packet_rows",
    overdue: str | None = "overdue_items",
    admin: str = "admin",
) -> list[Path]:
    """Write one packet per street with rows in `packet_rows`; return their paths (by street code).

    `published_at` (Shanghai time; default: the run date's end) says how long an overdue
    item has been overdue.
    """
    enforce(con, sql.identifier(packet_rows), PACKET_ROWS)
    now = (published_at or dt.datetime.combine(run_date + dt.timedelta(days=1), dt.time())).replace(tzinfo=None)
    overdue_by_street = _overdue_rows(con, overdue, admin)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = _fetch(con, f"SELECT * FROM {sql.identifier(packet_rows)} ORDER BY street_code, committee_code, item_id")
    paths: list[Path] = []
    for street_code, group in groupby(rows, key=lambda r: r["street_code"]):
        mine = list(group)
        street_name = mine[0]["street_name"]
        path = out_dir / f"{street_code}_{file_name_part(street_name)}.xlsx"
        _write_street(path, street_code, street_name, run_date, now, mine, overdue_by_street.get(street_code, []))
        log.info("packet %s: %d item(s)", path.name, len(mine))
        paths.append(path)
    return paths
