"""Judging reply rows: which street, which dispatch, applied or refused (and why)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from streetlink.contracts import REPLIES_PARQUET, check_table
from streetlink.replies import write_replies_parquet

from .conftest import (
    NIGHT,
    commit_replies,
    item,
    labels,
    mangle,
    publish,
    rid,
    take_replies,
    write_packet,
    write_review,
)

LJZ, YJ = "310115005", "310115013"
READ_NIGHT = dt.date(2026, 11, 26)
T = dt.datetime


@pytest.fixture
def night1(con, ledger):
    """Night 24: 陆家嘴 gets rid 1–8, 洋泾 gets rid 20–21; rid 30 goes to the review queue."""
    items = [item(rid(n), "310115005001") for n in (1, 2, 3, 4)]
    items += [item(rid(n), "310115005002") for n in (5, 6, 7, 8)]
    items += [item(rid(n), "310115013001") for n in (20, 21)]
    reviews = [{"record_id": rid(30), "source": "checkpoint", "reason": "address_ambiguous"}]
    publish(con, ledger, NIGHT, items, reviews)
    return items


def test_refusals_and_applied_rows(con, ledger, tmp_path, night1):
    folder = tmp_path / "replies"
    # Named after the other street on purpose: the content says 陆家嘴.
    write_packet(folder / "洋泾街道回执.xlsx", LJZ, NIGHT, {
        "310115005001": [rid(1), rid(2), rid(3), rid(20), rid(99), rid(30)],
        "310115005002": [rid(5), f"{rid(6)}；{rid(7)}", rid(8)],
    }, {
        rid(1): {"result": "已核实在住", "time": T(2026, 11, 25, 9)},
        rid(2): {"result": "已离沪"},  # not a listed result
        rid(3): {"checker": "张敏"},  # answered something, but no result
        rid(20): {"result": "已核实在住"},  # sent to 洋泾, never to 陆家嘴
        rid(99): {"result": "查无此人"},  # never sent anywhere
        rid(30): {"result": "查无此人"},  # known (review queue), never sent to a street
        rid(5): {"result": "地址错误", "address": "某路3号"},
        f"{rid(6)}；{rid(7)}": {"result": "重复推送"},
        # rid(8) unanswered: not a reply row
    })
    assessed, _ = take_replies(con, ledger, READ_NIGHT, folder)
    assert labels(con) == {
        rid(1): (True, None, "verified_resident"),
        rid(2): (False, "unreadable_result", None),
        rid(3): (False, "no_result", None),
        rid(20): (False, "not_sent_to_this_street", "verified_resident"),
        rid(99): (False, "unknown_record", "not_found"),
        rid(30): (False, "not_sent_to_this_street", "not_found"),
        rid(5): (True, None, "wrong_address"),
        rid(6): (True, None, "duplicate"),
        rid(7): (True, None, "duplicate"),
    }
    street = con.execute("SELECT street_code, attributed_by, votes FROM reply_file_streets").fetchall()
    assert street == [(LJZ, "titles", 6)]  # rid 1, 2, 3, 5, 6, 7 were sent to 陆家嘴
    assert assessed["outcomes"] == {"applied": 4, "no_result": 1, "not_sent_to_this_street": 2,
                                    "unknown_record": 1, "unreadable_result": 1}
    # the dispatch each applied row answers, and its model version
    got = con.execute("SELECT DISTINCT dispatch_night, model_version FROM reply_labels WHERE applied").fetchall()
    assert got == [(NIGHT, "test-model")]


def test_replies_parquet_is_exactly_the_contract(con, ledger, tmp_path, night1):
    folder = tmp_path / "replies"
    write_packet(folder / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1), rid(2), rid(99)]}, {
        rid(1): {"result": "已核实在住", "time": T(2026, 11, 25, 9), "checker": "张敏"},
        rid(2): {"result": "非本辖区", "transfer": "樱花新苑居委会"},
        rid(99): {"result": "查无此人"},
    })
    take_replies(con, ledger, READ_NIGHT, folder)
    path = tmp_path / "out" / "2026-11-26" / "replies.parquet"
    assert write_replies_parquet(con, path) == 3
    con.execute(f"CREATE VIEW rp AS SELECT * FROM read_parquet('{path}')")
    assert check_table(con, "rp", REPLIES_PARQUET) == []
    rows = con.execute("SELECT * FROM rp ORDER BY record_id").fetchall()
    assert rows == [
        (rid(1), "a.xlsx", LJZ, "verified_resident", None, T(2026, 11, 25, 9), "张敏", True, None),
        (rid(2), "a.xlsx", LJZ, "not_our_area", "310115013003", None, None, True, None),
        (rid(99), "a.xlsx", LJZ, "not_found", None, None, None, False, "unknown_record"),
    ]


@pytest.mark.parametrize(("packet_night", "typed", "expected"), [
    (NIGHT, "11月25日 14:30", T(2026, 11, 25, 14, 30)),
    (NIGHT, "11月24日 23:00", T(2026, 11, 24, 23, 0)),
    (dt.date(2026, 12, 28), "1月2日 10:00", T(2027, 1, 2, 10, 0)),  # a December packet answered in January
    (dt.date(2026, 12, 28), "12月29日 10:00", T(2026, 12, 29, 10, 0)),
    (dt.date(2027, 3, 1), "2月29日 10:00", None),  # 2027 has no 29 February (and 2028 is too far)
    (dt.date(2027, 1, 1), "12月31日 22:00", T(2026, 12, 31, 22, 0)),  # a typo before the night: last year
])
def test_checked_at_takes_the_year_of_the_packets_night(con, ledger, tmp_path, packet_night, typed, expected):
    publish(con, ledger, packet_night, [item(rid(1), "310115005001")])
    folder = tmp_path / "replies"
    write_packet(folder / "a.xlsx", LJZ, packet_night, {"310115005001": [rid(1)]},
                 {rid(1): {"result": "已核实在住", "time": typed}})
    take_replies(con, ledger, packet_night + dt.timedelta(days=3), folder)
    assert con.execute("SELECT checked_at FROM reply_labels").fetchone()[0] == expected


def test_street_from_titles_when_no_record_is_known(con, ledger, tmp_path, night1):
    folder = tmp_path / "replies"
    write_packet(folder / "a.xlsx", YJ, NIGHT, {"310115013001": [rid(98)]}, {rid(98): {"result": "查无此人"}})
    take_replies(con, ledger, READ_NIGHT, folder)
    assert con.execute("SELECT street_code, attributed_by FROM reply_file_streets").fetchall() == [(YJ, "titles")]
    assert labels(con) == {rid(98): (False, "unknown_record", "not_found")}


def test_titles_say_which_street_even_against_the_records(con, ledger, tmp_path, night1):
    # A 陆家嘴 packet whose only rows were copied in from 洋泾's: refused, not moved to 洋泾.
    write_packet(tmp_path / "r" / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(20), rid(21)]},
                 {rid(20): {"result": "已核实在住"}, rid(21): {"result": "已核实在住"}})
    take_replies(con, ledger, READ_NIGHT, tmp_path / "r")
    assert con.execute("SELECT street_code, attributed_by, votes FROM reply_file_streets").fetchall() == [
        (LJZ, "titles", 0)]
    assert {v[1] for v in labels(con).values()} == {"not_sent_to_this_street"}


def test_records_say_which_street_when_titles_are_gone(con, ledger, tmp_path, night1):
    path = write_packet(tmp_path / "r" / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1), rid(2), rid(20)]},
                        {rid(n): {"result": "已核实在住"} for n in (1, 2, 20)})
    import openpyxl

    wb = openpyxl.load_workbook(path)
    del wb["汇总"]
    for ws in wb.worksheets:
        ws.title = "Sheet1"
        ws.delete_rows(1, 2)
    wb.properties.title = None
    wb.save(path)
    take_replies(con, ledger, READ_NIGHT, tmp_path / "r")
    assert con.execute("SELECT street_code, attributed_by, votes FROM reply_file_streets").fetchall() == [
        (LJZ, "records", 2)]
    assert labels(con)[rid(20)][1] == "not_sent_to_this_street"


def test_a_packet_nobody_can_place_refuses_its_rows(con, ledger, tmp_path, night1):
    # One record of each street and titles that name neither: the street cannot be told.
    folder = tmp_path / "replies"
    path = write_packet(folder / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1), rid(20)]},
                        {rid(1): {"result": "已核实在住"}, rid(20): {"result": "已核实在住"}})
    import openpyxl

    wb = openpyxl.load_workbook(path)
    del wb["汇总"]
    for ws in wb.worksheets:
        ws.title = "Sheet1"
        ws.delete_rows(1, 2)
    wb.properties.title = None
    wb.save(path)
    take_replies(con, ledger, READ_NIGHT, folder)
    assert con.execute("SELECT street_code FROM reply_file_streets").fetchall() == [(None,)]
    assert {v[1] for v in labels(con).values()} == {"street_unknown"}


def test_several_streets_in_one_folder(con, ledger, tmp_path, night1):
    folder = tmp_path / "replies"
    write_packet(folder / "1.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]}, {rid(1): {"result": "已核实在住"}})
    write_packet(folder / "2.xlsx", YJ, NIGHT, {"310115013001": [rid(20), rid(21)]},
                 {rid(20): {"result": "已核实在住"}, rid(21): {"result": "已核实不在住"}})
    take_replies(con, ledger, READ_NIGHT, folder)
    assert con.execute("SELECT reply_file, street_code FROM reply_file_streets ORDER BY 1").fetchall() == [
        ("1.xlsx", LJZ), ("2.xlsx", YJ)]
    assert all(v[0] for v in labels(con).values())


def test_same_file_on_a_later_night_and_latest_reply_wins(con, ledger, tmp_path, night1):
    n26, n27, n28 = READ_NIGHT, READ_NIGHT + dt.timedelta(days=1), READ_NIGHT + dt.timedelta(days=2)
    first = write_packet(tmp_path / "26" / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1), rid(2)]},
                         {rid(1): {"result": "其他", "note": "明日再访"}, rid(2): {"result": "已核实在住"}})
    take_replies(con, ledger, n26, first.parent)
    commit_replies(con, ledger, n26)

    # Night 27: the street re-saves the packet with rid(1) now answered; rid(2) unchanged.
    second = write_packet(tmp_path / "27" / "a (2).xlsx", LJZ, NIGHT, {"310115005001": [rid(1), rid(2)]},
                          {rid(1): {"result": "已核实不在住"}, rid(2): {"result": "已核实在住"}})
    take_replies(con, ledger, n27, second.parent)
    assert labels(con) == {rid(1): (True, None, "verified_moved"), rid(2): (False, "repeated_reply", "verified_resident")}
    commit_replies(con, ledger, n27)

    # Night 28: the first file arrives again: nothing is applied twice.
    (tmp_path / "28").mkdir()
    (tmp_path / "28" / "a.xlsx").write_bytes(first.read_bytes())
    take_replies(con, ledger, n28, tmp_path / "28")
    assert {v[:2] for v in labels(con).values()} == {(False, "repeated_reply")}
    commit_replies(con, ledger, n28)
    c = duckdb.connect(str(ledger), read_only=True)
    assert c.execute("SELECT count(*), count(*) FILTER (WHERE applied) FROM labels").fetchone() == (4, 3)
    c.close()


def test_two_answers_for_one_record_in_one_night_are_both_kept(con, ledger, tmp_path, night1):
    folder = tmp_path / "replies"
    write_packet(folder / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]},
                 {rid(1): {"result": "其他", "time": T(2026, 11, 25, 9)}})
    write_packet(folder / "b.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]},
                 {rid(1): {"result": "已核实在住", "time": T(2026, 11, 25, 15)}})
    mangle(folder / "b.xlsx", "rename_sheets")
    take_replies(con, ledger, READ_NIGHT, folder)
    rows = con.execute("SELECT reply_file, result, applied FROM reply_labels ORDER BY 1").fetchall()
    assert rows == [("a.xlsx", "other", True), ("b.xlsx", "verified_resident", True)]


def test_review_rows_are_judged(con, ledger, tmp_path, night1):
    folder = tmp_path / "replies"
    write_review(folder / "review.xlsx", NIGHT, [
        {"record_id": rid(30), "c1": "310115005002 崂山一村居委会", "action": "派发至候选1"},
        {"record_id": rid(1), "action": "区外转办"},  # dispatched, never in review
        {"record_id": rid(97), "action": "区外转办"},  # unknown
    ])
    take_replies(con, ledger, READ_NIGHT, folder)
    got = con.execute("SELECT record_id, action, committee_code, applied, refused_reason, review_night "
                      "FROM review_actions ORDER BY 1").fetchall()
    assert got == [
        (rid(1), "outside_pudong", None, False, "not_in_review", None),
        (rid(30), "dispatch_candidate_1", "310115005002", True, None, NIGHT),
        (rid(97), "outside_pudong", None, False, "unknown_record", None),
    ]
