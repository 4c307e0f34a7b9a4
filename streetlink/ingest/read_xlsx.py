"""Reader for ``hotline*.xlsx`` (12345热线工单): first sheet → all-text records.

Input: one workbook; title rows may stand above the header row, which is found by its
headers. Output: ``RawRecords`` with the sheet's headers as columns and every cell as
text: numbers typed where text is meant (phones 13812345678.0, order ids) lose the
".0" and never turn into exponents; Excel datetimes become ``YYYY-MM-DD HH:MM:SS``.
Raises ``InputFileError`` for a workbook that cannot be opened (truncated, not a
workbook, password-protected) or that lacks a required header.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from decimal import Decimal
from pathlib import Path

import python_calamine

from streetlink.contracts import SourceSpec
from streetlink.errors import InputFileError
from streetlink.ingest.raw_records import RawRecords, locate_header, rows_to_records

__all__ = ["cell_text", "read_source_xlsx"]

log = logging.getLogger(__name__)

Cell = int | float | str | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None


def cell_text(value: Cell) -> str | None:
    """One cell as the text a person reading the sheet would see; empty cells → None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return str(int(value))
        # repr is the shortest round-trip form; Decimal prints it without an exponent.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        # Excel stores times as fractions of a day; round away float noise (…:51.999999).
        rounded = value + dt.timedelta(microseconds=500_000)
        return rounded.replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value)


_FAILURES: tuple[tuple[type[BaseException], str], ...] = (
    (python_calamine.ZipError, "truncated or not an .xlsx file"),
    (python_calamine.XmlError, "damaged sheet data"),
    (python_calamine.PasswordError, "password-protected"),
    (python_calamine.CalamineError, "unreadable workbook"),
)


def _first_sheet(path: Path) -> list[list[Cell]]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise InputFileError(str(path), "workbook has no sheet")
        # skip_empty_area=False keeps row numbers equal to the sheet's own row numbers.
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except InputFileError:
        raise
    except BaseException as exc:  # calamine is Rust: a corrupt file can raise a PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        detail = str(exc).splitlines()[0] if str(exc) else ""
        label = next(
            (text for kind, text in _FAILURES if isinstance(exc, kind)), type(exc).__name__
        )
        reason = f"cannot open workbook: {label}" + (f" ({detail})" if len(detail) > 3 else "")
        raise InputFileError(str(path), reason) from None


def read_source_xlsx(path: Path, spec: SourceSpec) -> RawRecords:
    """All records on the first sheet of one workbook of `spec`'s source, as text."""
    sheet = _first_sheet(path)
    header_index, header = locate_header(sheet, spec, str(path))
    rows: list[list[str | None]] = []
    row_numbers: list[int] = []
    for index in range(header_index + 1, len(sheet)):
        texts = [cell_text(v) for v in sheet[index]]
        if any(t is not None and t.strip() for t in texts):
            rows.append(texts)
            row_numbers.append(index + 1)
    records = rows_to_records(header, rows, row_numbers, path.name, ragged_is_bad=False)
    log.info("%s: %d record(s) below header row %d", path.name, records.num_rows, header_index + 1)
    return records
