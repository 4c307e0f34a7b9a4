"""Text normalisation shared by every standardiser.

Source data is untrusted: control characters, emoji, full-width forms, Traditional
characters, zero-width spaces and 20,000-character strings all occur. ``normalise_text``
turns any of it into a bounded, Simplified, half-width string (or None), and is
idempotent: normalising twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

__all__ = ["MAX_TEXT_LENGTH", "normalise_text", "to_simplified"]

# Longer values are never meaningful in these sources; bounding them keeps regexes and
# spreadsheets fast and safe.
MAX_TEXT_LENGTH = 500

_T2S = opencc.OpenCC("t2s")

# Dash look-alikes seen in addresses and phone numbers (5－602, 138—1234) → ASCII '-'.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\u30fc\uff0d\ufe58\ufe63\u2e3a\u2e3b\u4e00"
_DASH_RE = re.compile("[" + _DASHES.replace("\u4e00", "") + "]")  # 一 is a numeral, not a dash
# Zero-width and formatting characters (ZWSP, ZWNJ, ZWJ, BOM, word joiner, bidi marks).
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACE_RE = re.compile(r"\s+")
# Variant forms that NFKC leaves alone but people use for the same thing.
_VARIANTS = str.maketrans({
    "〇": "零",  # ideographic zero, as in 二〇二 → treated with the numerals
    "＃": "#", "№": "#",
    "（": "(", "）": ")", "【": "(", "】": ")", "［": "(", "］": ")", "〔": "(", "〕": ")",
    "，": ",", "、": ",", "；": ";", "：": ":",
    "\u3000": " ",
    "\u2028": " ", "\u2029": " ",
})


@lru_cache(maxsize=200_000)
def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s); Simplified text is returned unchanged."""
    return _T2S.convert(text)


def _strip_controls(text: str) -> str:
    # Keep letters, marks, numbers, punctuation, symbols and spaces; drop C* categories
    # (controls, surrogates, private use) which only ever arrive as garbage.
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C") or ch in "\t\n")


@lru_cache(maxsize=500_000)
def _normalise_cached(text: str, max_length: int) -> str | None:
    text = _INVISIBLE_RE.sub("", text)
    text = _strip_controls(text)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_VARIANTS)
    text = _DASH_RE.sub("-", text)
    text = to_simplified(text)
    # NFKC again: t2s may emit characters with compatibility forms (rare, but cheap).
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE_RE.sub(" ", text).strip()
    if len(text) > max_length:
        text = text[:max_length].rstrip()
    return text or None


def normalise_text(value: object, max_length: int = MAX_TEXT_LENGTH) -> str | None:
    """NFKC, Traditional→Simplified, one kind of dash/bracket, single spaces, bounded length.

    None, NaN and blank strings give None. Never raises on any string.
    """
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    text = str(value)
    if not text.strip():
        return None
    # Bound before the expensive steps; a 20,000-character field is garbage anyway.
    return _normalise_cached(text[: max_length * 4], max_length)
