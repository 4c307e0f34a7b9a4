import os

import pytest

from streetlink.dispatch import publish, recover, staging_dir_for, swap
from streetlink.errors import StreetlinkError


def write_night(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tree(folder):
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.is_file()}


def visible(out):
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


NIGHT_1 = {"links.parquet": "first", "dispatch/310115004_潍坊新村街道.xlsx": "A", "review/review.xlsx": "R1"}
NIGHT_2 = {"links.parquet": "second", "dispatch/310115007_周家渡街道.xlsx": "B", "review/review.xlsx": "R2"}


@pytest.mark.parametrize("atomic_exchange", [True, False])
def test_publish_swaps_a_night_in_whole(tmp_path, atomic_exchange):
    final = tmp_path / "out" / "2026-11-20"
    first = staging_dir_for(final)
    assert first.parent == final.parent and first.name.startswith(".") and not any(first.iterdir())
    write_night(first, NIGHT_1)
    publish(first, final, atomic_exchange=atomic_exchange)
    assert tree(final) == NIGHT_1

    second = staging_dir_for(final)
    write_night(second, NIGHT_2)
    assert tree(final) == NIGHT_1  # nothing of the new night shows before the swap
    publish(second, final, atomic_exchange=atomic_exchange)

    assert tree(final) == NIGHT_2  # the first night's packet is gone, not merged
    assert sorted(p.name for p in final.parent.iterdir()) == ["2026-11-20"]


def test_a_crash_while_writing_leaves_the_previous_night_untouched(tmp_path):
    final = tmp_path / "2026-11-20"
    first = staging_dir_for(final)
    write_night(first, NIGHT_1)
    publish(first, final)

    crashed = staging_dir_for(final)
    write_night(crashed, {"links.parquet": "half"})  # the run dies here: publish never called

    assert tree(final) == NIGHT_1
    assert visible(tmp_path) == ["2026-11-20"]  # the half night is hidden, not the date's output
    rerun = staging_dir_for(final)  # the next run clears the leftover
    assert not crashed.exists() and rerun.exists()


def test_a_failed_swap_puts_the_previous_night_back(tmp_path, monkeypatch):
    final = tmp_path / "2026-11-20"
    first = staging_dir_for(final)
    write_night(first, NIGHT_1)
    publish(first, final)
    second = staging_dir_for(final)
    write_night(second, NIGHT_2)

    real_rename = os.rename

    def rename(src, dst):
        if os.fspath(src) == os.fspath(second):
            raise OSError("disk pulled")
        real_rename(src, dst)

    monkeypatch.setattr(swap.os, "rename", rename)
    with pytest.raises(OSError, match="disk pulled"):
        publish(second, final, atomic_exchange=False)
    assert tree(final) == NIGHT_1


def test_a_hard_crash_between_the_renames_is_recovered(tmp_path):
    final = tmp_path / "2026-11-20"
    aside = tmp_path / ".2026-11-20.old-abc"  # the previous night, renamed aside; then the power went
    write_night(aside, NIGHT_1)
    leftover = tmp_path / ".2026-11-20.staging-xyz"
    write_night(leftover, NIGHT_2)
    assert visible(tmp_path) == []  # no half night is ever visible

    staging_dir_for(final)
    assert tree(final) == NIGHT_1
    assert not aside.exists() and not leftover.exists()


def test_recover_drops_an_old_copy_left_after_a_complete_swap(tmp_path):
    final = tmp_path / "2026-11-20"
    write_night(final, NIGHT_2)
    write_night(tmp_path / ".2026-11-20.old-abc", NIGHT_1)
    recover(final)
    assert tree(final) == NIGHT_2 and visible(tmp_path) == ["2026-11-20"]
    assert not (tmp_path / ".2026-11-20.old-abc").exists()


def test_other_dates_are_left_alone(tmp_path):
    other = tmp_path / ".2026-11-19.staging-abc"
    write_night(other, NIGHT_1)
    staging_dir_for(tmp_path / "2026-11-20")
    assert other.exists()


def test_publish_refuses_a_folder_elsewhere(tmp_path):
    elsewhere = tmp_path / "elsewhere" / "tmp"
    elsewhere.mkdir(parents=True)
    with pytest.raises(StreetlinkError, match="sibling"):
        publish(elsewhere, tmp_path / "out" / "2026-11-20")
    with pytest.raises(StreetlinkError, match="nothing to publish"):
        publish(tmp_path / "missing", tmp_path / "2026-11-20")
