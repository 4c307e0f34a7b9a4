"""What the flow knows about a run that the tables do not: files, counts, models, timings.

The flow fills a ``RunInfo`` as the stages run and hands it to ``summarise_run``. Every
field is plain data; ``to_dict`` gives its JSON-serialisable form (dates as ISO text,
paths as strings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FILE_STATUSES", "FileResult", "ModelInfo", "RunInfo"]

FILE_STATUSES = ("read", "failed", "ignored")


@dataclass(frozen=True)
class FileResult:
    """One file found in the inbox folder and what became of it."""

    path: str
    source: str | None  # checkpoint | hotline | healthcloud; None if no source claims it
    status: str  # read | failed | ignored
    reason: str | None = None  # why it failed or was ignored
    rows_read: int = 0  # data rows / lines read from it (including bad ones)
    bad_lines: int = 0  # rows that became rejected records (bad JSON, wrong types)

    def __post_init__(self) -> None:
        if self.status not in FILE_STATUSES:
            raise ValueError(f"file status must be one of {FILE_STATUSES}, not {self.status!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "source": self.source, "status": self.status,
                "reason": self.reason, "rows_read": int(self.rows_read), "bad_lines": int(self.bad_lines)}


@dataclass(frozen=True)
class ModelInfo:
    """A linkage model as used tonight: name, version, file hash and key parameters."""

    name: str
    version: str
    sha256: str
    parameters: Mapping[str, Any] = field(default_factory=dict)  # thresholds etc.

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256,
                "parameters": {str(k): _plain(v) for k, v in self.parameters.items()}}


def _plain(value: Any) -> Any:
    """`value` as JSON can hold it (numbers, text, lists, dicts; anything else as text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class RunInfo:
    """One nightly run as the flow saw it.

    rows_read / duplicates_collapsed are per source; a source missing from them is
    derived from ``staged_records.n_copies`` (rows = Σ n_copies, duplicates = Σ (n_copies − 1)).
    """

    run_date: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    inbox: Path | None = None
    registry: Path | None = None
    out: Path | None = None
    reports: Path | None = None
    files: Sequence[FileResult] = ()
    rows_read: Mapping[str, int] = field(default_factory=dict)
    duplicates_collapsed: Mapping[str, int] = field(default_factory=dict)
    models: Sequence[ModelInfo] = ()
    registry_fingerprint: str | None = None
    registry_rows: Mapping[str, int] = field(default_factory=dict)  # e.g. population, housing
    stage_seconds: Mapping[str, float] = field(default_factory=dict)  # stage → seconds, in flow order
    partial: bool = False  # the flow's own verdict; a failed file makes the run partial anyway

    @property
    def is_partial(self) -> bool:
        return self.partial or any(f.status == "failed" for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_date": self.run_date.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "paths": {k: (str(v) if v is not None else None) for k, v in (
                ("inbox", self.inbox), ("registry", self.registry), ("out", self.out),
                ("reports", self.reports))},
            "files": [f.to_dict() for f in self.files],
            "rows_read": {k: int(v) for k, v in self.rows_read.items()},
            "duplicates_collapsed": {k: int(v) for k, v in self.duplicates_collapsed.items()},
            "models": [m.to_dict() for m in self.models],
            "registry": {"fingerprint": self.registry_fingerprint,
                         "rows": {k: int(v) for k, v in self.registry_rows.items()}},
            "stage_seconds": {k: round(float(v), 3) for k, v in self.stage_seconds.items()},
            "partial": self.is_partial,
        }
