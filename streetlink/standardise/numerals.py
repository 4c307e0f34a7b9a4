"""Chinese numerals → Arabic digits, only where they count an address unit.

Goal: ``十六号`` → ``16号``, ``一八零二室`` → ``1802室``, ``八十八弄`` → ``88弄``, ``三组`` →
``3组``, while place names keep their numerals: ``七灶村``, ``三林镇``, ``六团``, ``十八间房``,
``华夏二路``, ``潍坊八村``. A numeral is converted only when it stands directly before an
address unit (号 弄 支弄 室 组 队 小组 村民小组 号楼 幢 栋 单元 层 楼), or when it is the room
written straight after a number (``九号四零三`` → ``9号403``).

Input → output: a normalised string (``streetlink.standardise.text.normalise_text``) → the
same string with those numerals as digits. ``normalise_number`` turns one registry or
parsed number part (``0602``, ``88弄``, ``十二``, ``３``) into its canonical digits form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "NUMERAL_CHARS",
    "chinese_to_digits",
    "convert_unit_numerals",
    "normalise_number",
]

_DIGIT_VALUES = {
    "零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
# Financial forms (壹贰叁肆伍陆…) are deliberately absent: 陆 is a common surname and
# place character (陆楼, 陆家嘴) and these forms do not occur in typed addresses.
NUMERAL_CHARS = "".join(_DIGIT_VALUES) + "".join(_MULTIPLIERS)
_NUM = f"[{NUMERAL_CHARS}]"

# Units after which a number is an address part. 楼/层 only count as a floor when
# nothing name-like follows (五楼村 stays); 号 is not a unit in 号线 (metro line) or 号桥.
_UNIT_BEFORE = re.compile(
    rf"({_NUM}+)(?=支弄|弄|号楼|号(?![线桥])|#|室|村民小组|小组|组(?!团)|队|幢|栋|单元"
    rf"|(?:层|楼)(?!(?!{_NUM})[\u4e00-\u9fff])|-(?=[\d{NUMERAL_CHARS}]))"
)
# A room written as numerals straight after a number or building: 九号四零三, 3号楼六零二.
_ROOM_AFTER = re.compile(rf"(?<=[号#\-楼幢栋座元])({_NUM}{{2,}})(?=$|室|[\s|,;()])")
# The house number after a group: 南塘3组七, 永盛一组三.
_NUMBER_AFTER_GROUP = re.compile(rf"(?<=[组队])({_NUM}+)(?=$|号|[\s|,;()])")
_NUMBER_UNIT_SUFFIX = re.compile(r"(?:支弄|弄|号楼|号|室|村民小组|小组|组|队|幢|栋|座|单元|#)+$")
_LEADING_ZEROS = re.compile(r"(?<![\d])0+(?=\d)")
_NUMBER_SHAPE = re.compile(r"[0-9A-Z]+(?:-[0-9A-Z]+)*")


def chinese_to_digits(numeral: str) -> str | None:
    """A Chinese numeral as a digit string, or None if it is not a well-formed numeral.

    Digit-by-digit forms keep every digit (``一八零二`` → ``1802``, ``幺零一`` → ``101``);
    positional forms are evaluated (``十六`` → ``16``, ``一百零八`` → ``108``, ``两百`` →
    ``200``, colloquial ``一百二`` → ``120``).
    """
    if not numeral or any(ch not in _DIGIT_VALUES and ch not in _MULTIPLIERS for ch in numeral):
        return None
    if not any(ch in _MULTIPLIERS for ch in numeral):
        return "".join(str(_DIGIT_VALUES[ch]) for ch in numeral)
    total = 0
    digit: int | None = None
    last_multiplier = 10_000
    zero_seen = False
    for ch in numeral:
        if ch in _DIGIT_VALUES:
            if digit is not None and _DIGIT_VALUES[ch] != 0:
                return None  # two digits in a row inside a positional numeral
            value = _DIGIT_VALUES[ch]
            zero_seen = zero_seen or value == 0
            digit = None if value == 0 else value
        else:
            multiplier = _MULTIPLIERS[ch]
            if multiplier >= last_multiplier:
                return None
            total += (1 if digit is None else digit) * multiplier
            digit = None
            last_multiplier = multiplier
            zero_seen = False
    if digit is not None:
        # 一百二 means 120, but 一百零二 means 102.
        if last_multiplier >= 100 and not zero_seen:
            total += digit * last_multiplier // 10
        else:
            total += digit
    return str(total)


def _replace(match: re.Match[str]) -> str:
    converted = chinese_to_digits(match.group(1))
    return match.group(1) if converted is None else converted


@lru_cache(maxsize=200_000)
def convert_unit_numerals(text: str) -> str:
    """Convert the Chinese numerals that count an address unit; leave every other one."""
    if not any(ch in NUMERAL_CHARS for ch in text):
        return text
    # One conversion can make the next possible (三楼五〇二 → 3楼502): repeat to a fixed point.
    for _ in range(3):
        before = text
        text = _UNIT_BEFORE.sub(_replace, text)
        text = _NUMBER_AFTER_GROUP.sub(_replace, text)
        text = _ROOM_AFTER.sub(_replace, text)
        if text == before:
            break
    return text


@lru_cache(maxsize=200_000)
def normalise_number(value: str | None) -> str | None:
    """One number part in canonical form: digits without leading zeros, upper-case letters.

    Accepts what a registry or a parsed address holds: ``0602`` → ``602``, ``88弄`` →
    ``88``, ``十二`` → ``12``, ``3号`` → ``3``, ``12a`` → ``12A``, ``1-23`` stays. Returns
    None when nothing number-like is left. Callers pass text already through
    ``normalise_text`` (full-width digits are half-width there).
    """
    if value is None:
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).upper()
    text = _NUMBER_UNIT_SUFFIX.sub("", text)
    text = text.lstrip("第")
    if text and all(ch in NUMERAL_CHARS for ch in text):
        text = chinese_to_digits(text) or ""
    if not text or not _NUMBER_SHAPE.fullmatch(text):
        return None
    return _LEADING_ZEROS.sub("", text)
