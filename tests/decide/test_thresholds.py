"""Decision thresholds as data: declared, validated, stored, and the shipped file readable."""

from __future__ import annotations

import json

import pytest

from streetlink.decide import RULES, THRESHOLDS, load_decision, save_decision, validate_thresholds
from streetlink.decide.rules import Rule, render_rules
from streetlink.errors import ModelError
from streetlink.link.models import load_model
from streetlink.paths import models_dir


def test_every_rule_reads_only_declared_thresholds_and_every_grid_value_is_valid():
    declared = set(THRESHOLDS)
    for rule in RULES:
        assert set(rule.thresholds) <= declared, rule.name
    for t in THRESHOLDS.values():
        for value in t.grid:
            validate_thresholds({t.name: value})
    assert len({r.name for r in RULES}) == len(RULES)


def test_choices_are_named_and_checked():
    with pytest.raises(ModelError, match="person_home_evidence"):
        validate_thresholds({"person_home_evidence": 1})
    with pytest.raises(ModelError, match="unknown"):
        validate_thresholds({"no_such_threshold": 1.0})
    with pytest.raises(ModelError, match="not a number"):
        validate_thresholds({"committee_min": "high"})


def test_render_fills_choices_and_refuses_undeclared_thresholds():
    fragments = render_rules({**validate_thresholds({}), "person_home_evidence": "road"})
    assert "(home_agreement >= 2)" in fragments["rule_case"]
    assert "{person_home_evidence}" not in fragments["rule_case"]
    bad = RULES[:-1] + (Rule("x", "review", "p >= $undeclared", "x", reason="low_confidence"), RULES[-1])
    with pytest.raises(ValueError, match="undeclared"):
        render_rules(validate_thresholds({}), bad)


def test_save_then_load_round_trips_and_hashes_the_bytes(tmp_path):
    save_decision(tmp_path, {"thresholds": {"committee_min": 0.9, "address_margin_bits": None}, "why": "test"})
    loaded = load_decision(tmp_path)
    assert loaded["thresholds"]["committee_min"] == 0.9
    assert loaded["thresholds"]["address_margin_bits"] is None
    assert loaded["format_version"] == 2 and len(loaded["sha256"]) == 64
    first = (tmp_path / "decision.json").read_bytes()
    save_decision(tmp_path, {"thresholds": {"address_margin_bits": None, "committee_min": 0.9}, "why": "test"})
    assert (tmp_path / "decision.json").read_bytes() == first


def test_format_1_files_are_read_with_their_float_switches_named(tmp_path):
    (tmp_path / "decision.json").write_text(json.dumps({"format_version": 1, "thresholds": {
        "person_home_evidence": 2, "hotline_place_via_caller": 1, "address_margin_bits": 1000}}))
    t = load_decision(tmp_path)["thresholds"]
    assert (t["person_home_evidence"], t["hotline_place_via_caller"], t["address_margin_bits"]) == (
        "road", "single_in_home_street", None)


def test_the_shipped_decision_file_is_valid_and_names_the_shipped_models():
    decision = load_decision(models_dir())
    assert set(decision["thresholds"]) == set(THRESHOLDS)
    assert decision.get("address_model") == load_model(models_dir(), "address_model").version
    assert decision.get("person_model") == load_model(models_dir(), "person_model").version
