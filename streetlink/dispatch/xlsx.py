"""The one module that builds Excel workbooks: every source value goes in as text, safely.

Source data is untrusted (SOURCES.md): a name may start with ``=``, an address may hold
control characters or run to 20,000 characters. Here every such value is written with
``write_string`` into a text-formatted (``@``) cell, so it is never a live formula and stays
text when a street worker edits the cell; characters XML cannot carry are dropped and
over-long text is cut at Excel's cell limit with a visible mark; line breaks become LF.
Workbooks get fixed properties (title, author, creation time = the run date) so reruns
are byte-comparable.

Sheets are made to be printed and walked: A4, one page wide (fit to width), the header
row repeated on every page, a page header naming the sheet (街镇 · 居委会 · 日期 · 第 x/y 页)
and the footer 内部资料 注意保密, thin borders, and row heights computed from the text so
that wrapped cells show all of it (viewers do not all re-measure rows on open). Sheets
are protected without a password — a guard against slips, not a lock — and the fill-in
columns (yellow) are the only unlocked cells.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

__all__ = [
    "FILL_KINDS",
    "MAX_CELL_CHARS",
    "TRUNCATION_MARK",
    "Col",
    "Styles",
    "add_choice_list",
    "add_datetime_check",
    "cell_text",
    "file_name_part",
    "new_workbook",
    "print_setup",
    "protect",
    "row_height",
    "sheet_name",
    "write_table",
    "write_title",
]

MAX_CELL_CHARS = 32_767  # Excel's limit, in UTF-16 code units
TRUNCATION_MARK = "…[内容过长已截断]"
FONT_SIZE = 10
LINE_POINTS = 14.5  # one line of 10 pt text, CJK fonts' line spacing included
MAX_ROW_POINTS = 409.0  # Excel's limit

# C0 controls except tab, newline and carriage return, DEL, lone surrogates and the two
# non-characters: XML cannot carry them (xlsxwriter would store _xHHHH_ escapes that some
# readers show as garbage), and they mean nothing to a street worker.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
_FILE_FORBIDDEN = re.compile(r'[\x00-\x1f/\\:*?"<>|]')

FILL_KINDS = ("fill", "fill_datetime", "fill_code")
# Excel serial days of 2020-01-01 and 2100-01-01: a 核查时间 outside them is a typo.
_FIRST_CHECK_DAY, _LAST_CHECK_DAY = 43831, 73051


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

    kind: ``text`` and ``wrap`` (text, wrapped), ``datetime`` (date and minute),
    ``deadline`` (month, day and minute: the year is tonight's), ``probability`` (0–1 shown as a percentage), ``count`` (integer), and the
    fill-in kinds (blank, yellow, unlocked): ``fill`` (text), ``fill_datetime`` (a date
    and time, validated), ``fill_code`` (a 12-digit code kept as text).
    """

    header: str
    width: float
    kind: str = "text"

    @property
    def is_fill(self) -> bool:
        return self.kind in FILL_KINDS


