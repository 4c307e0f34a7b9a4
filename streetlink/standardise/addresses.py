"""Addresses: free-text Chinese addresses → the parts a housing registry row is made of.

Goal: read 上海康桥镇秀沿路1258弄十六号一八零二室 as street 康桥镇 / road 秀沿路 / lane 1258 /
number 16 / room 1802, and 浦东新区陆 楼5队4 as village 陆楼村 / group 5 / number 4, so that
a record can be looked up in the housing registry instead of compared as a string.

Input → output:
    ``parse_address(text, gazetteer, context)`` → ``AddressParts`` (one address)
    ``standardise_record_addresses(con, staged, out, gazetteer)``: staged_records →
        records_address (record_id + the RECORDS_STD address columns + street_code_hint,
        address_key, road_raw, committee, committee_code_text, notes); parses DISTINCT
        (address, context, source) only.
    ``format_address(parts)`` → canonical text; ``address_key(parts)`` → the registry-form
        key (road弄支弄号室 / village组号室) shared with housing_std.

How the registry's parts are read (the same rules normalise housing_std):
    road     …路/大道/公路/街/大街/支路 (弄堂 is not a road type; a lane is a number + 弄)
    lane     N弄; sub_lane N支弄
    number   the registry's 号: N号; inside a lane or community also N号楼/N幢/N栋/N座/N# —
             the building *is* the registry number; also the first part of 3-602, 4-2-402
    building a second building designator after a number (人民路847号26栋) or a letter (A座)
    unit     N单元; also the middle part of 4-2-402 / 4-2 402 (building-unit-room)
    room     N室, or trailing digits after a number (3号602, 3#602, 9号四零三, 2 03 → 203)
    village  …村 (not 新村/N村, which are urban communities) or a name before a group
             (永盛一组 → 永盛村); group_no N组/N队/N小组/N村民小组; number after a group
             (南塘3组7 → 7) or after the village (大丰村5 → 5)
    community a gazetteer community, a name in brackets after a lane (耀华路500弄(济阳二村)),
             or a name ending 小区/花园/新村/苑/… or followed by a number
Numbers are digits without leading zeros; Chinese numerals are converted only next to a
unit (numerals.py). ``addr_precision`` is the finest level written: room (a room, or a
rural house: village + group + number), building, lane, road, village_group, village,
community (also a committee), street, none. ``addr_scope``: pudong when something in the
text is Pudong's (prefix, street/town, old county name, a gazetteer name), outside for a
division outside Pudong, unknown otherwise. A well-known place instead of an address
(世纪公园附近, 迪士尼一带; reference_data/pudong_landmarks.csv) is read as its street.

Context: the health cloud's "province city district" makes an address outside when it
names another province/city/district (unless the text itself says Pudong). The hotline's
诉求内容 fills missing parts only from an address that clearly names the same place (same
road and lane or number, same village, same community, or a community the gazetteer
links to that road and lane); and where it puts the matter at a neighbour's door in
brackets (其隔壁（齐河路88弄3号602室）…) that door replaces the caller's, because the
matter's place is what gets dispatched.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import NamedTuple

import duckdb
import pyarrow as pa

from streetlink.reference import read_reference
from streetlink.standardise.gazetteer import Gazetteer, GazMatch
from streetlink.standardise.numerals import NUMERAL_CHARS, convert_unit_numerals, normalise_number
from streetlink.standardise.places import (
    match_outside,
    match_street_at,
    resolve_street,
    road_named_street,
    scope_from_divisions,
    street_name,
)
from streetlink.standardise.text import normalise_text

__all__ = [
    "LOCATION_FIELDS",
    "PART_FIELDS",
    "PRECISIONS",
    "SCOPES",
    "AddressParts",
    "address_key",
    "building_key",
    "clean_address_text",
    "format_address",
    "normalise_name",
    "normalise_village",
    "parse_address",
    "split_lane",
    "standardise_record_addresses",
]

log = logging.getLogger(__name__)

SCOPES = ("pudong", "outside", "unknown")
PRECISIONS = (
    "room", "building", "lane", "road", "village_group", "village", "community", "street", "none",
)


@dataclass(frozen=True)
class AddressParts:
    """One parsed address: exactly the RECORDS_STD address columns, then extras."""

    address_clean: str | None = None
    addr_scope: str = "unknown"
    outside_place: str | None = None
    street_code_text: str | None = None
    community: str | None = None
    road: str | None = None
    lane: str | None = None
    sub_lane: str | None = None
    number: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    village: str | None = None
    group_no: str | None = None
    addr_precision: str = "none"
    # extras
    road_raw: str | None = None  # the road as typed, when the gazetteer corrected it
    committee: str | None = None  # a committee named in the text (齐河第二居委)
    committee_code_text: str | None = None  # its code, when the gazetteer knows it
    address_key: str | None = None  # registry-form key, comparable with housing_std
    notes: tuple[str, ...] = ()

    def location(self) -> dict[str, str | None]:
        """The parts that say where (for comparisons and round trips)."""
        return {f: getattr(self, f) for f in LOCATION_FIELDS}


PART_FIELDS = tuple(f.name for f in fields(AddressParts) if f.name not in
                    ("road_raw", "committee", "committee_code_text", "address_key", "notes"))
LOCATION_FIELDS = (
    "addr_scope", "outside_place", "street_code_text", "community", "road", "lane", "sub_lane",
    "number", "building", "unit", "room", "village", "group_no", "addr_precision",
)

# ---------------------------------------------------------------- cleaning


@lru_cache(maxsize=1)
def _noise() -> tuple[re.Pattern[str], re.Pattern[str] | None, frozenset[str], tuple[str, ...]]:
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


def _digits_to_chinese(m: re.Match[str]) -> str:
    n = int(m.group(1))
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + ("" if ones == 0 else _CN_DIGITS[ones])


def _clean_once(s: str) -> str:
    tail_re, anywhere_re, _, tail_words = _noise()
    # Each step is skipped when its trigger characters are absent (most addresses are short
    # and clean; this halves the cost of a night).
    if not s.isascii():
        s = _OTHER_DIGITS.sub(lambda m: str(unicodedata.decimal(m.group(), 0)), s)
    s = _SEPARATORS.sub("|", s)
    if " " in s or "\t" in s or "\n" in s:
        s = _SPACES_NOT_BETWEEN_DIGITS.sub("", s)
    s = _DIGITS_IN_NAME.sub(_digits_to_chinese, s)
    if anywhere_re is not None:
        s = anywhere_re.sub("", s)
    if "(" in s:
        s = _EMPTY_BRACKETS.sub("|", s)
    if "近" in s:
        s = _NEAR.sub("|", s)
    if "口" in s:
        s = _ROAD_JUNCTION.sub("", s)
    if "|" in s or "(" in s or ")" in s or s.endswith(tail_words):
        previous = None
        while previous != s:
            previous = s
            s = tail_re.sub("", s)
            s = _EMPTY_BRACKETS.sub("|", s)
            s = _PIPES.sub("|", s)
    s = convert_unit_numerals(s)
    if "|" in s:
        s = _PIPES.sub("|", s).strip("| ")
    # Removing spaces can leave a combining mark next to a letter: recompose.
    return unicodedata.normalize("NFKC", s.strip(" ")).upper()


@lru_cache(maxsize=200_000)
def _clean(text: str) -> str | None:
    null = _noise()[2]
    s = text.upper()
    # Each step can expose work for another (a removed word joins two numbers); repeat
    # to a fixed point so that cleaning is idempotent.
    for _ in range(4):
        if not s or s in null:
            return None
        cleaned = _clean_once(s)
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
    cleaned = _clean(normalised)
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
    text = _QUALIFIER_BRACKETS.sub(r"\1", text)
    return _DIGITS_IN_NAME.sub(_digits_to_chinese, text) or None


def normalise_village(value: object) -> str | None:
    """Village name with its 村 (南塘 → 南塘村); registry and parser alike."""
    name = normalise_name(value)
    if name is None:
        return None
    return name if name.endswith("村") else name + "村"


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


# ---------------------------------------------------------------- tokens


class _Tok(NamedTuple):
    # street | pudong | road | community | village | committee | num | letter | raw | text | sep
    kind: str
    value: str = ""
    unit: str | None = None
    known: bool = False  # found in the gazetteer
    code: str | None = None  # street or committee code
    typed: str | None = None  # a road as typed, when the gazetteer corrected it


_ROAD_SUFFIX = r"(?:大道|公路|大街|支路|路|街(?![道坊区镇]))"
_ROAD_RE = re.compile(_ROAD_SUFFIX + "(?!村)")  # 腰路村 is a village
_COMMUNITY_SUFFIX_WORDS = (
    "小区|花园|新村|公寓|家园|大厦|广场|苑|园|城|新城|庭|府|邸|湾|里|坊|阁|居|墅|公馆|山庄|别墅|"
    "名邸|华庭|雅苑|佳苑|新苑|大楼|宿舍"
)
# Landmarks people name instead of an address: never a community.
_LANDMARK_END = re.compile(
    r"(?:公园|医院|学校|小学|中学|大学|商场|超市|市场|菜场|车站|地铁站|站|银行|酒店|宾馆|饭店|机场|广场店|中心|"
    r"公司|工厂|厂|单位|派出所|政府|大楼门口)$"
)
# A town or township outside Pudong's list (莘庄镇, 玉山镇): not part of the road after it.
_OTHER_TOWN = re.compile(r"^[^\d]{1,5}?(?:镇|乡|街道)")
_NAME_AFTER_TOWN = re.compile(r"(?:路|街|大道|公路|村|新村|小区)")
_COMMUNITY_END = re.compile(
    rf"(?:{_COMMUNITY_SUFFIX_WORDS}|[{NUMERAL_CHARS}]+期|[{NUMERAL_CHARS}]+村)$"
)
_COMMUNITY_STRONG = re.compile(rf"(?:小区|花园|新村|公寓|家园|大厦|广场|苑|[{NUMERAL_CHARS}]+期)")
_COMMUNITY_AFTER_ROAD = re.compile(r"(?:小区|新村|花园|公寓|家园|大楼|宿舍)")
_VILLAGE_RE = re.compile(rf"村(?![委民]|{_ROAD_SUFFIX})")  # 蓝村路 is a road
_URBAN_VILLAGE = re.compile(rf"(?:新|[{NUMERAL_CHARS}])村$")
_COMMITTEE_RE = re.compile(r"(居民委员会|村民委员会|居委会|村委会|居委|村委|居民区)")
_VILLAGE_COMMITTEE = re.compile(r"^(.+?)村?(?:村民委员会|村委会|村委)$")
_PHASE = re.compile(rf"^[{NUMERAL_CHARS}]+期")
# After a short street form, these starts mean the short form was part of a name.
_NAME_CONTINUES = re.compile(
    rf"^(?:[^\d|]?{_ROAD_SUFFIX}|镇|村|新村|[{NUMERAL_CHARS}]+[村期]|{_COMMUNITY_SUFFIX_WORDS}|社区"
    r"|居委|居民区|村委)"
)
_GROUP_AHEAD = re.compile(r"第?\d+(?:组|队|小组|村民小组)")
_NAMED_AFTER_TOWN = re.compile(rf"(?:{_ROAD_SUFFIX}|村(?![委民])|新村|小区)")
_LEAD_IN = re.compile(r"^.*(?:家住|暂住|居住于|居住在|住在|住于|位于|反映|咨询|来电人|市民|称|住|在|于)")
_NUM_TOKEN = re.compile(
    r"第?(?P<num>\d+(?:-\d+)+(?: \d{1,2}(?!\d))?|\d+(?: \d+)*)(?P<letter>[A-Z](?![A-Z]))?"
    r"(?P<unit>支弄|弄|号楼|号院|号|幢|栋|座|单元|室|村民小组|小组|组|队|层|楼|#)?"
)
_LETTER_BUILDING = re.compile(r"([A-Z])(座|栋|幢|号楼)")
_TEXT_RUN = re.compile(r"(?:[^\d|#\-\s()第A-Z]|第(?!\d)|[A-Z](?!座|栋|幢|号楼))+")
_GROUP_UNITS = ("组", "队", "小组", "村民小组")
_PLACE_KINDS = ("road", "community", "village", "committee")
_BUILDING_UNITS = ("号楼", "幢", "栋", "座", "号院")


def _split_spaced(num: str, unit: str | None) -> list[str]:
    """'2 03' is one room (203); '1 602' is two numbers; '267 1弄' is lane 2671.

    Before 弄 nothing else can stand, so the digits are one lane; before 号 they are one
    number when short; otherwise only small groups that make a 3-4 digit room are joined.
    """
    groups = num.split(" ")
    if len(groups) == 1:
        return groups
    joined = "".join(groups)
    if unit in ("弄", "支弄") and len(joined) <= 5:
        return [joined]
    if unit in ("号", "#", "室") and len(joined) <= 4:
        return [joined]
    if all(len(g) <= 2 for g in groups) and 3 <= len(joined) <= 4:
        return [joined]
    return groups


class _Scanner:
    """Splits one cleaned segment into tokens, using the gazetteer where it has one."""

    def __init__(self, gazetteer: Gazetteer | None, allow_street: bool, short_streets: bool = True):
        self.gaz = gazetteer
        self.allow_street = allow_street
        self.short_streets = short_streets
        self.before_number = False  # the text run being scanned is followed by a number
        self.before_group = False  # … by a group number (3组, 5队)

    def scan(self, segment: str) -> list[_Tok]:
        tokens: list[_Tok] = []
        pos = 0
        n = len(segment)
        while pos < n:
            ch = segment[pos]
            if ch == "|":
                tokens.append(_Tok("sep"))
                pos += 1
                continue
            if ch.isdigit() or (ch == "第" and pos + 1 < n and segment[pos + 1].isdigit()):
                m = _NUM_TOKEN.match(segment, pos)
                if m and m.group("num"):
                    tokens.extend(self._num_tokens(m))
                    pos = m.end()
                    continue
            if ch in " -#()":
                pos += 1
                continue
            m = _LETTER_BUILDING.match(segment, pos)
            if m:
                tokens.append(_Tok("letter", m.group(1), m.group(2)))
                pos = m.end()
                continue
            m = _TEXT_RUN.match(segment, pos)
            if not m:
                pos += 1
                continue
            self.before_number = m.end() < n and segment[m.end()].isdigit()
            self.before_group = bool(_GROUP_AHEAD.match(segment, m.end()))
            tokens.extend(self.scan_run(m.group(0)))
            pos = m.end()
        return tokens

    @staticmethod
    def _num_tokens(m: re.Match[str]) -> list[_Tok]:
        num, letter, unit = m.group("num"), m.group("letter") or "", m.group("unit")
        if "-" in num:  # 15-3 02: a space typed inside the room
            return [_Tok("num", num.replace(" ", "") + letter, unit)]
        parts = _split_spaced(num, unit)
        if max(len(p) for p in parts) >= 7:
            return [_Tok("text", num, "long_digits")]  # a phone or ID typed into the address
        tokens = [_Tok("num", p) for p in parts[:-1]]
        tokens.append(_Tok("num", parts[-1] + letter, unit))
        return tokens

    def scan_run(self, run: str) -> list[_Tok]:
        out: list[_Tok] = []
        pending = 0
        i = 0
        while i < len(run):
            tok, end = self._match(run, i, at_start=(i == pending))
            if tok is None:
                i += 1
                continue
            if pending < i and tok.kind == "road":
                i, tok = self._longer_road(run, pending, i, end, tok)
            if pending < i:
                out.append(_Tok("raw", run[pending:i]))
            out.append(tok)
            i = pending = end
        if pending < len(run):
            out.append(_Tok("raw", run[pending:]))
        return out

    def _match(self, run: str, i: int, at_start: bool) -> tuple[_Tok | None, int]:
        if at_start and self.allow_street:
            prefix = _PREFIX.match(run, i) or _SHANGHAI.match(run, i)
            if prefix and not _gaz_longer(self.gaz, run, i, prefix.end() - i) \
                    and not _SHANGHAI_ROADS.match(run, i):
                return _Tok("sep", prefix.group(0)), prefix.end()  # 上海市 repeated mid-text
        gaz_match = self.gaz.match_at(run, i) if self.gaz is not None else None
        if (gaz_match is not None and not at_start and set(gaz_match.kinds) == {"village"}
                and not gaz_match.surface.endswith("村")):
            gaz_match = None  # 共和新路: a village stem inside another name is not the village 新路村
        street = match_street_at(run, i) if self.allow_street else None
        if street is not None and _PUDONG_ROADS.match(run, i):
            street = None  # 浦东南路, 浦东大道
        if street is not None:
            surface, mention = street
            end = i + len(surface)
            suffixed = mention.kind == "full" or surface.endswith(("镇", "街道", "区", "县"))
            if not suffixed and not (at_start and self.short_streets):
                street = None
            elif not suffixed and (
                    (_NAME_CONTINUES.match(run[end:]) and not self._known_at(run, end))
                    or (end == len(run) and self.before_number)
                    or self._road_named_after(run, i, end)):
                street = None  # 张江路, 临港宫路 (typo of 临港公路), 沪东新村1-54号
            elif suffixed and _NAMED_AFTER_TOWN.match(run, end):
                street = None  # 唐镇路, 彭镇村: a road or village named after the town
            if street is not None and mention.kind != "full" and end == len(run) and self.before_group:
                street = None  # 邓镇9组: a village named after the old town
        if gaz_match is not None and (street is None or len(gaz_match.surface) > len(street[0])):
            return self._gaz_token(gaz_match), gaz_match.end
        if street is not None:
            surface, mention = street
            kind = "pudong" if mention.code is None else "street"
            return _Tok(kind, surface, code=mention.code), i + len(surface)
        return None, i

    def _longer_road(self, run: str, pending: int, i: int, end: int, tok: _Tok) -> tuple[int, _Tok]:
        """护城西路: not 护 + known 城西路, but a typo of the known 沪城西路."""
        for start in range(max(pending, i - 2), i):
            corrected = self.gaz.correct_road(run[start:end]) if self.gaz is not None else None
            if corrected is not None:
                return start, _Tok("road", corrected, known=True, typed=run[start:end])
        return i, tok

    def _known_at(self, run: str, pos: int) -> bool:
        """The gazetteer knows the name that starts here (泥城|花园西路: 泥城 is the town)."""
        return self.gaz is not None and pos < len(run) and self.gaz.match_at(run, pos) is not None

    def _road_named_after(self, run: str, start: int, end: int) -> bool:
        """A known road begins with this short street form (施湾三路, 临港宫路 → 临港公路)."""
        if self.gaz is None:
            return False
        road = _ROAD_RE.search(run, end)
        if road is None:
            return False
        name = run[start:road.end()]
        return name in self.gaz.roads or self.gaz.correct_road(name) is not None

    @staticmethod
    def _gaz_token(m: GazMatch) -> _Tok:
        kinds = m.kinds
        for kind in ("road", "community", "village"):
            if kind in kinds:
                tok = _Tok(kind, m.canonical(kind), known=True)
                if "committee" in kinds:
                    return tok._replace(code=m.canonical("committee"))
                return tok
        return _Tok("committee", m.surface, known=True, code=m.canonical("committee"))



def _generic(fragment: str, nxt: _Tok | None, prev: _Tok | None, context_mode: bool) -> list[_Tok]:
    """Tokens for a fragment the gazetteer did not know: roads, villages, communities by shape."""
    out: list[_Tok] = []
    rest = fragment
    if context_mode:
        rest = _LEAD_IN.sub("", rest)
    while rest:
        town = _OTHER_TOWN.match(rest)
        if town and not _NAME_AFTER_TOWN.match(rest, town.end()) and not (
                town.end() == len(rest) and _is_group(nxt)):  # 邓镇9组: a village
            out.append(_Tok("text", town.group(0), "town"))
            rest = rest[town.end():]
            continue
        # A suffix needs a name before it: search from the second character (大道站路).
        committee = _COMMITTEE_RE.search(rest, 1)
        road = _ROAD_RE.search(rest, 1)
        village = _VILLAGE_RE.search(rest, 1)
        first = min(
            (m for m in (committee, road, village) if m is not None),
            key=lambda m: m.start(),
            default=None,
        )
        if first is None:
            out.append(_leftover(rest, nxt, prev if not out else out[-1]))
            break
        end = first.end()
        head = rest[:end]
        if first is committee:
            out.append(_Tok("committee", head))
        elif first is road:
            after = _COMMUNITY_AFTER_ROAD.match(rest, end)
            if after:
                end = after.end()
                out.append(_Tok("community", rest[:end]))
            else:
                split = _split_community_before_road(head, first.start())
                if split:
                    out.append(_Tok("community", head[:split]))
                    head = head[split:]
                out.append(_Tok("road", head))
        else:
            phase = _PHASE.match(rest, end)
            before_group = end == len(rest) and _is_group(nxt)
            if _URBAN_VILLAGE.search(head) and not before_group:
                if phase:
                    end = phase.end()
                out.append(_Tok("community", rest[:end]))
            else:
                out.append(_Tok("village", head))
        rest = rest[end:]
    return out


def _split_community_before_road(head: str, suffix_start: int) -> int | None:
    """勤奋小区中山路 → 4 (community 勤奋小区, road 中山路); None when not two names."""
    split = None
    for m in _COMMUNITY_STRONG.finditer(head, 0, suffix_start):
        if m.end() >= 3 and suffix_start - m.end() >= 2:
            split = m.end()
    return split


def _is_group(tok: _Tok | None) -> bool:
    return tok is not None and tok.kind == "num" and tok.unit in _GROUP_UNITS


def _name_like(text: str) -> bool:
    """Could be a place name: not a stray unit (号, 室 …) and not a landmark (医院 …)."""
    return not (text[0] in "号弄室组队栋幢座楼层#-" or "号" in text or "室" in text
                or _LANDMARK_END.search(text))


def _leftover(text: str, nxt: _Tok | None, prev: _Tok | None) -> _Tok:
    if not _name_like(text):
        return _Tok("text", text)
    if _is_group(nxt) and len(text) >= 2:
        return _Tok("village", text if text.endswith("村") else text + "村")
    lane_next = nxt is not None and nxt.kind == "num" and nxt.unit in ("弄", "支弄")
    if lane_next and not _COMMUNITY_END.search(text):
        return _Tok("road", text)  # 东八灶63弄: a lane hangs off a named way even without 路
    after_village = prev is not None and (prev.kind == "village" or _is_group(prev))
    if after_village and text.endswith("宅"):
        return _Tok("text", text, "hamlet")
    if _COMMUNITY_END.search(text) and len(text) >= 2:
        return _Tok("community", text)
    if nxt is not None and nxt.kind in ("num", "letter") and len(text) >= 2 and (
        nxt.unit is None or nxt.unit in ("号", "#", "室") or nxt.unit in _BUILDING_UNITS
    ):
        return _Tok("community", text)
    return _Tok("text", text)


# ---------------------------------------------------------------- assembling


@dataclass
class _Draft:
    """The parser's private working state for one address, filled token by token."""

    scope_evidence: bool = False  # something in the text is Pudong's
    outside_place: str | None = None
    street: str | None = None
    community: str | None = None
    road: str | None = None
    lane: str | None = None
    sub_lane: str | None = None
    number: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    village: str | None = None
    group_no: str | None = None
    committee: str | None = None
    committee_code: str | None = None
    road_raw: str | None = None
    known: set[str] = field(default_factory=set)  # parts the gazetteer confirmed
    notes: list[str] = field(default_factory=list)


