"""The rule file is checked whole before anything runs: each failure is one line naming the rule."""

from __future__ import annotations

import hashlib
import re

import duckdb
import pytest

from streetlink.errors import StreetlinkError
from streetlink.paths import PROJECT_ROOT
from streetlink.screen import RuleError, load_rules, screen_night
from streetlink.screen.fields import FIELDS

BAD_RULE = '''
[[rule]]
name = "bad_rule"
title = "测试"
description = "测试规则"
priority = "high"
condition = """{condition}"""
'''


def _without(text: str, *names: str) -> str:
    """The rule file text without the [[rule]] blocks of `names`."""
    head, *blocks = text.split("\n[[rule]]\n")
    kept = [b for b in blocks if re.search(r'name = "([a-z_]+)"', b).group(1) not in names]
    assert len(kept) == len(blocks) - len(names)
    return head + "".join("\n[[rule]]\n" + b for b in kept)


def test_shipped_rules_load_with_version_and_hashes(rules):
    assert rules.version
    path = PROJECT_ROOT / "screening_rules" / "rules.toml"
    assert rules.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(rules.key_areas_sha256) == 64 and rules.key_areas
    info = rules.info()
    assert info["version"] == rules.version and info["sha256"] == rules.sha256
    assert [r["name"] for r in info["rules"]] == [r.name for r in rules.rules]
    # what each rule reads is known without running it
    assert rules.rule("fever_reported").reads == ("record.symptoms",)
    assert rules.rule("household_of_urgent_case").second_pass


@pytest.mark.parametrize(("condition", "message"), [
    ("record.source = 'healthcloud' AND", "does not parse"),
    ("record.has_symptoms AND (record.source = 'x'", "does not parse"),
    ("record.sympton IS NOT NULL", "unknown field record.sympton"),
    ("persons.age > 70", "unknown namespace 'persons'"),
    ("source = 'hotline'", "'source' needs its namespace (record.source?)"),
    ("list_contains(record.symptoms, fever)", "'fever' needs its namespace"),
    ("record.source IN (SELECT 'hotline')", "may not use"),
    ("count(*) > 1", "may not use COUNT"),
    ("read_csv('/etc/passwd') IS NULL", "may not use"),
    ("record.has_symptoms; DROP TABLE decisions", "one expression"),
    ("1 = 1", "reads no field"),
    ("record.source", "gives VARCHAR, not true/false"),
    ("record.symptoms + 1 > 0", "DuckDB cannot evaluate"),
    ("no_such_function(record.source)", "DuckDB cannot evaluate"),
])
def test_a_bad_condition_fails_naming_the_rule(tmp_path, write_rules, shipped_rules_text, condition, message):
    path = write_rules(tmp_path, shipped_rules_text + BAD_RULE.format(condition=condition))
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    text = str(caught.value)
    assert "'bad_rule'" in text and message in text, text
    assert "\n" not in text and text.startswith("rules.toml: ")
    assert isinstance(caught.value, StreetlinkError)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('priority = "urgent"', 'priorty = "urgent"', 1),
     "rule 'symptoms_from_key_area': unknown key(s) priorty"),
    (lambda t: t.replace('priority = "urgent"', 'priority = "critical"', 1), "priority must be one of"),
    (lambda t: t.replace('name = "fever_reported"', 'name = "symptoms_from_key_area"'), "defined twice"),
    (lambda t: t.replace('name = "fever_reported"', 'name = "Fever-Reported"'), "lower_snake_case"),
    (lambda t: t.replace('title = "自报发热"\n', ''), "rule 'fever_reported': lacks title"),
    (lambda t: t.replace('deadline_hours = 48', 'deadline_hours = 0'), "deadline_hours must be between"),
    (lambda t: t.replace('deadline_hours = 48', 'deadline_hours = "48"'), "deadline_hours must be int or float"),
    (lambda t: t.replace('version = ', 'version == '), "not valid TOML"),
    (lambda t: t.replace('key_areas = "key_areas.csv"', 'key_areas = "../key_areas.csv"'), "beside the rules file"),
    (lambda t: t.replace('key_areas = "key_areas.csv"', 'key_areas = "missing.csv"'), "key-area file not found"),
    (lambda t: "colour = 1\n" + t, "unknown top-level key(s) colour"),
    (lambda t: t.replace("[priorities.normal]\nlabel = \"一般\"\ndeadline_hours = 72\n", ""),
     "[priorities] must define exactly urgent, high, normal"),
    (lambda t: t.replace("incubation_days = 14", "incubation_dayz = 14"), "unknown key(s) incubation_dayz"),
    (lambda t: t.replace('dispatch_time = "08:00"', 'dispatch_time = "8 am"'), "dispatch_time must be HH:MM"),
])
def test_a_bad_file_fails_in_one_line(tmp_path, write_rules, shipped_rules_text, edit, message):
    edited = edit(shipped_rules_text)
    assert edited != shipped_rules_text
    with pytest.raises(StreetlinkError) as caught:
        load_rules(write_rules(tmp_path, edited))
    assert message in str(caught.value), str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("removed", "message"), [
    (("symptoms_reported",), "symptomatic health-cloud report at priority normal"),
    (("key_area_arrival", "symptoms_from_key_area"), "tied to a key area inside its window at priority normal"),
])
def test_rules_that_would_leave_the_contract_floor_are_refused(tmp_path, write_rules, shipped_rules_text,
                                                              removed, message):
    with pytest.raises(RuleError) as caught:
        load_rules(write_rules(tmp_path, _without(shipped_rules_text, *removed)))
    assert message in str(caught.value)


def test_a_rule_weakened_behind_a_condition_is_caught_at_run_time(tmp_path, write_rules, shipped_rules_text, tiny):
    # The load-time probes cannot see every condition: the run checks every record again.
    text = _without(shipped_rules_text, "symptoms_reported").replace(
        'condition = "list_contains(record.symptoms, \'发热\')"',
        'condition = "list_contains(record.symptoms, \'发热\') OR (record.has_symptoms AND hour(record.event_time) < 12)"')
    rules = load_rules(write_rules(tmp_path, text))  # the probes report in the morning
    tiny.add("HC1", "healthcloud", event_time="2026-11-24 15:00:00", 症状="咳嗽")
    with pytest.raises(RuleError, match="symptomatic health-cloud report"):
        tiny.screen(rules)


def test_a_bad_rule_file_writes_nothing(tmp_path, write_rules, shipped_rules_text, tiny):
    tiny.add("KK1")
    con = duckdb.connect()
    tiny.load(con)
    before = set(r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall())
    bad = write_rules(tmp_path, shipped_rules_text + BAD_RULE.format(condition="record.nope"))
    with pytest.raises(RuleError, match="'bad_rule'"):
        screen_night(con, tiny.night, bad, open_items="open_items")
    after = set(r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall())
    assert after == before


def test_the_readme_documents_every_field():
    readme = (PROJECT_ROOT / "screening_rules" / "README.md").read_text(encoding="utf-8")
    missing = [f"{ns}.{f.name}" for ns, fields in FIELDS.items() for f in fields
               if f"`{ns}.{f.name}`" not in readme]
    assert missing == []
