"""Accuracy, person-link precision, home staleness, turnaround and coverage from labels;
the labels as evidence for learning."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import numpy as np
import pytest

from streetlink.replies import (
    attached_ledger,
    label_evidence,
    load_settings,
    measure_from_labels,
    wilson_interval,
)

from .conftest import NIGHT, item, publish, rid

LJZ, YJ = "310115005", "310115013"
N25 = NIGHT + dt.timedelta(days=1)
P24, P25 = dt.datetime(2026, 11, 25, 3), dt.datetime(2026, 11, 26, 3)  # publication times
H = dt.timedelta(hours=1)

# record, night, committee, extra item fields, (result, hours after publication) or None
PLAN = [
    (1, NIGHT, "310115005001", {"rule": "address_alone"}, ("verified_resident", 6)),
    (2, NIGHT, "310115005001", {"rule": "address_alone"}, ("verified_moved", 12)),
    (3, NIGHT, "310115005001", {"rule": "address_alone", "source": "hotline"}, ("wrong_address", 24)),
    (4, NIGHT, "310115005002", {"basis": "person_registered_home", "person_id": "P4", "source": "healthcloud"},
     ("verified_moved", 2)),
    (5, NIGHT, "310115005002", {"rule": "person_registered_home", "person_id": "P5", "source": "healthcloud"},
     ("verified_resident", 1)),
    (6, NIGHT, "310115005002", {"rule": "address_alone"}, ("duplicate", 4)),
    (7, NIGHT, "310115005002", {"rule": "address_alone"}, None),
    (8, NIGHT, "310115013001", {"rule": "address_alone", "person_id": "P8"}, ("not_found", 10)),
    (9, NIGHT, "310115013001", {"rule": "address_alone"}, ("not_our_area", 20)),
    (10, NIGHT, "310115013001", {}, ("other", 5)),
    (11, N25, "310115005001", {"rule": "address_alone"}, ("verified_resident", 8)),
    (12, N25, "310115013001", {"kind": "transfer", "transferred_from_street": LJZ}, ("verified_resident", 2)),
    (9, N25, "310115005002", {"kind": "transfer", "transferred_from_street": YJ}, ("verified_resident", 3)),
]


def _source(extra):
    return extra.get("source", "checkpoint")


@pytest.fixture
def world(con, ledger):
    for night, published in ((NIGHT, P24), (N25, P25)):
        items = [item(rid(n, _source(x)), c, basis=x.get("basis", "address_dwelling"),
                      **{k: v for k, v in x.items() if k not in ("basis",)}, deadline=published + 24 * H)
                 for n, nt, c, x, _ in PLAN if nt == night]
        publish(con, ledger, night, items, published_at=published)
    c = duckdb.connect(str(ledger))
    for i, (n, night, committee, x, answer) in enumerate(PLAN):
        if answer is None:
            continue
        published = P24 if night == NIGHT else P25
        read_night = night + dt.timedelta(days=2)
        c.execute("""INSERT INTO labels (record_id, reply_file, file_sha256, sheet, row_number, street_code,
                         dispatch_night, committee_code, result, transfer_committee_code, checked_at, read_night,
                         read_at, applied)
                     VALUES (?, 'f.xlsx', 'sha', 's', ?, ?, ?, ?, ?, ?, ?, ?, ?, true)""",
                  [rid(n, _source(x)), i, committee[:9], night, committee, answer[0],
                   "310115005002" if n == 9 and night == NIGHT else None, published + answer[1] * H,
                   read_night, dt.datetime.combine(read_night, dt.time(2))])
    # a refused row says nothing
    c.execute("""INSERT INTO labels (record_id, reply_file, file_sha256, sheet, row_number, street_code, result,
                     read_night, read_at, applied, refused_reason)
                 VALUES (?, 'g.xlsx', 'sha2', 's', 1, ?, 'verified_resident', ?, ?, false, 'not_sent_to_this_street')""",
              [rid(7), YJ, N25 + dt.timedelta(days=2), dt.datetime(2026, 11, 28)])
    c.close()
    return ledger


def _measure(con, ledger, night=N25 + dt.timedelta(days=2)):
    with attached_ledger(con, ledger):
        return measure_from_labels(con, night)


def _row(rows, key):
    [r] = [r for r in rows if r["key"] == key]
    return r


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    (0, 10, 0.0, 0.2775), (1, 10, 0.0179, 0.4042), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0),
    (50, 50, 0.9287, 1.0), (95, 100, 0.8882, 0.9785),
])
def test_wilson_interval_known_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)


def test_wilson_interval_of_nothing():
    assert wilson_interval(0, 0) is None


def test_committee_accuracy(con, world):
    s = _measure(con, world)
    acc = s["committee_accuracy"]
    overall = acc["overall"]
    # record 3's 地址错误 is a dispute nothing has followed yet (no later dispatch, no clerk):
    # neither right nor wrong; record 9's 非本辖区 was upheld by the transfer's confirmation
    assert (overall["dispatched"], overall["answered"], overall["judged"], overall["confirmed"]) == (13, 12, 9, 8)
    assert overall["disputed"] == 1
    assert overall["share"] == pytest.approx(8 / 9, abs=1e-4)
    lo, hi = wilson_interval(8, 9)
    assert (overall["low"], overall["high"]) == (pytest.approx(lo, abs=1e-4), pytest.approx(hi, abs=1e-4))
    street = {r["key"]: (r["judged"], r["confirmed"], r["street_name"]) for r in acc["by_street"]}
    assert street == {LJZ: (6, 6, "陆家嘴街道"), YJ: (3, 2, "洋泾街道")}
    rule = {r["key"]: (r["judged"], r["confirmed"]) for r in acc["by_rule"]}
    assert rule == {"address_alone": (5, 4), "person_registered_home": (2, 2), "transfer": (2, 2),
                    "address_dwelling": (0, 0)}
    source = {r["key"]: (r["judged"], r["confirmed"]) for r in acc["by_source"]}
    assert source == {"checkpoint": (7, 6), "hotline": (0, 0), "healthcloud": (2, 2)}
    series = {r["night"]: (r["dispatched"], r["judged"], r["confirmed"]) for r in s["series"]}
    assert series == {NIGHT.isoformat(): (10, 6, 5), N25.isoformat(): (3, 3, 3)}
    json.dumps(s)  # JSON-able for the report


def test_person_link_precision_and_home_staleness(con, world):
    s = _measure(con, world)
    person = s["person_link_precision"]["overall"]
    assert (person["n"], person["k"]) == (2, 1)  # P5 resident, P8 not found; P4 moved says nothing
    home = s["home_stale"]["overall"]
    assert (home["n"], home["k"], home["share"]) == (2, 1, 0.5)  # r4 (by basis) moved, r5 resident
    assert {r["key"]: r["n"] for r in s["home_stale"]["by_street"]} == {LJZ: 2}


def test_turnaround_percentiles(con, world):
    s = _measure(con, world)
    t = s["turnaround"]
    hours = [6, 12, 24, 2, 1, 4, 10, 20, 8, 2, 3]  # every closing answer; r10's 'other' does not close
    assert t["overall"]["n"] == len(hours)
    assert t["overall"]["median_hours"] == pytest.approx(np.percentile(hours, 50))
    assert t["overall"]["p90_hours"] == pytest.approx(np.percentile(hours, 90))
    by_street = {r["street_code"]: r for r in t["by_street"]}
    ljz = [6, 12, 24, 2, 1, 4, 8, 3]
    assert by_street[LJZ]["median_hours"] == pytest.approx(np.percentile(ljz, 50))
    assert by_street[LJZ]["p90_hours"] == pytest.approx(np.percentile(ljz, 90))
    by_committee = {r["committee_code"]: r["n"] for r in t["by_committee"]}
    assert by_committee == {"310115005001": 4, "310115005002": 4, "310115013001": 3}
    series = {r["night"]: r["turnaround_median_hours"] for r in s["series"]}
    assert series[N25.isoformat()] == pytest.approx(np.percentile([8, 2, 3], 50))


def test_coverage_open_and_overdue(con, world):
    s = _measure(con, world)
    assert (s["dispatched"], s["answered"]) == (13, 12)
    per_street = {r["street_code"]: (r["dispatched"], r["answered"], r["open"], r["overdue"])
                  for r in s["open_overdue"]}
    assert per_street == {LJZ: (9, 8, 1, 1), YJ: (4, 4, 1, 1)}  # r7 unanswered, r10 'other'


def test_nothing_answered_yet(con, ledger):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    s = _measure(con, ledger, NIGHT)
    assert s["committee_accuracy"]["overall"]["judged"] == 0
    assert s["committee_accuracy"]["overall"]["share"] is None
    assert s["turnaround"]["overall"]["median_hours"] is None
    json.dumps(s)


def test_label_evidence(con, world):
    with attached_ledger(con, world):
        counts = label_evidence(con, N25 + dt.timedelta(days=2))
        strict = label_evidence(con, N25 + dt.timedelta(days=2),
                                settings=load_settings().with_overrides(min_answers_per_rule=5))
    ev = {r[0]: r[1:] for r in con.execute(
        "SELECT record_id, committee_confirmed, true_committee_code, person_confirmed, home_stale FROM label_evidence"
    ).fetchall()}
    assert ev[rid(1)] == (True, "310115005001", None, None)
    assert ev[rid(3, "hotline")] == (None, None, None, None)  # 地址错误, nothing followed yet: a dispute
    assert ev[rid(4, "healthcloud")] == (True, "310115005002", None, True)
    assert ev[rid(5, "healthcloud")] == (True, "310115005002", True, False)
    assert ev[rid(6)] == (None, None, None, None)
    assert ev[rid(8)] == (True, "310115013001", False, None)
    assert ev[rid(9)] == (False, "310115005002", None, None)  # refuted; the transfer was confirmed there
    assert rid(7) not in ev  # never answered
    assert len(ev) == 11
    assert counts["address_alone"] == {"labelled": 7, "answered": 5, "confirmed": 4, "refuted": 1, "enough": False}
    assert {r: c["enough"] for r, c in strict.items()} == {
        "address_alone": True, "address_dwelling": False, "person_registered_home": False}


def test_a_refutation_the_same_committee_later_confirms_is_overturned(con, ledger):
    # record 1: 梅园一村 answers 地址错误, a clerk sends it back there, 梅园一村 confirms: the
    # committee was right after all. Record 2: refuted, sent back, refuted again: wrong.
    # Record 3: refuted, then confirmed at ANOTHER committee: the first one stays wrong.
    c1, c2 = "310115005001", "310115005002"
    publish(con, ledger, NIGHT, [item(rid(n), c1, rule="address_alone", deadline=P24 + 24 * H) for n in (1, 2, 3)],
            published_at=P24)
    publish(con, ledger, N25, [item(rid(1), c1, kind="manual", deadline=P25 + 24 * H),
                               item(rid(2), c1, kind="manual", deadline=P25 + 24 * H),
                               item(rid(3), c2, kind="manual", deadline=P25 + 24 * H)], published_at=P25)
    answers = [(1, NIGHT, c1, "wrong_address"), (2, NIGHT, c1, "not_our_area"), (3, NIGHT, c1, "wrong_address"),
               (1, N25, c1, "verified_resident"), (2, N25, c1, "wrong_address"), (3, N25, c2, "verified_resident")]
    c = duckdb.connect(str(ledger))
    for i, (n, night, committee, result) in enumerate(answers):
        published = P24 if night == NIGHT else P25
        read_night = night + dt.timedelta(days=1)
        c.execute("""INSERT INTO labels (record_id, reply_file, file_sha256, sheet, row_number, street_code,
                         dispatch_night, committee_code, result, checked_at, read_night, read_at, applied)
                     VALUES (?, 'f.xlsx', 'sha', 's', ?, ?, ?, ?, ?, ?, ?, ?, true)""",
                  [rid(n), i, committee[:9], night, committee, result, published + 6 * H, read_night,
                   dt.datetime.combine(read_night, dt.time(2))])
    c.close()
    s = _measure(con, ledger)
    rule = {r["key"]: (r["judged"], r["confirmed"], r["overturned"]) for r in s["committee_accuracy"]["by_rule"]}
    assert rule["address_alone"] == (3, 1, 1)
    with attached_ledger(con, ledger):
        label_evidence(con, N25 + dt.timedelta(days=2))
    first = dict(con.execute("SELECT record_id, committee_confirmed FROM label_evidence").fetchall())
    assert first == {rid(1): True, rid(2): False, rid(3): False}


def test_a_refutation_a_clerk_closes_is_upheld_and_one_nothing_followed_is_pending(con, ledger):
    c1 = "310115005001"
    publish(con, ledger, NIGHT, [item(rid(n), c1, rule="address_alone", deadline=P24 + 24 * H) for n in (1, 2)],
            published_at=P24)
    c = duckdb.connect(str(ledger))
    for n in (1, 2):
        c.execute("""INSERT INTO labels (record_id, reply_file, file_sha256, sheet, row_number, street_code,
                         dispatch_night, committee_code, result, checked_at, read_night, read_at, applied)
                     VALUES (?, 'f.xlsx', 'sha', 's', ?, ?, ?, ?, 'wrong_address', ?, ?, ?, true)""",
                  [rid(n), n, c1[:9], NIGHT, c1, P24 + 6 * H, N25, dt.datetime.combine(N25, dt.time(2))])
    # record 1: the clerk found no place for it (无法定位结案): the refutation stands
    c.execute("""INSERT INTO review_actions (record_id, reply_file, file_sha256, sheet, row_number, review_night,
                     action, read_night, read_at, applied)
                 VALUES (?, 'r.xlsx', 'sha3', 's', 1, ?, 'close_unlocatable', ?, ?, true)""",
              [rid(1), N25, N25 + dt.timedelta(days=1), dt.datetime.combine(N25 + dt.timedelta(days=1), dt.time(2))])
    c.close()
    overall = _measure(con, ledger)["committee_accuracy"]["overall"]
    assert (overall["judged"], overall["confirmed"], overall["disputed"], overall["overturned"]) == (1, 0, 1, 0)
