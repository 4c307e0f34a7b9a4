"""Configuration: permission modes, the night a run handles, default places."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from streetlink.config import RunConfig, night_for_start, parse_mode, to_shanghai
from streetlink.errors import StreetlinkError

UTC = dt.UTC


@pytest.mark.parametrize("start, night", [
    (dt.datetime(2026, 11, 24, 18, 0, tzinfo=UTC), dt.date(2026, 11, 24)),  # 02:00 Shanghai on the 25th
    (dt.datetime(2026, 11, 25, 2, 0, tzinfo=to_shanghai(dt.datetime(2026, 1, 1)).tzinfo), dt.date(2026, 11, 24)),
    (dt.datetime(2026, 11, 24, 15, 59, tzinfo=UTC), dt.date(2026, 11, 23)),  # 23:59 Shanghai on the 24th
    (dt.datetime(2026, 11, 24, 18, 0), dt.date(2026, 11, 24)),  # a naive time is the server's UTC
    (dt.datetime(2026, 12, 31, 18, 0, tzinfo=UTC), dt.date(2026, 12, 31)),
])
def test_the_night_comes_from_the_shanghai_wall_clock(start, night):
    assert night_for_start(start) == night


def test_a_run_queued_past_midnight_keeps_its_scheduled_night():
    scheduled = dt.datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 02:00 Shanghai
    started = scheduled + dt.timedelta(hours=23)  # it waited behind a long run
    assert night_for_start(scheduled) == dt.date(2026, 11, 24) != night_for_start(started)


@pytest.mark.parametrize("text, mode", [("0640", 0o640), ("640", 0o640), ("0o750", 0o750), (" 0600 ", 0o600)])
def test_parse_mode(text, mode):
    assert parse_mode(text) == mode


@pytest.mark.parametrize("text", ["rw-r-----", "0999", "01777", "0440", ""])
def test_parse_mode_refuses_what_is_not_a_usable_mode(text):
    with pytest.raises(StreetlinkError):
        parse_mode(text)


def test_defaults_reports_under_out_and_mode_and_deadline_from_the_environment(monkeypatch):
    monkeypatch.setenv("STREETLINK_OUTPUT_MODE", "0640")
    monkeypatch.setenv("STREETLINK_DEADLINE_HOURS", "12")
    config = RunConfig(date=dt.date(2026, 11, 24), inbox=Path("i"), registry=Path("r"), out=Path("/data/out"))
    assert config.report_day == Path("/data/out/reports/2026-11-24")
    assert (config.output_mode, config.deadline_hours) == (0o640, 12.0)
    assert RunConfig(date=dt.date(2026, 11, 24), inbox=Path("i"), registry=Path("r"), out=Path("o"),
                     reports=Path("/r")).report_day == Path("/r/2026-11-24")
