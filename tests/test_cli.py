"""The command line: one-line errors and exit codes, without starting Prefect."""

from __future__ import annotations

import pytest

from streetlink.cli import EXIT_FAILED, EXIT_USAGE, main


def test_missing_inbox_day_is_one_line_and_exit_1(tmp_path, capsys):
    (tmp_path / "inbox").mkdir()
    (tmp_path / "registry").mkdir()
    code = main(["run", "--date", "2026-11-24", "--inbox", str(tmp_path / "inbox"),
                 "--registry", str(tmp_path / "registry"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == EXIT_FAILED
    assert err.count("\n") == 1 and "no inbox folder for 2026-11-24" in err and "Traceback" not in err


def test_incomplete_registry_named(tmp_path, capsys):
    (tmp_path / "inbox" / "2026-11-24").mkdir(parents=True)
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "admin.csv").write_text("street_code\n", encoding="utf-8")
    code = main(["run", "--date", "2026-11-24", "--inbox", str(tmp_path / "inbox"),
                 "--registry", str(tmp_path / "registry"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == EXIT_FAILED and "housing, population" in err


def test_bad_date_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--date", "24/11/2026", "--inbox", str(tmp_path), "--registry", str(tmp_path),
              "--out", str(tmp_path)])
    assert exc.value.code == EXIT_USAGE


def test_evaluate_with_missing_links_fails_cleanly(tmp_path, capsys):
    (tmp_path / "truth").mkdir()
    code = main(["evaluate", "--truth", str(tmp_path / "truth"), "--links", str(tmp_path / "nope.parquet")])
    err = capsys.readouterr().err
    assert code == EXIT_FAILED and "Traceback" not in err and err.startswith("streetlink: error:")