class Styles:
    """The formats of one workbook (formats belong to the workbook that made them)."""

    def __init__(self, wb: Workbook):
        base = {"font_size": FONT_SIZE, "valign": "top", "border": 1, "border_color": "#A6A6A6"}

        def fmt(**extra):
            return wb.add_format({**base, **extra})

        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.subtitle = wb.add_format({"font_color": "#444444", "font_size": FONT_SIZE})
        self.note = wb.add_format({"font_size": FONT_SIZE, "text_wrap": True, "valign": "top"})
        header = {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "border": 1,
                  "font_size": FONT_SIZE}
        self.header = wb.add_format({**header, "bg_color": "#D9E1F2"})
        self.fill_header = wb.add_format({**header, "bg_color": "#FFD966"})
        self.text = fmt(num_format="@", text_wrap=True)
        self.wrap = fmt(num_format="@", text_wrap=True)
        self.datetime = fmt(num_format="yyyy-mm-dd hh:mm", align="left")
        self.deadline = fmt(num_format="mm-dd hh:mm", align="left")
        self.probability = fmt(num_format="0.0%")
        self.count = fmt(num_format="#,##0")
        yellow = {"bg_color": "#FFF2CC", "locked": False}
        self.fill = fmt(num_format="@", text_wrap=True, **yellow)
        self.fill_datetime = fmt(num_format="mm-dd hh:mm", align="left", **yellow)
        self.fill_code = fmt(num_format="@", **yellow)
        self.urgent = fmt(num_format="@", bold=True, font_color="#C00000", text_wrap=True)
        self.high = fmt(num_format="@", bold=True, font_color="#9C5700", text_wrap=True)
        self.total = wb.add_format({"bold": True, "top": 1, "font_size": FONT_SIZE})
        self.total_count = wb.add_format({"bold": True, "top": 1, "num_format": "#,##0", "font_size": FONT_SIZE})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1, "font_size": FONT_SIZE})
        self.plain = wb.add_format({"font_size": FONT_SIZE})
        self.plain_count = wb.add_format({"font_size": FONT_SIZE, "num_format": "#,##0"})

    def for_kind(self, kind: str):
        return {
            "text": self.text, "wrap": self.wrap, "datetime": self.datetime, "deadline": self.deadline,
            "probability": self.probability, "count": self.count, "fill": self.fill,
            "fill_datetime": self.fill_datetime, "fill_code": self.fill_code,
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


# Column units per character at 10 pt, as Excel lays it out (a unit is the width of a
# digit of the default font): a CJK character ~13 px, a Latin one ~6.5 px of 7. Rounded
# up a little: a row a little too tall shows everything, one too short hides a line.
_WIDE_UNITS, _NARROW_UNITS = 1.9, 0.95


def _display_units(text: str) -> float:
    """Width of `text` in Excel column units: East Asian wide characters count about two."""
    return sum(_WIDE_UNITS if unicodedata.east_asian_width(ch) in "WF" else _NARROW_UNITS for ch in text)


def row_height(cells: Iterable[tuple[str, float]]) -> float:
    """Points a row needs so that every (text, column width) shows whole when wrapped."""
    lines = 1
    for text, width in cells:
        if not text:
            continue
        usable = max(width - 0.7, 1.0)  # cell padding
        n = sum(max(1, math.ceil(_display_units(part) / usable)) for part in text.split("\n"))
        lines = max(lines, n)
    return min(MAX_ROW_POINTS, lines * LINE_POINTS + 3.0)


def _write_value(ws: Worksheet, styles: Styles, row: int, col: int, kind: str, value: object) -> str:
    """Write one cell; returns the text it shows (for the row height)."""
    fmt = styles.for_kind(kind)
    if kind in FILL_KINDS or value is None:
        # Written blank with its format, so the cell prints with its border and colour.
        ws.write_blank(row, col, None, fmt)
        return ""
    if kind in ("datetime", "deadline") and isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value.replace(tzinfo=None), fmt)
        return "0000-00-00 00:00" if kind == "datetime" else "00-00 00:00"
    if kind in ("probability", "count") and isinstance(value, (int, float)) and math.isfinite(value):
        ws.write_number(row, col, value, fmt)
        return f"{value:,}" if kind == "count" else "100.0%"
    # Every other value, from the sources above all, is text: never a formula.
    text = cell_text(value)
    ws.write_string(row, col, text, styles.text if kind in ("datetime", "deadline") else fmt)
    return text


