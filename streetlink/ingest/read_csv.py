"""Reader for ``checkpoint*.csv`` (公安道口登记): bytes → all-text records.

Input: one CSV file, GB18030 or UTF-8 (with or without BOM), RFC-4180 quoting (quoted
fields may hold commas, quotes and newlines). Output: ``RawRecords`` with the file's
headers as columns; every value stays text exactly as sent (ids and phones keep their
leading zeros). Raises ``InputFileError`` when the file cannot be read as a whole:
undecodable bytes, malformed quoting, no header row, missing required headers.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

from streetlink.contracts import SourceSpec
from streetlink.errors import InputFileError
from streetlink.ingest.raw_records import RawRecords, locate_header, rows_to_records

__all__ = ["decode_csv_bytes", "read_source_csv"]

log = logging.getLogger(__name__)

# Python's csv module refuses fields over 128 KiB by default; an unbalanced quote is the
# usual way to get one, and the file then fails with a clear reason instead of a huge row.
_MAX_FIELD = 1_000_000


def decode_csv_bytes(data: bytes, path: str) -> tuple[str, str]:
    """(text, encoding): strict UTF-8 (BOM allowed) first, else strict GB18030.

    Real Chinese text in one encoding is almost never valid in the other, so strict
    decoding decides; a file valid in neither fails rather than being guessed at.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InputFileError(
            path, f"undecodable bytes at byte {exc.start} (neither UTF-8 nor GB18030)"
        ) from None


def _parse_rows(text: str, path: str) -> tuple[list[list[str]], list[int]]:
    """CSV rows and the file line each starts on; blank rows are skipped."""
    previous = csv.field_size_limit(_MAX_FIELD)
    try:
        # newline="" lets the csv module see the raw line ends, so quoted newlines
        # survive and U+2028 inside a field is not taken for a line break.
        reader = csv.reader(io.StringIO(text, newline=""), dialect="excel", strict=True)
        rows: list[list[str]] = []
        starts: list[int] = []
        line = 1
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append(row)
                    starts.append(line)
                line = reader.line_num + 1
        except csv.Error as exc:
            raise InputFileError(
                path, f"malformed CSV near line {reader.line_num}: {exc}"
            ) from None
    finally:
        csv.field_size_limit(previous)
    return rows, starts


def read_source_csv(path: Path, spec: SourceSpec) -> RawRecords:
    """All records of one CSV file of `spec`'s source, every value as text."""
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(str(path), "empty file (no header row)")
    text, encoding = decode_csv_bytes(data, str(path))
    rows, starts = _parse_rows(text, str(path))
    header_index, header = locate_header(rows, spec, str(path))
    records = rows_to_records(
        header, rows[header_index + 1 :], starts[header_index + 1 :], path.name, ragged_is_bad=True
    )
    log.info(
        "%s: %d record(s), encoding %s, %d malformed row(s)",
        path.name,
        records.num_rows,
        encoding,
        records.bad_lines,
    )
    return records
