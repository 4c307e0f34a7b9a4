"""The one module that builds Excel workbooks: every source value goes in as text, safely.

Source data is untrusted (SOURCES.md): a name may start with ``=``, an address may hold
control characters or run to 20,000 characters. Here every such value is written with
``write_string`` into a text-formatted (``@``) cell, so it is never a live formula and stays
text when a street worker edits the cell; characters XML cannot carry are dropped and
over-long text is cut at Excel's cell limit with a visible mark; line breaks become LF. Workbooks get fixed
properties (title, author, creation time = the run date) so reruns are byte-comparable.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

__all__ = [
    "MAX_CELL_CHARS",
    "TRUNCATION_MARK",
    "Col",
    "Styles",
    "add_choice_list",
    "cell_text",
    "file_name_part",
    "new_workbook",
    "sheet_name",
    "write_table",
    "write_title",
]

MAX_CELL_CHARS = 32_767  # Excel's limit, in UTF-16 code units
TRUNCATION_MARK = "…[内容过长已截断]"

# C0 controls except tab, newline and carriage return, DEL, lone surrogates and the two
# non-characters: XML cannot carry them (xlsxwriter would store _xHHHH_ escapes that some
# readers show as garbage), and they mean nothing to a street worker.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
_FILE_FORBIDDEN = re.compile(r'[\x00-\x1f/\\:*?"<>|]')


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def cell_text(value: object) -> str:
    """`value` as the text a cell can hold: unsafe characters dropped, capped at Excel's limit."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    # A bare CR would be stored as _x000D_, which not every reader turns back: line breaks
    # become LF, the only one a cell shows anyway.
    text = _UNSAFE_CHARS.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    # Only text over half the limit can exceed it in UTF-16 units: skip the encode otherwise.
    if len(text) > MAX_CELL_CHARS // 2 and _utf16_len(text) > MAX_CELL_CHARS:
        budget = MAX_CELL_CHARS - _utf16_len(TRUNCATION_MARK)
        cut = text[:budget]
        while _utf16_len(cut) > budget:  # astral characters count twice
            cut = cut[:-1]
        text = cut + TRUNCATION_MARK
    return text


def sheet_name(wanted: str, taken: set[str], fallback: str) -> str:
    """A valid worksheet name (≤ 31 chars, no []:*?/\\'), unique case-insensitively in `taken`."""
    base = _SHEET_FORBIDDEN.sub("", cell_text(wanted)).replace("\n", " ").replace("\t", " ").strip()
    base = base[:31] or fallback[:31]
    name, n = base, 1
    while name.lower() in {t.lower() for t in taken} or name.lower() == "history":
        n += 1
        suffix = f"_{n}"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name)
    return name


def file_name_part(text: str) -> str:
    """`text` made safe as part of a file name (no separators or reserved characters)."""
    return _FILE_FORBIDDEN.sub("_", text).strip(" .") or "_"


@dataclass(frozen=True)
class Col:
    """One column of a sheet: header, width, and how its values are written.

    kind: ``text`` (single line), ``wrap`` (long text, wrapped), ``datetime``,
    ``probability`` (0–1 shown as a percentage), ``count`` (integer), ``fill`` (blank,
    for the street or the clerk to fill in; shaded), ``fill_date`` (blank date to fill in).
    """

    header: str
    width: float
    kind: str = "text"


