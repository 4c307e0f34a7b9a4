"""Chinese personal names → comparable parts and pinyin keys.

Input: a name as typed by a checkpoint officer, a hotline operator or a citizen (any script,
any mess, or None). Output: ``NameParts`` — the clean name, what kind of name it is
(``full`` / ``honorific`` / ``pinyin`` / ``none``), surname and given name, toneless
pinyin keys, and the sex an honorific implies.

Rules, in order (``standardise_name``):

1. ``normalise_text`` (NFKC, Traditional → Simplified, bounded); a bracketed remark
   (王芳(本人)) is dropped when what stands outside it is a name.
2. Placeholders (无, 不详, 未知, 匿名, "null" …) → ``none``; so is text of 5+ Chinese
   characters mixed with digits (an address typed into the name field).
3. Text with Chinese characters keeps only those characters: spaces (时 思 远) and the
   separators of minority names (阿依古丽·买买提 / .买买提 / 买买提 with •・‧ or none) all
   disappear, so every spelling gives one ``name_clean`` (the canonical form has no
   separator) and one pinyin key.
4. Honorifics (王女士, 欧阳先生, 李阿姨, 张师傅, 老王, 小李) → ``honorific``: surname and
   gender hint, no given name, no full-name key. A full name before 女士/先生/小姐/阿姨/
   师傅/老师/同志 (王芳女士) is a ``full`` name with a gender hint.
5. One character: a known surname alone → ``honorific`` (surname only); else ``none``.
6. 2–20 characters → ``full``. The surname is a compound surname (欧阳, 司马, 尉迟 …) when
   the name has at least 3 characters and starts with one, else the first character.
   Names of 5 or more characters are transliterated (minority or foreign) names: they get
   a full-name key but no surname/given split, because without the separator the split is
   unknowable and both spellings must give the same parts.
7. Latin letters only (at most 40) → ``pinyin`` (see ``_latin_name`` for the order
   rules); ``name_clean`` is then lower-case "surname given" with one space.
8. Anything else (digits, symbols, emoji only) → ``none``.

Keys: toneless, lower-case, no spaces; ü is written ``v`` (吕 → lv). Each character has
one reading (pypinyin's default, per character so that SQL can reproduce it from a
character table), except the surname, which takes its surname reading from
``reference_data/surnames.csv`` (曾 zeng, 单 shan, 尉迟 yuchi …). Homophones share keys
(王芳 / 王方 → wangfang). A character pypinyin does not know stands for itself.

``standardise_name`` is idempotent on the parts it returns: standardising ``name_clean``
again gives the same kind, name_clean, surname, given name and keys (only a gender hint
carried by a stripped honorific, as in 王芳女士, is not recoverable from 王芳).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT

from streetlink.reference import read_reference
from streetlink.standardise.text import normalise_text

__all__ = [
    "FAST_NAME_SEPARATORS",
    "FAST_NAME_SHAPE",
    "HAN_CLASS",
    "MAX_NAME_CHARS",
    "NAME_KINDS",
    "TRANSLITERATED_MIN_CHARS",
    "NameParts",
    "char_pinyin",
    "compound_surnames",
    "fast_name_exclude",
    "standardise_name",
    "surname_length",
    "surname_readings",
]

NAME_KINDS = ("full", "honorific", "pinyin", "none")
MAX_NAME_CHARS = 20
MAX_LATIN_LETTERS = 40
TRANSLITERATED_MIN_CHARS = 5

# Chinese characters (CJK unified ideographs and extensions A–G), as a character class that
# Python's re and DuckDB's RE2 both read the same way.
HAN_CLASS = r"[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{20000}-\x{3134F}]"
_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]")
# Separators between the parts of a minority name that survive normalise_text unchanged;
# the registry's fast SQL path accepts exactly these (everything else goes through Python).
FAST_NAME_SEPARATORS = "·.•・‧∙⋅。-"  # "-" last: literal inside a class
FAST_NAME_SHAPE = HAN_CLASS + "+(?:[" + FAST_NAME_SEPARATORS + "]" + HAN_CLASS + "+)*"

_PAREN_RE = re.compile(r"\([^()]*\)")
_NULL_EXACT = frozenset(
    {
        "无",
        "空",
        "没有",
        "无名",
        "无名氏",
        "某",
        "某某",
        "本人",
        "姓名",
        "null",
        "none",
        "nil",
        "na",
        "n/a",
        "unknown",
        "test",
        "x",
        "xx",
        "xxx",
        "-",
        "--",
        "/",
        "?",
        "??",
        "???",
        "0",
    }
)
_NULL_MARKERS = (
    "不详",
    "不祥",
    "未知",
    "匿名",
    "不愿透露",
    "拒绝透露",
    "不提供",
    "未提供",
    "未填",
    "暂无",
    "保密",
    "不清楚",
    "未登记",
)
_NULL_MARKER_RE = re.compile("|".join(_NULL_MARKERS))
_LATIN_RE = re.compile(r"[a-zA-Z\s.,'\-·]+")
_DIGIT_RE = re.compile(r"[0-9]")
# English titles before a Latin-script name ("Mr Wang"): the sex they imply.
_LATIN_TITLES = {"mr": "男", "mrs": "女", "ms": "女", "miss": "女", "madam": "女", "dr": None}


@dataclass(frozen=True)
class NameParts:
    """A name taken apart; every field but ``name_kind`` is None when it does not apply."""

    name_clean: str | None
    name_kind: str
    surname: str | None = None
    given_name: str | None = None
    name_pinyin: str | None = None
    surname_pinyin: str | None = None
    given_pinyin: str | None = None
    gender_hint: str | None = None


_NONE = NameParts(name_clean=None, name_kind="none")


# --- reference data -------------------------------------------------------------------


@lru_cache(maxsize=1)
def surname_readings() -> dict[str, str]:
    """Surname (single or compound) → its toneless reading as a surname."""
    return {r["surname"]: r["pinyin"] for r in read_reference("surnames.csv")}


@lru_cache(maxsize=1)
def compound_surnames() -> frozenset[str]:
    return frozenset(
        r["surname"] for r in read_reference("surnames.csv") if r["kind"] == "compound"
    )


@lru_cache(maxsize=1)
def _honorifics() -> tuple[tuple[str, str, str | None, bool], ...]:
    """(term, position, gender, after_full_name), longest term first."""
    rows = [
        (r["term"], r["position"], r["gender"] or None, r["after_full_name"] == "yes")
        for r in read_reference("name_honorifics.csv")
    ]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@lru_cache(maxsize=1)
def _surname_pinyins() -> frozenset[str]:
    return frozenset(surname_readings().values())


@lru_cache(maxsize=1)
def fast_name_exclude() -> str:
    """A regex (Python re and RE2) matching every Chinese name the plain full-name rule
    might get wrong: honorifics and placeholders. It over-matches on purpose: a name it
    matches is only sent through ``standardise_name`` instead of the registry's SQL."""
    suffixes = sorted(
        {t for t, pos, _, _ in _honorifics() if pos == "suffix"}, key=len, reverse=True
    )
    prefixes = sorted(
        {t for t, pos, _, _ in _honorifics() if pos == "prefix"}, key=len, reverse=True
    )
    placeholders = sorted(t for t in _NULL_EXACT if _HAN_RE.fullmatch(t))
    return (
        "(?:"
        + "|".join(suffixes)
        + ")$"
        + "|^(?:"
        + "|".join(prefixes)
        + ")"
        + "|"
        + "|".join(_NULL_MARKERS + tuple(placeholders))
    )


