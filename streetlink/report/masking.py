"""Masking of personal data for reports (OUTPUTS.md): name 王*芳, ID 310***********0029, phone 138****5678.

Reports go to auditors; packets and the review workbook (operational) are not masked.
Each function takes any value (None, numbers, text) and returns text that never contains
the value's hidden part. Short values that cannot keep their visible ends without
revealing most of themselves are masked entirely.
"""

from __future__ import annotations

import re

__all__ = ["mask_id", "mask_name", "mask_phone"]

_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D")


def _text(value: object) -> str:
    return "" if value is None else _SPACES.sub("", str(value))


def mask_name(value: object) -> str:
    """王兰芳 → 王*芳, 欧阳娜娜 → 欧**娜, 王芳 → 王*, 王 → *; blank → ''."""
    s = _text(value)
    if len(s) <= 1:
        return "*" * len(s)
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]


_MIN_HIDDEN = 4  # 138****5678 hides 4 of 11 digits; anything shorter hides everything


def _keep_ends(s: str, head: int, tail: int) -> str:
    if len(s) - head - tail < _MIN_HIDDEN:
        return "*" * len(s)
    return s[:head] + "*" * (len(s) - head - tail) + s[-tail:]


def mask_id(value: object) -> str:
    """First 3 and last 4 characters kept: 310115195803120029 → 310***********0029."""
    return _keep_ends(_text(value).upper(), 3, 4)


def mask_phone(value: object) -> str:
    """Digits only, country code dropped; first 3 and last 4 kept: 138****5678."""
    digits = _NON_DIGITS.sub("", _text(value))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return _keep_ends(digits, 3, 4)
