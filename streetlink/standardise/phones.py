"""Phone numbers as typed → an 11-digit mobile number, or what else they are.

Input: one phone field (``+86 138 1234 5678``, ``86-138…``, ``0086…``, ``138-1234-5678``,
``021-5888 1234``, ``(021)58881234``, ``58881234``, a spreadsheet's ``13812345678.0`` or
``1.3812345678E10``, two numbers in one cell). Output: ``PhoneInfo``:

- ``phone``: the mobile number (11 digits, a real segment from
  ``reference_data/mobile_segments.csv``), else None;
- ``phone_clean``: the digits of the number kept, as typed but without the country code
  (86 / 0086 / +86; a landline's trunk 0 is put back after a country code), without a
  spreadsheet's float artefacts and without an extension;
- ``phone_kind``: ``mobile`` | ``landline`` (0 + area code + 7–8 digits, a Shanghai local
  8-digit number, 400/800 service numbers) | ``invalid`` | ``missing``.

A cell holding several numbers (split on / , ; | 或) keeps its first mobile, else its first
landline, else its first part. A number wrong by one digit that still looks like a mobile
cannot be told apart here; linking weighs it.

Idempotence: ``parse_phone(info.phone_clean) == info`` whenever ``phone_clean`` is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from streetlink.reference import read_reference
from streetlink.standardise.text import normalise_text

__all__ = ["PHONE_KINDS", "PhoneInfo", "mobile_segments", "parse_phone"]

PHONE_KINDS = ("mobile", "landline", "invalid", "missing")

_PLACEHOLDERS = frozenset(
    {"无", "空", "不详", "未知", "暂无", "没有", "-", "--", "/", "?", "null", "none", "na", "n/a"}
)
_SPLIT_RE = re.compile(r"[/,;|]|或")
_EXTENSION_RE = re.compile(r"(?:转|分机|ext\.?|x)\s*[0-9]{1,6}\s*$", re.IGNORECASE)
_LANDLINE_EXTENSION_RE = re.compile(r"^(\(?0[0-9]{2,3}\)?[\s\-]*[0-9]{7,8})[\s\-]+[0-9]{1,5}$")
_SCIENTIFIC_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?[eE]\+?[0-9]+")
_EXCEL_INT_RE = re.compile(r"([0-9]+)\.0+")
_NON_DIGIT_RE = re.compile(r"[^0-9]")
_COUNTRY_CODE_RE = re.compile(r"^\s*(?:\+|\(\+?86\)|86[\s\-])")


@dataclass(frozen=True)
class PhoneInfo:
    """One phone field, classified; see the module docstring."""

    phone: str | None
    phone_clean: str | None
    phone_kind: str


_MISSING = PhoneInfo(None, None, "missing")


@lru_cache(maxsize=1)
def mobile_segments() -> frozenset[str]:
    """The 3-digit segments that open a mainland mobile number."""
    return frozenset(r["segment"] for r in read_reference("mobile_segments.csv"))


def _undo_spreadsheet(text: str) -> str:
    # A number cell read as text: 13812345678.0, or 1.3812345678E10 when Excel showed it
    # in scientific notation (exact as long as no digit was lost).
    excel = _EXCEL_INT_RE.fullmatch(text)
    if excel:
        return excel.group(1)
    if _SCIENTIFIC_RE.fullmatch(text):
        try:
            value = Decimal(text)
        except InvalidOperation:
            return text
        if value == value.to_integral_value() and value < Decimal(10) ** 20:
            return str(int(value))
    return text


def _digits(part: str) -> str:
    """Digits of one number: country code removed, a landline's trunk 0 put back."""
    part = _EXTENSION_RE.sub("", part)
    landline = _LANDLINE_EXTENSION_RE.match(part.strip())
    if landline:
        part = landline.group(1)
    digits = _NON_DIGIT_RE.sub("", part)
    marked = bool(_COUNTRY_CODE_RE.match(part))
    if digits.startswith("0086"):
        digits, marked = digits[4:], True
    elif digits.startswith("86") and (marked or (len(digits) == 13 and digits[2] == "1")):
        digits, marked = digits[2:], True
    else:
        marked = False
    if marked and digits[:1] not in ("", "0", "1") and 9 <= len(digits) <= 11:
        digits = "0" + digits
    return digits


def _kind(digits: str) -> str:
    if len(digits) == 11 and digits[0] == "1":
        return "mobile" if digits[:3] in mobile_segments() else "invalid"
    if digits[0] == "0" and digits[1:2] != "0" and 10 <= len(digits) <= 12:
        return "landline"
    if len(digits) == 8 and digits[0] in "23456789":
        return "landline"  # Shanghai local number, typed without 021
    if len(digits) == 10 and digits[:3] in ("400", "800"):
        return "landline"
    return "invalid"


@lru_cache(maxsize=500_000)
def _parse(text: str) -> PhoneInfo:
    if text.lower() in _PLACEHOLDERS:
        return _MISSING
    found: list[tuple[str, str]] = []
    for part in _SPLIT_RE.split(_undo_spreadsheet(text)):
        digits = _digits(_undo_spreadsheet(part.strip()))
        if not digits:
            continue
        if len(digits) == 12 and digits.startswith("01") and _kind(digits[1:]) == "mobile":
            digits = digits[1:]  # a trunk 0 dialled before a mobile number
        found.append((_kind(digits), digits))
    if not found:
        return PhoneInfo(None, None, "invalid")
    for wanted in ("mobile", "landline"):
        for kind, digits in found:
            if kind == wanted:
                return PhoneInfo(digits if kind == "mobile" else None, digits, kind)
    return PhoneInfo(None, found[0][1], "invalid")


def parse_phone(raw: str | None) -> PhoneInfo:
    """Classify one phone field as typed (see the module docstring)."""
    if isinstance(raw, str) and len(raw) <= 64 and raw.isascii() and raw.isprintable():
        # Printable ASCII: all normalise_text would do is collapse and strip spaces.
        text: str | None = " ".join(raw.split()) or None
    else:
        text = normalise_text(raw)
    if text is None:
        return _MISSING
    return _parse(text)
