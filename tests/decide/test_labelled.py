"""labelled.sql's label_truth: which answers become truth for the threshold search, and how."""

from __future__ import annotations

import duckdb

from streetlink import sql
from streetlink.decide.labelled import PACKAGE
from streetlink.replies.settings import load_settings

A, B = "310115007001", "310115007002"


def _label_truth(rows: list[tuple], actions: tuple[tuple, ...] = ()) -> dict[str, tuple]:
    con = duckdb.connect()
    con.execute("""CREATE TABLE evidence (record_id VARCHAR, source VARCHAR, committee_code VARCHAR,
                   result VARCHAR, committee_confirmed BOOLEAN, true_committee_code VARCHAR)""")
    con.executemany("INSERT INTO evidence VALUES (?, 'hotline', ?, ?, ?, ?)", rows)
    con.execute("""CREATE TABLE review_actions (record_id VARCHAR, applied BOOLEAN, action VARCHAR,
                   committee_code VARCHAR, read_at TIMESTAMP)""")
    if actions:
        con.executemany("INSERT INTO review_actions VALUES (?, ?, ?, ?, TIMESTAMP '2026-11-25 10:00')", actions)
    con.execute("""CREATE TABLE records AS SELECT record_id FROM evidence
                   UNION SELECT record_id FROM review_actions""")
    sql.run(con, PACKAGE, "label_truth", {"closing": list(load_settings().closing_results)}, out="label_truth", evidence="evidence", records="records",
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