# --- pinyin ---------------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def char_pinyin(ch: str) -> str:
    """One character's default toneless reading (the character itself if it has none)."""
    reading = lazy_pinyin(ch, style=Style.NORMAL)
    return reading[0].lower() if len(reading) == 1 else ch


def _pinyin_key(text: str) -> str:
    return "".join(char_pinyin(ch) for ch in text)


def _surname_pinyin(surname: str) -> str:
    return surname_readings().get(surname) or _pinyin_key(surname)


def surname_length(clean: str) -> int:
    """Characters of ``clean`` that are the surname (0: transliterated, no split)."""
    if len(clean) >= TRANSLITERATED_MIN_CHARS:
        return 0
    if len(clean) >= 3 and clean[:2] in compound_surnames():
        return 2
    return 1


# --- Chinese names --------------------------------------------------------------------


def _full(clean: str, gender_hint: str | None = None) -> NameParts:
    n = surname_length(clean)
    if n == 0:
        return NameParts(clean, "full", name_pinyin=_pinyin_key(clean), gender_hint=gender_hint)
    surname, given = clean[:n], clean[n:]
    sp, gp = _surname_pinyin(surname), _pinyin_key(given)
    return NameParts(clean, "full", surname, given, sp + gp, sp, gp, gender_hint)


