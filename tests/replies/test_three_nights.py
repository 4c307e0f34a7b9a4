"""Three nights through the package's entry points, as the nightly run would wire them:
transfers land in the right street's next packet, refused replies are reported, nothing
is counted twice, and a rerun of a night changes nothing."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb

from streetlink.contracts import DECISIONS, STAGED_RECORDS
from streetlink.replies import (
    attached_ledger,
    measure_from_labels,
    record_night,
    stage_publication,
    take_replies,
    write_replies_parquet,
)

from .conftest import create, ledger_dump, make_admin, rid, write_packet, write_review

LJZ, YJ = "310115005", "310115013"
N24, N25, N26 = dt.date(2026, 11, 24), dt.date(2026, 11, 25), dt.date(2026, 11, 26)
T = dt.datetime


def _decisions(rows):
    out = []
    for record_id, decision, where in rows:
        row = {"record_id": record_id, "source": record_id.split(":")[0], "decision": decision,
               "basis": "address_dwelling" if decision == "dispatched" else None,
               "resolved_address": f"浦东新区{record_id[-3:]}号"}
        if decision == "dispatched":
            row.update(street_code=where[:9], committee_code=where)
        else:
            row["reason"] = where
        out.append(row)
    return out


def _run(tmp_path, night, decisions=None, measure=False):
    """One night: replies, decide's output (given), publication. Returns the run connection."""
    con = duckdb.connect()
    make_admin(con)
    if decisions is not None:
        create(con, "decisions", DECISIONS, _decisions(decisions))
        create(con, "staged_records", STAGED_RECORDS, [
            {"record_id": r, "source": r.split(":")[0], "source_file": "f", "source_row": 1, "n_copies": 1,
             "name": f"人{r[-2:]}", "phone": "13900000000", "address": "某路"} for r, _, _ in decisions])
    ledger = tmp_path / "out" / "ledger.duckdb"
    summary = take_replies(con, tmp_path / "inbox" / night.isoformat() / "replies", ledger, night,
                           read_at=T.combine(night + dt.timedelta(days=1), dt.time(2)))
    published_at = T.combine(night + dt.timedelta(days=1), dt.time(3))
    staged = stage_publication(con, published_at=published_at)
    if measure:  # the report is written before publication: tonight's labels are pending
        with attached_ledger(con, ledger):
            staged["report"] = measure_from_labels(con, night, pending_labels="reply_labels")
    write_replies_parquet(con, tmp_path / "out" / night.isoformat() / "replies.parquet")
    record_night(con, ledger, night, published_at=published_at, model_version="m1")
    return con, summary, staged


def _items(con):
    return {r[0]: r[1:] for r in con.execute(
        "SELECT record_id, street_code, committee_code, kind, transferred_from_street FROM published_items").fetchall()}


