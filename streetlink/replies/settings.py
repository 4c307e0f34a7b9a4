"""The replies stage's tunable numbers, loaded from ``settings.json`` and validated on load."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from streetlink.contracts import REPLY_RESULTS
from streetlink.errors import StreetlinkError

__all__ = ["RepliesSettings", "load_settings"]


@dataclass(frozen=True)
class RepliesSettings:
    default_deadline_hours: float = 24.0
    closing_results: tuple[str, ...] = ()
    home_rules: tuple[str, ...] = ("person_registered_home",)
    min_answers_per_rule: int = 50
    min_band_answered_share: float = 0.5
    wilson_z: float = 1.959963984540054
    year_rollover_days: int = 60

    def with_overrides(self, **values: Any) -> RepliesSettings:
        """A copy with some values replaced (e.g. a deadline from the command line)."""
        return _validated(replace(self, **values))


def _validated(s: RepliesSettings) -> RepliesSettings:
    problems = []
    codes = set(REPLY_RESULTS.values())
    if not s.default_deadline_hours > 0:
        problems.append("default_deadline_hours must be > 0")
    unknown = [r for r in s.closing_results if r not in codes]
    if unknown:
        problems.append(f"closing_results names unknown result(s) {unknown}")
    if s.min_answers_per_rule < 1:
        problems.append("min_answers_per_rule must be >= 1")
    if not 0 < s.min_band_answered_share <= 1:
        problems.append("min_band_answered_share must be in (0, 1]")
    if not 0 < s.wilson_z < 10:
        problems.append("wilson_z must be in (0, 10)")
    if s.year_rollover_days < 0:
        problems.append("year_rollover_days must be >= 0")
    if problems:
        raise StreetlinkError("replies settings: " + "; ".join(problems))
    return s


@lru_cache(maxsize=8)
def _load(path: str | None) -> RepliesSettings:
    if path is None:
        text = resources.files("streetlink.replies").joinpath("settings.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    raw = {k: v for k, v in json.loads(text).items() if not k.startswith("_")}
    known = set(RepliesSettings.__dataclass_fields__)
    extra = sorted(set(raw) - known)
    if extra:
        raise StreetlinkError(f"replies settings: unknown key(s) {extra}")
    for key in ("closing_results", "home_rules"):
        if key in raw:
            raw[key] = tuple(raw[key])
    return _validated(RepliesSettings(**raw))


def load_settings(path: Path | str | None = None) -> RepliesSettings:
    """The settings in `path` (default: the package's ``settings.json``)."""
    return _load(None if path is None else str(path))
