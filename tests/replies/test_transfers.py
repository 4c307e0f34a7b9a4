"""非本辖区 with a usable 转派至 → tonight's packet of the right street; a clerk's 派发 → manual."""

from __future__ import annotations

import datetime as dt

import pytest

from streetlink.contracts import DECISIONS, STAGED_RECORDS
from streetlink.replies import build_published_items, build_review_items

from .conftest import (
    NIGHT,
    PUBLISHED_ITEMS,
    commit_replies,
    create,
    item,
    publish,
    rid,
    take_replies,
    write_packet,
    write_review,
)

LJZ, YJ = "310115005", "310115013"
N26 = dt.date(2026, 11, 26)
T = dt.datetime


def _transfers(con):
    return {r[0]: r[1:] for r in con.execute(
        "SELECT record_id, street_code, committee_code, kind, transferred_from_street FROM transfer_items").fetchall()}


def _unresolved(con):
    return dict(con.execute("SELECT record_id, why FROM transfer_review").fetchall())


@pytest.mark.parametrize(("typed", "outcome"), [
    ("310115013003", ("transfer", YJ, "310115013003")),
    (310115013003, ("transfer", YJ, "310115013003")),  # a code Excel turned into a number
    ("樱花新苑居委", ("transfer", YJ, "310115013003")),
    ("梅园村村委会", ("transfer", "310115137", "310115137210")),
    ("310115005002", ("transfer", LJZ, "310115005002")),  # another committee of the same street
    ("东南居委会", ("review", "ambiguous_name")),  # in 陆家嘴 and in 洋泾
    ("东陆居委会", ("review", "unknown_committee")),
    ("310101001001", ("review", "unknown_committee")),  # not in Pudong
    (None, ("review", "no_target")),
    ("梅园一村居委会", ("review", "same_committee")),  # the committee that returned it
])
def test_not_our_area(con, ledger, tmp_path, typed, outcome):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    write_packet(tmp_path / "r" / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]},
                 {rid(1): {"result": "非本辖区", "transfer": typed, "address": "某路9号", "checker": "张敏"}})
    _, summary = take_replies(con, ledger, N26, tmp_path / "r")
    if outcome[0] == "transfer":
        assert _transfers(con) == {rid(1): (outcome[1], outcome[2], "transfer", LJZ)}
        assert _unresolved(con) == {}
        row = con.execute("SELECT original_night, corrected_address, returned_by, name FROM transfer_items").fetchone()
        assert row == (NIGHT, "某路9号", "张敏", "测试人")
        assert summary["transfer"] == 1
    else:
        assert _transfers(con) == {}
        assert _unresolved(con) == {rid(1): outcome[1]}
        assert con.execute("SELECT reason FROM transfer_review").fetchone()[0] == "transfer_unresolved"


def test_wrong_address_goes_to_the_clerks_with_the_address_as_found(con, ledger, tmp_path):
    # 地址错误 says the committee has no such address and names nowhere else: the record is
    # not dropped with the closed item, a clerk decides, with what the street found
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    write_packet(tmp_path / "r" / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]},
                 {rid(1): {"result": "地址错误", "transfer": "310115013003", "address": "某路9号"}})
    take_replies(con, ledger, N26, tmp_path / "r")
    assert _transfers(con) == {}  # a 转派至 beside 地址错误 is not a transfer: the result says otherwise
    assert _unresolved(con) == {rid(1): "wrong_address"}
    assert con.execute("SELECT reason, corrected_address, committee_code FROM transfer_review").fetchone() == (
        "transfer_unresolved", "某路9号", "310115005001")


def test_only_the_latest_answer_to_the_latest_dispatch_moves_a_record(con, ledger, tmp_path):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001"), item(rid(2), "310115005001")])
    folder = tmp_path / "r"
    # rid(1): 非本辖区 first, then 已核实在住 later the same day (the latest wins: no transfer)
    write_packet(folder / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1), rid(2)]}, {
        rid(1): {"result": "非本辖区", "transfer": "310115013003", "time": T(2026, 11, 25, 9)},
        rid(2): {"result": "非本辖区", "transfer": "310115013003", "time": T(2026, 11, 25, 9)}})
    write_packet(folder / "b.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]},
                 {rid(1): {"result": "已核实在住", "time": T(2026, 11, 25, 16)}})
    take_replies(con, ledger, N26, folder)
    assert set(_transfers(con)) == {rid(2)}


