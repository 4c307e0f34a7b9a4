"""labelled.sql's label_truth: which answers become truth for the threshold search, and how."""

from __future__ import annotations

import duckdb

from streetlink.decide.labelled import label_truth
from streetlink.replies.settings import load_settings

A, B = "310115007001", "310115007002"


def _label_truth(rows: list[tuple], actions: tuple[tuple, ...] = ()) -> dict[str, tuple]:
    con = duckdb.connect()
    # every record dispatched on night 24; a review action without a night is from night 26's
    # workbook (after the dispatch), one with a night from that night's
    con.execute("""CREATE TABLE evidence (record_id VARCHAR, source VARCHAR, committee_code VARCHAR,
                   result VARCHAR, committee_confirmed BOOLEAN, true_committee_code VARCHAR, night DATE,
                   home_stale BOOLEAN)""")
    con.executemany("INSERT INTO evidence VALUES (?, 'hotline', ?, ?, ?, ?, DATE '2026-11-24', ?)",
                    [(*r, None) if len(r) == 5 else r for r in rows])
    con.execute("""CREATE TABLE review_actions (record_id VARCHAR, applied BOOLEAN, action VARCHAR,
                   committee_code VARCHAR, review_night DATE, read_at TIMESTAMP)""")
    for action in actions:
        night = action[4] if len(action) > 4 else "2026-11-26"
        con.execute("INSERT INTO review_actions VALUES (?, ?, ?, ?, ?::DATE, ?::DATE + INTERVAL 34 HOUR)",
                    [*action[:4], night, night])
    con.execute("""CREATE TABLE records AS SELECT record_id FROM evidence
                   UNION SELECT record_id FROM review_actions""")
    label_truth(con, list(load_settings().closing_results), evidence="evidence", records="records",
                review_actions="review_actions")
    return {r[0]: r[1:] for r in con.execute(
        "SELECT record_id, placeable, true_committee_code FROM label_truth").fetchall()}


def test_only_answers_that_speak_to_the_committee_become_truth():
    truth = _label_truth([
        ("confirmed", A, "verified_resident", True, A),
        ("moved_on", A, "not_our_area", False, B),           # refuted, the street names B
        ("careless", A, "not_our_area", False, None),         # refuted without a place: left out
        ("duplicate", A, "duplicate", None, None),            # says nothing of the committee
        ("disputed", A, "wrong_address", None, None),         # a refutation still pending
    ])
    assert truth == {"confirmed": (True, A), "moved_on": (True, B)}


def test_an_other_answer_leaves_the_committee_open_so_its_dispatch_is_not_right():
    # 其他 "涉及两个居委，已协同处理": the street did not confirm the one committee it was sent;
    # loosening a threshold on such answers would count them neither way and hide them
    truth = _label_truth([("two_committees", A, "other", None, None)])
    assert truth == {"two_committees": (False, None)}


def test_a_clerks_decision_labels_a_record_no_street_answered():
    # what a looser threshold would add lies in the review queue; the clerks' decisions are
    # its only answers until a manual dispatch is confirmed
    truth = _label_truth(
        [("answered", A, "verified_resident", True, A)],
        (("answered", True, "dispatch_committee", B),       # the street's answer comes first
         ("manual", True, "dispatch_candidate_1", B),
         ("unlocatable", True, "close_unlocatable", None),  # places nowhere: a dispatch is not right
         ("returned", True, "return_to_source", None),
         ("unreadable", True, "dispatch_committee", None),  # no committee could be read: says nothing
         ("refused", False, "dispatch_committee", A),       # not applied: says nothing
         ("abroad", True, "outside_pudong", None)))
    assert truth == {"answered": (True, A), "manual": (True, B), "unlocatable": (False, None),
                     "returned": (False, None), "abroad": (False, None)}


def test_a_clerk_settles_a_refutation_that_names_no_place():
    # 地址错误 / 非本辖区 without 转派至: the record comes back to the review queue, and the
    # clerk's decision there upholds the refutation (another committee, a closing, 区外转办)
    # or leaves it open (the same committee again: a careless street's slip, overturned only
    # when that committee confirms)
    truth = _label_truth(
        [("sent_elsewhere", A, "wrong_address", None, None),
         ("closed", A, "not_our_area", False, None),
         ("abroad", A, "wrong_address", None, None),
         ("sent_back", A, "wrong_address", None, None),
         ("waiting", A, "wrong_address", None, None),
         ("decided_before", A, "wrong_address", None, None),
         ("not_applied", A, "wrong_address", None, None)],
        (("sent_elsewhere", True, "dispatch_committee", B),
         ("closed", True, "close_unlocatable", None),
         ("abroad", True, "outside_pudong", None),
         ("sent_back", True, "dispatch_candidate_1", A),
         ("decided_before", True, "dispatch_committee", B, "2026-11-23"),  # before the dispatch
         ("not_applied", False, "dispatch_committee", B)))
    assert truth == {"sent_elsewhere": (True, B), "closed": (False, None), "abroad": (False, None)}


def test_a_stale_registered_home_is_a_wrong_door_for_the_record():
    # 已核实不在住 confirms the committee holds the address (REPLIES.md) and refutes the home:
    # the person is not there, so the home placement was not right; where they live is unknown
    truth = _label_truth([
        ("stale_home", A, "verified_moved", True, A, True),
        ("home_found", A, "verified_resident", True, A, False),
        ("address_moved", A, "verified_moved", True, A, None),  # not a home placement: the address was right
    ])
    assert truth == {"stale_home": (False, None), "home_found": (True, A), "address_moved": (True, A)}
