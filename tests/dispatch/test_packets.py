import datetime as dt
import json

import openpyxl
import pytest

from streetlink.contracts import CHECK_RESULTS, PACKET_FILL_IN, PACKET_ROWS, check_table
from streetlink.dispatch import build_packet_rows, write_packets
from streetlink.dispatch.packets import COMMITTEE_COLUMNS, WITHHELD_NOTE, walking_key
from streetlink.dispatch.xlsx import MAX_CELL_CHARS, TRUNCATION_MARK, row_height
from streetlink.errors import ContractViolation

RUN_DATE = dt.date(2026, 11, 20)
PUBLISHED = dt.datetime(2026, 11, 21, 2, 0)
HEADERS = [c.header for c in COMMITTEE_COLUMNS]
INJECTIONS = ["=1+1", "+SUM(A1)", "-2", "@cmd", '=HYPERLINK("http://evil.example","点我")',
              "\t=1+1", "\r=2+3", "=cmd|' /C calc'!A0", "_x0041_ literal"]
SPECIAL = ("汇总", "应急派单", "逾期未核查")


def packets(con, out, **kwargs):
    build_packet_rows(con, PUBLISHED, **kwargs)
    return write_packets(con, out, RUN_DATE, published_at=PUBLISHED)


def read_packet(path):
    """{sheet: [row tuples]} plus the openpyxl workbook."""
    wb = openpyxl.load_workbook(path)
    return wb, {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb.worksheets}


def rows_of(sheet_rows, headers=HEADERS):
    header_index = sheet_rows.index(tuple(headers))
    return [dict(zip(headers, r)) for r in sheet_rows[header_index + 1:]]


def record_rows(sheets):
    """The data rows (dicts by header) of every committee sheet of a packet."""
    return [row for title, rows in sheets.items() if title not in SPECIAL for row in rows_of(rows)]


def all_text(wb):
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)


def by_street(paths):
    return {p.name[:9]: p for p in paths}


def test_one_packet_per_street_that_received_records(con, night, tmp_path):
    paths = packets(con, tmp_path)
    assert [p.name for p in paths] == [
        "310115004_潍坊新村街道.xlsx", "310115005_陆家嘴街道.xlsx", "310115007_周家渡街道.xlsx"]
    assert sorted(tmp_path.iterdir()) == paths  # no packet for 川沙新镇, nothing else left behind


def test_packet_rows_hold_the_contract_and_the_deadline(con, night, tmp_path):
    assert build_packet_rows(con, PUBLISHED, deadline_hours=36) == 10
    assert check_table(con, "packet_rows", PACKET_ROWS) == []
    rows = con.execute("SELECT item_id, record_ids, sources, priority, kind, deadline FROM packet_rows").fetchall()
    for item_id, record_ids, sources, priority, kind, deadline in rows:
        assert record_ids == [item_id] and len(sources) == 1
        assert (priority, kind, deadline) == ("normal", "new", dt.datetime(2026, 11, 22, 14, 0))


def test_a_packet_holds_only_its_own_streets_records(con, night, tmp_path):
    dispatched = {rid: r for rid, r in night.items() if r["decision"] == "dispatched"}
    for path in packets(con, tmp_path):
        street = path.name.split("_")[0]
        wb, sheets = read_packet(path)
        rows = record_rows(sheets)
        mine = {rid for rid, r in dispatched.items() if r["street_code"] == street}
        assert {r["记录编号"] for r in rows} == mine and len(rows) == len(mine)
        # Not a trace of anyone else anywhere in the workbook (any sheet, any cell).
        text = all_text(wb)
        for rid, r in night.items():
            if rid not in mine:
                assert rid not in text
                assert r["name"] not in text and r["id_number"] not in text and r["phone"] not in text
        for title, sheet_rows in sheets.items():
            if title in SPECIAL:
                continue
            for row in rows_of(sheet_rows):
                want = night[row["记录编号"]]
                assert sheet_rows[0][0].startswith(f"居村委：{title}")
                if want["source"] == "hotline":  # a caller not known to live there is not printed
                    assert row["姓名"] is None and row["证件号码／电话"] is None
                else:  # the person concerned, full and unmasked
                    assert row["姓名"] == want["name"]
                    assert row["证件号码／电话"] == f"{want['id_number']}\n{want['phone']}"


