"""Registry repairs: one dirty housing-registry value → the clean parts it holds, and what was done.

Real registries are typed by clerks over decades: a road field holds ``（齐河路`` (a stray
bracket), ``上海市浦东新区齐河路`` (the district written again), ``世纪公园(一期)(锦绣路`` (the
estate in front of the road) or ``齐河路88弄`` (the lane inside); a number field holds
``88弄3号``; a community field holds ``浦东新区齐河小区``. Each function here reads ONE
distinct raw value (housing.py calls them on DISTINCT values only) and returns the parts in
the very form the record parser produces (``addresses.normalise_name``: 航城5路 → 航城五路,
川杨新苑(四期) → 川杨新苑四期), with the kinds of repair it made, so that the refresh can count
them (``REPAIR_KINDS``).

A road is taken from the registry's own clean road values where the dirty value contains
one (``known_roads``); otherwise by shape (…路/大道/公路/街/支路).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from streetlink.standardise.addresses.clean import (
    QUALIFIER_BRACKETS,
    digits_in_name_to_chinese,
)
from streetlink.standardise.addresses.tokens import (
    COUNTRY_PREFIX,
    SHANGHAI_PREFIX,
    split_community_before_road,
)
from streetlink.standardise.numerals import NUMERAL_CHARS, convert_unit_numerals, normalise_number
from streetlink.standardise.places import match_street_at
from streetlink.standardise.text import normalise_text

__all__ = [
    "REPAIR_KINDS",
    "NumberRepair",
    "RoadRepair",
    "has_fullwidth",
    "is_clean_road",
    "repair_community",
    "repair_number",
    "repair_road",
    "repair_village",
]

# Every kind a refresh counts (registry_meta.repairs_json, the refresh log), with what it means.
REPAIR_KINDS: dict[str, str] = {
    "fullwidth": "全角数字或字母 (full-width digits or letters in a part)",
    "road_bracket": "道路字段有多余括号",
    "road_prefix": "道路字段前写了上海市/浦东新区/街镇",
    "road_estate": "道路字段前写了小区名 (moved to the community)",
    "road_numbers": "道路字段含弄/号 (moved to lane/number)",
    "community_bracket": "小区字段有多余括号",
    "community_prefix": "小区字段前写了上海市/浦东新区/街镇",
    "community_form": "同一街镇内同一小区有/无“小区”两种写法 (unified to the commoner)",
    "village_prefix": "村字段前写了街镇或区",
    "village_bracket": "村字段有多余括号",
    "number_units": "弄/号/室/组字段含单位字 (88弄, 3号, 602室)",
    "number_split": "号/室字段含多级门牌 (88弄3号 → 弄 + 号)",
    "std_address_rebuilt": "标准地址与分项不一致 (rebuilt from the parts)",
    "part_from_std_address": "分项缺失而标准地址有 (filled from std_address)",
}

_FULLWIDTH = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
_ROAD_END = re.compile(r"(?:大道|公路|大街|支路|路|街)$")
_ROAD_SUFFIX_IN = re.compile(r"(?:大道|公路|大街|支路|路|街(?![道坊区镇]))(?!村)")
_CLEAN_ROAD = re.compile(r"[\u4e00-\u9fff]{1,12}(?:大道|公路|大街|支路|路|街)")
_TRAILING_NUMBERS = re.compile(r"(?:(\d+)弄)?(?:(\d+)支弄)?(?:(\d+)号)?$")
_BRACKETS = re.compile(r"[()]")
_ZONE = re.compile(rf"(?:[{NUMERAL_CHARS}0-9]+期)?(?:[东南西北中][区块]|[A-Z{NUMERAL_CHARS}0-9]{{1,2}}[区块])?")


def has_fullwidth(raw: str) -> bool:
    """Full-width digits or letters (the brackets and punctuation of Chinese typing do not count)."""
    return _FULLWIDTH.search(raw) is not None


def _fullwidth(raw: str) -> list[str]:
    return ["fullwidth"] if has_fullwidth(raw) else []


def _compact(value: str) -> str:
    """Normalised, no spaces or separators, upper case, qualifiers joined, digits in names Chinese."""
    text = re.sub(r"[\s|,;]", "", value.upper())
    return QUALIFIER_BRACKETS.sub(r"\1", text)


def is_clean_road(value: str | None) -> bool:
    """Already a bare road name: CJK + a road type, no prefix, bracket or number."""
    return bool(value) and _CLEAN_ROAD.fullmatch(value) is not None and _prefix_end(value, ()) == 0


def _prefix_end(text: str, known: Collection[str] | None = None) -> int:
    """Where the name proper starts after 中国/上海市/市辖区/浦东新区/old county names/a Pudong street.

    A full form (上海市, 浦东新区, 南汇区, 周家渡街道, 川沙新镇) is a prefix; a short one (上海,
    浦东, 中国) only before a known road (``known``): 上海村, 浦东花园 and 浦东南路 are names. A
    prefix never eats the name (浦东公路, 唐镇路), and a street counts only where it cannot
    be the start of the name: after a district prefix, before a known road, or — for names
    other than roads (``known`` None) — before 3+ more characters (唐镇新城 begins with a town).
    """
    pos = 0
    while pos < len(text):
        m = COUNTRY_PREFIX.match(text, pos) or SHANGHAI_PREFIX.match(text, pos)
        end = m.end() if m else None
        if end is None and text.startswith("市辖区", pos):
            end = pos + 3
        if end is None:
            street = match_street_at(text, pos)
            if street is not None and street[1].kind == "county":
                end = pos + len(street[0])
        if end is None or end == len(text) or _road_type_only(text[pos:end], text[end:]):
            break
        full = text[pos:end] == "中华人民共和国" or text[pos:end].endswith(("市", "区", "县"))
        if not full and not (known is not None and text[end:] in known) and not _prefix_end(text[end:], known):
            break  # a short form counts before a known road or another prefix (中国上海市…)
        pos = end
    street = match_street_at(text, pos)
    if street is not None:
        surface, mention = street
        suffixed = mention.kind == "full" or surface.endswith(("镇", "街道"))
        rest = text[pos + len(surface):]
        if suffixed and not _road_type_only(surface, rest) and (
                pos > 0 or (rest in known if known is not None else len(rest) >= 3)):
            pos += len(surface)
    return pos


_ONE_CHARACTER_ROAD = re.compile(r"[\u4e00-\u9fff]?(?:大道|公路|大街|支路|路|街)")


def _road_type_only(prefix: str, rest: str) -> bool:
    """What follows the prefix cannot be a road without it: 浦东|公路, 浦东|南路, 唐镇|东路."""
    return _ROAD_END.fullmatch(rest) is not None or (
        len(prefix) <= 2 and _ONE_CHARACTER_ROAD.fullmatch(rest) is not None)


def _estate_like(text: str) -> bool:
    """Could be an estate's name: two characters or more, not a stray unit or number."""
    return len(text) >= 2 and text[0] not in "号弄室组队栋幢座楼层#-" and not text.isdigit()


