import datetime as dt
import json
import re

import pytest

from streetlink.report import FileResult, load_history, render_match_rate, summarise_run
from streetlink.report.render import sparkline, trend_rows


def render(con, run_info, tmp_path, history=()):
    summary = summarise_run(con, run_info)
    path = render_match_rate(summary, list(history), tmp_path / "2026-11-20" / "match_rate.html")
    return summary, path.read_text(encoding="utf-8")


def test_summary_counts_rates_and_reconciliation(con, run_info):
    s = summarise_run(con, run_info)
    json.dumps(s)  # serialisable as is

    assert s["totals"]["records"] == 7
    assert (s["totals"]["dispatched"], s["totals"]["review"], s["totals"]["rejected"]) == (3, 3, 1)
    assert s["totals"]["match_rate"] == pytest.approx(3 / 7, abs=1e-6)
    assert s["totals"]["reconciled"] is True
    checkpoint = s["sources"][0]
    assert [x["source"] for x in s["sources"]] == ["checkpoint", "hotline", "healthcloud"]
    assert (checkpoint["rows_read"], checkpoint["duplicates_collapsed"], checkpoint["records"]) == (4, 1, 3)
    assert checkpoint["match_rate"] == pytest.approx(2 / 3, abs=1e-6)
    assert checkpoint["dispatched_to_dwelling"] == 1 and checkpoint["person_linked"] == 1


def test_street_match_rate_counts_likely_review_records(con, run_info):
    s = summarise_run(con, run_info)
    streets = {x["street_code"]: x for x in s["streets"]}
    assert list(streets) == ["310115004", "310115007", "310115125"]  # every street, even idle ones
    assert (streets["310115004"]["dispatched"], streets["310115004"]["review"]) == (2, 1)  # via street text
    assert streets["310115004"]["match_rate"] == pytest.approx(2 / 3, abs=1e-6)
    assert (streets["310115007"]["dispatched"], streets["310115007"]["review"]) == (1, 1)  # via top candidate
    assert streets["310115007"]["street_name"] == "周家渡街道"
    assert streets["310115125"]["match_rate"] is None
    assert s["unattributed_review"] == 1  # the outside-Pudong record belongs to no street


def test_reasons_and_bases_carry_codes_and_labels(con, run_info):
    s = summarise_run(con, run_info)
    assert {(r["decision"], r["code"], r["label"], r["count"]) for r in s["reasons"]} == {
        ("review", "address_ambiguous", "地址匹配到多个居村委候选", 1),
        ("review", "vague_address", "地址过于模糊且身份无法确认", 1),
        ("review", "outside_pudong", "地址在浦东新区以外", 1),
        ("rejected", "bad_json_line", "无法解析的JSON行", 1),
    }
    assert {b["code"]: b["count"] for b in s["bases"]} == {
        "address_dwelling": 1, "person_registered_home": 1, "address_building": 1}


def test_report_shows_reconciliation_model_hash_and_no_partial_banner(con, run_info, tmp_path):
    _, html = render(con, run_info, tmp_path)
    assert "数量核对" in html and html.count("✓ 平衡") == 4  # three sources and the total
    assert "✗ 不平衡" not in html and "COUNTS DO NOT RECONCILE" not in html
    assert "PARTIAL RUN" not in html
    assert "9f2c4e1b7a3d5f60" * 4 in html and "dispatch_threshold" in html and "0.9" in html
    assert "sha256:feedface" in html and "5,700" in html
    assert "周家渡街道" in html and "42.86%" in html  # street names, overall rate
    assert "address_ambiguous" in html and "地址匹配到多个居村委候选" in html
    assert "地址匹配到实有房屋" in html  # dispatch bases
    assert "notes.txt" in html and "no source claims this file" in html
    assert "standardise" in html and "3.25" in html
    assert (tmp_path / "2026-11-20" / "summary.json").is_file()


def test_a_failed_file_raises_the_partial_banner(con, run_info_with, tmp_path):
    info = run_info_with(files=(
        FileResult("checkpoint_2026-11-20.csv", "checkpoint", "read", rows_read=4),
        FileResult("hotline_2026-11-20.xlsx", "hotline", "failed", reason="missing header(s): 来电人"),
    ))
    assert info.is_partial
    summary, html = render(con, info, tmp_path)
    assert summary["partial"] is True
    assert "PARTIAL RUN" in html and "1 个文件读取失败" in html
    assert "missing header(s): 来电人" in html and "读取失败 failed" in html


def test_counts_that_do_not_reconcile_are_flagged(con, run_info_with, tmp_path):
    info = run_info_with(rows_read={"checkpoint": 5, "hotline": 2, "healthcloud": 2})
    summary, html = render(con, info, tmp_path)
    assert [x["reconciled"] for x in summary["sources"]] == [False, True, True]
    assert summary["totals"]["reconciled"] is False
    assert html.count("✗ 不平衡") == 2 and "COUNTS DO NOT RECONCILE" in html


def test_a_record_without_a_decision_breaks_the_reconciliation(con, run_info, tmp_path):
    con.execute("DELETE FROM decisions WHERE record_id = 'hotline:GD1'")
    summary = summarise_run(con, run_info)
    hotline = summary["sources"][1]
    assert (hotline["records"], hotline["decided"], hotline["undecided"]) == (2, 1, 1)
    assert hotline["reconciled"] is False


