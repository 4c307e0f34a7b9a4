"""Reading one cleaned address: the steps from text to a filled draft.

``READ_STEPS`` (run by ``read_address``) sets brackets aside, skips the prefix (中国, 上海市,
浦东新区, old county names) or finds a division outside Pudong, tokenises the main text
(``TOKEN_STEPS``), assembles the tokens into parts, then lets a bracketed address fill what
the main text lacks. ``read_landmark``: a well-known place instead of an address (世纪公园附近)
names its street. The same reading serves the hotline's 诉求内容 (``context_mode``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from streetlink.reference import read_reference
from streetlink.standardise.addresses.clean import QUALIFIER_BRACKETS, noise
from streetlink.standardise.addresses.draft import Draft, assemble
from streetlink.standardise.addresses.steps import Step, run_steps
from streetlink.standardise.addresses.tokens import (
    COMMUNITY_SUFFIX_WORDS,
    COUNTRY_PREFIX,
    PLACE_KINDS,
    PUDONG_ROADS,
    SHANGHAI_PREFIX,
    SHANGHAI_ROADS,
    Scanner,
    Tok,
    gaz_longer,
    is_group,
    name_like,
    read_by_shape,
)
from streetlink.standardise.gazetteer import Gazetteer
from streetlink.standardise.places import (
    match_other_town,
    match_outside,
    match_street_at,
    road_named_street,
)

__all__ = ["READ_STEPS", "TOKEN_STEPS", "read_address", "read_landmark", "tokenise"]

_BRACKETS = re.compile(r"\(([^()]*)\)")
# A number with no unit before any name (0上海市…, 12 齐河路…) is noise, not an address part.
_STRAY_NUMBER = re.compile(r"[0-9]+(?=[^\d\s\-#A-Z弄号室组队栋幢座单层楼支第])")


# ---------------------------------------------------------------- tokenising


@dataclass
class _Tokenising:
    text: str
    gaz: Gazetteer | None
    allow_street: bool
    context_mode: bool
    short_streets: bool
    raw: list[Tok] = field(default_factory=list)
    tokens: list[Tok] = field(default_factory=list)


def _scan(t: _Tokenising) -> None:
    t.raw = Scanner(t.gaz, t.allow_street, t.short_streets).scan(t.text)


def _shapes(t: _Tokenising) -> None:
    tokens: list[Tok] = []
    raw = t.raw
    for i, tok in enumerate(raw):
        if tok.kind != "raw":
            tokens.append(tok)
            continue
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        prev = tokens[-1] if tokens else None
        tokens.extend(read_by_shape(tok.value, nxt, prev, t.context_mode))
    t.tokens = tokens


_ESTATE_WORD = re.compile(rf"(?:{COMMUNITY_SUFFIX_WORDS})")


def _numbered_estates(t: _Tokenising) -> None:
    """新建路16弄小区3号602室: road 新建路, lane 16, estate 新建路16弄小区, number 3, room 602.
    南果公路785号小区12号301室 / 某街13-15号小区5号: the 785号 / 13-15号 is the estate's name,
    not the house number — road and number go into the estate's name."""
    tokens = t.tokens
    out: list[Tok] = []
    for i, tok in enumerate(tokens):
        if (tok.kind == "community" and _ESTATE_WORD.fullmatch(tok.value) and len(out) >= 2
                and out[-1].kind == "num" and out[-1].unit in ("弄", "号") and out[-2].kind == "road"):
            road, num = out[-2], out[-1]
            name = road.value + num.value + num.unit + tok.value
            known = t.gaz.resolve("community", name) if t.gaz is not None else None
            estate = Tok("community", known or name, known=known is not None)
            if num.unit == "号":
                del out[-2:]  # the road and its number are the estate's name
            out.append(estate)
            continue
        out.append(tok)
    t.tokens = out


def _groups_as_villages(t: _Tokenising) -> None:
    """红星村8组12号: a group number means a village, even where an urban estate (红星村,
    罗山六村) has that name; the village the gazetteer knows by it, else the name as typed."""
    tokens = t.tokens
    out = list(tokens)
    for i, tok in enumerate(tokens[:-1]):
        if tok.kind == "community" and tok.value.endswith("村") and is_group(tokens[i + 1]):
            village = t.gaz.resolve("village", tok.value) if t.gaz is not None else None
            out[i] = Tok("village", village or tok.value, known=village is not None, typed=tok.value)
    t.tokens = out


