"""Shared test data for the standardisers: hostile strings, and the golden CSV files.

A test module naming ``GOLDEN_CSV`` (a file in ``golden/``) may ask for ``golden_row``
(the test runs once per row) or ``golden_rows`` (all of them). In those files ``<None>``
stands for None (an empty cell is an empty string).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).with_name("golden")

# What untrusted source fields really contain: huge strings, control and escape
# characters, spreadsheet formulas, emoji, line separators, zero-width characters, a lone
# surrogate, full-width text. Every standardiser must survive all of them.
HOSTILE = [
    "王" * 20_000,
    "wang" * 5_000,
    "1" * 20_000,
    "\x00\x01\x1b[31m",
    "=cmd|' /C calc'!A0",
    "😀" * 50,
    "王\u2028芳",
    "\ufeff王\u200b芳",
    "\ud800",
    "Ｗａｎｇ　Ｆａｎｇ",
]


@cache
def read_golden(name: str) -> tuple[dict[str, str | None], ...]:
    with (GOLDEN_DIR / name).open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return tuple({k: None if v == "<None>" else v for k, v in row.items()} for row in rows)


def pytest_generate_tests(metafunc):
    """A test asking for `hostile` runs once per hostile string; for `golden_row`, once per
    row of its module's GOLDEN_CSV."""
    if "hostile" in metafunc.fixturenames:
        metafunc.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
    if "golden_row" in metafunc.fixturenames:
        rows = read_golden(metafunc.module.GOLDEN_CSV)
        metafunc.parametrize("golden_row", rows, ids=[f"{r['raw']!r}:{r['why']}" for r in rows])


@pytest.fixture()
def golden_rows(request) -> tuple[dict[str, str | None], ...]:
    return read_golden(request.module.GOLDEN_CSV)
