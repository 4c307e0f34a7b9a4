"""The draft: one address's parts as the reader fills them, token by token.

``assemble(tokens, draft)`` puts each token where it belongs: the first road, community,
village, committee and street win (a second one becomes a note); a number goes by its unit
(弄 lane, 支弄 sub-lane, 号 number, 号楼/幢/栋/座 number or building, 单元 unit, 室 room,
组/队 group), and a bare number by what came before it (3号602: the room after a number;
南塘3组7: the house number after a group).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from streetlink.standardise.addresses.clean import normalise_village
from streetlink.standardise.addresses.tokens import (
    BUILDING_UNITS,
    GROUP_UNITS,
    VILLAGE_COMMITTEE,
    Tok,
)
from streetlink.standardise.numerals import normalise_number

__all__ = ["Draft", "assemble"]


@dataclass
class Draft:
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


def assemble(tokens: list[Tok], draft: Draft) -> None:
    """Fill ``draft`` from ``tokens`` (in order)."""
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
                if tok.typed:
                    draft.notes.append(f"village_from_group:{tok.typed}")
                last = "village"
            if tok.code and draft.committee_code is None:
                draft.committee_code = tok.code
        elif kind == "committee":
            if draft.committee is None:
                draft.committee = tok.value
                draft.committee_code = tok.code
                if tok.known:
                    draft.known.add("committee")
            village = VILLAGE_COMMITTEE.match(tok.value)
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


def _assign_number(tok: Tok, nxt: Tok | None, d: Draft, last: str | None) -> str | None:
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
    elif unit in BUILDING_UNITS or unit == "#":
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
    elif unit in GROUP_UNITS:
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
    pieces: list[str], nxt: Tok | None, d: Draft, last: str | None
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


def _assign_plain(v: str, d: Draft, last: str | None) -> str | None:
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