def _road_named_streets(t: _Tokenising) -> None:
    """南码头路芳华路136弄: a road-named street (南码头路街道) written before the real place."""
    tokens = t.tokens
    out = list(tokens)
    for i, tok in enumerate(tokens[:-1]):
        if tok.kind == "road" and tokens[i + 1].kind in PLACE_KINDS:
            code = road_named_street(tok.value)
            if code is not None:
                out[i] = Tok("street", tok.value, code=code)
    t.tokens = out


TOKEN_STEPS = (
    Step("scan_known_names_and_numbers",
         "gazetteer names, street/town forms, numbers with their units; the rest left raw", _scan),
    Step("read_names_by_shape",
         "raw fragments: …路 a road, …村 a village, …小区/花园/苑 a community, 居委 a committee", _shapes),
    Step("join_numbered_estate_names", "新建路16弄小区, 南果公路785号小区: an estate named by its road and lane "
         "or number", _numbered_estates),
    Step("read_groups_as_villages", "红星村8组12号: a name before a group number is a village, not an estate",
         _groups_as_villages),
    Step("read_road_named_streets", "南码头路芳华路136弄: a road-named street before the real place",
         _road_named_streets, when=lambda t: t.allow_street, when_text="streets are read (not outside)"),
)


def tokenise(
    s: str,
    gaz: Gazetteer | None,
    allow_street: bool,
    context_mode: bool,
    short_streets: bool = True,
) -> list[Tok]:
    """``TOKEN_STEPS`` on one text."""
    return run_steps(TOKEN_STEPS, _Tokenising(s, gaz, allow_street, context_mode, short_streets)).tokens


# ---------------------------------------------------------------- prefix


def strip_prefix(s: str, gaz: Gazetteer | None, d: Draft) -> tuple[int, bool]:
    """Skip 中国/上海市/市辖区/浦东新区/浦东 (and old county names); find an outside place
    (a division outside Pudong, or a town of another Shanghai district).

    Returns (position where the address proper starts, outside?).
    """
    pos = 0
    after_shanghai = False
    while pos < len(s):
        if s[pos] in "|#- ":
            pos += 1
            continue
        m = COUNTRY_PREFIX.match(s, pos) or SHANGHAI_PREFIX.match(s, pos)
        if m and (gaz_longer(gaz, s, pos, m.end() - pos) or SHANGHAI_ROADS.match(s, pos)):
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
            if surface == "浦东" and (PUDONG_ROADS.match(s, pos) or gaz_longer(gaz, s, pos, 2)):
                break  # 浦东南路, 浦东大道: a road, not the district
            d.scope_evidence = True
            pos += len(surface)
            continue
        if not d.scope_evidence:
            # another district, province or city; or a town of another district (城桥镇人民路:
            # the town vetoes Pudong's 人民路, as the district would)
            outside = match_outside(s, pos, after_shanghai=after_shanghai) or match_other_town(s, pos)
            if outside is not None and not gaz_longer(gaz, s, pos, outside.end - pos - 1):
                d.outside_place = outside.place
                return outside.end, True
        break
    return pos, False


def _bracket_tokens(content: str, gaz: Gazetteer | None, outside: bool) -> list[Tok]:
    """Brackets hold a community (耀华路500弄(济阳二村)), a street, or remarks."""
    if content.upper() in noise()[2]:
        return []
    tokens = tokenise(content, None if outside else gaz, allow_street=not outside,
                     context_mode=False, short_streets=False)
    kept: list[Tok] = []
    for tok in tokens:
        if tok.kind == "text" and not tok.unit and len(tokens) == 1 and len(tok.value) >= 2 \
                and name_like(tok.value):
            kept.append(Tok("community", tok.value))
        elif tok.kind == "street" and tok.value == content and gaz is not None \
                and gaz.resolve("community", content):
            kept.append(Tok("community", content))  # (潍坊新村) after a lane: the estate
        else:
            kept.append(tok)
    return kept


# ---------------------------------------------------------------- the reading steps


