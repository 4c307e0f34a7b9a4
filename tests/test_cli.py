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


def test_an_empty_inbox_is_one_line_exit_1_and_nothing_written(tmp_path, capsys):
    (tmp_path / "inbox" / "2026-11-24").mkdir(parents=True)
    (tmp_path / "inbox" / "2026-11-24" / "说明.txt").write_text("no extract tonight", encoding="utf-8")
    (tmp_path / "registry").mkdir()
    code = main(["run", "--date", "2026-11-24", "--inbox", str(tmp_path / "inbox"),
                 "--registry", str(tmp_path / "registry"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == EXIT_FAILED
    assert err.count("\n") == 1 and "holds no extract and no reply to read" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_bad_rule_file_is_one_line_naming_the_rule_and_nothing_written(tmp_path, capsys):
    import shutil

    from streetlink.screen import default_rules_path

    rules = tmp_path / "rules" / "rules.toml"
    shutil.copytree(default_rules_path().parent, rules.parent)
    rules.write_text(rules.read_text(encoding="utf-8").replace("record.has_symptoms AND travel.key_area",
                                                               "record.has_symptom AND travel.key_area"),
                     encoding="utf-8")
    (tmp_path / "inbox" / "2026-11-24").mkdir(parents=True)
    (tmp_path / "inbox" / "2026-11-24" / "checkpoint_2026-11-24.csv").write_text("记录编号\n", encoding="utf-8")
    (tmp_path / "registry").mkdir()
    code = main(["run", "--date", "2026-11-24", "--inbox", str(tmp_path / "inbox"), "--registry",
                 str(tmp_path / "registry"), "--out", str(tmp_path / "out"), "--screening-rules", str(rules)])
    err = capsys.readouterr().err
    assert code == EXIT_FAILED
    assert err.count("\n") == 1 and "symptoms_from_key_area" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_incomplete_registry_named(tmp_path, capsys):
    (tmp_path / "inbox" / "2026-11-24").mkdir(parents=True)
    (tmp_path / "inbox" / "2026-11-24" / "checkpoint_2026-11-24.csv").write_text("记录编号\n", encoding="utf-8")
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


def test_a_bad_output_mode_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--date", "2026-11-24", "--inbox", str(tmp_path), "--registry", str(tmp_path),
              "--out", str(tmp_path), "--output-mode", "rw-r-----"])
    assert exc.value.code == EXIT_USAGE


def test_log_records_are_one_plain_line_in_beijing_time():
    import logging

    from streetlink.cli import LineFormatter

    record = logging.LogRecord("streetlink.link", logging.INFO, __file__, 1,
                               "linked %s pairs\nof which %s kept", (109482, 3000), None)
    record.created = 1_795_543_200.0  # 2026-11-24 18:00:00 UTC
    record.flow_run_name = "super-sparrow"
    line = LineFormatter().format(record)
    assert line == ("2026-11-25 02:00:00 INFO    streetlink.link: [super-sparrow] linked 109482 pairs | "
                    "of which 3000 kept")


def test_the_log_handler_follows_stderr(capsys):
    import logging
    import sys

    from streetlink.cli import LineFormatter, StderrHandler

    handler = StderrHandler()
    handler.setFormatter(LineFormatter())
    logger = logging.getLogger("streetlink.test_cli")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        assert handler.stream is sys.stderr  # whatever stderr is now: a progress display swaps it
        logger.warning("a long path /work/data/ops/demo/out/2026-11-24/dispatch/310115007_周家渡街道.xlsx")
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.rstrip().endswith("310115007_周家渡街道.xlsx")
