"""The night's scaffolding without the stages: inputs checked first, nothing half written."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from streetlink import nightly
from streetlink.config import RunConfig
from streetlink.errors import StreetlinkError

DATE = dt.date(2026, 11, 24)


@pytest.fixture
def config(tmp_path):
    day = tmp_path / "inbox" / DATE.isoformat()
    day.mkdir(parents=True)
    (day / "checkpoint_2026-11-24.csv").write_text("记录编号\n", encoding="utf-8")
    (tmp_path / "registry").mkdir()
    return RunConfig(date=DATE, inbox=tmp_path / "inbox", registry=tmp_path / "registry", out=tmp_path / "out")


def leftovers(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.name.startswith(".") or p.name.endswith(".tmp"))


def test_an_empty_inbox_is_one_clear_error_and_nothing_is_written(config):
    (config.inbox_day / "checkpoint_2026-11-24.csv").unlink()
    (config.inbox_day / "README.txt").write_text("x", encoding="utf-8")
    with pytest.raises(StreetlinkError, match="holds no extract and no reply to read") as caught:
        nightly.prepare_workspace(config)
    assert "\n" not in str(caught.value) and "checkpoint*.csv" in str(caught.value)
    assert not config.out.exists()


def test_a_failed_run_leaves_no_temporary_folder(config, monkeypatch):
    def broken(ws):
        (ws.output_tmp / "links.parquet").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    monkeypatch.setattr(nightly, "STEPS", (broken,))
    with pytest.raises(RuntimeError):
        nightly.run_night(config)
    assert leftovers(config.out) == [] and not config.output_day.exists()
    assert sorted(p.name for p in config.out.iterdir()) == ["reports"]


def test_keep_work_keeps_only_the_scratch_folder(config):
    config = RunConfig(**{**config.__dict__, "keep_work": True})
    ws = nightly.prepare_workspace(config)
    nightly.abandon(ws)
    assert ws.work_dir.is_dir() and not ws.output_tmp.exists() and not ws.report_tmp.exists()


@pytest.mark.parametrize("mode, file_mode, dir_mode", [(0o640, 0o640, 0o750), (0o600, 0o600, 0o700),
                                                       (0o644, 0o644, 0o755)])
def test_published_files_get_the_configured_mode(config, mode, file_mode, dir_mode):
    config = RunConfig(**{**config.__dict__, "output_mode": mode})
    ws = nightly.prepare_workspace(config)
    (ws.output_tmp / "dispatch").mkdir()
    (ws.output_tmp / "dispatch" / "packet.xlsx").write_bytes(b"x")
    (ws.report_tmp / "match_rate.html").write_text("r", encoding="utf-8")
    nightly.publish_outputs(ws)
    nightly.finish(ws)
    for path in (config.output_day, config.output_day / "dispatch", config.report_day):
        assert stat.S_IMODE(path.stat().st_mode) == dir_mode
    for path in (config.output_day / "dispatch" / "packet.xlsx", config.report_day / "match_rate.html"):
        assert stat.S_IMODE(path.stat().st_mode) == file_mode
    assert leftovers(config.out) == []


def test_without_a_mode_files_get_what_the_umask_allows(config):
    old = os.umask(0o027)
    try:
        ws = nightly.prepare_workspace(config)
        (ws.output_tmp / "links.parquet").write_bytes(b"x")
        nightly.publish_outputs(ws)
    finally:
        os.umask(old)
    assert stat.S_IMODE(config.output_day.stat().st_mode) == 0o750  # not mkdtemp's 0700
    assert stat.S_IMODE((config.output_day / "links.parquet").stat().st_mode) == 0o640


def test_listeners_hear_steps_start_and_end(config):
    heard = []
    remove = nightly.add_listener(lambda *event: heard.append(event))
    try:
        ws = nightly.prepare_workspace(config)
        nightly.publish_outputs(ws)
    finally:
        remove()
    total = len(nightly.STEPS)
    assert heard == [("publish_outputs", "start", total, total), ("publish_outputs", "done", total, total)]


def test_a_killed_runs_scratch_folder_goes_with_the_next_run_of_its_date(config):
    killed = config.out / ".work" / f"{DATE.isoformat()}-20261125T020000"
    (killed / "steps").mkdir(parents=True)
    other_night = config.out / ".work" / "2026-11-23-20261124T020000"
    other_night.mkdir()
    ws = nightly.prepare_workspace(config)
    assert not killed.exists() and other_night.exists()  # another date's run may still be going
    nightly.abandon(ws)
    assert sorted(p.name for p in (config.out / ".work").iterdir()) == [other_night.name]


def test_a_failed_ledger_write_keeps_the_night_published_and_blocks_other_dates(config, monkeypatch):
    import streetlink.replies

    def broken(*args, **kwargs):
        raise OSError("ledger on a full disk")

    monkeypatch.setattr(streetlink.replies, "record_night", broken)
    ws = nightly.prepare_workspace(config)
    (ws.output_tmp / "links.parquet").write_bytes(b"x")
    with pytest.raises(StreetlinkError, match="is published but the ledger .* could not record it"):
        nightly.publish_outputs(ws)
    assert (config.output_day / "links.parquet").exists()  # the swap happened: the streets have it
    assert (config.out / f"ledger_pending_{DATE.isoformat()}.json").exists()
    nightly.abandon(ws)
    other = RunConfig(**{**config.__dict__, "date": DATE + dt.timedelta(days=1)})
    (other.inbox_day).mkdir(parents=True)
    (other.inbox_day / "checkpoint_2026-11-25.csv").write_text("记录编号\n", encoding="utf-8")
    with pytest.raises(StreetlinkError, match=f"night {DATE.isoformat()} was published but not recorded"):
        nightly.prepare_workspace(other)
    nightly.abandon(nightly.prepare_workspace(config))  # the same date may run again: that is the fix