# ---------------------------------------------------------------- roads


@dataclass(frozen=True)
class RoadRepair:
    road: str | None
    community: str | None = None  # an estate written in front of the road
    lane: str | None = None
    number: str | None = None
    kinds: tuple[str, ...] = ()


def _known_road_in(piece: str, known: Collection[str]) -> tuple[int, int] | None:
    """(start, end) of the longest known road in ``piece`` that only numbers follow."""
    best: tuple[int, int] | None = None
    for end in range(len(piece), 1, -1):
        if _TRAILING_NUMBERS.fullmatch(piece[end:]) is None:
            continue
        for start in range(end - 1):
            if piece[start:end] in known:
                if best is None or end - start > best[1] - best[0]:
                    best = (start, end)
                break
    return best


def repair_road(raw: str | None, known_roads: Collection[str] = frozenset()) -> RoadRepair:
    """A registry road value → road (+ an estate, lane, number found in it) and repair kinds."""
    text = normalise_text(raw)
    if text is None:
        return RoadRepair(None)
    kinds = _fullwidth(raw)
    s = _compact(text)
    if "(" in s or ")" in s:
        kinds.append("road_bracket")
    pieces = [p for p in _BRACKETS.split(s) if p]
    # The road is in the first piece that has a road type; other pieces may hold the estate.
    road_at = next((i for i, p in enumerate(pieces) if _ROAD_SUFFIX_IN.search(p)), None)
    if road_at is None:
        return RoadRepair(digits_in_name_to_chinese("".join(pieces)) or None, kinds=tuple(kinds))
    piece = pieces[road_at]
    others = [p for i, p in enumerate(pieces) if i != road_at]
    numbers = _TRAILING_NUMBERS.search(piece)
    body, tail = piece[:numbers.start()], piece[numbers.start():]
    span = _known_road_in(body, known_roads)
    if span is not None:
        head, road = body[:span[0]], body[span[0]:span[1]]
    else:  # by shape: after the prefix, a strong community word splits an estate off
        cut = _prefix_end(body, known_roads)
        head, road = body[:cut], body[cut:]
        last = None
        for m in _ROAD_SUFFIX_IN.finditer(road):
            last = m
        split = split_community_before_road(road, last.start()) if last else None
        if split:
            # 锦绣花园东区锦绣路: the estate's zone or phase goes with the estate
            zone = _ZONE.match(road, split)
            if zone and zone.end() > split and len(road) - zone.end() >= 3:
                split = zone.end()
            head, road = head + road[:split], road[split:]
    lane = number = None
    if tail:
        m = _TRAILING_NUMBERS.fullmatch(tail)
        lane, number = m.group(1), m.group(3)
        kinds.append("road_numbers")
    community = None
    if head:
        cut = min(_prefix_end(head + road, {road}), len(head))  # a street just before the road
        if cut:
            kinds.append("road_prefix")
        estate = head[cut:]
        if _estate_like(estate):
            community = digits_in_name_to_chinese(estate)
            kinds.append("road_estate")
        elif estate:  # one character left over: part of the road's own name (新|齐河路)
            road = estate + road
    if community is None:
        estates = [p for p in others if _estate_like(p) and not re.search(r"\d", p)]
        if estates:
            community = digits_in_name_to_chinese(estates[0])
            kinds.append("road_estate")
    return RoadRepair(digits_in_name_to_chinese(road) or None, community, normalise_number(lane),
                      normalise_number(number), tuple(dict.fromkeys(kinds)))


