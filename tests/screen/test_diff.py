"""Replaying a rule change on a published night: the difference, and nothing written."""

from __future__ import annotations

import duckdb
import pytest

from streetlink.errors import StreetlinkError
from streetlink.screen import RuleError, diff_rules, format_diff, write_screen_outputs


@pytest.fixture()
def night(rules, tiny, tmp_path):
    tiny.person("P1", "H1")
    tiny.add("GD1", "hotline", house="H3", 工单类别="疫情防控-居家隔离")  # high
    tiny.add("GD2", "hotline", house="H4", 工单类别="城市管理-群租")  # high (48 h)
    tiny.add("KK1", "checkpoint", person="P1", house="H1", 出发地="江苏省南京市")  # normal
    tiny.add("HC1", "healthcloud", 症状="发热")  # urgent
    done = tiny.screen(rules)
    day = tmp_path / "out" / "2026-11-24"
    write_screen_outputs(done.con, day, rules, done.summary)
    return day


def _snapshot(folder):
    return sorted((p.relative_to(folder), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_a_rule_change_shows_what_it_would_do(night, tmp_path, write_rules, shipped_rules_text):
    text = (shipped_rules_text
            .replace('version = "2026-11-25.1"', 'version = "test.2"')
            .replace('condition = "record.hotline_category LIKE \'%居家隔离%\' OR record.hotline_category LIKE \'%健康监测%\'"',
                     'condition = "record.hotline_category LIKE \'%健康监测%\'"'))
    areas = (tmp_path / "out" / "2026-11-24" / "internal" / "screening_rules" / "key_areas.csv").read_text(
        encoding="utf-8") + "江苏省,南京市,,2026-11-20,2026-11-30,\n"
    new = write_rules(tmp_path / "new", text, areas)
    before = _snapshot(night.parent)
    d = diff_rules(night, new)
    assert _snapshot(night.parent) == before  # nothing written
    assert d.night == "2026-11-24" and d.new["version"] == "test.2"
    assert any(c.startswith("~ hotline_isolation_or_health: condition") for c in d.rule_changes)
    assert "+ key area 江苏省南京市 2026-11-20…2026-11-30" in d.rule_changes
    assert d.records["old"] == {"urgent": 1, "high": 2, "normal": 1}
    assert d.records["new"] == {"urgent": 1, "high": 2, "normal": 1}  # one down, one up
    assert d.transitions == [("high", "normal", 1), ("normal", "high", 1)]
    fired = {r["rule"]: (r["old"], r["new"]) for r in d.by_rule}
    assert fired["hotline_isolation_or_health"] == (1, 0) and fired["key_area_arrival"] == (0, 1)
    assert d.changed_cases == 2 and d.published_mismatches == 0 and d.notes == []
    text = format_diff(d)
    assert "high → normal: 1" in text and "key_area_arrival" in text


def test_the_same_rules_change_nothing(night, rules):
    d = diff_rules(night, rules)
    assert not d.changes_anything and d.rule_changes == []
    assert d.emergency_orders == {"old": 1, "new": 1}
    assert "would change nothing" in format_diff(d)


def test_a_replay_that_differs_from_the_published_night_is_noted(night, rules):
    published = night / "cases.parquet"
    con = duckdb.connect()
    con.execute("CREATE TABLE c AS SELECT * FROM read_parquet(?)", [str(published)])
    con.execute("UPDATE c SET priority = 'normal' WHERE record_id = 'hotline:GD1'")
    con.execute(f"COPY c TO '{published}' (FORMAT parquet)")
    d = diff_rules(night, rules)
    assert d.published_mismatches == 1 and "differ from the published cases.parquet on 1 record" in d.notes[0]


def test_a_bad_new_rule_file_or_a_night_without_screening_fails(night, tmp_path, write_rules, shipped_rules_text):
    bad = write_rules(tmp_path / "bad", shipped_rules_text.replace("record.matter = '群租'", "record.matters = '群租'"))
    with pytest.raises(RuleError, match="unknown field record.matters"):
        diff_rules(night, bad)
    (tmp_path / "out" / "2026-11-20").mkdir()
    with pytest.raises(StreetlinkError, match="no screening input kept for 2026-11-20"):
        diff_rules(tmp_path / "out" / "2026-11-20", bad)
