"""The shape every reader returns: one file's records as an all-text Arrow table.

Input: the cells a reader pulled out of one file (header row + data rows, or JSON fields).
Output: ``RawRecords`` — an Arrow table whose columns are the file's own headers (Chinese,
cleaned of stray spaces and BOMs; for JSON the dotted field path) plus four metadata
columns, and the number of malformed lines the reader met.

Metadata columns (names start with ``_`` so they cannot collide with a source header):
    _file   file name the record came from
    _row    spreadsheet row / file line where the record starts (1-based)
    _error  reader-level reject reason (``bad_json_line`` / ``wrong_field_type``) or null
    _line   the original line of a bad JSON line (audit), else null
Columns the header does not name are kept as ``_col<N>``; cells beyond the header width
go to ``_overflow`` as a JSON list. Nothing here renames to English: that is staging's job.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from streetlink.contracts import SourceSpec
from streetlink.errors import InputFileError

__all__ = [
    "HEADER_SCAN_ROWS",
    "META_COLUMNS",
    "RawRecords",
    "clean_header",
    "empty_records",
    "locate_header",
    "records_table",
    "rows_to_records",
]

META_COLUMNS = ("_file", "_row", "_error", "_line")
HEADER_SCAN_ROWS = 20

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RawRecords:
    table: pa.Table  # all-text source columns + META_COLUMNS
    bad_lines: int  # malformed lines/rows (still in the table, never dropped)

    @property
    def num_rows(self) -> int:
        return self.table.num_rows


def clean_header(cell: object) -> str:
    """Header text as the agencies mean it: no BOM, zero-width or (full-width) spaces."""
    text = "" if cell is None else str(cell)
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return _SPACE.sub("", text)


def locate_header(
    rows: Sequence[Sequence[object]], spec: SourceSpec, path: str
) -> tuple[int, list[str]]:
    """Index of the header row among the first rows, and its cleaned cells.

    Title rows may stand above the header, so the header is the first row (of the first
    ``HEADER_SCAN_ROWS``) that holds every required header. If none does, the file fails,
    naming the headers missing from the row that came closest.
    """
    required = spec.required_headers
    best_index, best_found = -1, -1
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [clean_header(c) for c in row]
        found = sum(1 for h in required if h in cells)
        if found == len(required):
            duplicated = [h for h in required if cells.count(h) > 1]
            if duplicated:
                raise InputFileError(
                    path, f"header(s) {', '.join(duplicated)} appear more than once"
                )
            return index, cells
        if found > best_found:
            best_index, best_found = index, found
    if best_found <= 0:
        raise InputFileError(
            path,
            f"no header row in the first {HEADER_SCAN_ROWS} rows; "
            f"missing required header(s): {', '.join(required)}",
        )
    cells = [clean_header(c) for c in rows[best_index]]
    missing = [h for h in required if h not in cells]
    raise InputFileError(
        path, f"missing required header(s): {', '.join(missing)} (header row {best_index + 1})"
    )


def _column_names(header: list[str]) -> list[str]:
    """Unique column names for the header cells; blank headers become ``_col<N>``."""
    names: list[str] = []
    seen: set[str] = set(META_COLUMNS) | {"_overflow"}
    for position, cell in enumerate(header, start=1):
        name = cell if cell and not cell.startswith("_") else f"_col{position}"
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names


def rows_to_records(
    header: list[str],
    rows: Sequence[Sequence[str | None]],
    row_numbers: Sequence[int],
    file_name: str,
    ragged_is_bad: bool,
) -> RawRecords:
    """Records of a tabular file (CSV or sheet) below its header row, every value text.

    Cells beyond the last named header are kept in ``_overflow``; shorter rows are padded
    with nulls. With ``ragged_is_bad`` (CSV) a row whose field count differs from the
    header's counts as a bad line; it is still a record.
    """
    sent_width = len(header)
    named = list(header)
    while named and not named[-1]:  # trailing blank header cells (sheet padding, "a,b,")
        named.pop()
    names = _column_names(named)
    width = len(names)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    overflow: list[str | None] = []
    bad = 0
    for row in rows:
        for i in range(width):
            columns[i].append(row[i] if i < len(row) else None)
        extra = list(row[width:])
        while extra and (extra[-1] is None or extra[-1] == ""):
            extra.pop()
        overflow.append(json.dumps(extra, ensure_ascii=False) if extra else None)
        if ragged_is_bad and len(row) != sent_width:
            bad += 1
    data: dict[str, list] = dict(zip(names, columns, strict=True))
    if any(v is not None for v in overflow):
        data["_overflow"] = overflow
    return RawRecords(
        records_table(data, file_name, list(row_numbers), [None] * len(rows), [None] * len(rows)),
        bad,
    )


def records_table(
    columns: dict[str, list[str | None]],
    file_name: str,
    row_numbers: list[int],
    errors: list[str | None],
    lines: list[str | None],
) -> pa.Table:
    """Arrow table with the metadata columns first, then the source columns as text."""
    n = len(row_numbers)
    arrays = {
        "_file": pa.array([file_name] * n, pa.string()),
        "_row": pa.array(row_numbers, pa.int64()),
        "_error": pa.array(errors, pa.string()),
        "_line": pa.array(lines, pa.string()),
    }
    for name, values in columns.items():
        arrays[name] = pa.array(values, pa.string())
    return pa.table(arrays)


def empty_records(spec: SourceSpec) -> pa.Table:
    """A table with no records but every required column: what a source without files gives."""
    return records_table({h: [] for h in spec.required_headers}, "", [], [], [])