def write_table(
    ws: Worksheet,
    styles: Styles,
    header_row: int,
    cols: Sequence[Col],
    rows: Iterable[Sequence[object]],
    *,
    freeze_cols: int = 0,
    row_formats: Sequence[dict[int, object]] | None = None,
) -> int:
    """Header at `header_row`, then `rows`; widths, heights, frozen header, autofilter.

    `row_formats[i]` may override the format of some columns of data row i (a priority in
    red). Returns the number of data rows.
    """
    header_lines = 1
    for c, col in enumerate(cols):
        ws.write_string(header_row, c, col.header, styles.fill_header if col.is_fill else styles.header)
        # Widths only: a column format would colour the title rows too; rows a worker
        # inserts take the format (yellow, unlocked) of the row above.
        ws.set_column(c, c, col.width)
        header_lines = max(header_lines, math.ceil(_display_units(col.header) / max(col.width - 1, 1)))
    ws.set_row(header_row, header_lines * LINE_POINTS + 4)
    n = 0
    for n, values in enumerate(rows, start=1):
        shown = []
        overrides = row_formats[n - 1] if row_formats is not None else {}
        for c, (col, value) in enumerate(zip(cols, values, strict=True)):
            if c in overrides and value is not None:
                text = cell_text(value)
                ws.write_string(header_row + n, c, text, overrides[c])
            else:
                text = _write_value(ws, styles, header_row + n, c, col.kind, value)
            shown.append((text, col.width))
        ws.set_row(header_row + n, row_height(shown))
    ws.freeze_panes(header_row + 1, freeze_cols)
    ws.autofilter(header_row, 0, header_row + max(n, 1), len(cols) - 1)
    return n


def _header_text(text: str) -> str:
    return cell_text(text).replace("&", "&&").replace("\n", " ")


def print_setup(ws: Worksheet, header_row: int | None, *, left: str, center: str,
                landscape: bool = True) -> None:
    """A4, one page wide, header row repeated, 「left · center · 第 x/y 页」 and the secrecy footer."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many pages down as needed
    ws.set_margins(left=0.3, right=0.3, top=0.75, bottom=0.6)
    ws.center_horizontally()
    if header_row is not None:
        ws.repeat_rows(header_row)
    ws.set_header(f"&L{_header_text(left)}&C{_header_text(center)}&R第 &P/&N 页", {"margin": 0.3})
    ws.set_footer("&C内部资料　注意保密", {"margin": 0.3})


def protect(ws: Worksheet) -> None:
    """Protect the sheet without a password: locked cells guarded, fill-ins and filters usable."""
    ws.protect("", {
        "select_locked_cells": True, "select_unlocked_cells": True,
        "format_columns": True, "format_rows": True, "autofilter": True, "sort": True,
        "insert_rows": True,
    })


def add_choice_list(
    ws: Worksheet, first_row: int, last_row: int, col: int, choices: Sequence[str] | str, prompt: str,
    *, blank_rows: int = 0,
) -> None:
    """A drop-down list on a column's data cells (at least one row, so the list always exists).

    `choices` is the list itself or a range formula (``='代码'!$A$2:$A$900``) for long lists.
    `blank_rows` extends the list below the data for rows a worker adds.
    """
    ws.data_validation(first_row, col, max(last_row, first_row) + blank_rows, col, {
        "validate": "list",
        "source": choices if isinstance(choices, str) else list(choices),
        "input_title": "请选择",
        "input_message": prompt[:255],
        "error_title": "无效的选项",
        "error_message": "请从下拉列表中选择。",
        "error_type": "stop",
    })


def add_datetime_check(ws: Worksheet, first_row: int, last_row: int, col: int, what: str,
                       *, blank_rows: int = 0) -> None:
    """Accept only a date and time (a number between 2020 and 2100 as Excel counts days)."""
    ws.data_validation(first_row, col, max(last_row, first_row) + blank_rows, col, {
        "validate": "decimal",
        "criteria": "between",
        "minimum": _FIRST_CHECK_DAY,
        "maximum": _LAST_CHECK_DAY,
        "input_title": what,
        "input_message": f"请填写{what}（日期和时间），如 2026-11-25 14:30",
        "error_title": "不是日期时间",
        "error_message": f"{what}应为日期和时间，如 2026-11-25 14:30。",
        "error_type": "stop",
    })