def _assemble(tokens: list[_Tok], draft: _Draft) -> None:
    last = None
    for idx, tok in enumerate(tokens):
        nxt = tokens[idx + 1] if idx + 1 < len(tokens) else None
        kind = tok.kind
        if kind == "sep":
            continue
        if kind == "pudong":
            draft.scope_evidence = True
        elif kind == "street":
            draft.scope_evidence = True
            if draft.street is None:
                draft.street = tok.code
            elif draft.street != tok.code:
                draft.notes.append(f"second_street:{tok.value}")
        elif kind == "road":
            if draft.road is None:
                draft.road = tok.value
                draft.road_raw = tok.typed
                if tok.known:
                    draft.known.add("road")
                if tok.typed:
                    draft.notes.append(f"road_corrected:{tok.typed}")
                last = "road"
            else:
                draft.notes.append(f"second_road:{tok.value}")
        elif kind == "community":
            if draft.community is None:
                draft.community = tok.value
                if tok.known:
                    draft.known.add("community")
                last = "community"
            else:
                draft.notes.append(f"second_community:{tok.value}")
        elif kind == "village":
            if draft.village is None:
                draft.village = tok.value
                if tok.known:
                    draft.known.add("village")
                last = "village"
            if tok.code and draft.committee_code is None:
                draft.committee_code = tok.code
        elif kind == "committee":
            if draft.committee is None:
                draft.committee = tok.value
                draft.committee_code = tok.code
                if tok.known:
                    draft.known.add("committee")
            village = _VILLAGE_COMMITTEE.match(tok.value)
            if village and draft.village is None:
                draft.village = normalise_village(village.group(1))
                last = "village"
        elif kind == "letter":
            if draft.building is None:
                draft.building = tok.value
            last = "building"
        elif kind == "num":
            last = _assign_number(tok, nxt, draft, last)
        elif kind == "text":
            if tok.value:
                draft.notes.append(f"{tok.unit or 'unparsed'}:{tok.value}")


