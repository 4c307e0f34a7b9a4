"""The night a deployed run handles comes from its scheduled start, on the Shanghai clock."""

from __future__ import annotations

import datetime as dt

import pytest
from prefect.runtime import flow_run

from flows.nightly import night_of_this_run

UTC = dt.UTC


@pytest.mark.parametrize("scheduled, night", [
    (dt.datetime(2026, 11, 24, 18, 0, tzinfo=UTC), dt.date(2026, 11, 24)),  # 02:00 Shanghai: the day that ended
    (dt.datetime(2026, 11, 24, 15, 30, tzinfo=UTC), dt.date(2026, 11, 23)),  # 23:30 Shanghai, still the 24th
])
def test_the_night_is_the_shanghai_day_before_the_scheduled_start(monkeypatch, scheduled, night):
    # what prefect.runtime.flow_run.scheduled_start_time reads inside a flow run
    monkeypatch.setitem(flow_run.FIELDS, "scheduled_start_time", lambda: scheduled)
    assert night_of_this_run(None) == night


def test_an_explicit_date_wins(monkeypatch):
    monkeypatch.setitem(flow_run.FIELDS, "scheduled_start_time", lambda: dt.datetime(2026, 11, 24, 18, tzinfo=UTC))
    assert night_of_this_run("2026-11-20") == dt.date(2026, 11, 20)