def test_without_flow_counts_rows_are_derived_from_staged_copies(con, run_info_with):
    summary = summarise_run(con, run_info_with(rows_read={}, duplicates_collapsed={}))
    checkpoint = summary["sources"][0]
    assert (checkpoint["rows_read"], checkpoint["duplicates_collapsed"], checkpoint["rows_read_from"]) == (
        4, 1, "staged_records")
    assert summary["totals"]["reconciled"] is True


def test_no_personal_data_appears_unmasked(con, run_info, tmp_path, personal):
    _, html = render(con, run_info, tmp_path)
    stored = (tmp_path / "2026-11-20" / "summary.json").read_text(encoding="utf-8")
    for text in (html, stored, json.dumps(json.loads(stored), ensure_ascii=True)):
        for value in personal["names"] + personal["ids"] + personal["phones"]:
            assert value not in text
            assert value.lower() not in text.lower()
    assert "王*芳" in html and "310***********0029" in html and "138****5678" in html


def test_review_sample_is_masked(con, run_info):
    sample = {r["record_id"]: r for r in summarise_run(con, run_info)["review_sample"]}
    assert set(sample) == {"checkpoint:KK3", "hotline:GD2", "healthcloud:HC1"}
    assert (sample["checkpoint:KK3"]["name"], sample["checkpoint:KK3"]["id_number"],
            sample["checkpoint:KK3"]["phone"]) == ("王*芳", "310***********0029", "138****5678")
    assert sample["hotline:GD2"]["phone"] == "139****4321"
    assert sample["healthcloud:HC1"]["name"] == "欧**娜"
    assert sample["checkpoint:KK3"]["top_candidate"] == "周家渡街道齐河居委会"
    assert sample["checkpoint:KK3"]["place"] == "齐河路"


def test_everything_is_escaped_and_self_contained(con, run_info_with, tmp_path):
    info = run_info_with(files=(FileResult("<script>alert(1)</script>.csv", None, "failed",
                                           reason='bad "<b>" & more'),))
    _, html = render(con, info, tmp_path)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html
    assert not re.search(r"https?://|<link|<script|src=|@import", html)


def test_trend_uses_previous_nights_with_a_sparkline(con, run_info, tmp_path):
    history = [
        {"run_date": "2026-11-18", "partial": False, "totals": {"records": 10, "match_rate": 0.95}},
        {"run_date": "2026-11-19", "partial": True, "totals": {"records": 8, "match_rate": 0.5}},
        {"run_date": "2026-11-20", "totals": {"records": 1, "match_rate": 0.1}},  # an earlier run of tonight
    ]
    _, html = render(con, run_info, tmp_path, history)
    assert "<svg" in html and "<polyline" in html
    assert "2026-11-18" in html and "95.00%" in html and "PARTIAL" in html
    assert "10.00%" not in html  # the superseded run of the same date is not in the trend


def test_load_history_reads_recent_nights_in_order(tmp_path, caplog):
    for day, rate in (("2026-11-15", 0.9), ("2026-11-17", 0.91), ("2026-11-18", 0.92), ("2026-11-21", 0.5)):
        (tmp_path / day).mkdir()
        (tmp_path / day / "summary.json").write_text(json.dumps({"run_date": day, "totals": {"match_rate": rate}}))
    (tmp_path / "2026-11-19").mkdir()
    (tmp_path / "2026-11-19" / "summary.json").write_text("{broken")
    (tmp_path / "not-a-date").mkdir()

    history = load_history(tmp_path, before=dt.date(2026, 11, 20), nights=2)
    assert [h["run_date"] for h in history] == ["2026-11-17", "2026-11-18"]
    assert "2026-11-19" in caplog.text
    assert load_history(tmp_path / "missing", before=dt.date(2026, 11, 20)) == []


def test_sparkline_and_trend_rows():
    assert sparkline([0.9]) is None
    spark = sparkline([0.9, None, 0.95, 0.92], width=100, height=20, pad=0)
    points = [tuple(map(float, p.split(","))) for p in spark["points"].split()]
    assert [x for x, _ in points] == [0.0, pytest.approx(66.7), 100.0]
    assert points[1][1] == 0.0 and points[0][1] == 20.0  # highest rate at the top
    flat = sparkline([0.5, 0.5])
    assert flat["points"].split()[0].endswith(",24.0")
    rows = trend_rows({"run_date": "2026-11-20", "totals": {}}, [{"run_date": "2026-11-21"}, {}])
    assert [r["run_date"] for r in rows] == ["2026-11-20", "2026-11-21"]  # undated entries dropped


@pytest.mark.parametrize("candidates", ['[1, "x", null]', '{"rank": 1}', "[]", None])
def test_odd_candidate_lists_do_not_break_the_summary(con, run_info, candidates):
    con.execute("UPDATE decisions SET candidates_json = ? WHERE record_id = 'checkpoint:KK3'", [candidates])
    s = summarise_run(con, run_info)
    streets = {x["street_code"]: x for x in s["streets"]}
    assert streets["310115007"]["review"] == 0 and s["unattributed_review"] == 2


def test_run_info_refuses_an_unknown_file_status_and_serialises(run_info):
    with pytest.raises(ValueError, match="file status"):
        FileResult("x.csv", "checkpoint", "broken")
    info = json.loads(json.dumps(run_info.to_dict()))
    assert info["run_date"] == "2026-11-20" and info["paths"]["inbox"] == "/data/inbox"
    assert info["models"][1]["parameters"] == {"blocking": ["id_number", "phone"]}
    assert info["partial"] is False