def _assign_number(tok: _Tok, nxt: _Tok | None, d: _Draft, last: str | None) -> str | None:
    value, unit = tok.value, tok.unit
    pieces = [normalise_number(p) for p in value.split("-")]
    if any(p is None for p in pieces):
        d.notes.append(f"bad_number:{value}")
        return last
    v = "-".join(p for p in pieces if p)
    if unit == "弄":
        if d.lane is None:
            d.lane = v
            return "lane"
    elif unit == "支弄":
        if d.sub_lane is None:
            d.sub_lane = v
            return "sub_lane"
    elif unit in ("号",):
        if d.number is None:
            d.number = v
            return "number"
    elif unit in _BUILDING_UNITS or unit == "#":
        if d.number is None:
            d.number = v
            return "number"
        if d.building is None:
            d.building = v
            return "building"
    elif unit == "单元":
        if d.unit is None:
            d.unit = v
            return "unit"
    elif unit == "室":
        if len(pieces) > 1 and d.number is None:
            d.number = pieces[0]
            if len(pieces) == 3:
                d.unit = d.unit or pieces[1]
        if d.room is None:
            d.room = pieces[-1]
            return "room"
    elif unit in _GROUP_UNITS:
        if d.group_no is None:
            d.group_no = v
            return "group"
    elif unit in ("层", "楼"):
        d.notes.append(f"floor:{v}")
        return "floor"
    elif len(pieces) > 1:
        return _assign_hyphenated(pieces, nxt, d, last)
    else:
        return _assign_plain(v, d, last)
    d.notes.append(f"extra_number:{value}{unit or ''}")
    return last