class Styles:
    """The formats of one workbook (formats belong to the workbook that made them)."""

    def __init__(self, wb: Workbook):
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.subtitle = wb.add_format({"font_color": "#444444"})
        self.header = wb.add_format({
            "bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
            "valign": "vcenter", "align": "center",
        })
        self.fill_header = wb.add_format({
            "bold": True, "bg_color": "#FFF2CC", "border": 1, "text_wrap": True,
            "valign": "vcenter", "align": "center",
        })
        self.text = wb.add_format({"num_format": "@", "valign": "top"})
        self.wrap = wb.add_format({"num_format": "@", "valign": "top", "text_wrap": True})
        self.datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "valign": "top"})
        self.probability = wb.add_format({"num_format": "0.0%", "valign": "top"})
        self.count = wb.add_format({"num_format": "0", "valign": "top"})
        self.fill = wb.add_format({"num_format": "@", "valign": "top", "bg_color": "#FFFBEA"})
        self.fill_date = wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top", "bg_color": "#FFFBEA"})
        self.total = wb.add_format({"bold": True, "top": 1})
        self.total_count = wb.add_format({"bold": True, "top": 1, "num_format": "0"})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1})

    def for_kind(self, kind: str):
        return {
            "text": self.text, "wrap": self.wrap, "datetime": self.datetime,
            "probability": self.probability, "count": self.count, "fill": self.fill,
            "fill_date": self.fill_date,
        }[kind]


def new_workbook(path: Path, title: str, created: dt.date) -> tuple[Workbook, Styles]:
    """A workbook at `path` that never turns strings into formulas, numbers or links."""
    wb = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
        # Assemble in memory: no per-sheet temp files (faster, and zip entries get fixed dates).
        "in_memory": True,
    })
    wb.set_properties({
        "title": cell_text(title)[:255],
        "author": "streetlink",
        "company": "浦东新区",
        "created": dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC),
    })
    return wb, Styles(wb)


def write_title(ws: Worksheet, styles: Styles, row: int, title: str, subtitle: str | None = None) -> int:
    """A title line (and optional subtitle); returns the next free row."""
    ws.write_string(row, 0, cell_text(title), styles.title)
    if subtitle:
        row += 1
        ws.write_string(row, 0, cell_text(subtitle), styles.subtitle)
    return row + 1


def _write_value(ws: Worksheet, styles: Styles, row: int, col: int, kind: str, value: object) -> None:
    fmt = styles.for_kind(kind)
    if kind in ("fill", "fill_date") or value is None:
        # Nothing to write: the column's format (set in write_table) styles empty cells,
        # including whatever the street types in later. A third less work on a big night.
        return
    if kind == "datetime" and isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value.replace(tzinfo=None), fmt)
    elif kind in ("probability", "count") and isinstance(value, (int, float)) and math.isfinite(value):
        ws.write_number(row, col, value, fmt)
    else:
        # Every other value, from the sources above all, is text: never a formula.
        ws.write_string(row, col, cell_text(value), styles.text if kind == "datetime" else fmt)


def write_table(
    ws: Worksheet,
    styles: Styles,
    header_row: int,
    cols: Sequence[Col],
    rows: Iterable[Sequence[object]],
    *,
    freeze_cols: int = 0,
) -> int:
    """Header at `header_row`, then `rows`; widths, frozen header, autofilter. Returns data rows."""
    for c, col in enumerate(cols):
        header_fmt = styles.fill_header if col.kind.startswith("fill") else styles.header
        ws.write_string(header_row, c, col.header, header_fmt)
        ws.set_column(c, c, col.width, styles.for_kind(col.kind))
    n = 0
    for n, values in enumerate(rows, start=1):
        for c, (col, value) in enumerate(zip(cols, values, strict=True)):
            _write_value(ws, styles, header_row + n, c, col.kind, value)
    ws.freeze_panes(header_row + 1, freeze_cols)
    ws.autofilter(header_row, 0, header_row + max(n, 1), len(cols) - 1)
    ws.repeat_rows(header_row)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    return n


def add_choice_list(
    ws: Worksheet, first_row: int, last_row: int, col: int, choices: Sequence[str], prompt: str
) -> None:
    """A drop-down list on a column's data cells (at least one row, so the list always exists)."""
    ws.data_validation(first_row, col, max(last_row, first_row), col, {
        "validate": "list",
        "source": list(choices),
        "input_title": "请选择",
        "input_message": prompt[:255],
        "error_title": "无效的选项",
        "error_message": "请从下拉列表中选择。",
        "error_type": "stop",
    })
