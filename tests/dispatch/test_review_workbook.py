import datetime as dt

import openpyxl
import pytest

from streetlink.dispatch import write_review
from streetlink.dispatch.review import REVIEW_RESULTS, parse_candidates

RUN_DATE = dt.date(2026, 11, 20)


def sheet_dicts(ws, header_row=3):
    rows = [tuple(c.value for c in r) for r in ws.iter_rows()]
    header = rows[header_row - 1]
    return header, [dict(zip(header, r)) for r in rows[header_row:]]


@pytest.fixture
def review_book(con, night, tmp_path):
    path = tmp_path / "review" / "review_2026-11-20.xlsx"
    n = write_review(con, path, RUN_DATE)
    return n, openpyxl.load_workbook(path)


def test_every_review_and_rejected_record_is_listed_with_its_reason(review_book, night):
    n, wb = review_book
    assert wb.sheetnames == ["汇总", "待复核", "已拒绝"]
    _, review = sheet_dicts(wb["待复核"])
    _, rejected = sheet_dicts(wb["已拒绝"])

    want_review = {k for k, r in night.items() if r["decision"] == "review"}
    want_rejected = {k for k, r in night.items() if r["decision"] == "rejected"}
    assert n == len(want_review) == len(review)
    assert {r["记录编号"] for r in review} == want_review
    assert {r["记录编号"] for r in rejected} == want_rejected
    by_id = {r["记录编号"]: r for r in review + rejected}
    assert by_id["checkpoint:KK20261120000011"]["原因代码"] == "address_ambiguous"
    assert by_id["checkpoint:KK20261120000011"]["原因"] == "地址匹配到多个居村委候选"
    assert by_id["healthcloud:HC20261120000013"]["原因"] == "地址在浦东新区以外"
    assert by_id["checkpoint:KK20261120000014"]["原因"] == "无地址且无可用身份信息"
    assert by_id["checkpoint:KK20261120000014"]["行号"] == 15
    for rid, row in by_id.items():  # source fields in full: the data center needs them
        assert (row["姓名"], row["证件号码"], row["联系电话"], row["原始地址"]) == (
            night[rid]["name"], night[rid]["id_number"], night[rid]["phone"], night[rid]["address"])


def test_review_rows_carry_standard_address_explanation_and_ranked_candidates(review_book):
    _, wb = review_book
    _, review = sheet_dicts(wb["待复核"])
    row = next(r for r in review if r["记录编号"] == "checkpoint:KK20261120000011")

    assert row["标准化地址"] == "浦东新区测试路110弄10号1001室（标准）"
    assert row["说明"] == "说明10"
    assert row["候选数"] == 4
    assert row["候选1居村委"] == "周家渡街道齐河居委会（310115007001）"  # rank 1 first, not list order
    assert row["候选1匹配内容"] == "地址：浦东新区测试路1号"
    assert row["候选1概率"] == pytest.approx(0.47)
    assert row["候选2居村委"] == "潍坊新村街道潍坊二村居委会（310115004002）"
    assert row["候选3匹配内容"] == "身份：人口库登记住址"
    assert "第四候选" not in str(row)  # only the top 3 are shown


def test_unreadable_candidates_are_shown_not_fatal(review_book):
    _, wb = review_book
    _, review = sheet_dicts(wb["待复核"])
    row = next(r for r in review if r["记录编号"] == "hotline:GD20261120000012")
    assert "候选信息无法解析：{not json" in row["说明"]
    assert row["候选数"] == 0 and row["候选1居村委"] is None


def test_fill_in_columns_and_dropdown(review_book):
    _, wb = review_book
    ws = wb["待复核"]
    header, review = sheet_dicts(ws)
    assert header[-4:] == ("处理结果", "派发居村委代码", "处理人", "备注")
    assert all(r["处理结果"] is None for r in review)
    col = openpyxl.utils.get_column_letter(header.index("处理结果") + 1)
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert [str(dv.sqref) for dv in lists] == [f"{col}4:{col}{3 + len(review)}"]
    assert lists[0].formula1 == '"' + ",".join(REVIEW_RESULTS) + '"'
    assert ws.freeze_panes == "B4"


def test_summary_sheet_counts_reasons(review_book):
    _, wb = review_book
    rows = [tuple(c.value for c in r) for r in wb["汇总"].iter_rows()]
    assert ("待复核", "vague_address", "地址过于模糊且身份无法确认", 1) in rows
    assert ("已拒绝", "bad_json_line", "无法解析的JSON行", 1) in rows


def test_review_values_are_text_not_formulas(con, make_night, rid, tmp_path):
    target = rid("checkpoint", "0011")
    make_night(con, {target: {"staged": {"name": "=1+1", "address": "@SUM(A1:A9)", "street_hint": "+浦东"},
                              "decision": {"explanation": "-2"}}})
    path = tmp_path / "review.xlsx"
    write_review(con, path, RUN_DATE)
    wb = openpyxl.load_workbook(path)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    row = next(r for r in sheet_dicts(wb["待复核"])[1] if r["记录编号"] == target)
    assert (row["姓名"], row["原始地址"], row["街镇提示"], row["说明"]) == ("=1+1", "@SUM(A1:A9)", "+浦东", "-2")


def test_an_empty_queue_still_gives_a_workbook(con, night, tmp_path):
    con.execute("DELETE FROM decisions WHERE decision <> 'dispatched'")
    path = tmp_path / "review.xlsx"
    assert write_review(con, path, RUN_DATE) == 0
    wb = openpyxl.load_workbook(path)
    assert sheet_dicts(wb["待复核"])[1] == []


def test_without_records_std_the_standard_address_is_blank(con, night, tmp_path):
    con.execute("DROP TABLE records_std")
    path = tmp_path / "review.xlsx"
    assert write_review(con, path, RUN_DATE) == 3
    rows = sheet_dicts(openpyxl.load_workbook(path)["待复核"])[1]
    assert all(r["标准化地址"] is None for r in rows)


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