# ---------------------------------------------------------------- communities, villages


def repair_community(raw: str | None) -> tuple[str | None, tuple[str, ...]]:
    """A registry community value → the community name and repair kinds."""
    text = normalise_text(raw)
    if text is None:
        return None, ()
    kinds = _fullwidth(raw)
    s = _compact(text)
    if "(" in s or ")" in s:
        kinds.append("community_bracket")
        pieces = [p for p in _BRACKETS.split(s) if p]
        # 齐河小区(齐河路88弄): the name is the piece that is not an address
        names = [p for p in pieces if not _ROAD_SUFFIX_IN.search(p)] or pieces
        s = names[0] if names else ""
    cut = _prefix_end(s)
    if cut and len(s) - cut >= 2:
        kinds.append("community_prefix")
        s = s[cut:]
    return digits_in_name_to_chinese(s) or None, tuple(kinds)


def repair_village(raw: str | None) -> tuple[str | None, tuple[str, ...]]:
    """A registry village value → the village name with its 村, and repair kinds."""
    text = normalise_text(raw)
    if text is None:
        return None, ()
    kinds = _fullwidth(raw)
    s = _compact(text)
    if "(" in s or ")" in s:
        kinds.append("village_bracket")
        s = next((p for p in _BRACKETS.split(s) if p), "")
    cut = _prefix_end(s)
    if cut and len(s.removesuffix("村")) - cut >= 2:
        kinds.append("village_prefix")
        s = s[cut:]
    s = digits_in_name_to_chinese(s)
    if not s:
        return None, tuple(kinds)
    return (s if s.endswith("村") else s + "村"), tuple(kinds)


# ---------------------------------------------------------------- numbers


@dataclass(frozen=True)
class NumberRepair:
    value: str | None
    lane: str | None = None  # 88弄3号 in a number field: the lane
    number: str | None = None  # 3号602室 in a room field: the number
    kinds: tuple[str, ...] = ()


_UNIT_WORDS = re.compile(r"[弄号室组队#]")
_LANE_NUMBER = re.compile(r"^(\d+)弄(\d+)号?$")
_NUMBER_ROOM = re.compile(r"^(\d+)号(\d+)室?$")


def repair_number(raw: str | None) -> NumberRepair:
    """A lane, number, room or group value → canonical digits (0602 → 602, 3号 → 3).

    A number field holding 88弄3号 gives lane 88 and number 3; a room field holding
    3号602室 gives number 3 and room 602. Anything else unreadable stays as typed.
    """
    text = normalise_text(raw)
    if text is None:
        return NumberRepair(None)
    kinds = _fullwidth(raw)
    value = normalise_number(text)
    if value is not None:
        if _UNIT_WORDS.search(text):
            kinds.append("number_units")
        return NumberRepair(value, kinds=tuple(kinds))
    compact = convert_unit_numerals(re.sub(r"\s", "", text))
    m = _LANE_NUMBER.match(compact)
    if m:
        return NumberRepair(normalise_number(m.group(2)), lane=normalise_number(m.group(1)),
                            kinds=tuple(kinds + ["number_split"]))
    m = _NUMBER_ROOM.match(compact)
    if m:
        return NumberRepair(normalise_number(m.group(2)), number=normalise_number(m.group(1)),
                            kinds=tuple(kinds + ["number_split"]))
    return NumberRepair(text.strip(), kinds=tuple(kinds))