def test_committee_sheets_and_summary_counts(con, night, tmp_path):
    wb, sheets = read_packet(by_street(packets(con, tmp_path))["310115007"])
    assert wb.sheetnames == ["汇总", "齐河居委会", "上南一村居委会"]  # committee-code order, no urgent items
    summary = sheets["汇总"]
    assert summary[0][0] == "周家渡街道（310115007）派发核查清单"
    assert "2026-11-20" in summary[1][0] and "4 条" in summary[1][0] and "紧急 0 条" in summary[1][0]
    by_committee = {r[0]: r for r in summary if r and r[0] in ("310115007001", "310115007002", "合计")}
    # columns: code, name, checkpoint, hotline, healthcloud, total, urgent, sheet link
    assert by_committee["310115007001"][1:7] == ("齐河居委会", 2, 0, 0, 2, 0)
    assert by_committee["310115007002"][1:7] == ("上南一村居委会", 0, 1, 1, 2, 0)
    assert by_committee["合计"][2:6] == (2, 1, 1, 4)
    rows = rows_of(sheets["齐河居委会"])
    assert [r["记录编号"] for r in rows] == ["checkpoint:KK20261120000001", "checkpoint:KK20261120000007"]
    first = rows[0]
    assert (first["序号"], first["优先级"], first["截止时间"]) == (1, "一般", dt.datetime(2026, 11, 22, 2, 0))
    assert first["地址"] == "浦东新区测试路100弄0号001室"
    assert first["派发原因"] == "地址与实有房屋一致"
    assert first["其他信息"].splitlines()[0] == "道口登记 11-20 08:00"
    assert "出发地：测试市0" in first["其他信息"] and "途经：甲地、乙地" in first["其他信息"]
    assert all(first[h] is None for h in PACKET_FILL_IN)


def test_fill_in_columns_drop_down_date_check_colour_and_protection(con, night, tmp_path):
    wb = openpyxl.load_workbook(packets(con, tmp_path)[0])
    ws = wb["潍坊二村居委会"]
    header = [c.value for c in ws[3]]
    assert header[-len(PACKET_FILL_IN):] == list(PACKET_FILL_IN) and "记录编号" in header
    col = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(header)}
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1 and str(lists[0].sqref).startswith(f"{col['核查结果']}4:")
    assert lists[0].formula1 == '"' + ",".join(CHECK_RESULTS) + '"' and len(CHECK_RESULTS) == 7
    times = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    assert len(times) == 1 and str(times[0].sqref).startswith(f"{col['核查时间']}4:")
    assert times[0].errorStyle in (None, "stop") and float(times[0].formula1) < 46000 < float(times[0].formula2)
    assert ws.protection.sheet and not ws.protection.password  # protected, no password
    assert ws.protection.autoFilter is False and ws.protection.sort is False  # filters and sorting allowed
    for h in header:
        cell = ws[f"{col[h]}4"]
        if h in PACKET_FILL_IN:
            assert cell.protection.locked is False and cell.fill.fgColor.rgb.endswith("FFF2CC")
        else:
            assert cell.protection.locked is not False
    assert ws[f"{col['核查时间']}4"].number_format == "mm-dd hh:mm"
    assert ws.freeze_panes == "C4" and ws.auto_filter.ref == f"A3:{col['备注']}5"