def _honorific(clean: str, surname: str | None, gender: str | None) -> NameParts:
    sp = _surname_pinyin(surname) if surname else None
    return NameParts(clean, "honorific", surname=surname, surname_pinyin=sp, gender_hint=gender)


@lru_cache(maxsize=1)
def _honorific_edges() -> tuple[frozenset[str], frozenset[str]]:
    """First characters of prefix terms, last characters of suffix terms (a quick filter)."""
    terms = _honorifics()
    return (
        frozenset(t[0] for t, pos, _, _ in terms if pos == "prefix"),
        frozenset(t[-1] for t, pos, _, _ in terms if pos == "suffix"),
    )


def _honorific_or_none(han: str) -> NameParts | None:
    firsts, lasts = _honorific_edges()
    if han[0] not in firsts and han[-1] not in lasts:
        return None
    known = surname_readings()
    for term, position, gender, after_full in _honorifics():
        if position == "prefix":
            if han.startswith(term) and han[len(term) :] in known:
                return _honorific(han, han[len(term) :], gender)
            continue
        if not han.endswith(term):
            continue
        rest = han[: len(han) - len(term)]
        if not rest:
            return _honorific(han, None, gender)
        if rest in known or (len(term) >= 2 and len(rest) == 1):
            return _honorific(han, rest, gender)
        if after_full and 2 <= len(rest) <= 4:
            inner = _han_name(rest)  # 王芳女士 → 王芳; 老王女士 → 老王
            if inner.name_kind != "none" and inner.gender_hint is None:
                return replace(inner, gender_hint=gender)
            return inner
    return None


def _han_name(han: str) -> NameParts:
    if han in _NULL_EXACT or _NULL_MARKER_RE.search(han):
        return _NONE
    honorific = _honorific_or_none(han)
    if honorific is not None:
        return honorific
    if len(han) == 1:
        return _honorific(han, han, None) if han in surname_readings() else _NONE
    if len(han) > MAX_NAME_CHARS:
        return _NONE
    return _full(han)


# --- names in Latin letters -------------------------------------------------------------


def _toneless(text: str) -> str:
    """Strip tone marks; ü (and u: / yu-for-ü spellings of 吕 and 女) become v."""
    text = text.replace("u:", "v").replace("U:", "V")
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if ch == "\u0308" and out and out[-1] in "uU":
            out[-1] = "v"
        elif not unicodedata.combining(ch):
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    readings: set[str] = set()
    for value in PINYIN_DICT.values():
        for reading in value.split(","):
            readings.add(_toneless(reading).lower())
    return frozenset(r for r in readings if r.isascii() and r.isalpha())


def _is_syllables(text: str) -> bool:
    """True when ``text`` splits into pinyin syllables (empty text included)."""
    syllables = _syllables()
    splits = [True] + [False] * len(text)  # splits[i]: text[:i] splits into syllables
    for end in range(1, len(text) + 1):
        splits[end] = any(
            splits[start] and text[start:end] in syllables for start in range(max(0, end - 6), end)
        )
    return splits[-1]


def _split_run_together(token: str) -> tuple[str | None, str]:
    """'wangfang' → ('wang', 'fang'): the longest surname reading leaving valid syllables."""
    for k in range(min(8, len(token)), 0, -1):
        if token[:k] in _surname_pinyins() and _is_syllables(token[k:]):
            return token[:k], token[k:]
    return None, token


