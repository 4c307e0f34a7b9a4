"""Tokens: one cleaned segment → names (from the gazetteer or by shape), street forms, numbers.

``Scanner.scan`` walks the text once: a run of digits with its unit (88弄, 3号, 602室, 4-2-402)
is a number token; in a run of text it finds the longest gazetteer name or street/town form
at each position, and leaves what it does not know as ``raw``. ``read_by_shape`` then reads
a raw fragment by its shape: …路/大道/公路/街 is a road, …村 a village (新村/N村 are urban
communities), 居委/村委 a committee, a name ending 小区/花园/苑/… or followed by a number a
community, a town outside Pudong's list a remark.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from streetlink.standardise.gazetteer import Gazetteer, GazMatch
from streetlink.standardise.numerals import NUMERAL_CHARS
from streetlink.standardise.places import match_street_at

__all__ = [
    "BUILDING_UNITS",
    "COMMUNITY_END",
    "COMMUNITY_SUFFIX_WORDS",
    "COUNTRY_PREFIX",
    "GROUP_UNITS",
    "PLACE_KINDS",
    "PUDONG_ROADS",
    "SHANGHAI_PREFIX",
    "SHANGHAI_ROADS",
    "VILLAGE_COMMITTEE",
    "Scanner",
    "Tok",
    "gaz_longer",
    "is_group",
    "name_like",
    "read_by_shape",
    "split_community_before_road",
]


class Tok(NamedTuple):
    # street | pudong | road | community | village | committee | num | letter | raw | text | sep
    kind: str
    value: str = ""
    unit: str | None = None
    known: bool = False  # found in the gazetteer
    code: str | None = None  # street or committee code
    typed: str | None = None  # a road as typed, when the gazetteer corrected it


_ROAD_SUFFIX = r"(?:大道|公路|大街|支路|路|街(?![道坊区镇]))"
_ROAD_RE = re.compile(_ROAD_SUFFIX + "(?!村)")  # 腰路村 is a village
COMMUNITY_SUFFIX_WORDS = (
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
COMMUNITY_END = re.compile(
    rf"(?:{COMMUNITY_SUFFIX_WORDS}|[{NUMERAL_CHARS}]+期|[{NUMERAL_CHARS}]+村)$"
)
_COMMUNITY_STRONG = re.compile(rf"(?:小区|花园|新村|公寓|家园|大厦|广场|苑|[{NUMERAL_CHARS}]+期)")
_COMMUNITY_AFTER_ROAD = re.compile(r"(?:小区|新村|花园|公寓|家园|大楼|宿舍)")
_VILLAGE_RE = re.compile(rf"村(?![委民]|{_ROAD_SUFFIX})")  # 蓝村路 is a road
_URBAN_VILLAGE = re.compile(rf"(?:新|[{NUMERAL_CHARS}])村$")
_COMMITTEE_RE = re.compile(r"(居民委员会|村民委员会|居委会|村委会|居委|村委|居民区)")
VILLAGE_COMMITTEE = re.compile(r"^(.+?)村?(?:村民委员会|村委会|村委)$")
_PHASE = re.compile(rf"^[{NUMERAL_CHARS}]+期")
# After a short street form, these starts mean the short form was part of a name.
_NAME_CONTINUES = re.compile(
    rf"^(?:[^\d|]?{_ROAD_SUFFIX}|镇|村|新村|[{NUMERAL_CHARS}]+[村期]|{COMMUNITY_SUFFIX_WORDS}|社区"
    r"|居委|居民区|村委)"
)
_GROUP_AHEAD = re.compile(r"第?\d+(?:组|队|小组|村民小组)")
_NAMED_AFTER_TOWN = re.compile(rf"(?:{_ROAD_SUFFIX}|村(?![委民])|新村|小区)")
_LEAD_IN = re.compile(r"^.*(?:家住|暂住|居住于|居住在|住在|住于|位于|反映|咨询|来电人|市民|称|住|在|于)")
_NUM_TOKEN = re.compile(
    r"第?(?P<num>\d+(?:-\d+)+(?: \d{1,2}(?!\d))?|\d+(?: \d+)*)(?P<letter>[A-Z](?![A-Z]))?"
    r"(?P<unit>支弄|弄|号楼|号院|号|幢|栋|座|单元|室|村民小组|小组|组(?!团)|队|层|楼|#)?"
)
_LETTER_BUILDING = re.compile(r"([A-Z])(座|栋|幢|号楼)")
_TEXT_RUN = re.compile(r"(?:[^\d|#\-\s()第A-Z]|第(?!\d)|[A-Z](?!座|栋|幢|号楼))+")
GROUP_UNITS = ("组", "队", "小组", "村民小组")
PLACE_KINDS = ("road", "community", "village", "committee")
BUILDING_UNITS = ("号楼", "幢", "栋", "座", "号院")


COUNTRY_PREFIX = re.compile(r"中华人民共和国|中国")
SHANGHAI_PREFIX = re.compile(r"上海市?|沪(?=浦东)")
PUDONG_ROADS = re.compile(r"浦东(?:大道|南路|北路|路|大桥)")
SHANGHAI_ROADS = re.compile(r"上海[东南西北中]?(?:路|大道|街)")


def gaz_longer(gaz: Gazetteer | None, s: str, pos: int, length: int) -> bool:
    """The gazetteer knows a name at ``pos`` longer than ``length`` (上海西路 is not 上海)."""
    if gaz is None:
        return False
    m = gaz.match_at(s, pos)
    return m is not None and len(m.surface) > length


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


class Scanner:
    """Splits one cleaned segment into tokens, using the gazetteer where it has one."""

    def __init__(self, gazetteer: Gazetteer | None, allow_street: bool, short_streets: bool = True):
        self.gaz = gazetteer
        self.allow_street = allow_street
        self.short_streets = short_streets
        self.before_number = False  # the text run being scanned is followed by a number
        self.before_group = False  # … by a group number (3组, 5队)

    def scan(self, segment: str) -> list[Tok]:
        tokens: list[Tok] = []
        pos = 0
        n = len(segment)
        while pos < n:
            ch = segment[pos]
            if ch == "|":
                tokens.append(Tok("sep"))
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
                tokens.append(Tok("letter", m.group(1), m.group(2)))
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
    def _num_tokens(m: re.Match[str]) -> list[Tok]:
        num, letter, unit = m.group("num"), m.group("letter") or "", m.group("unit")
        if "-" in num:  # 15-3 02: a space typed inside the room
            return [Tok("num", num.replace(" ", "") + letter, unit)]
        parts = _split_spaced(num, unit)
        if max(len(p) for p in parts) >= 7:
            return [Tok("text", num, "long_digits")]  # a phone or ID typed into the address
        tokens = [Tok("num", p) for p in parts[:-1]]
        tokens.append(Tok("num", parts[-1] + letter, unit))
        return tokens

    def scan_run(self, run: str) -> list[Tok]:
        out: list[Tok] = []
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
                out.append(Tok("raw", run[pending:i]))
            out.append(tok)
            i = pending = end
        if pending < len(run):
            out.append(Tok("raw", run[pending:]))
        return out

    def _match(self, run: str, i: int, at_start: bool) -> tuple[Tok | None, int]:
        if at_start and self.allow_street:
            prefix = COUNTRY_PREFIX.match(run, i) or SHANGHAI_PREFIX.match(run, i)
            if prefix and not gaz_longer(self.gaz, run, i, prefix.end() - i) \
                    and not SHANGHAI_ROADS.match(run, i):
                return Tok("sep", prefix.group(0)), prefix.end()  # 上海市 repeated mid-text
        gaz_match = self.gaz.match_at(run, i) if self.gaz is not None else None
        if (gaz_match is not None and not at_start and set(gaz_match.kinds) == {"village"}
                and not gaz_match.surface.endswith("村")):
            gaz_match = None  # 共和新路: a village stem inside another name is not the village 新路村
        street = match_street_at(run, i) if self.allow_street else None
        if street is not None and PUDONG_ROADS.match(run, i):
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
            return Tok(kind, surface, code=mention.code), i + len(surface)
        return None, i

    def _longer_road(self, run: str, pending: int, i: int, end: int, tok: Tok) -> tuple[int, Tok]:
        """护城西路: not 护 + known 城西路, but a typo of the known 沪城西路."""
        for start in range(max(pending, i - 2), i):
            corrected = self.gaz.correct_road(run[start:end]) if self.gaz is not None else None
            if corrected is not None:
                return start, Tok("road", corrected, known=True, typed=run[start:end])
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
    def _gaz_token(m: GazMatch) -> Tok:
        kinds = m.kinds
        for kind in ("road", "community", "village"):
            if kind in kinds:
                tok = Tok(kind, m.canonical(kind), known=True)
                if "committee" in kinds:
                    return tok._replace(code=m.canonical("committee"))
                return tok
        return Tok("committee", m.surface, known=True, code=m.canonical("committee"))


def read_by_shape(fragment: str, nxt: Tok | None, prev: Tok | None, context_mode: bool) -> list[Tok]:
    """Tokens for a fragment the gazetteer did not know: roads, villages, communities by shape."""
    out: list[Tok] = []
    rest = fragment
    if context_mode:
        rest = _LEAD_IN.sub("", rest)
    while rest:
        town = _OTHER_TOWN.match(rest)
        if town and not _NAME_AFTER_TOWN.match(rest, town.end()) and not (
                town.end() == len(rest) and is_group(nxt)):  # 邓镇9组: a village
            out.append(Tok("text", town.group(0), "town"))
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
            out.append(Tok("committee", head))
        elif first is road:
            after = _COMMUNITY_AFTER_ROAD.match(rest, end)
            if after:
                end = after.end()
                out.append(Tok("community", rest[:end]))
            else:
                split = split_community_before_road(head, first.start())
                if split:
                    out.append(Tok("community", head[:split]))
                    head = head[split:]
                out.append(Tok("road", head))
        else:
            phase = _PHASE.match(rest, end)
            before_group = end == len(rest) and is_group(nxt)
            if _URBAN_VILLAGE.search(head) and not before_group:
                if phase:
                    end = phase.end()
                out.append(Tok("community", rest[:end]))
            else:
                out.append(Tok("village", head))
        rest = rest[end:]
    return out


def split_community_before_road(head: str, suffix_start: int) -> int | None:
    """勤奋小区中山路 → 4 (community 勤奋小区, road 中山路); None when not two names."""
    split = None
    for m in _COMMUNITY_STRONG.finditer(head, 0, suffix_start):
        if m.end() >= 3 and suffix_start - m.end() >= 2:
            split = m.end()
    return split


def is_group(tok: Tok | None) -> bool:
    return tok is not None and tok.kind == "num" and tok.unit in GROUP_UNITS


def name_like(text: str) -> bool:
    """Could be a place name: not a stray unit (号, 室 …) and not a landmark (医院 …)."""
    return not (text[0] in "号弄室组队栋幢座楼层#-" or "号" in text or "室" in text
                or _LANDMARK_END.search(text))


def _leftover(text: str, nxt: Tok | None, prev: Tok | None) -> Tok:
    if not name_like(text):
        return Tok("text", text)
    if is_group(nxt) and len(text) >= 2:
        return Tok("village", text if text.endswith("村") else text + "村")
    lane_next = nxt is not None and nxt.kind == "num" and nxt.unit in ("弄", "支弄")
    if lane_next and not COMMUNITY_END.search(text):
        return Tok("road", text)  # 东八灶63弄: a lane hangs off a named way even without 路
    after_village = prev is not None and (prev.kind == "village" or is_group(prev))
    if after_village and text.endswith("宅"):
        return Tok("text", text, "hamlet")
    if COMMUNITY_END.search(text) and len(text) >= 2 and COMMUNITY_END.sub("", text):
        return Tok("community", text)  # 小区 / 新村 alone (小区内, 新村门口) name no estate
    if nxt is not None and nxt.kind in ("num", "letter") and len(text) >= 2 and (
        nxt.unit is None or nxt.unit in ("号", "#", "室") or nxt.unit in BUILDING_UNITS
    ):
        return Tok("community", text)
    return Tok("text", text)