def _assign_hyphenated(
    pieces: list[str], nxt: _Tok | None, d: _Draft, last: str | None
) -> str | None:
    """3-602 (number-room), 4-2-402 and 4-2 402 (number-unit-room)."""
    if d.number is not None:
        d.notes.append("extra_number:" + "-".join(pieces))
        return last
    d.number = pieces[0]
    followed_by_room = (nxt is not None and nxt.kind == "num" and nxt.unit in (None, "室")
                        and "-" not in nxt.value)
    if len(pieces) >= 3:
        d.unit = d.unit or pieces[1]
        d.room = d.room or pieces[-1]
        return "room"
    if followed_by_room:
        d.unit = d.unit or pieces[1]
        return "unit"
    d.room = d.room or pieces[1]
    return "room"


def _assign_plain(v: str, d: _Draft, last: str | None) -> str | None:
    if d.room is None and (last == "building" or (
            d.number is not None and last in ("number", "unit", "floor"))):
        d.room = v
        return "room"
    if d.unit is not None and d.room is None:
        d.room = v
        return "room"
    if d.number is None and (d.group_no is not None or d.village is not None):
        d.number = v
        return "number"
    if d.number is None and (d.lane is not None or d.road is not None or d.community is not None):
        d.number = v
        return "number"
    d.notes.append(f"extra_number:{v}")
    return last


