"""read_inbox: files to sources by name, failures isolated, everything reported."""

from __future__ import annotations

import pytest

from streetlink.errors import StreetlinkError
from streetlink.ingest import read_inbox


def test_several_files_per_source_and_ignored_files(inbox):
    inbox.checkpoint_csv("checkpoint_2026-11-24_part1.csv", [inbox.checkpoint_row(1)])
    inbox.checkpoint_csv(
        "checkpoint_2026-11-24_part2.csv", [inbox.checkpoint_row(2), inbox.checkpoint_row(3)]
    )
    inbox.hotline_xlsx("hotline_2026-11-24.xlsx", [inbox.hotline_row(1)])
    inbox.healthcloud_jsonl("healthcloud_2026-11-24.jsonl", [inbox.healthcloud_record(1), "{oops"])
    (inbox.day / "README.txt").write_text("说明", encoding="utf-8")
    (inbox.day / "~$hotline_2026-11-24.xlsx").write_bytes(b"lock")
    (inbox.day / "archive").mkdir()
    seen = []

    batch = read_inbox(
        inbox.day, progress=lambda name, done, total: seen.append((name, done, total))
    )

    by_name = {f.path.name: f for f in batch.files}
    assert by_name["checkpoint_2026-11-24_part2.csv"].rows_read == 2
    assert by_name["healthcloud_2026-11-24.jsonl"].rows_read == 2
    assert by_name["healthcloud_2026-11-24.jsonl"].bad_lines == 1
    assert {n for n, f in by_name.items() if f.status == "ignored"} == {
        "README.txt",
        "~$hotline_2026-11-24.xlsx",
        "archive",
    }
    assert by_name["README.txt"].source is None and "no source" in by_name["README.txt"].reason
    assert not batch.is_partial
    assert batch.tables["checkpoint"].num_rows == 3
    assert (
        batch.tables["checkpoint"].column("_file").to_pylist()
        == ["checkpoint_2026-11-24_part1.csv"] + ["checkpoint_2026-11-24_part2.csv"] * 2
    )
    assert len(seen) == 7 and seen[-1][1:] == (7, 7)


def test_a_failing_file_fails_alone(inbox):
    inbox.checkpoint_csv("checkpoint_a.csv", [inbox.checkpoint_row(1)])
    inbox.checkpoint_csv(
        "checkpoint_b.csv",
        [inbox.checkpoint_row(2)],
        header=[h for h in inbox.checkpoint_headers if h != "在沪居住地址"],
    )
    broken = inbox.hotline_xlsx("hotline_a.xlsx", [inbox.hotline_row(1)])
    broken.write_bytes(broken.read_bytes()[:200])
    inbox.healthcloud_jsonl("healthcloud_a.jsonl", [inbox.healthcloud_record(1)])

    batch = read_inbox(inbox.day)

    status = {f.path.name: (f.status, f.reason) for f in batch.files}
    assert status["checkpoint_a.csv"] == ("read", None)
    assert (
        status["checkpoint_b.csv"][0] == "failed"
        and "在沪居住地址" in status["checkpoint_b.csv"][1]
    )
    assert (
        status["hotline_a.xlsx"][0] == "failed"
        and "cannot open workbook" in status["hotline_a.xlsx"][1]
    )
    assert batch.is_partial and len(batch.failed) == 2
    assert batch.tables["checkpoint"].num_rows == 1
    assert (
        batch.tables["hotline"].num_rows == 0 and "工单编号" in batch.tables["hotline"].column_names
    )
    assert batch.tables["healthcloud"].num_rows == 1


def test_source_file_with_the_wrong_format_fails_rather_than_being_ignored(inbox):
    (inbox.day / "hotline_2026-11-24.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    result = read_inbox(inbox.day).files[0]
    assert (result.source, result.status) == ("hotline", "failed")
    assert ".xlsx" in result.reason


def test_missing_day_folder_is_an_error(tmp_path):
    with pytest.raises(StreetlinkError, match="does not exist"):
        read_inbox(tmp_path / "inbox" / "2026-11-31")


def test_empty_day_gives_empty_tables(inbox):
    batch = read_inbox(inbox.day)
    assert batch.files == [] and all(t.num_rows == 0 for t in batch.tables.values())


def test_inbox_inputs_are_extracts_near_misses_and_replies(inbox):
    from streetlink.ingest import inbox_inputs

    (inbox.day / "README.txt").write_text("说明", encoding="utf-8")
    (inbox.day / "archive").mkdir()
    assert inbox_inputs(inbox.day) == []  # nothing to run: the night must say so
    assert inbox_inputs(inbox.day / "missing") == []
    (inbox.day / "hotline_2026-11-24.xls").write_bytes(b"old format")  # fails with its reason later
    (inbox.day / "replies").mkdir()
    (inbox.day / "replies" / "回执.xlsx").write_bytes(b"PK")
    assert [p.name for p in inbox_inputs(inbox.day)] == ["hotline_2026-11-24.xls", "回执.xlsx"]
