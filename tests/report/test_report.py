import datetime as dt
import json
import re

import pytest

from streetlink.report import FileResult, load_history, render_match_rate, summarise_run
from streetlink.report.render import bar_chart, beijing_time, duration, line_chart, trend_rows


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


def test_two_named_rates_with_their_definitions(con, run_info, tmp_path):
    summary, html = render(con, run_info, tmp_path)
    totals = summary["totals"]
    assert totals["outside_pudong"] == 1
    assert totals["match_rate"] == pytest.approx(3 / 7, abs=1e-6)  # overall: every record counts
    assert totals["in_district_rate"] == pytest.approx(3 / 6, abs=1e-6)  # the outside-Pudong record does not
    healthcloud = summary["sources"][2]
    assert healthcloud["in_district_rate"] == 0 and healthcloud["outside_pudong"] == 1
    kpis = html[html.index('class="kpis"'):html.index("<h2>")]
    assert "50.00%" in kpis and "42.86%" in kpis and "区内派发率" in kpis and "总体派发率" in kpis
    for d in summary["rate_definitions"].values():
        assert d["name"] in html and d["definition"] in html
    assert "运行开始 2026-11-21 09:00:00 · 结束 2026-11-21 09:04:30（北京时间）" in html  # naive = UTC


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
    assert "9f2c4e1b7a3d5f60" * 4 in html
    # each parameter of each model, with its value, in the model's row
    assert '<span class="mono">dispatch_threshold</span> = 0.9<br><span class="mono">review_floor</span> = 0.5' in html
    assert '<span class="mono">blocking</span> = [&#34;id_number&#34;,&#34;phone&#34;]' in html
    assert "sha256:feedface" in html and "5,700" in html
    assert "周家渡街道" in html and "42.86%" in html  # street names, overall rate
    assert "address_ambiguous" in html and "地址匹配到多个居村委候选" in html
    assert "地址匹配到实有房屋" in html  # dispatch bases
    assert "notes.txt" in html and "no source claims this file" in html
    assert "<td>standardise</td><td class=\"num\">3.2 秒</td>" in html and "4 分 30 秒" in html
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


def test_trend_uses_previous_nights_with_a_chart_with_axes(con, run_info, tmp_path):
    history = [
        {"run_date": "2026-11-18", "partial": False, "totals": {"records": 10, "match_rate": 0.95,
                                                                 "in_district_rate": 0.97}},
        {"run_date": "2026-11-19", "partial": True, "totals": {"records": 8, "match_rate": 0.5}},
        {"run_date": "2026-11-20", "totals": {"records": 1, "match_rate": 0.1}},  # an earlier run of tonight
    ]
    _, html = render(con, run_info, tmp_path, history)
    trend = html[html.index("近期趋势"):html.index("待复核样例")]
    assert trend.count("<polyline") == 2  # the two rates
    assert ">11-18</text>" in trend and ">11-20</text>" in trend  # dated x axis
    assert re.search(r">\d+%</text>", trend)  # y axis in percent
    assert "区内派发率" in trend and "总体派发率" in trend
    assert "2026-11-18" in html and "95.00%" in html and "97.00%" in html and "PARTIAL" in html
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


def test_the_trend_keeps_to_its_own_output_root(tmp_path):
    reports = tmp_path / "reports"
    for day, out in (("2026-11-17", tmp_path / "a"), ("2026-11-18", tmp_path / "b"), ("2026-11-19", None),
                     ("2026-11-20", tmp_path / "a" / ".." / "a")):
        (reports / day).mkdir(parents=True)
        summary = {"run_date": day, "totals": {}, "paths": {"out": str(out) if out else None}}
        (reports / day / "summary.json").write_text(json.dumps(summary))
    mine = load_history(reports, before=dt.date(2026, 11, 21), out=tmp_path / "a")
    assert [h["run_date"] for h in mine] == ["2026-11-17", "2026-11-20"]


def test_line_chart_axes_and_trend_rows():
    assert line_chart([], [("a", "#000", [])]) is None
    chart = line_chart(["2026-11-18", "2026-11-19", "2026-11-20"], [("a", "#000", [0.9, None, 0.95])],
                       width=200, height=100)
    points = [tuple(map(float, p.split(","))) for p in chart["lines"][0]["points"].split()]
    assert [x for x, _ in points] == [chart["left"], chart["right"]]  # first and last night
    assert points[1][1] < points[0][1]  # the higher rate is drawn higher
    ys = [t["y"] for t in chart["y_ticks"]]
    assert ys == sorted(ys, reverse=True) and chart["y_ticks"][0]["label"].endswith("%")
    assert chart["top"] <= min(y for _, y in points) and max(y for _, y in points) <= chart["bottom"]
    assert [t["label"] for t in chart["x_ticks"]] == ["11-18", "11-19", "11-20"]
    rows = trend_rows({"run_date": "2026-11-20", "totals": {}}, [{"run_date": "2026-11-21"}, {}])
    assert [r["run_date"] for r in rows] == ["2026-11-20", "2026-11-21"]  # undated entries dropped


def test_bar_chart_scales_to_its_axis():
    chart = bar_chart([("甲", 0.5, "50%"), ("乙", 1.0, "100%"), ("丙", None, "—")], percent=True, width=370)
    assert [b["label"] for b in chart["bars"]] == ["甲", "乙"]  # no value, no bar
    full = chart["right"] - chart["left"]
    assert chart["bars"][1]["w"] == pytest.approx(full) and chart["bars"][0]["w"] == pytest.approx(full / 2)
    assert [t["label"] for t in chart["ticks"]] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    counts = bar_chart([("a", 314, "314"), ("b", 8, "8")], percent=False)
    assert counts["ticks"][-1]["x"] >= counts["left"] + counts["bars"][0]["w"]  # the axis covers the bars


@pytest.mark.parametrize("value, want", [
    ("2026-11-24T18:00:13+00:00", "2026-11-25 02:00:13"),
    ("2026-11-25T02:00:13.123456+08:00", "2026-11-25 02:00:13"),
    ("2026-11-24T18:00:13", "2026-11-25 02:00:13"),  # naive: the machine's UTC
    (None, "—"),
])
def test_times_are_beijing_time_to_the_second(value, want):
    assert beijing_time(value) == want


@pytest.mark.parametrize("seconds, want", [(3.25, "3.2 秒"), (75.4, "1 分 15 秒"), (3725, "1 小时 2 分"),
                                           (None, "—")])
def test_durations_read_as_minutes_and_seconds(seconds, want):
    assert duration(seconds) == want


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
