"""Cleaning an address's text, and normalising one registry part the way the parser does.

``CLEAN_STEPS`` turns normalised text (``text.normalise_text``: NFKC, Simplified, one kind
of bracket and dash) into the text the reader tokenises: separators as ``|``, spaces gone
except between two numbers, noise words gone, Chinese numerals next to a unit as digits.
The list runs to a fixed point (a removed word can join two numbers), so cleaning is
idempotent; ``clean`` caches it per distinct string.

``normalise_name`` / ``normalise_village`` / ``split_lane``: one road, community, village
or lane value, as both housing_std and the parser store it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from streetlink.reference import read_reference
from streetlink.standardise.addresses.steps import Step, run_steps
from streetlink.standardise.numerals import NUMERAL_CHARS, convert_unit_numerals, normalise_number
from streetlink.standardise.text import normalise_text

__all__ = [
    "CLEAN_STEPS",
    "QUALIFIER_BRACKETS",
    "clean",
    "clean_address_text",
    "community_base",
    "digits_in_name_to_chinese",
    "noise",
    "normalise_name",
    "normalise_village",
    "split_lane",
]


@lru_cache(maxsize=1)
def noise() -> tuple[re.Pattern[str], re.Pattern[str] | None, frozenset[str], tuple[str, ...]]:
    """(tail-word pattern, anywhere pattern, null values, tail words) from address_noise.csv."""
    rows = read_reference("address_noise.csv")
    tail = sorted((r["word"] for r in rows if r["kind"] == "tail"), key=len, reverse=True)
    anywhere = sorted((r["word"] for r in rows if r["kind"] == "anywhere"), key=len, reverse=True)
    null = frozenset(r["word"].upper() for r in rows if r["kind"] == "null")
    tail_re = re.compile("(?:" + "|".join(map(re.escape, tail)) + r")+(?=$|[|()])")
    anywhere_re = re.compile("|".join(map(re.escape, anywhere))) if anywhere else None
    return tail_re, anywhere_re, null, tuple(tail)


_SEPARATORS = re.compile(r"[,;:/\\|。!?！？'\"“”‘’<>《》{}\[\]~、=+*&^%$@]+")
_SPACES_NOT_BETWEEN_DIGITS = re.compile(r"(?<!\d)\s+|\s+(?!\d)")
# 近沪南路 / 靠近世纪大道: a landmark, not the address.
_NEAR = re.compile(r"(?<!附)(?:靠近|近)[^\d|()]{1,12}?(?:大道|公路|路|街|桥|站)口?")
_ROAD_JUNCTION = re.compile(r"(?<=路|街|道)口(?=$|[|()])")
_EMPTY_BRACKETS = re.compile(r"\((?:单|双|单号|双号|)\)")
_PIPES = re.compile(r"\|{2,}")
_OTHER_DIGITS = re.compile(r"(?![0-9])\d")  # Arabic-Indic, Devanagari … digits NFKC leaves alone
# 航城5路 / 潍坊8村 / 绿地2期: digits inside a name are written as Chinese in the registry.
_DIGITS_IN_NAME = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<![弄号组队室楼幢栋层元座])(\d{1,2})(?=路|村(?!民)|期|街(?!道)|大道)"
)
_CN_DIGITS = "零一二三四五六七八九"
# 川杨新苑(四期), 思凡南苑(西区): a phase or section belongs to the community name.
_QUALIFIER = rf"(?:[{NUMERAL_CHARS}0-9]+期)?(?:[东南西北中A-Z{NUMERAL_CHARS}0-9]{{1,2}}区)?"
QUALIFIER_BRACKETS = re.compile(rf"(?<=[\u4e00-\u9fff])\(({_QUALIFIER})\)")


def _digits_to_chinese(m: re.Match[str]) -> str:
    n = int(m.group(1))
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + ("" if ones == 0 else _CN_DIGITS[ones])


def digits_in_name_to_chinese(text: str) -> str:
    """航城5路 → 航城五路, 绿地2期 → 绿地二期 (never a number before a unit)."""
    return _DIGITS_IN_NAME.sub(_digits_to_chinese, text)


# ---------------------------------------------------------------- the cleaning steps


@dataclass
class _Text:
    s: str


def _other_digits(t: _Text) -> None:
    t.s = _OTHER_DIGITS.sub(lambda m: str(unicodedata.decimal(m.group(), 0)), t.s)


def _separators(t: _Text) -> None:
    t.s = _SEPARATORS.sub("|", t.s)


def _spaces(t: _Text) -> None:
    t.s = _SPACES_NOT_BETWEEN_DIGITS.sub("", t.s)


def _digits_in_names(t: _Text) -> None:
    t.s = digits_in_name_to_chinese(t.s)


def _anywhere_words(t: _Text) -> None:
    t.s = noise()[1].sub("", t.s)


def _empty_brackets(t: _Text) -> None:
    t.s = _EMPTY_BRACKETS.sub("|", t.s)


def _near_landmarks(t: _Text) -> None:
    t.s = _NEAR.sub("|", t.s)


def _road_junctions(t: _Text) -> None:
    t.s = _ROAD_JUNCTION.sub("", t.s)


def _tail_words(t: _Text) -> None:
    tail_re = noise()[0]
    previous = None
    while previous != t.s:
        previous = t.s
        t.s = tail_re.sub("", t.s)
        t.s = _EMPTY_BRACKETS.sub("|", t.s)
        t.s = _PIPES.sub("|", t.s)


def _unit_numerals(t: _Text) -> None:
    t.s = convert_unit_numerals(t.s)


def _pipes(t: _Text) -> None:
    t.s = _PIPES.sub("|", t.s).strip("| ")


def _recompose(t: _Text) -> None:
    # Removing spaces can leave a combining mark next to a letter: recompose.
    t.s = unicodedata.normalize("NFKC", t.s.strip(" ")).upper()


# Each step is skipped when its trigger characters are absent (most addresses are short
# and clean; this halves the cost of a night).
CLEAN_STEPS = (
    Step("unify_other_digits", "Arabic-Indic, Devanagari … digits → 0-9", _other_digits,
         when=lambda t: not t.s.isascii(), when_text="non-ASCII text"),
    Step("unify_separators", "，;:/、。! … → one separator |", _separators),
    Step("remove_spaces", "spaces go, except between two numbers (2 03 is one room)", _spaces,
         when=lambda t: " " in t.s or "\t" in t.s or "\n" in t.s, when_text="a space"),
    Step("digits_in_names_to_chinese", "航城5路 → 航城五路, 潍坊8村 → 潍坊八村 (as the registry writes)",
         _digits_in_names),
    Step("remove_noise_phrases", "phrases that are never an address (地址不详 …)", _anywhere_words,
         when=lambda t: noise()[1] is not None, when_text="address_noise.csv has such phrases"),
    Step("remove_empty_brackets", "(), (单), (双号) → separator", _empty_brackets,
         when=lambda t: "(" in t.s, when_text="a bracket"),
    Step("remove_near_landmarks", "近沪南路 / 靠近世纪大道: a landmark, not the address", _near_landmarks,
         when=lambda t: "近" in t.s, when_text="近"),
    Step("remove_road_junctions", "齐河路口 → 齐河路", _road_junctions,
         when=lambda t: "口" in t.s, when_text="口"),
    Step("remove_tail_words", "附近, 对面, 门口, 旁边 … where they end a segment (南门路 keeps 南门)", _tail_words,
         when=lambda t: "|" in t.s or "(" in t.s or ")" in t.s or t.s.endswith(noise()[3]),
         when_text="a segment end or a tail word at the end"),
    Step("convert_unit_numerals", "十六号 → 16号, 一八零二室 → 1802室; never 七灶村 (numerals.py)",
         _unit_numerals),
    Step("collapse_separators", "|| → |, none at either end", _pipes,
         when=lambda t: "|" in t.s, when_text="a separator"),
    Step("recompose_upper", "NFKC again, upper case", _recompose),
)


@lru_cache(maxsize=200_000)
def clean(text: str) -> str | None:
    """Normalised text → cleaned text (``CLEAN_STEPS`` to a fixed point), or None."""
    null = noise()[2]
    s = text.upper()
    # Each step can expose work for another (a removed word joins two numbers); repeat
    # to a fixed point so that cleaning is idempotent.
    for _ in range(4):
        if not s or s in null:
            return None
        cleaned = run_steps(CLEAN_STEPS, _Text(s)).s
        if cleaned == s:
            break
        s = cleaned
    return s or None


def clean_address_text(text: object) -> str | None:
    """Normalised, noise-free address text (idempotent); separators shown as ``,``.

    NFKC, Simplified, spaces removed except between two numbers (2 03), separators
    unified, descriptive words removed (附近, 对面, 门口, 近XX路, …), Chinese numerals next
    to a unit converted. Prefixes (上海市浦东新区) are kept: this is text for people.
    """
    normalised = normalise_text(text)
    if normalised is None:
        return None
    cleaned = clean(normalised)
    return None if cleaned is None else cleaned.replace("|", ",")


# ---------------------------------------------------------------- part normalisers


def normalise_name(value: object) -> str | None:
    """A road, community or village name as the registry and the parser both store it.

    Spaces and separators go, digits inside the name become Chinese (航城5路 → 航城五路),
    and a bracketed phase or section joins the name (川杨新苑(四期) → 川杨新苑四期).
    """
    text = normalise_text(value)
    if text is None:
        return None
    text = re.sub(r"[\s|,;]", "", text.upper())
    text = QUALIFIER_BRACKETS.sub(r"\1", text)
    return digits_in_name_to_chinese(text) or None


def normalise_village(value: object) -> str | None:
    """Village name with its 村 (南塘 → 南塘村); registry and parser alike."""
    name = normalise_name(value)
    if name is None:
        return None
    return name if name.endswith("村") else name + "村"


# 菱翔苑三期, 思凡南苑西区, 绿洲四期东区, 馨苑北块, 齐河小区一期, 思凡花苑一街坊, 康桥半岛二组团:
# the estate is the name before its phase, zone, block, 街坊 or 组团. Numbered estates
# (济阳一村, 金桥二村) are different estates: kept.
_ESTATE_PART = re.compile(
    rf"(?:[{NUMERAL_CHARS}0-9]+期)?"
    rf"(?:[东南西北中][区块]|[A-Z{NUMERAL_CHARS}0-9]{{1,2}}[区块]|[{NUMERAL_CHARS}0-9]{{1,2}}(?:街坊|组团))?$"
)


def community_base(name: str | None) -> str | None:
    """The estate a community name belongs to, without phase, zone, block or 小区.

    The same rule keys housing_std and the record parser, so that a resident who says
    某某苑 finds every phase of 某某苑 (西区, 东区, 一期 …) as a candidate.
    """
    if not name:
        return None
    # 金桂小区北区小区 (a registry that appends 小区 to every name): the phase before the
    # trailing 小区 is still the phase, so 金桂小区北区 and 金桂小区南区 share the estate 金桂
    head = name.removesuffix("小区")
    if head != name and len(head) > 2 and _ESTATE_PART.search(head).group(0):
        name = head
    base = _ESTATE_PART.sub("", name) if len(name) > 2 else name
    if len(base) < 2:
        base = name
    stripped = base.removesuffix("小区")
    return stripped if len(stripped) >= 2 else base


_LANE_SPLIT = re.compile(r"^(.*?)弄(.+?)支弄$")


def split_lane(value: object) -> tuple[str | None, str | None]:
    """A registry lane value → (lane, sub_lane): 88 → (88, None); 526弄78支弄 → (526, 78)."""
    text = normalise_text(value)
    if text is None:
        return None, None
    text = convert_unit_numerals(re.sub(r"\s", "", text))
    m = _LANE_SPLIT.match(text)
    if m:
        return normalise_number(m.group(1)), normalise_number(m.group(2))
    return normalise_number(text), None
