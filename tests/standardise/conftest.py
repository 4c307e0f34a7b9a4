"""Shared test data for the standardisers."""

from __future__ import annotations

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


def pytest_generate_tests(metafunc):
    """A test asking for `hostile` runs once per hostile string."""
    if "hostile" in metafunc.fixturenames:
        metafunc.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
