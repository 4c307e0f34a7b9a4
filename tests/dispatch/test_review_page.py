import datetime as dt
import re

import pytest

from streetlink.dispatch import write_review_page
from streetlink.dispatch.review_page import parse_explanation, waterfall

RUN_DATE = dt.date(2026, 11, 20)


@pytest.mark.parametrize("text, want", [
    ("road: road equal (6.5); lane: missing (0.0); room: different (-3.25)",
     [("road", "road equal", 6.5), ("lane", "missing", 0.0), ("room", "different", -3.25)]),
    ("lane: record gives no lane, dwelling has one (-0.1)", [("lane", "record gives no lane, dwelling has one", -0.1)]),
    ("", []),
    (None, []),
    ("garbage; name: name equal (14.8)", [("name", "name equal", 14.8)]),
])
def test_parse_explanation(text, want):
    assert [(p["comparison"], p["label"], p["weight"]) for p in parse_explanation(text)] == want


def test_waterfall_runs_from_the_prior_to_the_match_weight():
    parts = parse_explanation("road: road equal (6.5); lane: missing (0.0); room: different (-3.0)")
    chart = waterfall(-1.5, parts)
    names = [b["name"] for b in chart["bars"]]
    assert names == ["先验（λ 与频率调整）", "路", "室", "合计"]  # zero-weight comparisons are not drawn
    prior, road, room, total = chart["bars"]
    assert prior["weight"] == pytest.approx(-5.0)  # -1.5 − (6.5 + 0 − 3)
    assert (road["start"], road["end"]) == (pytest.approx(-5.0), pytest.approx(1.5))
    assert room["end"] == pytest.approx(total["end"]) == pytest.approx(-1.5)
    assert road["color"] != room["color"]  # evidence for and against look different
    xs = [t["x"] for t in chart["ticks"]]
    assert xs == sorted(xs) and min(b["x"] for b in chart["bars"]) >= chart["left"]
    assert waterfall(None, parts) is None and waterfall(3.0, []) is None


def test_review_page_draws_the_evidence_of_each_candidate(con, night, tmp_path):
    con.execute("""CREATE TABLE address_candidates AS SELECT * FROM (VALUES
        ('checkpoint:KK20261120000011', 'H1', 1, 4.0, 'road: road equal (6.5); number: different (-2.0)'),
        ('checkpoint:KK20261120000011', 'H2', 2, 3.5, 'road: road equal (6.5); number: different (-2.5)'))
        t(record_id, house_id, rank, match_weight, explanation)""")
    con.execute("""CREATE TABLE person_candidates AS SELECT * FROM (VALUES
        ('checkpoint:KK20261120000011', 'P9', 1, 20.0, 'id: ID equal (15.8); name: name equal (14.8)'))
        t(record_id, person_id, rank, match_weight, explanation)""")
    path = write_review_page(con, tmp_path / "review.html", RUN_DATE, generated_at=dt.datetime(2026, 11, 21, 2))
    html = path.read_text(encoding="utf-8")
    card = html[html.index("checkpoint:KK20261120000011</h2>"):]
    card = card[:card.index("</section>")]
    assert card.count("<svg") == 3  # the two dwellings and the person
    assert "310115007001 齐河居委会（周家渡街道）" in card and "居村委概率 52% · 房屋概率 47%" in card
    assert ">路：road equal</text>" in card and ">+6.5</text>" in card and ">比特</text>" in card
    assert "无逐项权重" in card  # the fourth candidate has no weights in the tables
    assert "内部资料 注意保密" in html and "北京时间" in html
    assert "healthcloud:HC20261120000013" not in html  # outside Pudong: counted, not carded
    assert "浦东新区以外 1 条" in html
    ids = con.execute("SELECT id_number FROM staged_records WHERE record_id = 'checkpoint:KK20261120000011'").fetchall()
    assert ids[0][0] not in html  # IDs masked; the workbook has them
    assert not re.search(r"https?://|<script|<link|src=", html)


def test_review_page_without_linkage_tables_lists_the_candidates(con, night, tmp_path):
    con.execute("UPDATE staged_records SET name = '<b>x</b>' WHERE record_id = 'checkpoint:KK20261120000011'")
    html = write_review_page(con, tmp_path / "review.html", RUN_DATE).read_text(encoding="utf-8")
    assert "<svg" not in html and "本次运行未保留逐项权重" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
