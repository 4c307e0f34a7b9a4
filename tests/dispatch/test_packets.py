import datetime as dt
import json

import openpyxl
import pytest

from streetlink.dispatch import write_packets
from streetlink.dispatch.packets import CHECK_RESULTS, PACKET_COLUMNS, basis_text, format_details
from streetlink.dispatch.xlsx import MAX_CELL_CHARS, TRUNCATION_MARK
from streetlink.errors import ContractViolation

RUN_DATE = dt.date(2026, 11, 20)
HEADERS = [c.header for c in PACKET_COLUMNS]
INJECTIONS = ["=1+1", "+SUM(A1)", "-2", "@cmd", '=HYPERLINK("http://evil.example","点我")',
              "\t=1+1", "\r=2+3", "=cmd|' /C calc'!A0", "_x0041_ literal"]


def read_packet(path):
    """{sheet: [row tuples]} plus the openpyxl workbook."""
    wb = openpyxl.load_workbook(path)
    return wb, {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb.worksheets}


def record_rows(sheets):
    """The data rows (dicts by header) of every committee sheet of a packet."""
    out = []
    for title, rows in sheets.items():
        if title == "汇总":
            continue
        header_index = rows.index(tuple(HEADERS))
        out += [dict(zip(HEADERS, r)) for r in rows[header_index + 1:]]
    return out


def all_values(wb):
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_one_packet_per_street_that_received_records(con, night, tmp_path):
    paths = write_packets(con, tmp_path, RUN_DATE)

    assert [p.name for p in paths] == [
        "310115004_潍坊新村街道.xlsx", "310115005_陆家嘴街道.xlsx", "310115007_周家渡街道.xlsx"]
    assert sorted(tmp_path.iterdir()) == paths  # no packet for 川沙新镇, nothing else left behind


def test_a_packet_holds_only_its_own_streets_records(con, night, tmp_path):
    dispatched = {rid: r for rid, r in night.items() if r["decision"] == "dispatched"}
    for path in write_packets(con, tmp_path, RUN_DATE):
        street = path.name.split("_")[0]
        wb, sheets = read_packet(path)
        rows = record_rows(sheets)
        mine = {rid for rid, r in dispatched.items() if r["street_code"] == street}
        assert [r["记录编号"] for r in rows].count(None) == 0
        assert {r["记录编号"] for r in rows} == mine and len(rows) == len(mine)
        # Not a trace of anyone else anywhere in the workbook (any sheet, any cell).
        values = "\n".join(str(v) for v in all_values(wb))
        for rid, r in night.items():
            if rid not in mine:
                assert rid not in values
                assert r["name"] not in values and r["id_number"] not in values and r["phone"] not in values
        # Each committee sheet holds that committee's records only, full and unmasked.
        for title, sheet_rows in sheets.items():
            if title == "汇总":
                continue
            for row in record_rows({title: sheet_rows}):
                want = night[row["记录编号"]]
                assert row["居村委"] == title
                assert (row["姓名"], row["证件号码"], row["联系电话"], row["原始地址"]) == (
                    want["name"], want["id_number"], want["phone"], want["address"])


def test_committee_sheets_and_summary_counts(con, night, tmp_path):
    path = {p.name[:9]: p for p in write_packets(con, tmp_path, RUN_DATE)}["310115007"]
    wb, sheets = read_packet(path)

    assert wb.sheetnames == ["汇总", "齐河居委会", "上南一村居委会"]  # committee-code order
    summary = sheets["汇总"]
    assert summary[0][0] == "周家渡街道（310115007）派发核查清单"
    assert "2026-11-20" in summary[1][0] and "4 条" in summary[1][0]
    by_committee = {r[0]: r for r in summary if r and r[0] in ("310115007001", "310115007002", "合计")}
    # columns: code, name, checkpoint, hotline, healthcloud, total, sheet link
    assert by_committee["310115007001"][1:6] == ("齐河居委会", 2, 0, 0, 2)
    assert by_committee["310115007002"][1:6] == ("上南一村居委会", 0, 1, 1, 2)
    assert by_committee["合计"][2:6] == (2, 1, 1, 4)
    qihe = sheets["齐河居委会"]
    assert qihe[2] == tuple(HEADERS)
    rows = record_rows({"齐河居委会": qihe})
    assert [r["记录编号"] for r in rows] == ["checkpoint:KK20261120000001", "checkpoint:KK20261120000007"]
    first = rows[0]
    assert first["来源"] == "公安道口登记"
    assert first["时间"] == dt.datetime(2026, 11, 20, 8, 0)
    assert first["标准地址"] == "浦东新区测试路100弄0号001室"
    assert first["派发依据"].startswith("地址匹配到实有房屋（地址置信度90%）；地址与实有房屋H00000一致")
    assert "出发地：测试市0" in first["其他信息"] and "途经：甲地、乙地" in first["其他信息"]
    assert all(first[h] is None for h in ("核查结果", "核查时间", "核查人", "备注"))


def test_sheet_layout_freeze_filter_and_dropdown(con, night, tmp_path):
    path = write_packets(con, tmp_path, RUN_DATE)[0]
    wb = openpyxl.load_workbook(path)
    ws = wb["潍坊二村居委会"]

    assert ws.freeze_panes == "B4"
    assert ws.auto_filter.ref == "A3:O5"
    col = "L"  # 核查结果
    assert ws[f"{col}3"].value == "核查结果"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert str(lists[0].sqref) == f"{col}4:{col}5"
    assert lists[0].formula1 == '"' + ",".join(CHECK_RESULTS) + '"'
    assert ws.column_dimensions["G"].width > 30  # 原始地址 is wide


