"""Context a source sends beside the address: the health cloud's divisions, the hotline's text.

``apply_division_context``: the health cloud's "province city district" makes an address
outside when it names another province/city/district (unless the text itself says Pudong).
``refine_from_context``: the hotline's 诉求内容 fills missing parts only from an address that
clearly names the same place (same road and lane or number, same village, same community,
or a community the gazetteer links to that road and lane); and where it puts the matter at
a neighbour's door in brackets (其隔壁（齐河路88弄3号602室）…) that door replaces the
caller's, because the matter's place is what gets dispatched.
"""

from __future__ import annotations

import re

from streetlink.standardise.addresses.clean import clean
from streetlink.standardise.addresses.draft import Draft
from streetlink.standardise.addresses.read import read_address
from streetlink.standardise.addresses.resolve import resolve_with_gazetteer
from streetlink.standardise.gazetteer import Gazetteer
from streetlink.standardise.places import scope_from_divisions
from streetlink.standardise.text import normalise_text

__all__ = ["apply_division_context", "looks_like_divisions", "refine_from_context"]

_BRACKETS = re.compile(r"\(([^()]*)\)")
_CONTEXT_SPLIT = re.compile(r"[,;:。!?！？|]")
_HAS_ADDRESS_NUMBER = re.compile(r"\d+(?:弄|号|室|组|队|#|幢|栋|座|单元)")
_DIVISION_TOKEN = re.compile(r"^(?:.{1,12}(?:省|市|区|县|州|盟|旗|地区)|市辖区)$")


def looks_like_divisions(context: str) -> bool:
    tokens = [t for t in re.split(r"[\s,;|/]+", context) if t]
    return 0 < len(tokens) <= 4 and all(_DIVISION_TOKEN.match(t) for t in tokens)


# 其隔壁（…）, 其楼上邻居（…）, 其房东的租客（…）: the bracket names where the matter is.
_NEIGHBOUR = re.compile(r"(?:隔壁|邻居|楼上|楼下|对门|对面|租客|房东)[^()]{0,4}$")


def _context_candidates(
    context: str, gaz: Gazetteer | None, neighbours_only: bool = False
) -> list[tuple[Draft, bool]]:
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
        cleaned = clean(piece) if piece.strip() else None
        if cleaned is None or not _HAS_ADDRESS_NUMBER.search(cleaned):
            continue
        cand = read_address(cleaned, gaz, context_mode=True)
        resolve_with_gazetteer(cand, gaz, outside=cand.outside_place is not None)
        drafts.append((cand, matter))
    return drafts


_COMPARED = ("road", "lane", "sub_lane", "number", "room", "village", "group_no", "community")
_FILLABLE = (
    "road", "lane", "sub_lane", "number", "building", "unit", "room", "village", "group_no",
)


def _same_place(main: Draft, cand: Draft, gaz: Gazetteer | None) -> tuple[bool, bool]:
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


def _complete(d: Draft) -> bool:
    """Nothing for a context to add: a road with lane, number and room, or a rural house."""
    if d.road is not None:
        return d.lane is not None and d.number is not None and d.room is not None
    return d.village is not None and d.group_no is not None and d.number is not None


def refine_from_context(d: Draft, context: str, gaz: Gazetteer | None) -> None:
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
    if _names_no_place(d):
        # 事发地址 says nothing to find (无, 不详, 小区内, a street): the operator's 诉求内容 is
        # then the only account of where the matter is, and a door it names is that place —
        # unless it lies in another street than the one the address names.
        for cand, _ in candidates:
            if (cand.outside_place is None and _names_a_building(cand)
                    and _same_street(d.street, cand, gaz)):
                _move_to_neighbour(d, cand, gaz)
                d.notes[-1] = "place_from_context"
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


def _same_street(street: str | None, cand: Draft, gaz: Gazetteer | None) -> bool:
    """The context's door can lie in the street the address names (or names none)."""
    if street is None:
        return True
    if cand.street is not None:
        return cand.street == street
    if cand.road is not None and gaz is not None and cand.road in gaz.roads:
        return street in gaz.roads[cand.road]
    return cand.road is None  # a community or village door: the gazetteer resolves its street


def _names_no_place(d: Draft) -> bool:
    """Nothing below the street: no road, community, village, lane or number."""
    return all(getattr(d, f) is None for f in ("road", "community", "village", "lane", "number"))


def _names_a_building(d: Draft) -> bool:
    """A number on a road, in a community or in a village group: a door a street can find."""
    return d.number is not None and (
        d.road is not None or d.community is not None or (d.village is not None and d.group_no is not None))


def _move_to_neighbour(d: Draft, cand: Draft, gaz: Gazetteer | None) -> None:
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


def apply_division_context(d: Draft, context: str) -> None:
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

