"""The report's closed-loop sections: replies, accuracy from labels, turnaround, funnel, decide rules."""

from __future__ import annotations

import json

from streetlink.report import render_match_rate, summarise_run
from streetlink.report.loop import decide_rule_rows, replies_section
from streetlink.report.render import loop_charts


def _accuracy(key, dispatched, judged, confirmed, low, high, **extra):
    return {"dimension": "street", "key": key, "dispatched": dispatched, "answered": judged, "judged": judged,
            "confirmed": confirmed, "share": confirmed / judged, "low": low, "high": high,
            "coverage": judged / dispatched, **extra}


MEASURED = {
    "through_night": "2026-11-20", "as_of": "2026-11-21T00:00:00",
    "definitions": {"confirming": ["verified_resident"], "refuting": ["not_our_area"], "closing": [],
                    "home_rules": [], "interval": "Wilson, z=1.960"},
    "dispatched": 200, "answered": 120,
    "committee_accuracy": {
        "overall": _accuracy("all", 200, 120, 114, 0.894, 0.977),
        "by_street": [_accuracy("310115007", 200, 120, 114, 0.894, 0.977, street_name="周家渡街道")],
        "by_source": [_accuracy("checkpoint", 200, 120, 114, 0.894, 0.977)],
        "by_rule": [_accuracy("address_alone", 150, 100, 99, 0.945, 0.998)]},
    "turnaround": {"overall": {"n": 110, "median_hours": 20.5, "p90_hours": 41.0, "checked_before_publication": 2,
                               "closed_without_time": 0},
                   "by_street": [{"street_code": "310115007", "n": 110, "median_hours": 20.5, "p90_hours": 41.0}]},
    "open_overdue": [{"street_code": "310115007", "street_name": "周家渡街道", "open": 80, "overdue": 7,
                      "dispatched": 200, "answered": 120}],
    "series": [
        {"night": "2026-11-18", "dispatched": 100, "answered": 70, "judged": 70, "confirmed": 66, "share": 0.943,
         "low": 0.86, "high": 0.98, "coverage": 0.7, "turnaround_n": 70, "turnaround_median_hours": 40.0,
         "turnaround_p90_hours": 47.0},
        {"night": "2026-11-19", "dispatched": 100, "answered": 50, "judged": 50, "confirmed": 48, "share": 0.96,
         "low": 0.86, "high": 0.99, "coverage": 0.5, "turnaround_n": 40, "turnaround_median_hours": 12.5,
         "turnaround_p90_hours": 20.0}],
}
READ = {"files": [{"reply_file": "周家渡街道回执.xlsx", "status": "read", "kind": "packet", "rows_read": 121},
                  {"reply_file": "坏文件.xlsx", "status": "failed", "reason": "not a workbook", "rows_read": 0}],
        "files_read": 1, "files_failed": 1,
        "assessed": {"outcomes": {"applied": 120, "not_sent_to_this_street": 1}, "review_outcomes": {}},
        "transfers": {"transfer": 3, "manual": 2, "unresolved": 1}, "open_items": 80, "overdue_items": 7}
REFUSED = [{"kind": "packet", "reply_file": "周家渡街道回执.xlsx", "sheet": "齐河居委会", "row_number": 9,
            "record_id": "checkpoint:KK9", "refused_reason": "not_sent_to_this_street",
            "reason_label": "该街镇未收到过此记录"}]
FUNNEL = {"night": "2026-11-20", "stages": {"received": 7, "linked": 6, "screened": 3, "pushed": 3,
                                            "emergency_orders": 1},
          "by_rule": [{"rule": "fever_reported", "title": "自报发热", "priority": "urgent", "records": 1, "pushed": 1,
                       "cases": 1}],
          "pushed_by_priority": {"urgent": 1, "high": 1, "normal": 1}, "cases": {"total": 3}}


def test_replies_section_counts_what_was_applied_and_refused():
    r = replies_section(MEASURED, READ, {"repeats": 4, "repeats_not_published": 3}, REFUSED)
    assert (r["rows_applied"], r["rows_refused"]) == (120, 1)
    assert r["refused_by_reason"] == [{"reason": "not_sent_to_this_street", "label": "该街镇未收到过此记录", "rows": 1}]
    assert r["repeats_not_published"] == 3 and r["any"]


def test_the_page_shows_accuracy_turnaround_funnel_and_rules(con, run_info, tmp_path):
    s = summarise_run(con, run_info)
    s["replies"] = replies_section(MEASURED, READ, {"repeats": 0, "repeats_not_published": 0}, REFUSED)
    s["screening"] = {"rules": {"version": "2026-11-25.1", "sha256": "ab" * 32, "key_areas_sha256": "cd" * 32,
                                "key_areas": 5},
                      "funnel": FUNNEL, "reconciled": True, "problems": [], "history": []}
    s["decide_rules"] = [{"rule": "address_alone", "decision": "dispatched", "tonight": 3, "trained_records": 1142,
                          "trained_wrong": 0, "trained_precision": 1.0}]
    json.dumps(s)
    html = render_match_rate(s, [], tmp_path / "2026-11-20" / "match_rate.html").read_text(encoding="utf-8")
    assert "114 / 120 = <b>95.0%</b>" in html and "89.4% – 97.7%" in html  # Wilson interval shown
    assert "中位数 <b>20.50</b> 小时" in html and "48 小时" in html and "12 小时" in html
    assert "checkpoint:KK9" in html and "该街镇未收到过此记录" in html and "坏文件.xlsx" in html
    assert "2026-11-25.1" in html and "ab" * 32 in html and "自报发热" in html
    assert "address_alone" in html and "100.00%" in html  # training precision beside tonight's records
    charts = loop_charts(s)
    assert charts["accuracy_chart"] and charts["turnaround_chart"]
    assert [x["median_hours"] for x in charts["street_loop"]] == [20.5]


def test_decide_rules_join_tonight_with_training(tmp_path):
    (tmp_path / "decision.json").write_text(json.dumps({"rules": {
        "address_alone": {"decision": "dispatched", "records": 10, "wrong": 1, "committee_precision": 0.9},
        "outside_pudong": {"decision": "review", "records": 3}}}), encoding="utf-8")
    rows = decide_rule_rows({"by_rule": {"address_alone": 5, "clerk_new": 1}}, tmp_path)
    assert [(r["rule"], r["tonight"], r["trained_precision"]) for r in rows] == [
        ("address_alone", 5, 0.9), ("clerk_new", 1, None), ("outside_pudong", 0, None)]
