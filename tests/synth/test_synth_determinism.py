"""The same seed gives byte-identical files; another seed gives other files."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from streetlink.synth import generate


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    kwargs = {"nights": 2, "start_date": dt.date(2026, 11, 24), "inject_bad_input": True}
    a = generate("tiny", 3, tmp_path / "a", **kwargs)
    b = generate("tiny", 3, tmp_path / "b", **kwargs)
    c = generate("tiny", 4, tmp_path / "c", **kwargs)
    da, db, dc = _digests(a.out_dir), _digests(b.out_dir), _digests(c.out_dir)
    assert da == db
    assert len(da) == 3 + 2 * 5 + 1  # registry, 2 nights x (4 inbox files + truth), manifest
    assert set(da) == set(dc)
    assert all(da[k] != dc[k] for k in da)


def test_progress_is_reported_in_order(tmp_path):
    seen: list[tuple[str, int, int]] = []
    generate(
        "tiny", 1, tmp_path, progress=lambda stage, done, total: seen.append((stage, done, total))
    )
    assert [s for s, _, _ in seen][:3] == ["geography", "population", "registry files"]
    assert seen[-1][0] == "done" and seen[-1][1] == seen[-1][2]
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)
