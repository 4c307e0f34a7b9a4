import datetime as dt

import openpyxl
import pytest

from streetlink.contracts import REVIEW_FILL_IN, REVIEW_RESULTS
from streetlink.contracts.packets import REVIEW_NOTES
from streetlink.dispatch import write_review
from streetlink.dispatch.review import outside_group, parse_candidates

RUN_DATE = dt.date(2026, 11, 20)


def sheet_dicts(ws, header_row=3):
    rows = [tuple(c.value for c in r) for r in ws.iter_rows()]
    header = rows[header_row - 1]
    return header, [dict(zip(header, r)) for r in rows[header_row:]]


def column(ws, header, name):
    return openpyxl.utils.get_column_letter(header.index(name) + 1)


@pytest.fixture
def review_book(con, night, tmp_path):
    path = tmp_path / "review" / "review_2026-11-20.xlsx"
    n = write_review(con, path, RUN_DATE)
    return n, openpyxl.load_workbook(path)


def test_every_review_and_rejected_record_is_listed_with_its_reason(review_book, night):
    n, wb = review_book
    assert wb.sheetnames == ["汇总", "待复核", "区外记录", "已拒绝", "居村委代码"]
    assert wb["居村委代码"].sheet_state == "hidden"
    _, review = sheet_dicts(wb["待复核"])
    _, outside = sheet_dicts(wb["区外记录"])
    _, rejected = sheet_dicts(wb["已拒绝"])

    want_review = {k for k, r in night.items() if r["decision"] == "review"}
    want_rejected = {k for k, r in night.items() if r["decision"] == "rejected"}
    assert n == len(want_review) == len(review) + len(outside)
    assert {r["记录编号"] for r in review} == {k for k in want_review if night[k]["reason"] != "outside_pudong"}
    assert {r["记录编号"] for r in outside} == {"healthcloud:HC20261120000013"}
    assert {r["记录编号"] for r in rejected} == want_rejected
    by_id = {r["记录编号"]: r for r in review + outside + rejected}
    assert by_id["checkpoint:KK20261120000011"]["原因"] == "地址匹配到多个居村委候选"
    assert by_id["checkpoint:KK20261120000014"]["原因"] == "无地址且无可用身份信息"
    assert by_id["checkpoint:KK20261120000014"]["行号"] == 15
    for rid, row in by_id.items():  # source fields in full: the data center needs them
        assert row["姓名"] == night[rid]["name"]
        assert row["证件号码／电话"] == f"{night[rid]['id_number']}\n{night[rid]['phone']}"
        assert row["原始地址"].splitlines()[0] == night[rid]["address"]


def test_candidates_carry_their_code_first_and_the_note_is_plain_chinese(review_book):
    _, wb = review_book
    _, review = sheet_dicts(wb["待复核"])
    row = next(r for r in review if r["记录编号"] == "checkpoint:KK20261120000011")

    assert row["标准化地址"] == "浦东新区测试路110弄10号1001室（标准）"
    assert row["候选数"] == 4
    assert row["候选1居村委"] == "310115007001 齐河居委会（周家渡街道）"  # rank 1 first, not list order
    assert row["候选1依据"] == "地址：浦东新区测试路1号\n居村委概率 52% · 房屋概率 47%"  # committee first
    assert row["候选2依据"] == "地址：浦东新区测试路2号\n房屋概率 41%"
    assert row["候选2居村委"] == "310115004002 潍坊二村居委会（潍坊新村街道）"
    assert row["候选3依据"].startswith("身份（登记住址）：人口库登记住址")
    assert "第四候选" not in str(row)  # only the top 3 are shown
    assert row["说明"].startswith(REVIEW_NOTES["address_ambiguous"])
    assert "候选1 齐河居委会（地址 52%）；候选2 潍坊二村居委会（地址 41%）" in row["说明"]
    assert "说明10" not in str(row)  # the decide stage's own explanation is not shown


def test_unreadable_candidates_are_shown_not_fatal(review_book):
    _, wb = review_book
    _, review = sheet_dicts(wb["待复核"])
    row = next(r for r in review if r["记录编号"] == "hotline:GD20261120000012")
    assert "候选信息无法解析：{not json" in row["说明"]
    assert row["候选数"] == 0 and row["候选1居村委"] is None


def test_fill_in_columns_drop_down_code_and_time_checks(review_book, con):
    _, wb = review_book
    for name in ("待复核", "区外记录"):
        ws = wb[name]
        header, rows = sheet_dicts(ws)
        assert header[-len(REVIEW_FILL_IN):] == REVIEW_FILL_IN
        assert all(r["处理结果"] is None for r in rows)
        checks = {dv.type: dv for dv in ws.data_validations.dataValidation if dv.type != "list"}
        lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
        result_col, code_col = column(ws, header, "处理结果"), column(ws, header, "派发居村委代码")
        by_col = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in lists}
        assert by_col[result_col].formula1 == '"' + ",".join(REVIEW_RESULTS) + '"'
        # the code column: a text cell (12 digits stay 12 digits), checked against every registry code
        assert by_col[code_col].formula1 == "'居村委代码'!$A$2:$A$8"
        assert ws[f"{code_col}4"].number_format == "@" and ws[f"{code_col}4"].protection.locked is False
        assert str(checks["decimal"].sqref).startswith(column(ws, header, "处理时间") + "4")
        assert ws.protection.sheet and not ws.protection.password
        assert ws.freeze_panes == "B4"
    codes = [r[0] for r in wb["居村委代码"].iter_rows(min_row=2, values_only=True)]
    want = [r[0] for r in con.execute("SELECT committee_code FROM admin ORDER BY 1").fetchall()]
    assert codes == want and all(isinstance(c, str) and len(c) == 12 for c in codes)