def test_three_nights(tmp_path):
    inbox = tmp_path / "inbox"
    ledger = tmp_path / "out" / "ledger.duckdb"

    # Night 24: no replies yet; 陆家嘴 gets rid 1–3, 洋泾 rid 20–21; rid 30 goes to review.
    con, summary, staged = _run(tmp_path, N24, [
        (rid(1), "dispatched", "310115005001"), (rid(2), "dispatched", "310115005001"),
        (rid(3), "dispatched", "310115005002"), (rid(20), "dispatched", "310115013001"),
        (rid(21), "dispatched", "310115013001"), (rid(30), "review", "address_ambiguous"),
    ])
    assert summary["files"] == [] and staged == {"repeats": 0, "published_items": 5, "review_items": 1}

    # Night 25: 陆家嘴 answers (rid 2 belongs to 洋泾's 樱花新苑), the clerk dispatches rid 30,
    # a broken file fails alone; tonight's extracts bring rid 40 for 洋泾 and rid 1 again (a repeat).
    r25 = inbox / "2026-11-25" / "replies"
    write_packet(r25 / "陆家嘴.xlsx", LJZ, N24, {"310115005001": [rid(1), rid(2)], "310115005002": [rid(3)]}, {
        rid(1): {"result": "其他", "note": "明日再访", "time": "11月25日 10:00"},
        rid(2): {"result": "非本辖区", "transfer": "樱花新苑居委会", "time": "11月25日 11:00"},
        rid(3): {"result": "已核实在住", "time": T(2026, 11, 25, 9)}})
    write_review(r25 / "review.xlsx", N24, [{"record_id": rid(30), "action": "派发至指定居村委",
                                              "code": 310115013001}])
    (r25 / "broken.xlsx").write_bytes(b"not a workbook")
    con, summary, staged = _run(tmp_path, N25, [(rid(40), "dispatched", "310115013003")])
    assert [(f["reply_file"], f["status"]) for f in summary["files"]] == [
        ("broken.xlsx", "failed"), ("review.xlsx", "read"), ("陆家嘴.xlsx", "read")]
    assert _items(con) == {
        rid(2): (YJ, "310115013003", "transfer", LJZ),  # in 洋泾's packet tonight, from 陆家嘴
        rid(30): (YJ, "310115013001", "manual", None),
        rid(40): (YJ, "310115013003", "new", None),
    }
    assert summary["open_items"] == 3  # rid 1 ('other'), rid 20, rid 21

    # Night 26: only replies. 洋泾 answers both its packets; 陆家嘴 sends its old file again and
    # answers a record it was never sent.
    r26 = inbox / "2026-11-26" / "replies"
    write_packet(r26 / "洋泾-24.xlsx", YJ, N24, {"310115013001": [rid(20), rid(21)]}, {
        rid(20): {"result": "已核实在住", "time": T(2026, 11, 25, 20)},
        rid(21): {"result": "非本辖区"}})  # no target: to the clerks
    write_packet(r26 / "洋泾-25.xlsx", YJ, N25, {"310115013003": [rid(2), rid(40)], "310115013001": [rid(30)]}, {
        rid(2): {"result": "已核实在住", "time": T(2026, 11, 26, 10)},
        rid(40): {"result": "已核实不在住", "time": T(2026, 11, 26, 11)},
        rid(30): {"result": "查无此人", "time": T(2026, 11, 26, 12)}})
    shutil.copy(r25 / "陆家嘴.xlsx", r26 / "陆家嘴(再次发送).xlsx")
    write_packet(r26 / "陆家嘴-补.xlsx", LJZ, N25, {"310115005001": [rid(40)]}, {rid(40): {"result": "已核实在住"}})
    con, summary, staged = _run(tmp_path, N26, measure=True)
    assert staged["published_items"] == 0 and staged["review_items"] == 1  # rid 21 → review
    outcomes = summary["assessed"]["outcomes"]
    assert outcomes == {"applied": 5, "repeated_reply": 3, "not_sent_to_this_street": 1}
    replies = duckdb.sql(f"SELECT record_id, applied, refused_reason FROM "
                         f"read_parquet('{tmp_path}/out/2026-11-26/replies.parquet') WHERE NOT applied "
                         f"ORDER BY ALL").fetchall()
    assert replies == [(rid(1), False, "repeated_reply"), (rid(2), False, "repeated_reply"),
                       (rid(3), False, "repeated_reply"), (rid(40), False, "not_sent_to_this_street")]
    assert con.execute("SELECT record_id, why FROM transfer_review").fetchall() == [(rid(21), "no_target")]

    # Nothing counted twice: one label per answer, each dispatch measured once.
    with attached_ledger(con, ledger):
        s = measure_from_labels(con, N26)
    acc = s["committee_accuracy"]["overall"]
    # what the report said before publication is what the ledger says after it
    before = staged["report"]
    assert before["committee_accuracy"] == s["committee_accuracy"] and before["turnaround"] == s["turnaround"]
    # dispatches: 5 (night 24) + 3 (night 25); answered: rid 1, 2, 3, 20, 21 (24) and 2, 30, 40 (25)
    # rid 21's 非本辖区 is in the review queue, nothing has followed: a dispute, not yet judged
    assert (acc["dispatched"], acc["answered"], acc["judged"], acc["confirmed"]) == (8, 8, 6, 5)
    assert acc["disputed"] == 1
    by_rule = {r["key"]: (r["judged"], r["confirmed"]) for r in s["committee_accuracy"]["by_rule"]}
    assert by_rule == {"address_dwelling": (4, 3), "transfer": (1, 1), "manual": (1, 1)}
    c = duckdb.connect(str(ledger), read_only=True)
    # the file sent again added no row (its rows were already read); the refused row is kept
    assert c.execute("SELECT count(*) FILTER (WHERE applied), count(*) FROM labels").fetchone() == (8, 9)
    c.close()

    # A rerun of night 26 leaves the ledger as it was.
    before = ledger_dump(ledger)
    _run(tmp_path, N26)
    assert ledger_dump(ledger) == before