def _latin_name(text: str) -> NameParts | None:
    """Pinyin or other Latin-script names.

    Only a surname reading can be a surname. Order: a comma marks surname-first ("Wang,
    Fang"); else the one token in capitals ("Fang WANG") is the surname (passport/English
    convention); else Chinese order when the first token is a surname reading ("Wang Fang"
    — also when the last one is too: Chinese writers keep Chinese order); else
    given-name-first when only the last token is one ("Xiaoming Li" → li xiaoming). With no
    surname reading anywhere the name is kept as typed with no surname. One run-together
    token ("wangfang") is split after the longest surname reading that leaves valid pinyin
    syllables. lyu/nyu → lv/nv.
    An English title (Mr Wang, Ms Li) gives a gender hint; title + one word is an honorific
    whose word is taken as the surname's pinyin.
    """
    text = _toneless(text)
    if not _LATIN_RE.fullmatch(text):
        return None
    surname_first = "," in text
    raw_tokens = [t.replace("'", "").replace("-", "") for t in re.split(r"[\s.,·]+", text)]
    raw_tokens = [t for t in raw_tokens if t]
    if not raw_tokens or sum(map(len, raw_tokens)) > MAX_LATIN_LETTERS:
        return None
    tokens = [{"lyu": "lv", "nyu": "nv"}.get(t.lower(), t.lower()) for t in raw_tokens]
    if " ".join(tokens) in _NULL_EXACT:
        return _NONE
    gender = None
    n_titles = 0
    while n_titles < len(tokens) - 1 and tokens[n_titles] in _LATIN_TITLES:
        n_titles += 1
    if n_titles:
        title = tokens[n_titles - 1]
        gender = _LATIN_TITLES[title]
        if n_titles == len(tokens) - 1:
            return NameParts(
                f"{title} {tokens[-1]}", "honorific", surname_pinyin=tokens[-1], gender_hint=gender
            )
        raw_tokens, tokens = raw_tokens[n_titles:], tokens[n_titles:]
    surnames = _surname_pinyins()
    caps = [i for i, t in enumerate(raw_tokens) if len(t) > 1 and t.isupper()]
    surname: str | None
    if len(tokens) == 1:
        surname, given_text = _split_run_together(tokens[0])
        given = [given_text] if given_text else []
    elif surname_first and tokens[0] in surnames:
        surname, given = tokens[0], tokens[1:]
    elif len(caps) == 1 and tokens[caps[0]] in surnames:
        surname, given = tokens[caps[0]], tokens[: caps[0]] + tokens[caps[0] + 1 :]
    elif tokens[0] in surnames:
        surname, given = tokens[0], tokens[1:]
    elif tokens[-1] in surnames:
        surname, given = tokens[-1], tokens[:-1]
    else:
        surname, given = None, tokens
    if surname is None:
        # No surname reading: keep the typed order and do not guess a split.
        return NameParts(" ".join(given), "pinyin", name_pinyin="".join(given), gender_hint=gender)
    given_pinyin = "".join(given) or None
    return NameParts(
        name_clean=surname + (" " + given_pinyin if given_pinyin else ""),
        name_kind="pinyin",
        name_pinyin=surname + (given_pinyin or ""),
        surname_pinyin=surname,
        given_pinyin=given_pinyin,
        gender_hint=gender,
    )


# --- entry point ------------------------------------------------------------------------


@lru_cache(maxsize=1_000_000)
def _standardise_text(text: str) -> NameParts:
    # A bracketed remark (王芳(本人)) is dropped when what stands outside it is a name.
    outside = _PAREN_RE.sub(" ", text).strip()
    if outside and outside != text:
        parts = _standardise_unbracketed(outside)
        if parts.name_kind != "none":
            return parts
    return _standardise_unbracketed(text)


def _standardise_unbracketed(text: str) -> NameParts:
    if text.lower() in _NULL_EXACT:
        return _NONE
    han = "".join(_HAN_RE.findall(text))
    if han:
        if len(han) >= TRANSLITERATED_MIN_CHARS and _DIGIT_RE.search(text):
            return _NONE  # an address or a remark typed into the name field, not a name
        return _han_name(han)
    return _latin_name(text) or _NONE


def standardise_name(raw: str | None) -> NameParts:
    """Standardise one name as typed (see the module docstring for the rules)."""
    text = normalise_text(raw)
    if text is None:
        return _NONE
    return _standardise_text(text)
