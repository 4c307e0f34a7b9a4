"""Identity document numbers → a validated resident ID number, or a flag saying why not.

Input: the number as typed (full-width digits, spaces, dashes, lower-case x, a spreadsheet's
``.0``) and, when the source has one, the document type. Output: ``IdInfo`` with
``id_clean`` (the number as typed: NFKC, upper case, no spaces or dashes), ``id_status`` and,
only when the number is trustworthy, the 18-digit ``id_number`` and what it encodes.

Resident ID numbers (居民身份证) follow GB 11643-1999: 6 digits of region (GB/T 2260), 8 of
birth date, 3 of sequence (odd for men, even for women), 1 check character (ISO 7064
MOD 11-2: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, characters ``10X98765432``).
15-digit numbers (issued before 1999) have a 2-digit year and no check character; they are
converted by inserting ``19`` and computing the check character.

Statuses, checked in this order (the first failure is the one reported):

- ``missing``: nothing usable typed (blank, 无, 不详, -).
- ``other_document``: the type names a passport, 港澳/台湾 permit, residence permit or
  foreign permanent-residence card, or (no type given) the number starts with a letter.
- ``bad_length``: not 18 characters ``\\d{17}[\\dX]`` nor 15 digits.
- ``bad_region``: the first two digits are not one of the 34 province-level codes.
- ``bad_date``: the birth date is not a real date, or is before 1890, or in the future.
- ``bad_checksum``: the check character does not match (18 digits).
- ``valid`` / ``converted_15``.

An invalid number is flagged, never repaired into a guess: ``id_number``, ``birth_date``,
``gender`` and ``region`` are None unless the status is ``valid`` or ``converted_15``.
The registry path (``identity.sql``) implements the same checks in SQL for clean 18-character
numbers; tests hold the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import mul

from streetlink.reference import read_reference
from streetlink.standardise.text import normalise_text

__all__ = [
    "CHECK_CHARS",
    "CHECK_WEIGHTS",
    "EARLIEST_BIRTH",
    "ID_STATUSES",
    "IdInfo",
    "check_character",
    "id_type_class",
    "parse_id_number",
    "province_codes",
]

ID_STATUSES = (
    "valid",
    "converted_15",
    "bad_checksum",
    "bad_date",
    "bad_region",
    "bad_length",
    "other_document",
    "missing",
)
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = dt.date(1890, 1, 1)

_ID18_RE = re.compile(r"[0-9]{17}[0-9X]")
_ID15_RE = re.compile(r"[0-9]{15}")
_PLAIN_RE = re.compile(r"[0-9]{15}|[0-9]{17}[0-9Xx]")  # typed clean: no normalising needed
_EXCEL_INT_RE = re.compile(r"([0-9]+)\.0+")
_DROP_RE = re.compile(r"[\s\-]")
_PLACEHOLDERS = frozenset(
    {"无", "空", "不详", "未知", "暂无", "没有", "-", "--", "/", "?", "NULL", "NONE", "NA", "N/A"}
)
# Document types that are not the resident ID, by a word their name contains.
_OTHER_DOCUMENT_WORDS = (
    "护照",
    "通行证",
    "居住证",
    "外国人",
    "永久居留",
    "军官",
    "士兵",
    "警官",
    "台胞",
    "回乡",
    "PASSPORT",
)
_RESIDENT_WORDS = ("身份证", "户口")


@dataclass(frozen=True)
class IdInfo:
    """One identity number, checked; see the module docstring for the statuses."""

    id_number: str | None
    id_clean: str | None
    id_status: str
    birth_date: dt.date | None = None
    gender: str | None = None
    region: str | None = None


@lru_cache(maxsize=1)
def province_codes() -> frozenset[str]:
    """The 34 province-level codes (11 … 82) that open a resident ID number."""
    return frozenset(r["code"] for r in read_reference("id_province_codes.csv"))


def check_character(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits."""
    if len(first17) != 17:
        raise ValueError(f"need 17 digits, got {first17!r}")
    return CHECK_CHARS[sum(map(mul, map(int, first17), CHECK_WEIGHTS)) % 11]


@lru_cache(maxsize=1024)
def id_type_class(id_type: str | None) -> str:
    """'resident', 'other' or 'unknown' (blank or unrecognised: decide by the number)."""
    text = normalise_text(id_type)
    if text is None:
        return "unknown"
    text = text.upper()
    if any(word in text for word in _OTHER_DOCUMENT_WORDS):
        return "other"
    if any(word in text for word in _RESIDENT_WORDS):
        return "resident"
    return "unknown"


def _clean(raw: object) -> str | None:
    if isinstance(raw, str) and _PLAIN_RE.fullmatch(raw):
        return raw.upper()  # already clean: normalise_text would return it unchanged
    text = normalise_text(raw)
    # Upper-casing and dropping spaces can make text that normalises differently again
    # (a combining mark left after a dropped space): repeat until nothing changes.
    for _ in range(4):
        if text is None:
            return None
        cleaned = _DROP_RE.sub("", text).strip("'\"`").upper()
        excel = _EXCEL_INT_RE.fullmatch(cleaned)
        if excel:
            cleaned = excel.group(1)
        if not cleaned or cleaned in _PLACEHOLDERS:
            return None
        if cleaned == text:
            break
        text = normalise_text(cleaned)
    return text


def _birth_date(yyyymmdd: str, today: dt.date) -> dt.date | None:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None
    return born if EARLIEST_BIRTH <= born <= today else None


@lru_cache(maxsize=500_000)
def _parse(clean: str, kind: str, today: dt.date) -> IdInfo:
    if kind == "other" or (kind == "unknown" and clean[0].isascii() and clean[0].isalpha()):
        return IdInfo(None, clean, "other_document")
    if _ID18_RE.fullmatch(clean):
        number, status = clean, "valid"
    elif _ID15_RE.fullmatch(clean):
        number, status = clean[:6] + "19" + clean[6:], "converted_15"
    else:
        return IdInfo(None, clean, "bad_length")
    if number[:2] not in province_codes():
        return IdInfo(None, clean, "bad_region")
    born = _birth_date(number[6:14], today)
    if born is None:
        return IdInfo(None, clean, "bad_date")
    if status == "converted_15":
        number += check_character(number)
    elif check_character(number[:17]) != number[17]:
        return IdInfo(None, clean, "bad_checksum")
    gender = "男" if int(number[16]) % 2 else "女"
    return IdInfo(number, clean, status, born, gender, number[:6])


def parse_id_number(
    raw: str | None, id_type: str | None = None, *, today: dt.date | None = None
) -> IdInfo:
    """Check one identity number as typed; ``today`` bounds birth dates (default: today)."""
    clean = _clean(raw)
    if clean is None:
        return IdInfo(None, None, "missing")
    return _parse(clean, id_type_class(id_type), today or dt.date.today())
