"""Hotline workbook reader: title rows, numbers and datetimes as text, broken workbooks."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from streetlink.contracts import SOURCES
from streetlink.errors import InputFileError
from streetlink.ingest.read_xlsx import cell_text, read_source_xlsx

SPEC = SOURCES["hotline"]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (13812345678.0, "13812345678"),
        (2611240000001.0, "2611240000001"),
        (13812345678, "13812345678"),
        (1.5e16, "15000000000000000"),
        (0.1, "0.1"),
        (1e-7, "0.0000001"),
        (dt.datetime(2026, 11, 24, 8, 15, 2), "2026-11-24 08:15:02"),
        (dt.datetime(2026, 11, 24, 0, 0, 51, 999_990), "2026-11-24 00:00:52"),
        (dt.date(2026, 11, 24), "2026-11-24"),
        (dt.time(8, 15), "08:15:00"),
        (True, "TRUE"),
        ("", None),
        (None, None),
        (" 王女士 ", " 王女士 "),
    ],
)
def test_cell_text(cell, text):
    assert cell_text(cell) == text


def test_header_found_below_two_title_rows(inbox):
    path = inbox.hotline_xlsx("hotline_a.xlsx", [inbox.hotline_row(1), inbox.hotline_row(2)])
    records = read_source_xlsx(path, SPEC)
    rows = records.table.to_pylist()
    assert [r["工单编号"] for r in rows] == ["2611240000001", "2611240000002"]
    assert [r["_row"] for r in rows] == [4, 5]  # sheet row numbers: 2 titles, header on 3


def test_numeric_cells_and_excel_datetimes_become_text(inbox):
    row = inbox.hotline_row(
        1,
        工单编号=2611240000007.0,
        来电号码=13812345678,
        受理时间=dt.datetime(2026, 11, 24, 9, 30, 5),
    )
    path = inbox.hotline_xlsx(
        "hotline_a.xlsx", [row, inbox.hotline_row(2, 受理时间="2026/11/24 09:31")]
    )
    rows = read_source_xlsx(path, SPEC).table.to_pylist()
    assert rows[0]["工单编号"] == "2611240000007"
    assert rows[0]["来电号码"] == "13812345678"
    assert rows[0]["受理时间"] == "2026-11-24 09:30:05"
    assert rows[1]["受理时间"] == "2026/11/24 09:31"


def test_header_without_title_rows_and_extra_columns(inbox):
    header = inbox.hotline_headers[::-1] + ["处理部门"]
    path = inbox.hotline_xlsx(
        "hotline_a.xlsx", [inbox.hotline_row(1, 处理部门="街道办")], title_rows=(), header=header
    )
    row = read_source_xlsx(path, SPEC).table.to_pylist()[0]
    assert row["工单编号"] == "2611240000001" and row["处理部门"] == "街道办"


def test_missing_header_fails_naming_it(inbox):
    header = [h for h in inbox.hotline_headers if h != "所属街镇"]
    path = inbox.hotline_xlsx("hotline_a.xlsx", [inbox.hotline_row(1)], header=header)
    with pytest.raises(InputFileError, match="missing required header.*所属街镇"):
        read_source_xlsx(path, SPEC)


def test_truncated_workbook_fails_with_a_clear_reason(inbox):
    path = inbox.hotline_xlsx("hotline_a.xlsx", [inbox.hotline_row(n) for n in range(50)])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(InputFileError, match="cannot open workbook"):
        read_source_xlsx(path, SPEC)


def test_not_a_workbook_fails(inbox):
    path = inbox.day / "hotline_a.xlsx"
    path.write_text("工单编号,受理时间\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="cannot open workbook"):
        read_source_xlsx(path, SPEC)


def test_damaged_sheet_inside_a_valid_zip_fails(inbox):
    path = inbox.hotline_xlsx("hotline_a.xlsx", [inbox.hotline_row(n) for n in range(20)])
    damaged = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data[: len(data) // 2] if "sheet1" in item.filename else data)
    path.write_bytes(damaged.getvalue())
    with pytest.raises(InputFileError, match="cannot open workbook: damaged sheet data"):
        read_source_xlsx(path, SPEC)
