"""The reader: a packet as we send it, then mangled the REPLIES.md ways, gives the same answers."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from streetlink.replies import read_replies, register_replies

from .conftest import MANGLERS, NIGHT, mangle, rid, write_packet, write_review

# ../shared beside the checkout (STREETLINK_SHARED when the checkout lives elsewhere, e.g. a worktree)
SHARED = Path(os.environ.get("STREETLINK_SHARED", Path(__file__).resolve().parents[3] / "shared"))
SAMPLE = SHARED / "samples" / "replies" / "2026-11-26" / "replies"
LUJIAZUI = "310115005"
T = dt.datetime

RECORDS = {
    "310115005001": [rid(1), rid(2), rid(3, "hotline"), rid(4, "healthcloud")],
    "310115005002": [rid(5), f"{rid(6)}；{rid(7, 'hotline')}", rid(8)],
}
ANSWERS = {
    rid(1): {"result": "已核实在住", "time": T(2026, 11, 25, 9, 15), "checker": "张敏"},
    rid(2): {"result": "非本辖区", "time": T(2026, 11, 25, 10, 0), "checker": "张敏", "transfer": "310115013003"},
    rid(3, "hotline"): {"result": "地址错误", "time": T(2026, 11, 25, 11, 30), "checker": "李娟",
                        "address": "某路2号"},
    rid(4, "healthcloud"): {"result": "其他", "checker": "李娟", "note": "电话无人接听，明日再访"},
    rid(5): {"result": "已离沪", "time": T(2026, 11, 25, 14, 30), "checker": "王建国"},  # not a listed result
    f"{rid(6)}；{rid(7, 'hotline')}": {"result": "查无此人", "time": T(2026, 11, 26, 8, 0), "checker": "王建国"},
    # rid(8): left blank — unanswered
}
EXPECTED = {  # record → (result, when, checker, transfer, address, note)
    rid(1): ("verified_resident", T(2026, 11, 25, 9, 15), "张敏", None, None, None),
    rid(2): ("not_our_area", T(2026, 11, 25, 10, 0), "张敏", "310115013003", None, None),
    rid(3, "hotline"): ("wrong_address", T(2026, 11, 25, 11, 30), "李娟", None, "某路2号", None),
    rid(4, "healthcloud"): ("other", None, "李娟", None, None, "电话无人接听，明日再访"),
    rid(5): (None, T(2026, 11, 25, 14, 30), "王建国", None, None, None),
    rid(6): ("not_found", T(2026, 11, 26, 8, 0), "王建国", None, None, None),
    rid(7, "hotline"): ("not_found", T(2026, 11, 26, 8, 0), "王建国", None, None, None),
}


def _when(row: dict) -> dt.datetime | None:
    if row["checked_at"] is not None:
        return row["checked_at"]
    if row["checked_at_noyear"] is not None:  # the year is decided later, from the packet's night
        return dt.datetime.strptime(f"2026-{row['checked_at_noyear']}", "%Y-%m-%d %H:%M:%S")
    return None


def _answers(batch) -> dict[str, tuple]:
    return {r["record_id"]: (r["result"], _when(r), r["checker"], r["transfer_text"], r["corrected_address"],
                             r["note"]) for r in batch.packet_rows}


@pytest.mark.parametrize("manglers", [
    *[(name,) for name in MANGLERS],
    ("rename_sheets", "reorder_sheets", "sort_rows", "blank_and_note_rows", "added_columns",
     "header_moved_down", "times_as_text", "codes_as_numbers", "filtered"),
], ids=lambda m: "+".join(m))
def test_mangled_packet_reads_the_same_answers(tmp_path, manglers):
    path = write_packet(tmp_path / "replies" / "回执.xlsx", LUJIAZUI, NIGHT, RECORDS, ANSWERS)
    mangle(path, *manglers)
    batch = read_replies(tmp_path / "replies")
    [f] = batch.files
    assert (f.status, f.kind, f.sheets_read) == ("read", "packet", 2)
    assert _answers(batch) == EXPECTED
    assert f.rows_read == 6 and f.unanswered_rows == 1
    assert LUJIAZUI in f.title_street_codes and NIGHT in f.title_dates
    assert all(r["id_ok"] for r in batch.packet_rows)


def test_note_rows_are_counted_not_read(tmp_path):
    path = write_packet(tmp_path / "r" / "a.xlsx", LUJIAZUI, NIGHT, RECORDS, ANSWERS)
    mangle(path, "blank_and_note_rows")
    [f] = read_replies(tmp_path / "r").files
    assert f.note_rows == 4  # one note row and one remark row on each of the two sheets


def test_answered_row_with_a_broken_id_is_kept_for_refusal(tmp_path):
    records = {"310115005001": [rid(1), "KK20261124000002"]}  # the source prefix deleted
    answers = {rid(1): {"result": "已核实在住"}, "KK20261124000002": {"result": "查无此人"}}
    write_packet(tmp_path / "r" / "a.xlsx", LUJIAZUI, NIGHT, records, answers)
    rows = {r["record_id"]: r["id_ok"] for r in read_replies(tmp_path / "r").packet_rows}
    assert rows == {rid(1): True, "KK20261124000002": False}


def test_a_bad_file_fails_alone_and_others_are_read(tmp_path):
    folder = tmp_path / "replies"
    write_packet(folder / "b_good.xlsx", LUJIAZUI, NIGHT, RECORDS, ANSWERS)
    (folder / "a_broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (folder / "c_empty.xlsx").write_bytes(b"")
    batch = read_replies(folder)
    status = {f.reply_file: (f.status, f.reason) for f in batch.files}
    assert status["b_good.xlsx"] == ("read", None)
    for name in ("a_broken.xlsx", "c_empty.xlsx"):
        assert status[name][0] == "failed" and status[name][1].startswith("cannot open workbook")
    assert len(batch.packet_rows) == 7


def test_a_workbook_without_the_headers_fails_with_its_reason(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["编号", "结果"])
    wb.active.append(["checkpoint:KK1", "已核实在住"])
    (tmp_path / "r").mkdir()
    wb.save(tmp_path / "r" / "x.xlsx")
    [f] = read_replies(tmp_path / "r").files
    assert f.status == "failed" and "记录编号" in f.reason and "核查结果" in f.reason


def test_same_file_twice_lock_files_and_other_files(tmp_path):
    folder = tmp_path / "replies"
    path = write_packet(folder / "陆家嘴回执.xlsx", LUJIAZUI, NIGHT, RECORDS, ANSWERS)
    (folder / "陆家嘴回执(1).xlsx").write_bytes(path.read_bytes())
    (folder / "~$陆家嘴回执.xlsx").write_bytes(b"lock")
    (folder / "说明.pdf").write_bytes(b"%PDF")
    batch = read_replies(folder)
    status = {f.reply_file: f.status for f in batch.files}
    # files are read in name order: the first copy is read, the second is the duplicate
    assert status == {"陆家嘴回执(1).xlsx": "read", "陆家嘴回执.xlsx": "duplicate", "~$陆家嘴回执.xlsx": "skipped",
                      "说明.pdf": "skipped"}
    assert len(batch.packet_rows) == 7  # the copy adds nothing


def test_no_folder_is_no_replies():
    batch = read_replies(Path("/nonexistent/replies"))
    assert batch.files == [] and batch.packet_rows == []


def test_review_workbook(tmp_path):
    rows = [
        {"record_id": rid(11), "c1": "陆家嘴街道梅园一村居委会（310115005001）", "c2": "310115005002 崂山一村居委会",
         "action": "派发至候选2", "time": "11月25日 10:00"},
        {"record_id": rid(12), "c1": "陆家嘴街道梅园一村居委会（310115005001）", "action": "派发至指定居村委",
         "code": 310115013001, "time": T(2026, 11, 25, 11, 0)},
        {"record_id": rid(13), "action": "区外转办"},
        {"record_id": rid(14), "action": "退回"},  # not a listed action
        {"record_id": rid(15)},  # untouched
    ]
    write_review(tmp_path / "r" / "review_2026-11-24.xlsx", NIGHT, rows)
    batch = read_replies(tmp_path / "r")
    [f] = batch.files
    assert (f.status, f.kind, f.rows_read, f.unanswered_rows) == ("read", "review", 4, 1)
    got = {r["record_id"]: (r["action"], r["typed_committee_code"], r["candidate_codes"], r["handled_at"],
                            r["handled_at_noyear"]) for r in batch.review_rows}
    assert got == {
        rid(11): ("dispatch_candidate_2", None, ["310115005001", "310115005002", None], None, "11-25 10:00:00"),
        rid(12): ("dispatch_committee", "310115013001", ["310115005001", None, None], T(2026, 11, 25, 11, 0), None),
        rid(13): ("outside_pudong", None, [None, None, None], None, None),
        rid(14): (None, None, [None, None, None], None, None),
    }


def test_register_replies_makes_contract_tables(tmp_path):
    write_packet(tmp_path / "r" / "a.xlsx", LUJIAZUI, NIGHT, RECORDS, ANSWERS)
    write_review(tmp_path / "r" / "b.xlsx", NIGHT, [{"record_id": rid(11), "action": "区外转办"}])
    con = duckdb.connect()
    counts = register_replies(con, read_replies(tmp_path / "r"))
    assert counts == {"reply_files": 2, "reply_rows": 7, "review_reply_rows": 1}
    empty = register_replies(con, read_replies(tmp_path / "none"))
    assert empty == {"reply_files": 0, "reply_rows": 0, "review_reply_rows": 0}


@pytest.mark.shared
@pytest.mark.skipif(not SAMPLE.is_dir(), reason="../shared sample replies not present")
def test_the_shared_sample_is_read():
    batch = read_replies(SAMPLE)
    [f] = batch.files
    assert (f.status, f.kind, f.sheets_read, f.rows_read, f.note_rows) == ("read", "packet", 4, 45, 1)
    assert f.title_street_codes == ["310115013"] and f.title_dates == [dt.date(2026, 11, 24)]
    rows = {r["record_id"]: r for r in batch.packet_rows}
    assert len(rows) == 45 and all(r["result"] for r in rows.values())
    assert rows["checkpoint:KK20261124000468"]["transfer_text"] == "310115013005"
    assert rows["healthcloud:HC20261124000384"]["checked_at_noyear"] == "11-25 11:30:00"
