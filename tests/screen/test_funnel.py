"""The funnel: received → linked → screened → pushed → emergency orders, reconciled with links.parquet."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from streetlink.contracts import LINKS
from streetlink.screen import funnel_history, reconcile_funnel, write_screen_outputs


@pytest.fixture()
def screened(rules, tiny):
    tiny.person("P1", "H1")
    tiny.person("P2", "H2")
    tiny.add("HC1", "healthcloud", person="P1", house="H1", 症状="发热")  # urgent
    tiny.add("KK1", "checkpoint", person="P1", house="H1")  # same case: urgent too
    tiny.add("GD1", "hotline", house="H3", 工单类别="疫情防控-居家隔离")  # high
    tiny.add("KK2", "checkpoint", house="H4")  # normal
    tiny.add("HC2", "healthcloud", person="P2", decision="review", 症状="咳嗽")  # linked, screened, not pushed
    tiny.add("GD2", "hotline", decision="rejected", reason="no_address_no_identity")
    return tiny.screen(rules)


def test_the_funnel_of_a_tiny_night(screened):
    f = screened.summary["funnel"]
    assert f["stages"] == {"received": 6, "linked": 5, "screened": 4, "pushed": 4, "emergency_orders": 1}
    assert f["pushed_by_priority"] == {"urgent": 2, "high": 1, "normal": 1}
    assert f["records_by_decision_priority"]["review"] == {"urgent": 0, "high": 1, "normal": 0}
    assert f["stages_by_source"]["healthcloud"] == {"received": 2, "linked": 2, "screened": 2, "pushed": 1,
                                                    "pushed_urgent": 1, "in_emergency_orders": 1}
    assert f["cases"]["emergency_records"] == 2 and f["cases"]["total"] == 5
    by_rule = {r["rule"]: (r["records"], r["pushed"], r["cases"]) for r in f["by_rule"]}
    assert by_rule["fever_reported"] == (1, 1, 1)
    assert by_rule["symptoms_reported"] == (2, 1, 2)
    assert by_rule["seen_again_while_open"] == (0, 0, 0)
    assert f["reconciled"] and f["problems"] == []
    assert f["rules_sha256"] == screened.summary["rules"]["sha256"]
    json.dumps(screened.summary)  # JSON-able as it is


def _links(con, path, where: str = "") -> None:
    cols = ", ".join(LINKS.column_names)
    con.execute(f"COPY (SELECT {cols} FROM decisions {where}) TO '{path}' (FORMAT parquet)")


def test_the_funnel_reconciles_with_links(screened, tmp_path):
    _links(screened.con, tmp_path / "links.parquet")
    assert reconcile_funnel(screened.summary["funnel"], tmp_path / "links.parquet") == []


def test_a_funnel_that_does_not_match_links_says_where(screened, tmp_path):
    _links(screened.con, tmp_path / "links.parquet", "WHERE record_id <> 'checkpoint:KK2'")
    problems = reconcile_funnel(screened.summary["funnel"], tmp_path / "links.parquet")
    assert "checkpoint dispatched: links.parquet 1, funnel 2" in problems
    assert "received 6, links.parquet has 5 records" in problems
    assert "pushed 4, links.parquet dispatched 3" in problems


def test_the_trend_reads_earlier_nights(screened, rules, tmp_path):
    for night in ("2026-11-22", "2026-11-23", "2026-11-24"):
        summary = json.loads(json.dumps(screened.summary))
        summary["funnel"]["night"] = night
        write_screen_outputs(screened.con, tmp_path / night, rules, summary)
    (tmp_path / "2026-11-21").mkdir()  # a night before screening existed
    history = funnel_history(tmp_path, before=dt.date(2026, 11, 24))
    assert [h["night"] for h in history] == ["2026-11-22", "2026-11-23"]
    assert history[0]["stages"]["received"] == 6
    assert [h["night"] for h in funnel_history(tmp_path, before=dt.date(2026, 11, 25), nights=1)] == ["2026-11-24"]