# ---------------------------------------------------------------- parsing


_BRACKETS = re.compile(r"\(([^()]*)\)")
# 川杨新苑(四期), 思凡南苑(西区): a phase or section belongs to the community name.
_QUALIFIER = rf"(?:[{NUMERAL_CHARS}0-9]+期)?(?:[东南西北中A-Z{NUMERAL_CHARS}0-9]{{1,2}}区)?"
_QUALIFIER_BRACKETS = re.compile(rf"(?<=[\u4e00-\u9fff])\(({_QUALIFIER})\)")
_PREFIX = re.compile(r"中华人民共和国|中国")
_SHANGHAI = re.compile(r"上海市?|沪(?=浦东)")
_PUDONG_ROADS = re.compile(r"浦东(?:大道|南路|北路|路|大桥)")
_SHANGHAI_ROADS = re.compile(r"上海[东南西北中]?(?:路|大道|街)")
# A number with no unit before any name (0上海市…, 12 齐河路…) is noise, not an address part.
_STRAY_NUMBER = re.compile(r"[0-9]+(?=[^\d\s\-#A-Z弄号室组队栋幢座单层楼支第])")


def _strip_prefix(s: str, gaz: Gazetteer | None, d: _Draft) -> tuple[int, bool]:
    """Skip 中国/上海市/市辖区/浦东新区/浦东 (and old county names); find an outside place.

    Returns (position where the address proper starts, outside?).
    """
    pos = 0
    after_shanghai = False
    while pos < len(s):
        if s[pos] in "|#- ":
            pos += 1
            continue
        m = _PREFIX.match(s, pos) or _SHANGHAI.match(s, pos)
        if m and (_gaz_longer(gaz, s, pos, m.end() - pos) or _SHANGHAI_ROADS.match(s, pos)):
            break  # 上海西路: a road, not the city
        if m:
            after_shanghai = after_shanghai or m.group(0).startswith(("上海", "沪"))
            pos = m.end()
            continue
        if s.startswith("市辖区", pos):
            pos += 3
            continue
        stray = _STRAY_NUMBER.match(s, pos)
        if stray:
            d.notes.append(f"stray_number:{stray.group(0)}")
            pos = stray.end()
            continue
        street = match_street_at(s, pos)
        if street is not None and street[1].kind == "county":
            surface = street[0]
            if surface == "浦东" and (_PUDONG_ROADS.match(s, pos) or _gaz_longer(gaz, s, pos, 2)):
                break  # 浦东南路, 浦东大道: a road, not the district
            d.scope_evidence = True
            pos += len(surface)
            continue
        if not d.scope_evidence:
            outside = match_outside(s, pos, after_shanghai=after_shanghai)
            if outside is not None and not _gaz_longer(gaz, s, pos, outside.end - pos - 1):
                d.outside_place = outside.place
                return outside.end, True
        break
    return pos, False


def _gaz_longer(gaz: Gazetteer | None, s: str, pos: int, length: int) -> bool:
    if gaz is None:
        return False
    m = gaz.match_at(s, pos)
    return m is not None and len(m.surface) > length


def _tokens(
    s: str,
    gaz: Gazetteer | None,
    allow_street: bool,
    context_mode: bool,
    short_streets: bool = True,
) -> list[_Tok]:
    scanner = _Scanner(gaz, allow_street, short_streets)
    raw = scanner.scan(s)
    tokens: list[_Tok] = []
    for i, tok in enumerate(raw):
        if tok.kind != "raw":
            tokens.append(tok)
            continue
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        prev = tokens[-1] if tokens else None
        tokens.extend(_generic(tok.value, nxt, prev, context_mode))
    return _streets_named_like_roads(tokens) if allow_street else tokens


def _streets_named_like_roads(tokens: list[_Tok]) -> list[_Tok]:
    """南码头路芳华路136弄: a road-named street (南码头路街道) written before the real place."""
    out = list(tokens)
    for i, tok in enumerate(tokens[:-1]):
        if tok.kind == "road" and tokens[i + 1].kind in _PLACE_KINDS:
            code = road_named_street(tok.value)
            if code is not None:
                out[i] = _Tok("street", tok.value, code=code)
    return out