def test_no_ping_pong_between_committees(con, ledger, tmp_path):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    write_packet(tmp_path / "26" / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]},
                 {rid(1): {"result": "非本辖区", "transfer": "310115013003"}})
    take_replies(con, ledger, N26, tmp_path / "26")
    create(con, "t_items", PUBLISHED_ITEMS, [item(rid(1), "310115013003", kind="transfer", transferred_from_street=LJZ, original_night=NIGHT)])
    commit_replies(con, ledger, N26, items="t_items")
    # 洋泾 says it belongs back in 梅园一村: that committee already said no → the clerks decide.
    n27 = N26 + dt.timedelta(days=1)
    write_packet(tmp_path / "27" / "b.xlsx", YJ, N26, {"310115013003": [rid(1)]},
                 {rid(1): {"result": "非本辖区", "transfer": "梅园一村居委会"}})
    take_replies(con, ledger, n27, tmp_path / "27")
    assert _transfers(con) == {}
    assert _unresolved(con) == {rid(1): "already_refuted"}
    assert con.execute("SELECT original_night FROM transfer_review").fetchone()[0] == NIGHT


def test_clerks_dispatches_from_the_review_workbook(con, ledger, tmp_path):
    reviews = [{"record_id": rid(n), "source": "checkpoint", "reason": "address_ambiguous", "name": f"人{n}"}
               for n in (30, 31, 32, 33, 34)]
    publish(con, ledger, NIGHT, [], reviews)
    write_review(tmp_path / "r" / "review_2026-11-24.xlsx", NIGHT, [
        {"record_id": rid(30), "c1": "陆家嘴街道梅园一村居委会（310115005001）", "action": "派发至候选1"},
        {"record_id": rid(31), "action": "派发至指定居村委", "code": 310115013001},
        {"record_id": rid(32), "action": "派发至指定居村委", "code": "3.10115E+11"},  # lost digits
        {"record_id": rid(33), "c1": "310115005001 梅园一村居委会", "action": "派发至候选2"},  # no 2nd candidate
        {"record_id": rid(34), "action": "退回来源单位核实"},
    ])
    _, summary = take_replies(con, ledger, N26, tmp_path / "r")
    assert _transfers(con) == {rid(30): (LJZ, "310115005001", "manual", None),
                               rid(31): (YJ, "310115013001", "manual", None)}
    assert _unresolved(con) == {rid(32): "unknown_committee", rid(33): "no_candidate_code"}
    assert (summary["manual"], summary["unresolved"]) == (2, 2)
    assert con.execute(f"SELECT name FROM transfer_items WHERE record_id = '{rid(30)}'").fetchone()[0] == "人30"


def test_transfers_become_tonights_items_and_the_new_street_may_answer(con, ledger, tmp_path):
    """Night 26 publishes a transfer to 洋泾; 洋泾's answer on night 27 is accepted, 陆家嘴's is not."""
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    write_packet(tmp_path / "26" / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]},
                 {rid(1): {"result": "非本辖区", "transfer": "310115013003"}})
    take_replies(con, ledger, N26, tmp_path / "26")
    # tonight's decisions: one new record
    create(con, "decisions", DECISIONS, [{"record_id": rid(40), "source": "checkpoint", "decision": "dispatched",
                                          "street_code": LJZ, "committee_code": "310115005002",
                                          "basis": "address_dwelling", "resolved_address": "浦东新区某路4号"}])
    create(con, "staged_records", STAGED_RECORDS, [{"record_id": rid(40), "source": "checkpoint",
                                                    "source_file": "f", "source_row": 1, "n_copies": 1,
                                                    "name": "新人", "phone": "13900000000"}])
    n = build_published_items(con, published_at=T(2026, 11, 27, 3))
    build_review_items(con)
    got = con.execute("SELECT record_id, street_code, committee_code, kind, transferred_from_street, "
                      "original_night, deadline, packet_file, name FROM published_items ORDER BY 1").fetchall()
    assert n == 2 and got == [
        (rid(1), YJ, "310115013003", "transfer", LJZ, NIGHT, T(2026, 11, 28, 3), f"{YJ}_洋泾街道.xlsx", "测试人"),
        (rid(40), LJZ, "310115005002", "new", None, None, T(2026, 11, 28, 3), f"{LJZ}_陆家嘴街道.xlsx", "新人"),
    ]
    commit_replies(con, ledger, N26, items="published_items", review_items="review_items")

    n27 = N26 + dt.timedelta(days=1)
    write_packet(tmp_path / "27" / "yj.xlsx", YJ, N26, {"310115013003": [rid(1)]}, {rid(1): {"result": "已核实在住"}})
    take_replies(con, ledger, n27, tmp_path / "27")
    row = con.execute("SELECT street_code, dispatch_night, committee_code, applied FROM reply_labels").fetchone()
    assert row == (YJ, N26, "310115013003", True)