def test_every_sheet_prints_one_page_wide_with_header_and_footer(con, make_night, rid, tmp_path):
    make_night(con, {rid("checkpoint", "0001"): {"decision": {}}})
    build_packet_rows(con, PUBLISHED)
    con.execute("UPDATE packet_rows SET priority = 'urgent' WHERE item_id = ?", [rid("checkpoint", "0001")])
    path = by_street(write_packets(con, tmp_path, RUN_DATE, published_at=PUBLISHED))["310115007"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "应急派单"
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is the default
        assert "第 &P/&N 页" in ws.oddHeader.right.text
        assert ws.oddFooter.center.text == "内部资料　注意保密"
        if ws.title != "汇总":
            assert ws.page_setup.orientation == "landscape"
            assert ws.print_title_rows == "$3:$3"  # the header row on every page
            street, _, committee = ws.oddHeader.left.text.partition(" · ")
            assert street == "周家渡街道" and committee == ws.title
            assert ws.oddHeader.center.text.startswith("2026-11-20")


def test_rows_are_in_walking_order(con, make_night, rid, tmp_path):
    # five records of 齐河居委会, written in time order, living at scrambled doors
    doors = {
        "0001": {"road": "测试路", "lane": "12", "number": "3", "room": "1202"},
        "0007": {"road": "测试路", "lane": "102", "number": "1", "room": "101"},
        "0004": {"road": "测试路", "lane": "12", "number": "3", "room": "402"},
        "0009": {"road": None, "lane": None, "number": "8", "room": None, "village": "齐河村", "group_no": "2"},
        "0002": {"road": "甲路", "lane": "12", "number": "10", "room": None},
    }
    sources = {"0001": "checkpoint", "0007": "checkpoint", "0004": "checkpoint", "0009": "checkpoint",
               "0002": "hotline"}
    make_night(con, {rid(sources[n], n): {"std": door, "decision": {
        "committee_code": "310115007001", "street_code": "310115007", "house_id": None}}
        for n, door in doors.items()})
    _, sheets = read_packet(by_street(packets(con, tmp_path))["310115007"])
    order = [r["记录编号"][-4:] for r in rows_of(sheets["齐河居委会"])]
    # 测试路 12弄3号402室, 12弄3号1202室, 102弄; then 甲路 (another road); then the village
    assert order[:3] == ["0004", "0001", "0007"]
    assert order.index("0002") == 3 and order[-1] == "0009"


@pytest.mark.parametrize("a, b", [
    ({"walk_place": "测试路", "walk_block": "12", "walk_number": "3", "walk_room": "402"},
     {"walk_place": "测试路", "walk_block": "12", "walk_number": "3", "walk_room": "1202"}),
    ({"walk_place": "测试路", "walk_block": "9", "walk_number": None, "walk_room": None},
     {"walk_place": "测试路", "walk_block": "10", "walk_number": "1", "walk_room": None}),
    ({"walk_place": "测试路", "walk_block": "3支弄", "walk_number": "2", "walk_room": None},
     {"walk_place": "测试路", "walk_block": "3支弄", "walk_number": "2甲", "walk_room": None}),
    ({"walk_place": "某村", "walk_block": "2", "walk_number": "8", "walk_room": None},
     {"walk_place": None, "walk_block": None, "walk_number": None, "walk_room": None}),
])
def test_walking_key_compares_numbers_as_numbers(a, b):
    base = {"priority": "normal", "event_time": None, "item_id": "x"}
    assert walking_key({**base, **a}) < walking_key({**base, **b})
    assert walking_key({**base, **b, "priority": "urgent"}) < walking_key({**base, **a})  # urgent first


@pytest.mark.parametrize("cells, lines", [
    ([("短", 10)], 1),
    ([("一二三四五六七八九十", 10)], 3),  # 10 CJK characters in a 10-wide column: about 5 per line
    ([("a\nb\nc", 30), ("x", 5)], 3),  # explicit line breaks count
    ([("checkpoint:KK20261124000123", 15), ("", 40)], 2),
])
def test_row_heights_show_every_line(cells, lines):
    assert row_height(cells) == pytest.approx(lines * 14.5 + 3.0)


def test_reason_is_plain_chinese_from_data_never_the_models_explanation(con, make_night, rid, tmp_path):
    explanation = "地址→310115007001 P=0.9731 [road: road equal (8.1); room: room equal (6.1)] | 人员→P0000123"
    make_night(con, {
        rid("checkpoint", "0001"): {"decision": {"explanation": explanation, "person_id": "P0000123"}},
        rid("checkpoint", "0007"): {"decision": {"basis": "person_registered_home", "house_id": "H7"}},
    })
    con.execute("ALTER TABLE decisions ADD COLUMN IF NOT EXISTS rule VARCHAR")
    con.execute("UPDATE decisions SET rule = 'address_and_person' WHERE record_id = ?", [rid("checkpoint", "0004")])
    paths = packets(con, tmp_path)
    wb, sheets = read_packet(by_street(paths)["310115007"])
    reasons = {r["记录编号"][-4:]: r["派发原因"] for r in rows_of(sheets["齐河居委会"])}
    assert reasons == {"0001": "地址与实有房屋一致", "0007": "地址不详，按人口库登记住址派发，可能已搬迁"}
    wb4, sheets4 = read_packet(by_street(paths)["310115004"])
    assert rows_of(sheets4["潍坊一村居委会"])[0]["派发原因"] == "地址与实有房屋及本人人口库登记住址一致"
    for book in (wb, wb4):
        text = all_text(book)
        assert "P=" not in text and "road equal" not in text and "→" not in text
        assert "P0000123" not in text and "H00000" not in text and "H7" not in text  # no registry ids


def test_no_licence_plate_and_no_empty_details(con, make_night, rid, tmp_path):
    make_night(con, {rid("checkpoint", "0001"): {"staged": {"details": json.dumps(
        {"道口名称": "G2安亭道口", "车牌号码": "沪A12345", "出发地": "", "途经": []}, ensure_ascii=False)}}})
    wb, sheets = read_packet(by_street(packets(con, tmp_path))["310115007"])
    row = next(r for r in record_rows(sheets) if r["记录编号"] == rid("checkpoint", "0001"))
    assert row["其他信息"] == "道口登记 11-20 08:00\n道口名称：G2安亭道口"
    assert "沪A12345" not in all_text(wb) and "车牌" not in all_text(wb)


def test_a_hotline_caller_is_printed_only_when_living_at_the_place(con, make_night, rid, tmp_path):
    neighbour, resident = rid("hotline", "0002"), rid("hotline", "0006")
    make_night(con, {
        neighbour: {"decision": {"person_id": "P2"}},  # the caller lives elsewhere (or is unknown)
        resident: {"decision": {"person_id": "P6", "house_id": "H6"}},
    })
    con.execute("CREATE TABLE population_std AS SELECT * FROM (VALUES ('P2', 'H999'), ('P6', 'H6')) t(person_id, house_id)")
    paths = by_street(packets(con, tmp_path, population="population_std"))
    caller = {r: night_row for r, night_row in ((neighbour, "310115004"), (resident, "310115005"))}
    wb, sheets = read_packet(paths[caller[neighbour]])
    row = next(r for r in record_rows(sheets) if r["记录编号"] == neighbour)
    assert row["姓名"] is None and row["证件号码／电话"] is None
    assert WITHHELD_NOTE in row["其他信息"]
    caller_name = con.execute("SELECT name, phone FROM staged_records WHERE record_id = ?", [neighbour]).fetchall()[0]
    assert caller_name[0] not in all_text(wb) and caller_name[1] not in all_text(wb)
    wb, sheets = read_packet(paths[caller[resident]])
    row = next(r for r in record_rows(sheets) if r["记录编号"] == resident)
    assert row["姓名"] is not None and WITHHELD_NOTE not in row["其他信息"]


def test_urgent_items_open_the_packet_and_marks_show(con, night, rid, tmp_path):
    build_packet_rows(con, PUBLISHED)
    urgent, transfer, manual, case = (rid("checkpoint", "0007"), rid("healthcloud", "0005"),
                                      rid("hotline", "0010"), rid("checkpoint", "0001"))
    con.execute("UPDATE packet_rows SET priority = 'urgent' WHERE item_id = ?", [urgent])
    con.execute("UPDATE packet_rows SET kind = 'transfer', transferred_from = '陆家嘴街道' WHERE item_id = ?",
                [transfer])
    con.execute("UPDATE packet_rows SET kind = 'manual' WHERE item_id = ?", [manual])
    con.execute("UPDATE packet_rows SET record_ids = [item_id, 'hotline:GD9'], sources = ['checkpoint', 'hotline'] "
                "WHERE item_id = ?", [case])
    path = by_street(write_packets(con, tmp_path, RUN_DATE, published_at=PUBLISHED))["310115007"]
    wb, sheets = read_packet(path)
    assert wb.sheetnames[:2] == ["应急派单", "汇总"] and wb.active.title == "应急派单"
    urgent_rows = rows_of(sheets["应急派单"], [c.value for c in wb["应急派单"][3]])
    assert [r["记录编号"] for r in urgent_rows] == [urgent]
    assert "核查结果" not in [c.value for c in wb["应急派单"][3]]  # answered once: in the committee sheet
    qihe = rows_of(sheets["齐河居委会"])
    assert [r["记录编号"] for r in qihe] == [urgent, f"{case}；hotline:GD9"]  # urgent first
    assert qihe[0]["优先级"] == "紧急" and wb["齐河居委会"]["C4"].font.color.rgb.endswith("C00000")
    assert "12345热线" in qihe[1]["其他信息"].splitlines()[0]
    shangnan = {r["记录编号"]: r for r in rows_of(sheets["上南一村居委会"])}
    assert shangnan[transfer]["派发原因"].startswith("【转派】由陆家嘴街道退回转派；")
    assert shangnan[manual]["派发原因"].startswith("【人工派发】")


def test_overdue_items_get_their_own_sheet(con, night, tmp_path):
    build_packet_rows(con, PUBLISHED)
    con.execute("""CREATE TABLE overdue_items (street_code VARCHAR, committee_code VARCHAR, record_id VARCHAR,
                   night DATE, deadline TIMESTAMP, resolved_address VARCHAR, name VARCHAR, phone VARCHAR)""")
    paths = write_packets(con, tmp_path / "empty", RUN_DATE, published_at=PUBLISHED)
    assert all("逾期未核查" not in openpyxl.load_workbook(p).sheetnames for p in paths)  # empty: no sheet
    con.execute("""INSERT INTO overdue_items VALUES
        ('310115007', '310115007002', 'checkpoint:KK1', '2026-11-18', '2026-11-19 02:00', '浦东新区测试路1号', '甲', '139'),
        ('310115004', '310115004001', 'hotline:GD1', '2026-11-19', '2026-11-20 20:00', '浦东新区测试路2号', NULL, NULL)""")
    paths = by_street(write_packets(con, tmp_path / "full", RUN_DATE, published_at=PUBLISHED))
    wb, sheets = read_packet(paths["310115007"])
    assert wb.sheetnames[-1] == "逾期未核查"
    header = [c.value for c in wb["逾期未核查"][3]]
    assert header[-len(PACKET_FILL_IN):] == list(PACKET_FILL_IN)
    (row,) = rows_of(sheets["逾期未核查"], header)
    assert (row["记录编号"], row["居村委"], row["派发日期"], row["已逾期"]) == (
        "checkpoint:KK1", "上南一村居委会", "2026-11-18", "2天")
    assert "hotline:GD1" not in all_text(wb)  # another street's overdue item
    assert rows_of(read_packet(paths["310115004"])[1]["逾期未核查"], header)[0]["已逾期"] == "6小时"


def test_packet_rows_break_their_contract_loudly(con, night, tmp_path):
    build_packet_rows(con, PUBLISHED)
    con.execute("UPDATE packet_rows SET priority = 'asap' WHERE street_code = '310115004'")
    with pytest.raises(ContractViolation, match="priority"):
        write_packets(con, tmp_path, RUN_DATE)


def test_source_values_stay_text_never_formulas(con, make_night, rid, tmp_path):
    target = rid("checkpoint", "0001")
    make_night(con, {target: {"staged": {
        "name": INJECTIONS[0], "address": INJECTIONS[1], "phone": INJECTIONS[2], "id_number": INJECTIONS[3],
        "event_time": None, "event_time_raw": INJECTIONS[4],
    }}})
    con.execute("UPDATE decisions SET resolved_address = ? WHERE record_id = ?", [INJECTIONS[6], target])
    con.execute("UPDATE staged_records SET details = ? WHERE record_id = ?",
                [json.dumps({"备注": INJECTIONS[7], "x": INJECTIONS[8]}, ensure_ascii=False), target])
    path = by_street(packets(con, tmp_path))["310115007"]

    wb = openpyxl.load_workbook(path)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    row = next(r for r in record_rows(read_packet(path)[1]) if r["记录编号"] == target)
    assert row["姓名"] == "=1+1"
    assert row["证件号码／电话"] == "@cmd\n-2"
    assert row["地址"] == "\n=2+3\n（原：+SUM(A1)）"  # line breaks normalised to LF, still text
    assert INJECTIONS[4] in row["其他信息"].splitlines()[0]  # the unreadable time as it came
    assert INJECTIONS[7] in row["其他信息"] and "x：_x0041_ literal" in row["其他信息"]
    assert wb["齐河居委会"]["E4"].number_format == "@"


def test_control_characters_and_huge_strings_do_not_break_a_workbook(con, make_night, rid, tmp_path):
    target = rid("hotline", "0002")
    long_text = "浦东新区" * 5000  # 20,000 characters
    make_night(con, {target: {"staged": {
        "name": "王\x00兰\x07芳\x1b", "address": long_text, "phone": "138\x7f1234\ufffe5678",
        "details": '{"诉求内容": "' + "😀" * 20000 + '"}',
    }, "decision": {"resolved_address": None, "basis": "person_registered_home"}}})
    path = by_street(packets(con, tmp_path))["310115004"]

    row = next(r for r in record_rows(read_packet(path)[1]) if r["记录编号"] == target)
    assert row["姓名"] == "王兰芳"
    assert row["地址"] == long_text
    assert row["证件号码／电话"].splitlines()[-1] == "1381234" + "5678"
    assert row["其他信息"].endswith(TRUNCATION_MARK)
    assert len(row["其他信息"].encode("utf-16-le")) // 2 <= MAX_CELL_CHARS


def test_reruns_are_byte_identical(con, night, tmp_path):
    first = packets(con, tmp_path / "a")
    second = packets(con, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_a_committee_of_another_street_stops_the_stage(con, make_night, rid, tmp_path):
    make_night(con, {
        rid("checkpoint", "0001"): {"decision": {"committee_code": "310115005001"}},  # street says 007
        rid("hotline", "0002"): {"decision": {"committee_code": "310115004999"}},  # unknown committee
        rid("hotline", "0006"): {"decision": {"street_code": None}},  # no street at all
    })
    with pytest.raises(ContractViolation) as caught:
        build_packet_rows(con, PUBLISHED)
    text = "\n".join(caught.value.violations)
    assert "another street" in text and rid("checkpoint", "0001") in text
    assert "unknown to the admin table" in text and rid("hotline", "0002") in text
    assert rid("hotline", "0006") in text
    assert not list(tmp_path.iterdir())


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
