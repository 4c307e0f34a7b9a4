"""Read one night's inbox folder: every file to its source's reader, results per file.

Input: ``<inbox>/<YYYY-MM-DD>/`` holding any number of files per source (re-exports,
splits), recognised by name prefix (``streetlink.contracts.source_for_file``).
Output: ``InboxBatch`` — one ``FileResult`` per entry of the folder (read / failed /
ignored, with the reason) and, per source, one all-text Arrow table of the records of
every file that was read (files in name order). A file that fails does not stop the
others; a missing day folder is an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from streetlink.contracts import SOURCE_NAMES, SOURCES, SourceSpec, source_for_file
from streetlink.errors import InputFileError, StreetlinkError
from streetlink.ingest.raw_records import RawRecords, empty_records
from streetlink.ingest.read_csv import read_source_csv
from streetlink.ingest.read_jsonl import read_source_jsonl
from streetlink.ingest.read_xlsx import read_source_xlsx

__all__ = ["FileResult", "InboxBatch", "inbox_inputs", "read_inbox"]

log = logging.getLogger(__name__)

_READERS: dict[str, Callable[[Path, SourceSpec], RawRecords]] = {
    "csv": read_source_csv,
    "xlsx": read_source_xlsx,
    "jsonl": read_source_jsonl,
}


@dataclass(frozen=True)
class FileResult:
    path: Path
    source: str | None
    status: str  # "read" | "failed" | "ignored"
    reason: str | None
    rows_read: int  # records taken from the file, bad lines included
    bad_lines: int  # malformed lines/rows among them (kept as records, rejected or repaired)


@dataclass
class InboxBatch:
    day_dir: Path
    files: list[FileResult]
    tables: dict[str, pa.Table]  # per source: the raw records, every value as text

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def is_partial(self) -> bool:
        """True when some file could not be read: the night's run is partial."""
        return bool(self.failed)


def _expected_names() -> str:
    return ", ".join(f"{s.file_prefix}*{s.file_suffixes[0]}" for s in SOURCES.values())


def _wrong_suffix_source(name: str) -> SourceSpec | None:
    lower = name.lower()
    return next((s for s in SOURCES.values() if lower.startswith(s.file_prefix)), None)


def _read_file(path: Path) -> tuple[FileResult, RawRecords | None]:
    if not path.is_file():
        return FileResult(path, None, "ignored", "not a regular file", 0, 0), None
    spec = source_for_file(path.name)
    if spec is None:
        near = _wrong_suffix_source(path.name)
        if near is not None:
            reason = f"{near.source} files must end in {', '.join(near.file_suffixes)}"
            return FileResult(path, near.source, "failed", reason, 0, 0), None
        reason = f"name matches no source (expected {_expected_names()})"
        return FileResult(path, None, "ignored", reason, 0, 0), None
    try:
        records = _READERS[spec.file_format](path, spec)
    except InputFileError as exc:
        return FileResult(path, spec.source, "failed", exc.reason, 0, 0), None
    except OSError as exc:
        reason = f"cannot read file ({exc.strerror or exc})"
        return FileResult(path, spec.source, "failed", reason, 0, 0), None
    return FileResult(path, spec.source, "read", None, records.num_rows, records.bad_lines), records


def _combine(parts: list[pa.Table], spec: SourceSpec) -> pa.Table:
    if not parts:
        return empty_records(spec)
    # Files of one source may carry different extra columns: union them by name.
    return pa.concat_tables(parts, promote_options="default")


def inbox_inputs(day_dir: Path) -> list[Path]:
    """What a night has to read: files a source claims (or nearly: a wrong suffix, which
    then fails with its reason) and returned workbooks in ``replies/``. Empty: nothing to run."""
    day_dir = Path(day_dir)
    if not day_dir.is_dir():
        return []
    found = [p for p in sorted(day_dir.iterdir())
             if p.is_file() and (source_for_file(p.name) is not None or _wrong_suffix_source(p.name) is not None)]
    replies = day_dir / "replies"
    if replies.is_dir():
        found += sorted(p for p in replies.iterdir() if p.is_file() and p.suffix.lower() == ".xlsx")
    return found


def read_inbox(
    day_dir: Path, progress: Callable[[str, int, int], None] | None = None
) -> InboxBatch:
    """Read every file of one day's inbox folder; `progress(file name, done, total)`."""
    day_dir = Path(day_dir)
    if not day_dir.is_dir():
        raise StreetlinkError(
            f"inbox folder {day_dir} does not exist (expected <inbox>/<YYYY-MM-DD>/ "
            f"holding {_expected_names()})"
        )
    entries = sorted(day_dir.iterdir(), key=lambda p: p.name)
    files: list[FileResult] = []
    parts: dict[str, list[pa.Table]] = {s: [] for s in SOURCE_NAMES}
    for done, path in enumerate(entries, start=1):
        result, records = _read_file(path)
        files.append(result)
        if records is not None:
            parts[result.source].append(records.table)
        if result.status == "failed":
            log.warning("%s failed: %s", path.name, result.reason)
        elif result.status == "ignored":
            log.info("%s ignored: %s", path.name, result.reason)
        if progress is not None:
            progress(path.name, done, len(entries))
    tables = {s: _combine(parts[s], SOURCES[s]) for s in SOURCE_NAMES}
    log.info(
        "inbox %s: %s",
        day_dir.name,
        ", ".join(f"{s} {t.num_rows} row(s)" for s, t in tables.items()),
    )
    return InboxBatch(day_dir=day_dir, files=files, tables=tables)