def test_out_of_pudong_records_are_grouped_by_district_or_province(con, make_night, rid, tmp_path):
    places = {"0011": "上海市徐汇区", "0012": "江苏省苏州市常熟市", "0013": "上海市徐汇区"}
    sources = {"0011": "checkpoint", "0012": "hotline", "0013": "healthcloud"}
    make_night(con, {rid(sources[n], n): {"decision": {"reason": "outside_pudong", "candidates_json": None},
                                          "std": {"addr_scope": "outside", "outside_place": p}}
                     for n, p in places.items()})
    path = tmp_path / "review.xlsx"
    assert write_review(con, path, RUN_DATE) == 3
    wb = openpyxl.load_workbook(path)
    assert sheet_dicts(wb["待复核"])[1] == []
    _, outside = sheet_dicts(wb["区外记录"])
    assert [(r["所属区／省"], r["记录编号"][-4:]) for r in outside] == [
        ("上海市徐汇区", "0011"), ("上海市徐汇区", "0013"), ("江苏省", "0012")]
    summary = [tuple(c.value for c in r) for r in wb["汇总"].iter_rows()]
    assert ("上海市徐汇区", 2) in [r[:2] for r in summary] and ("江苏省", 1) in [r[:2] for r in summary]


@pytest.mark.parametrize("place, group", [
    ("上海市杨浦区", "上海市杨浦区"), ("杨浦区", "上海市杨浦区"), ("湖南省长沙市浏阳市", "湖南省"),
    ("重庆市万州区", "重庆市"), ("广西壮族自治区南宁市", "广西壮族自治区"), ("垫江县", "垫江县"),
    (None, "未注明"), ("", "未注明"),
])
def test_outside_group(place, group):
    assert outside_group(place) == group


def test_review_sheets_print_one_page_wide_with_header_and_footer(review_book):
    _, wb = review_book
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        assert "第 &P/&N 页" in ws.oddHeader.right.text and "注意保密" in ws.oddFooter.center.text
        if ws.title != "汇总":
            assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"


def test_summary_sheet_counts_reasons(review_book):
    _, wb = review_book
    rows = [tuple(c.value for c in r) for r in wb["汇总"].iter_rows()]
    assert ("待复核", "地址过于模糊且身份无法确认", "vague_address", 1) in rows
    assert ("已拒绝", "无法解析的JSON行", "bad_json_line", 1) in rows
    assert ("待复核", "地址在浦东新区以外", "outside_pudong", 1) in rows


def test_review_values_are_text_not_formulas(con, make_night, rid, tmp_path):
    target = rid("checkpoint", "0011")
    make_night(con, {target: {"staged": {"name": "=1+1", "address": "@SUM(A1:A9)", "street_hint": "+浦东"}}})
    path = tmp_path / "review.xlsx"
    write_review(con, path, RUN_DATE)
    wb = openpyxl.load_workbook(path)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    row = next(r for r in sheet_dicts(wb["待复核"])[1] if r["记录编号"] == target)
    assert row["姓名"] == "=1+1"
    assert row["原始地址"] == "@SUM(A1:A9)\n街镇提示：+浦东"


def test_an_empty_queue_still_gives_a_workbook(con, night, tmp_path):
    con.execute("DELETE FROM decisions WHERE decision <> 'dispatched'")
    path = tmp_path / "review.xlsx"
    assert write_review(con, path, RUN_DATE) == 0
    wb = openpyxl.load_workbook(path)
    assert sheet_dicts(wb["待复核"])[1] == [] and sheet_dicts(wb["区外记录"])[1] == []


def test_without_records_std_the_standard_address_is_blank(con, night, tmp_path):
    con.execute("DROP TABLE records_std")
    path = tmp_path / "review.xlsx"
    assert write_review(con, path, RUN_DATE) == 3
    rows = sheet_dicts(openpyxl.load_workbook(path)["待复核"])[1]
    assert rows and all(r["标准化地址"] is None for r in rows)


@pytest.mark.parametrize("text, want", [
    (None, []),
    ("", []),
    ("[]", []),
    ('[{"rank": 2, "probability": 0.1}, {"rank": 1, "probability": 0.2}]', [2, 1]),
    ('[{"probability": 0.1}, {"probability": 0.9}, "junk"]', [0.9, 0.1]),
    ('{"rank": 1}', None),
    ("{oops", None),
])
def test_parse_candidates(text, want):
    got = parse_candidates(text)
    if want is None or want == []:
        assert got == want
    elif isinstance(want[0], int):
        assert [c["rank"] for c in got] == sorted(want)
    else:
        assert [c["probability"] for c in got] == want