def _bracket_tokens(content: str, gaz: Gazetteer | None, outside: bool) -> list[_Tok]:
    """Brackets hold a community (耀华路500弄(济阳二村)), a street, or remarks."""
    if content.upper() in _noise()[2]:
        return []
    tokens = _tokens(content, None if outside else gaz, allow_street=not outside,
                     context_mode=False, short_streets=False)
    kept: list[_Tok] = []
    for tok in tokens:
        if tok.kind == "text" and not tok.unit and len(tokens) == 1 and len(tok.value) >= 2 \
                and _name_like(tok.value):
            kept.append(_Tok("community", tok.value))
        elif tok.kind == "street" and tok.value == content and gaz is not None \
                and gaz.resolve("community", content):
            kept.append(_Tok("community", content))  # (潍坊新村) after a lane: the estate
        else:
            kept.append(tok)
    return kept


def _parse_clean(s: str, gaz: Gazetteer | None, context_mode: bool = False) -> _Draft:
    d = _Draft()
    brackets: list[str] = []

    def keep(m: re.Match[str]) -> str:
        brackets.append(m.group(1))
        return "|"

    s = _QUALIFIER_BRACKETS.sub(r"\1", s)
    previous = None
    while previous != s:
        previous = s
        s = _BRACKETS.sub(keep, s)
    s = s.replace("(", "|").replace(")", "|")
    start, outside = _strip_prefix(s, gaz, d)
    use_gaz = None if outside else gaz
    tokens = _tokens(s[start:], use_gaz, allow_street=not outside, context_mode=context_mode)
    _assemble(tokens, d)
    for content in brackets:
        bracket = _bracket_tokens(content, gaz, outside)
        # 塘桥二村(塘桥路551弄): an address in brackets fills what the main text lacks;
        # other numbers in brackets (近3号门) are remarks.
        is_address = any(t.kind == "road" or (t.kind == "num" and t.unit == "弄") for t in bracket)
        _assemble([t for t in bracket if is_address or t.kind != "num"], d)
        if not is_address:
            d.notes.extend(
                f"bracket_number:{t.value}{t.unit or ''}" for t in bracket if t.kind == "num")
    if outside:
        d.street = None
    return d


def _resolve_with_gazetteer(d: _Draft, gaz: Gazetteer | None, outside: bool) -> None:
    """Correct the road, village or community to the one known name it is a typo of."""
    if gaz is None or outside:
        return
    if d.road is not None and "road" not in d.known:
        if d.road in gaz.roads:
            d.known.add("road")
        else:
            corrected = gaz.correct_road(d.road)
            if corrected is not None:
                d.road_raw, d.road = d.road, corrected
                d.known.add("road")
                d.notes.append(f"road_corrected:{d.road_raw}")
    if d.village is not None and "village" not in d.known:
        canonical = (gaz.resolve("village", d.village)
                     or gaz.resolve("village", d.village.removesuffix("村")))
        corrected = None if canonical else gaz.correct_village(d.village)
        if corrected:
            d.notes.append(f"village_corrected:{d.village}")
        if canonical or corrected:
            d.village = canonical or corrected
            d.known.add("village")
    if d.community is not None and "community" not in d.known:
        canonical = gaz.resolve("community", d.community)
        if canonical:
            d.community = canonical
            d.known.add("community")
        elif d.village is None and gaz.resolve("village", d.community):
            d.village, d.community = gaz.resolve("village", d.community), None
            d.known.add("village")
        elif (corrected := gaz.correct_community(d.community)) is not None:
            d.notes.append(f"community_corrected:{d.community}")
            d.community = corrected
            d.known.add("community")
    if d.committee is not None and d.committee_code is None:
        d.committee_code = gaz.resolve("committee", d.committee)
    if d.committee_code is not None:
        known = gaz.committee(d.committee_code)
        if known is not None:
            d.committee = known.name


def _precision(d: _Draft | AddressParts) -> str:
    urban_anchor = d.road is not None or d.community is not None
    if d.village is not None and d.road is None:
        if d.group_no is not None and d.number is not None:
            return "room"
        if d.group_no is not None:
            return "village_group"
        return "village"
    if urban_anchor and d.number is not None:
        return "room" if d.room is not None else "building"
    if d.road is not None:
        return "lane" if d.lane is not None else "road"
    if d.community is not None or d.committee is not None:
        return "community"
    if d.village is not None:
        return "village"
    street = d.street if isinstance(d, _Draft) else d.street_code_text
    return "street" if street is not None else "none"


def _key(
    road: str | None, lane: str | None, sub_lane: str | None, number: str | None,
    room: str | None, village: str | None, group_no: str | None, community: str | None,
) -> str | None:
    def part(value: str | None, unit: str) -> str:
        return f"{value}{unit}" if value else ""

    if road:
        return road + part(lane, "弄") + part(sub_lane, "支弄") + part(number, "号") + part(room, "室")
    if village:
        return village + part(group_no, "组") + part(number, "号") + part(room, "室")
    if community:
        return community + part(number, "号") + part(room, "室")
    return None


def address_key(parts: AddressParts) -> str | None:
    """Registry-form key: road+N弄+N支弄+N号+N室, village+N组+N号+N室, or community+N号+N室.

    housing_std.address_key is built from the registry's parts with the same rule (in SQL).
    """
    return _key(parts.road, parts.lane, parts.sub_lane, parts.number, parts.room,
                parts.village, parts.group_no, parts.community)


def building_key(parts: AddressParts) -> str | None:
    """address_key without the room: the building (or rural house) a dwelling is in."""
    return _key(parts.road, parts.lane, parts.sub_lane, parts.number, None,
                parts.village, parts.group_no, parts.community)


def _finish(d: _Draft, clean: str | None) -> AddressParts:
    if d.outside_place is not None:
        scope = "outside"
    elif d.scope_evidence or d.street is not None or d.known:
        scope = "pudong"
    else:
        scope = "unknown"
    parts = AddressParts(
        address_clean=clean,
        addr_scope=scope,
        outside_place=d.outside_place,
        street_code_text=None if scope == "outside" else d.street,
        community=d.community,
        road=d.road,
        lane=d.lane,
        sub_lane=d.sub_lane,
        number=d.number,
        building=d.building,
        unit=d.unit,
        room=d.room,
        village=d.village,
        group_no=d.group_no,
        addr_precision=_precision(d),
        road_raw=d.road_raw,
        committee=d.committee,
        committee_code_text=d.committee_code,
        address_key=_key(d.road, d.lane, d.sub_lane, d.number, d.room, d.village, d.group_no,
                         d.community),
        notes=tuple(d.notes),
    )
    return parts


# ---------------------------------------------------------------- context


_CONTEXT_SPLIT = re.compile(r"[,;:。!?！？|]")
_HAS_ADDRESS_NUMBER = re.compile(r"\d+(?:弄|号|室|组|队|#|幢|栋|座|单元)")
_DIVISION_TOKEN = re.compile(r"^(?:.{1,12}(?:省|市|区|县|州|盟|旗|地区)|市辖区)$")