def test_source_values_stay_text_never_formulas(con, make_night, rid, tmp_path):
    target = rid("checkpoint", "0001")
    make_night(con, {target: {"staged": {
        "name": INJECTIONS[0], "address": INJECTIONS[1], "phone": INJECTIONS[2], "id_number": INJECTIONS[3],
        "event_time": None, "event_time_raw": INJECTIONS[4],
    }}})
    con.execute("UPDATE decisions SET explanation = ? WHERE record_id = ?", [INJECTIONS[5], target])
    con.execute("UPDATE decisions SET resolved_address = ? WHERE record_id = ?", [INJECTIONS[6], target])
    con.execute("UPDATE staged_records SET details = ? WHERE record_id = ?",
                [json.dumps({"备注": INJECTIONS[7], "x": INJECTIONS[8]}, ensure_ascii=False), target])
    path = {p.name[:9]: p for p in write_packets(con, tmp_path, RUN_DATE)}["310115007"]

    wb = openpyxl.load_workbook(path)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    row = next(r for r in record_rows(read_packet(path)[1]) if r["记录编号"] == target)
    assert row["姓名"] == "=1+1"
    assert row["原始地址"] == "+SUM(A1)"
    assert row["联系电话"] == "-2"
    assert row["证件号码"] == "@cmd"
    assert row["时间"] == INJECTIONS[4]
    assert row["派发依据"].endswith("；\t=1+1")
    assert row["标准地址"] == "\n=2+3"  # line breaks normalised to LF, still text
    assert INJECTIONS[7] in row["其他信息"] and "x：_x0041_ literal" in row["其他信息"]
    # Cells typed over later stay text too: the record columns are text-formatted.
    ws = wb["齐河居委会"]
    assert ws["D4"].number_format == "@"


def test_control_characters_and_huge_strings_do_not_break_a_workbook(con, make_night, rid, tmp_path):
    target = rid("hotline", "0002")
    long_text = "浦东新区" * 5000  # 20,000 characters
    make_night(con, {target: {"staged": {
        "name": "王\x00兰\x07芳\x1b", "address": long_text, "phone": "138\x7f1234\ufffe5678",
        "details": '{"诉求内容": "' + "😀" * 20000 + '"}',
    }}})
    path = {p.name[:9]: p for p in write_packets(con, tmp_path, RUN_DATE)}["310115004"]

    row = next(r for r in record_rows(read_packet(path)[1]) if r["记录编号"] == target)
    assert row["姓名"] == "王兰芳"
    assert row["原始地址"] == long_text
    assert row["联系电话"] == "1381234" + "5678"
    details = row["其他信息"]
    assert details.endswith(TRUNCATION_MARK)
    assert len(details.encode("utf-16-le")) // 2 <= MAX_CELL_CHARS


def test_reruns_are_byte_identical(con, night, tmp_path):
    first = write_packets(con, tmp_path / "a", RUN_DATE)
    second = write_packets(con, tmp_path / "b", RUN_DATE)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_a_committee_of_another_street_stops_the_stage(con, make_night, rid, tmp_path):
    make_night(con, {
        rid("checkpoint", "0001"): {"decision": {"committee_code": "310115005001"}},  # street says 007
        rid("hotline", "0002"): {"decision": {"committee_code": "310115004999"}},  # unknown committee
        rid("hotline", "0006"): {"decision": {"street_code": None}},  # no street at all
    })
    with pytest.raises(ContractViolation) as caught:
        write_packets(con, tmp_path, RUN_DATE)
    text = "\n".join(caught.value.violations)
    assert "another street" in text and rid("checkpoint", "0001") in text
    assert "unknown to the admin table" in text and rid("hotline", "0002") in text
    assert rid("hotline", "0006") in text
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("basis, explanation, a, p, want", [
    ("address_dwelling", "门牌一致", 0.97, None, "地址匹配到实有房屋（地址置信度97%）；门牌一致"),
    ("person_registered_home", None, None, 0.995, "身份匹配人口库登记住址（身份置信度100%）"),
    (None, None, None, None, "未注明依据"),
    ("new_basis", "x", None, None, "new_basis；x"),
])
def test_basis_text(basis, explanation, a, p, want):
    assert basis_text(basis, explanation, a, p) == want


@pytest.mark.parametrize("details, context, want", [
    ('{"道口名称": "G2安亭道口", "车牌号码": "", "途经": ["武汉", "合肥"]}', None, "道口名称：G2安亭道口\n途经：武汉、合肥"),
    ('{"诉求内容": "门口有人"}', "门口有人", "诉求内容：门口有人"),
    (None, "上海市 浦东新区", "地址说明：上海市 浦东新区"),
    ("not json", None, "not json"),
    ('["a"]', None, "['a']"),
])
def test_format_details(details, context, want):
    assert format_details(details, context) == want


def test_sheet_and_file_names_are_always_valid():
    from streetlink.dispatch.xlsx import file_name_part, sheet_name

    taken = {"汇总"}
    long = "浦东新区某某镇某某村第一村民委员会" * 3
    assert sheet_name("汇总", taken, "310115004001") == "汇总_2"
    first = sheet_name(long, taken, "x")
    second = sheet_name(long, taken, "y")
    assert len(first) == 31 and len(second) == 31 and first != second
    assert sheet_name("a[b]:c*d?e/f\\g'h", taken, "x") == "abcdefgh"
    assert sheet_name("[]", taken, "310115004001") == "310115004001"
    assert file_name_part('周家/渡:街道*?"<>|') == "周家_渡_街道______"
