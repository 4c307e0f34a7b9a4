"""Open until answered, overdue past the deadline, a repeat is marked and not knocked twice."""

from __future__ import annotations

import datetime as dt

import pytest

from streetlink.contracts import DECISIONS
from streetlink.replies import (
    OVERDUE_COLUMNS,
    attached_ledger,
    find_repeats,
    open_items,
    overdue_items,
)

from .conftest import NIGHT, commit_replies, create, item, publish, rid, take_replies, write_packet

LJZ = "310115005"
N26, N27 = dt.date(2026, 11, 26), dt.date(2026, 11, 27)
T = dt.datetime


def _open(con, ledger, night, pending="reply_labels"):
    with attached_ledger(con, ledger):
        open_items(con, night, pending_labels=pending)
    return {r[0] for r in con.execute("SELECT record_id FROM open_items").fetchall()}


@pytest.mark.parametrize(("answer", "is_open"), [
    (None, True),
    ("已核实在住", False), ("已核实不在住", False), ("查无此人", False), ("地址错误", False),
    ("非本辖区", False), ("重复推送", False),
    ("其他", True),  # 电话无人接听，明日再访: not done yet
    ("已离沪", True),  # not a listed result: refused, so nothing answered
])
def test_an_item_is_open_until_a_closing_answer(con, ledger, tmp_path, answer, is_open):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    answers = {rid(1): {"result": answer, "checker": "张敏"}} if answer else {}
    write_packet(tmp_path / "r" / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]}, answers)
    take_replies(con, ledger, N26, tmp_path / "r")
    assert (rid(1) in _open(con, ledger, N26)) is is_open  # tonight's pending answers count already
    commit_replies(con, ledger, N26)
    assert (rid(1) in _open(con, ledger, N27, pending=None)) is is_open  # and from the ledger later


def test_a_later_other_reopens_and_tonights_items_are_not_open_yet(con, ledger, tmp_path):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    write_packet(tmp_path / "26" / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]}, {rid(1): {"result": "已核实在住"}})
    take_replies(con, ledger, N26, tmp_path / "26")
    commit_replies(con, ledger, N26)
    publish(con, ledger, N26, [item(rid(2), "310115005001")])
    assert _open(con, ledger, N26, pending=None) == set()  # rid(2) was published on the 26th itself
    write_packet(tmp_path / "27" / "b.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]},
                 {rid(1): {"result": "其他", "note": "人不在，改日再访"}})
    take_replies(con, ledger, N27, tmp_path / "27")
    assert _open(con, ledger, N27) == {rid(1), rid(2)}


def test_overdue_items(con, ledger, tmp_path):
    publish(con, ledger, NIGHT, [
        item(rid(1), "310115005001", deadline=T(2026, 11, 25, 12)),
        item(rid(2), "310115005001", deadline=T(2026, 11, 27, 12)),
        item(rid(3), "310115005002", deadline=T(2026, 11, 25, 12), name="王芳", phone="13911112222",
             resolved_address="浦东新区崂山路1号"),
        item(rid(4), "310115005002", deadline=T(2026, 11, 25, 12)),
    ])
    write_packet(tmp_path / "r" / "a.xlsx", LJZ, NIGHT, {"310115005002": [rid(4)]}, {rid(4): {"result": "查无此人"}})
    take_replies(con, ledger, N26, tmp_path / "r")
    with attached_ledger(con, ledger):
        assert overdue_items(con, N26) == 2  # as of the midnight after the 26th
        cols = [d[0] for d in con.execute("SELECT * FROM overdue_items").description]
        rows = con.execute("SELECT record_id, name, phone, resolved_address, hours_overdue FROM overdue_items "
                           "ORDER BY 1").fetchall()
        assert overdue_items(con, N26, as_of=T(2026, 11, 28)) == 3
    assert tuple(cols[:len(OVERDUE_COLUMNS)]) == OVERDUE_COLUMNS
    assert rows == [(rid(1), "测试人", "13800000000", "浦东新区某路1号", 36.0),
                    (rid(3), "王芳", "13911112222", "浦东新区崂山路1号", 36.0)]


def test_repeats_of_open_items(con, ledger):
    publish(con, ledger, NIGHT, [
        item(rid(1), "310115005001", person_id="P1", house_id="H1"),
        item(rid(2), "310115005002", house_id="H2"),
        item(rid(3, "hotline"), "310115005002", house_id="H3", case_id="C3"),
    ])
    create(con, "decisions", DECISIONS, [
        # the same person again (somewhere else)
        {"record_id": rid(10), "source": "checkpoint", "decision": "dispatched", "street_code": LJZ,
         "committee_code": "310115005002", "person_id": "P1", "house_id": "H9"},
        # the same dwelling, same source
        {"record_id": rid(11), "source": "checkpoint", "decision": "dispatched", "street_code": LJZ,
         "committee_code": "310115005002", "house_id": "H2"},
        # the same dwelling, another source: a different matter
        {"record_id": rid(12, "healthcloud"), "source": "healthcloud", "decision": "dispatched", "street_code": LJZ,
         "committee_code": "310115005002", "house_id": "H3"},
        # the same record again
        {"record_id": rid(3, "hotline"), "source": "hotline", "decision": "dispatched", "street_code": LJZ,
         "committee_code": "310115005002", "house_id": "H3"},
        # not dispatched tonight
        {"record_id": rid(13), "source": "checkpoint", "decision": "review", "person_id": "P1",
         "reason": "address_ambiguous"},
    ])
    with attached_ledger(con, ledger):
        open_items(con, N26, pending_labels=None)
    assert find_repeats(con) == 3
    got = con.execute("SELECT record_id, open_record_id, open_night, match, same_committee, case_id "
                      "FROM repeats ORDER BY 1").fetchall()
    assert got == [
        (rid(10), rid(1), NIGHT, "same_person", False, None),
        (rid(11), rid(2), NIGHT, "same_dwelling_source", True, None),
        (rid(3, "hotline"), rid(3, "hotline"), NIGHT, "same_record", True, "C3"),
    ]


def test_open_items_has_exactly_the_contract_columns(con, ledger):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001", priority="high", rules="key_area", case_id="C1")])
    with attached_ledger(con, ledger):
        assert open_items(con, N26, pending_labels=None) == 1
    row = con.execute("SELECT * FROM open_items").fetchone()
    assert row == (rid(1), NIGHT, "C1", None, None, LJZ, "310115005001", "high", T(2026, 11, 26, 3), "key_area")