def _looks_like_divisions(context: str) -> bool:
    tokens = [t for t in re.split(r"[\s,;|/]+", context) if t]
    return 0 < len(tokens) <= 4 and all(_DIVISION_TOKEN.match(t) for t in tokens)


# 其隔壁（…）, 其楼上邻居（…）, 其房东的租客（…）: the bracket names where the matter is.
_NEIGHBOUR = re.compile(r"(?:隔壁|邻居|楼上|楼下|对门|对面|租客|房东)[^()]{0,4}$")


def _context_candidates(
    context: str, gaz: Gazetteer | None, neighbours_only: bool = False
) -> list[tuple[_Draft, bool]]:
    """Addresses written in a hotline's 诉求内容, each with "is it where the matter is"."""
    normalised = normalise_text(context)
    if normalised is None:
        return []
    pieces: list[tuple[str, bool]] = []
    for m in _BRACKETS.finditer(normalised):
        pieces.append((m.group(1), bool(_NEIGHBOUR.search(normalised, 0, m.start()))))
    if not neighbours_only:
        pieces.extend((p, False) for p in _CONTEXT_SPLIT.split(_BRACKETS.sub("|", normalised)))
    drafts = []
    for piece, matter in pieces:
        if neighbours_only and not matter:
            continue
        cleaned = _clean(piece) if piece.strip() else None
        if cleaned is None or not _HAS_ADDRESS_NUMBER.search(cleaned):
            continue
        cand = _parse_clean(cleaned, gaz, context_mode=True)
        _resolve_with_gazetteer(cand, gaz, outside=cand.outside_place is not None)
        drafts.append((cand, matter))
    return drafts


_COMPARED = ("road", "lane", "sub_lane", "number", "room", "village", "group_no", "community")
_FILLABLE = (
    "road", "lane", "sub_lane", "number", "building", "unit", "room", "village", "group_no",
)


def _same_place(main: _Draft, cand: _Draft, gaz: Gazetteer | None) -> tuple[bool, bool]:
    """(same place?, linked through the gazetteer's community → road/lane?)."""
    if cand.outside_place is not None:
        return False, False
    linked = False
    if main.community and cand.road and not main.road and gaz is not None:
        linked = (cand.road, cand.lane) in gaz.community_lanes.get(main.community, frozenset())
    for f in _COMPARED:
        a, b = getattr(main, f), getattr(cand, f)
        if a is not None and b is not None and a != b:
            return False, False
    if main.road and main.road == cand.road:
        return (main.lane is not None and main.lane == cand.lane) or (
            main.number is not None and main.number == cand.number), False
    if main.village and main.village == cand.village:
        return True, False
    if main.community and main.community == cand.community:
        return True, False
    if linked and (main.number is None or main.number == cand.number):
        return True, True
    return False, False


def _complete(d: _Draft) -> bool:
    """Nothing for a context to add: a road with lane, number and room, or a rural house."""
    if d.road is not None:
        return d.lane is not None and d.number is not None and d.room is not None
    return d.village is not None and d.group_no is not None and d.number is not None


def _refine_from_context(d: _Draft, context: str, gaz: Gazetteer | None) -> None:
    """Use the hotline's 诉求内容: where it names the matter's place, or the same place more fully.

    A neighbour's dwelling in brackets (其隔壁（齐河路88弄3号602室）有人员…) is where the
    matter is — the caller is not the person concerned — so it replaces the address's
    parts. Otherwise an address that clearly names the same place fills missing parts.
    """
    complete = _complete(d)
    candidates = _context_candidates(context, gaz, neighbours_only=complete)
    for cand, matter in candidates:
        if matter and cand.outside_place is None and _names_a_building(cand):
            _move_to_neighbour(d, cand, gaz)
            return
    if complete:
        return
    for cand, _ in candidates:
        same, linked = _same_place(d, cand, gaz)
        if not same:
            continue
        filled = []
        for f in _FILLABLE:
            if getattr(d, f) is None and getattr(cand, f) is not None:
                if f in ("road", "lane", "sub_lane") and d.road is None and not linked:
                    continue
                setattr(d, f, getattr(cand, f))
                filled.append(f)
        if d.street is None and cand.street is not None:
            d.street = cand.street
            filled.append("street")
        if "road" in filled and "road" in cand.known:
            d.known.add("road")
        if filled:
            d.notes.append("from_context:" + ",".join(filled))
        return


def _names_a_building(d: _Draft) -> bool:
    """A number on a road, in a community or in a village group: a door a street can find."""
    return d.number is not None and (
        d.road is not None or d.community is not None or (d.village is not None and d.group_no is not None))


def _move_to_neighbour(d: _Draft, cand: _Draft, gaz: Gazetteer | None) -> None:
    keep_community = d.community is not None and cand.community is None and gaz is not None and (
        (cand.road, cand.lane) in gaz.community_lanes.get(d.community, frozenset()))
    for f in _FILLABLE:
        setattr(d, f, getattr(cand, f))
    if not keep_community:
        d.community = cand.community
    d.street = cand.street or d.street
    d.known = set(cand.known) | ({"community"} if keep_community else set())
    d.scope_evidence = d.scope_evidence or cand.scope_evidence
    d.notes.append("matter_at_neighbour")


def _apply_division_context(d: _Draft, context: str) -> None:
    scope, place = scope_from_divisions(context)
    if d.outside_place is not None:
        return
    if scope == "outside":
        if d.scope_evidence or d.street is not None:
            d.notes.append(f"context_outside_ignored:{place}")
        else:
            d.outside_place = place
    elif scope == "pudong":
        d.scope_evidence = True


@lru_cache(maxsize=1)
def _landmarks() -> tuple[tuple[str, str], ...]:
    rows = read_reference("pudong_landmarks.csv")
    return tuple(sorted(((r["name"], r["street_code"]) for r in rows), key=lambda x: -len(x[0])))


def _parse_landmark(cleaned: str, gaz: Gazetteer | None) -> _Draft | None:
    """世纪公园附近, 浦东新区迪士尼一带: a well-known place instead of an address names its
    street and nothing finer (the descriptive words are already gone). Only when the place
    ends the text and what precedes it is at most a prefix and a street: 龙阳路地铁站 is the
    station, not 龙阳路; 陆家嘴环路1000号 stays an address."""
    body = cleaned.rstrip("|")
    for name, code in _landmarks():
        if not body.endswith(name):
            continue
        head = body[: -len(name)].rstrip("|")
        d = _parse_clean(head, gaz) if head else _Draft()
        finer = (d.road, d.community, d.village, d.committee, d.lane, d.number, d.room, d.group_no)
        if d.outside_place is not None or any(v is not None for v in finer):
            return None
        if d.street is None:
            d.street = code
        elif d.street != code:  # the written street wins over the place's
            d.notes.append(f"landmark_in_other_street:{name}")
        d.scope_evidence = True
        d.notes.append(f"landmark:{name}")
        return d
    return None


