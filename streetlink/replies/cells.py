"""What one spreadsheet cell of a reply means: pure functions, no I/O.

Cells arrive as a spreadsheet program left them: the 核查时间 as an Excel date, a serial
number, ``2026/11/25 14:30`` or ``11月25日 下午2点半``; a committee code as a number;
full-width characters and stray spaces everywhere. Each function here turns one such
cell into what the rest of the stage works with, or ``None`` when it cannot.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from streetlink.contracts import REPLY_RESULTS, REVIEW_ACTIONS, SOURCE_NAMES
from streetlink.ingest.read_xlsx import cell_text

__all__ = [
    "action_code",
    "clean",
    "committee_codes_in",
    "dates_in",
    "header_key",
    "is_record_id",
    "normal_record_id",
    "parse_when",
    "result_code",
    "split_record_ids",
    "street_codes_in",
    "text",
    "typed_committee_code",
]

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
# Ids in one 记录编号 cell: the full-width ； of TEAM.md, and what people type instead.
_ID_SEPARATORS = re.compile(r"[；;，,、\n\r]+")
_RECORD_ID = re.compile(rf"(?:{'|'.join(SOURCE_NAMES)}):\S.*")
_COMMITTEE_CODE = re.compile(r"(?<!\d)310115\d{6}(?!\d)")
_STREET_CODE = re.compile(r"(?<!\d)310115\d{3}(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")

_AMPM = {"上午": 0, "早上": 0, "凌晨": 0, "中午": 12, "下午": 12, "晚上": 12}
_WHEN = re.compile(
    r"(?:(?P<y>\d{4})\s*[-/.年]\s*)?(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*(?:T|\s)?\s*(?P<ampm>上午|早上|凌晨|中午|下午|晚上)?\s*"
    r"(?P<H>\d{1,2})\s*[:时点]\s*(?:(?P<M>\d{1,2}|半)\s*分?)?(?:\s*[:]\s*(?P<S>\d{1,2})(?:\.\d+)?\s*秒?)?)?"
)
# Excel serial day numbers that can be a 核查时间 (2009 … 2119): a date cell that lost its format.
_SERIAL_MIN, _SERIAL_MAX = 40_000, 80_000
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def clean(value: str | None) -> str | None:
    """NFKC, no invisible characters, trimmed; empty → None."""
    if value is None:
        return None
    out = unicodedata.normalize("NFKC", _INVISIBLE.sub("", value)).strip()
    return out or None


def text(value: object) -> str | None:
    """A cell as trimmed text (numbers without '.0', dates ISO); empty → None."""
    t = cell_text(value)  # type: ignore[arg-type]
    if t is None:
        return None
    t = _INVISIBLE.sub("", t).strip()
    return t or None


def header_key(value: object) -> str:
    """A header cell as compared: NFKC, no spaces, no required-field stars."""
    t = text(value) or ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", t)).strip("*")


def split_record_ids(value: object) -> list[str]:
    """The ids in a 记录编号 cell (several separated by ；), as typed but trimmed."""
    t = text(value)
    if t is None:
        return []
    return [part.strip() for part in _ID_SEPARATORS.split(t) if part.strip()]


def is_record_id(token: str) -> bool:
    return bool(_RECORD_ID.fullmatch(token))


def normal_record_id(token: str) -> str:
    """The id itself when it looks like one; else its NFKC form (full-width colon, letters)."""
    if is_record_id(token):
        return token
    return clean(token) or token


def _choice(value: object, choices: dict[str, str]) -> str | None:
    t = clean(text(value))
    if t is None:
        return None
    t = _SPACES.sub("", t)
    if t in choices:
        return choices[t]
    return t if t in choices.values() else None


def result_code(value: object) -> str | None:
    """核查结果 → its REPLIES.md code, exactly; anything else → None."""
    return _choice(value, REPLY_RESULTS)


def action_code(value: object) -> str | None:
    """处理结果 → its action code, exactly; anything else → None."""
    return _choice(value, REVIEW_ACTIONS)


def committee_codes_in(value: object) -> list[str]:
    """Every 12-digit Pudong committee code written in a cell, in order."""
    t = clean(text(value))
    return _COMMITTEE_CODE.findall(t) if t else []


def street_codes_in(value: str | None) -> list[str]:
    """9-digit street codes written in text, and the streets of the committee codes in it."""
    if not value:
        return []
    t = clean(value) or ""
    return _STREET_CODE.findall(t) + [c[:9] for c in _COMMITTEE_CODE.findall(t)]


def dates_in(value: str | None) -> list[dt.date]:
    """Dates written as 2026-11-24 / 2026年11月24日 / 2026/11/24 in text."""
    out = []
    for y, m, d in _ISO_DATE.findall(clean(value) or ""):
        try:
            out.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return out


def typed_committee_code(value: object) -> str | None:
    """A 12-digit code typed into a cell (text, a number, with spaces or dashes); else None."""
    t = clean(text(value))
    if t is None:
        return None
    digits = re.sub(r"[\s\-_]", "", t)
    return digits if re.fullmatch(r"\d{12}", digits) else None


def _from_serial(value: float) -> dt.datetime | None:
    if not (math.isfinite(value) and _SERIAL_MIN <= value <= _SERIAL_MAX):
        return None
    moment = _EXCEL_EPOCH + dt.timedelta(days=value)
    return (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


def parse_when(value: object) -> tuple[dt.datetime | None, str | None]:
    """A 核查时间 cell → (timestamp, None) when it says the year; (None, 'MM-DD HH:MM:SS')
    when it gives only month and day (the year is the packet's night's, decided later);
    (None, None) when blank or not understood."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0), None
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), None
    if isinstance(value, bool):
        return None, None
    if isinstance(value, (int, float)):
        return _from_serial(float(value)), None
    t = clean(str(value))
    if t is None:
        return None, None
    try:
        # A number typed as text ("46351.6") is still a serial day.
        return _from_serial(float(t)), None
    except ValueError:
        pass
    m = _WHEN.fullmatch(t)
    if not m:
        return None, None
    month, day = int(m["m"]), int(m["d"])
    hour = int(m["H"]) if m["H"] else 0
    minute = 30 if m["M"] == "半" else int(m["M"] or 0)
    second = int(m["S"] or 0)
    if m["ampm"] and hour < 12:
        hour += _AMPM[m["ampm"]]
    if not (1 <= month <= 12 and 0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        return None, None
    if m["y"]:
        try:
            return dt.datetime(int(m["y"]), month, day, hour, minute, second), None
        except ValueError:
            return None, None
    try:
        dt.date(2024, month, day)  # a leap year: 02-29 is checked against the real year later
    except ValueError:
        return None, None
    return None, f"{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