@dataclass
class _Reading:
    text: str
    gaz: Gazetteer | None
    context_mode: bool
    draft: Draft = field(default_factory=Draft)
    brackets: list[str] = field(default_factory=list)
    start: int = 0
    outside: bool = False
    tokens: list[Tok] = field(default_factory=list)


def _join_qualifiers(r: _Reading) -> None:
    r.text = QUALIFIER_BRACKETS.sub(r"\1", r.text)


def _set_brackets_aside(r: _Reading) -> None:
    def keep(m: re.Match[str]) -> str:
        r.brackets.append(m.group(1))
        return "|"

    s = r.text
    previous = None
    while previous != s:
        previous = s
        s = _BRACKETS.sub(keep, s)
    r.text = s.replace("(", "|").replace(")", "|")


def _strip_prefix(r: _Reading) -> None:
    r.start, r.outside = strip_prefix(r.text, r.gaz, r.draft)


def _tokenise_main(r: _Reading) -> None:
    r.tokens = tokenise(r.text[r.start:], None if r.outside else r.gaz, allow_street=not r.outside,
                        context_mode=r.context_mode)


def _assemble_main(r: _Reading) -> None:
    assemble(r.tokens, r.draft)


def _assemble_brackets(r: _Reading) -> None:
    d = r.draft
    for content in r.brackets:
        bracket = _bracket_tokens(content, r.gaz, r.outside)
        # 塘桥二村(塘桥路551弄): an address in brackets fills what the main text lacks;
        # other numbers in brackets (近3号门) are remarks.
        is_address = any(t.kind == "road" or (t.kind == "num" and t.unit == "弄") for t in bracket)
        assemble([t for t in bracket if is_address or t.kind != "num"], d)
        if not is_address:
            d.notes.extend(
                f"bracket_number:{t.value}{t.unit or ''}" for t in bracket if t.kind == "num")


def _forget_street(r: _Reading) -> None:
    r.draft.street = None


READ_STEPS = (
    Step("join_qualifier_brackets", "川杨新苑(四期) → 川杨新苑四期: a phase or section belongs to the name",
         _join_qualifiers),
    Step("set_brackets_aside", "(济阳二村), (近3号门): read after the main text; stray brackets → separators",
         _set_brackets_aside),
    Step("strip_prefix", "中国/上海市/市辖区/浦东新区/old county names skipped; a division outside Pudong found",
         _strip_prefix),
    Step("tokenise_main_text", "TOKEN_STEPS on the text after the prefix (no gazetteer outside Pudong)",
         _tokenise_main, steps=TOKEN_STEPS),
    Step("assemble_parts", "tokens → road, lane, number, room, community, village, group, committee",
         _assemble_main),
    Step("assemble_brackets", "an address in brackets fills what the main text lacks; other numbers are remarks",
         _assemble_brackets, when=lambda r: bool(r.brackets), when_text="brackets"),
    Step("forget_street_outside", "an address outside Pudong has no Pudong street", _forget_street,
         when=lambda r: r.outside, when_text="outside Pudong"),
)


def read_address(s: str, gaz: Gazetteer | None, context_mode: bool = False) -> Draft:
    """``READ_STEPS`` on one cleaned text → its draft."""
    return run_steps(READ_STEPS, _Reading(s, gaz, context_mode)).draft


@lru_cache(maxsize=1)
def _landmarks() -> tuple[tuple[str, str], ...]:
    rows = read_reference("pudong_landmarks.csv")
    return tuple(sorted(((r["name"], r["street_code"]) for r in rows), key=lambda x: -len(x[0])))


def read_landmark(cleaned: str, gaz: Gazetteer | None) -> Draft | None:
    """世纪公园附近, 浦东新区迪士尼一带: a well-known place instead of an address names its
    street and nothing finer (the descriptive words are already gone). Only when the place
    ends the text and what precedes it is at most a prefix and a street: 龙阳路地铁站 is the
    station, not 龙阳路; 陆家嘴环路1000号 stays an address."""
    body = cleaned.rstrip("|")
    for name, code in _landmarks():
        if not body.endswith(name):
            continue
        head = body[: -len(name)].rstrip("|")
        d = read_address(head, gaz) if head else Draft()
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