def parse_address(
    text: str | None,
    gazetteer: Gazetteer | None = None,
    context: str | None = None,
    *,
    context_kind: str | None = None,
) -> AddressParts:
    """Parse one free-text address into its parts (never raises on any string).

    ``context``: the hotline's 诉求内容 (free text that may repeat or refine the address;
    missing parts are filled from it only when it clearly names the same place) or the
    health cloud's "province city district" (another province/city or Shanghai district
    means outside; blank or 市辖区 means nothing). ``context_kind`` ("text" or
    "divisions") says which; by default it is guessed from the shape of the context.
    """
    normalised = normalise_text(text)
    cleaned = _clean(normalised) if normalised is not None else None
    if cleaned is None:
        d = _Draft()
    else:
        d = _parse_landmark(cleaned, gazetteer) or _parse_clean(cleaned, gazetteer)
    if context:
        kind = context_kind or ("divisions" if _looks_like_divisions(context) else "text")
        if kind == "divisions":
            _apply_division_context(d, context)
        elif cleaned is not None and d.outside_place is None:
            _refine_from_context(d, context, gazetteer)
    _resolve_with_gazetteer(d, gazetteer, outside=d.outside_place is not None)
    return _finish(d, None if cleaned is None else cleaned.replace("|", ","))


def format_address(parts: AddressParts) -> str:
    """Canonical text of the parts: 浦东新区[街镇][居委]road N弄 (community) N号 N栋 N单元 N室.

    ``parse_address(format_address(p))`` gives back ``p``'s location (a tested property).
    """
    def part(value: str | None, unit: str) -> str:
        return f"{value}{unit}" if value else ""

    if parts.addr_scope == "outside":
        head = parts.outside_place or ""
    elif parts.addr_scope == "pudong":
        head = "浦东新区" + (street_name(parts.street_code_text) or "")
    else:
        head = street_name(parts.street_code_text) or ""
    if parts.committee and not (parts.road or parts.village or parts.community):
        head += parts.committee
    building = ""
    if parts.building:
        building = parts.building + ("座" if parts.building.isalpha() else "栋")
    detail = part(parts.number, "号") + building + part(parts.unit, "单元") + part(parts.room, "室")
    if parts.road:
        body = parts.road + part(parts.lane, "弄") + part(parts.sub_lane, "支弄")
        if parts.community:
            body += f"({parts.community})"
        body += detail
    elif parts.village:
        body = parts.village + part(parts.group_no, "组") + detail
    elif parts.community:
        # A name that does not look like a community is one only in brackets (or before a number).
        bare = detail or _COMMUNITY_END.search(parts.community)
        body = (parts.community if bare else f"({parts.community})") + detail
    else:
        body = part(parts.group_no, "组") + detail
    return head + body


# ---------------------------------------------------------------- records


_RECORD_COLUMNS = (
    "address_clean", "addr_scope", "outside_place", "street_code_text", "community", "road",
    "lane", "sub_lane", "number", "building", "unit", "room", "village", "group_no",
    "addr_precision", "road_raw", "committee", "committee_code_text", "address_key",
)
_CONTEXT_KIND = {"hotline": "text", "healthcloud": "divisions"}


def standardise_record_addresses(
    con: duckdb.DuckDBPyConnection,
    staged: str = "staged_records",
    out: str = "records_address",
    gazetteer: Gazetteer | None = None,
) -> int:
    """Parse every staged record's address into ``out`` (one row per record); returns rows.

    Columns: record_id, the RECORDS_STD address columns, street_code_hint (the staged
    street_hint resolved like a street in the text), and extras road_raw, committee,
    committee_code_text, address_key, address_notes. Only DISTINCT (address, context,
    source) triples are parsed.
    """
    for name in (staged, out):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?", name):
            raise ValueError(f"not a table name: {name!r}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _addr_distinct AS
        SELECT row_number() OVER () AS addr_id, address, address_context, source
        FROM (SELECT DISTINCT address, address_context, source FROM {staged})
    """)
    rows = con.execute(
        "SELECT addr_id, address, address_context, source FROM _addr_distinct").fetchall()
    columns: dict[str, list] = {"addr_id": []}
    columns.update({c: [] for c in _RECORD_COLUMNS})
    columns["address_notes"] = []
    for addr_id, address, context, source in rows:
        parts = parse_address(address, gazetteer, context, context_kind=_CONTEXT_KIND.get(source))
        columns["addr_id"].append(addr_id)
        for c in _RECORD_COLUMNS:
            columns[c].append(getattr(parts, c))
        columns["address_notes"].append("; ".join(parts.notes) or None)
    parsed = pa.table({
        name: pa.array(values, pa.int64() if name == "addr_id" else pa.string())
        for name, values in columns.items()
    })
    hints = con.execute(
        f"SELECT DISTINCT street_hint FROM {staged} WHERE street_hint IS NOT NULL").fetchall()
    hint_table = pa.table({
        "street_hint": pa.array([h for (h,) in hints], pa.string()),
        "street_code_hint": pa.array([resolve_street(h) for (h,) in hints], pa.string()),
    })
    con.register("_addr_parsed", parsed)
    con.register("_addr_hints", hint_table)
    try:
        selected = ", ".join(f"p.{c}" for c in _RECORD_COLUMNS[:15])
        extras = ", ".join(f"p.{c}" for c in _RECORD_COLUMNS[15:])
        con.execute(f"""
            CREATE OR REPLACE TABLE {out} AS
            SELECT s.record_id, {selected}, h.street_code_hint, {extras}, p.address_notes
            FROM {staged} AS s
            JOIN _addr_distinct AS a
              ON a.address IS NOT DISTINCT FROM s.address
             AND a.address_context IS NOT DISTINCT FROM s.address_context
             AND a.source IS NOT DISTINCT FROM s.source
            JOIN _addr_parsed AS p ON p.addr_id = a.addr_id
            LEFT JOIN _addr_hints AS h ON h.street_hint = s.street_hint
        """)
    finally:
        con.unregister("_addr_parsed")
        con.unregister("_addr_hints")
        con.execute("DROP TABLE IF EXISTS _addr_distinct")
    n = con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0]
    log.info("standardised %d record addresses (%d distinct parsed) into %s", n, len(rows), out)
    return n
