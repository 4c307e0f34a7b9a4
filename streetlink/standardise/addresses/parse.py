"""Parsing one address: ``PARSE_STEPS``, in order, from typed text to ``AddressParts``.

    parse_address(text, gazetteer, context) → AddressParts
    format_address(parts) → canonical text (parse_address(format_address(p)) gives p back)

``python -m streetlink.standardise.addresses`` prints every step list.
"""

from __future__ import annotations

from dataclasses import dataclass

from streetlink.standardise.addresses.clean import CLEAN_STEPS, clean, community_base
from streetlink.standardise.addresses.context import (
    apply_division_context,
    looks_like_divisions,
    refine_from_context,
)
from streetlink.standardise.addresses.draft import Draft
from streetlink.standardise.addresses.parts import AddressParts, make_key, precision_of
from streetlink.standardise.addresses.read import READ_STEPS, read_address, read_landmark
from streetlink.standardise.addresses.resolve import RESOLVE_STEPS, resolve_with_gazetteer
from streetlink.standardise.addresses.steps import Step, run_steps
from streetlink.standardise.addresses.tokens import COMMUNITY_END
from streetlink.standardise.gazetteer import Gazetteer
from streetlink.standardise.places import street_name
from streetlink.standardise.text import normalise_text

__all__ = ["PARSE_STEPS", "finish_parts", "format_address", "parse_address"]


@dataclass
class _Parsing:
    text: object
    gaz: Gazetteer | None
    context: str | None
    context_kind: str | None  # "text" | "divisions" | None (no context)
    street_hint: str | None  # the source's street field, resolved to a code
    normalised: str | None = None
    cleaned: str | None = None
    draft: Draft | None = None
    parts: AddressParts | None = None


def _normalise(p: _Parsing) -> None:
    p.normalised = normalise_text(p.text)


def _clean(p: _Parsing) -> None:
    p.cleaned = clean(p.normalised)


def _landmark(p: _Parsing) -> None:
    p.draft = read_landmark(p.cleaned, p.gaz)


def _read(p: _Parsing) -> None:
    p.draft = Draft() if p.cleaned is None else read_address(p.cleaned, p.gaz)


def _divisions(p: _Parsing) -> None:
    apply_division_context(p.draft, p.context)


def _hotline_text(p: _Parsing) -> None:
    refine_from_context(p.draft, p.context, p.gaz)


def _resolve(p: _Parsing) -> None:
    resolve_with_gazetteer(p.draft, p.gaz, outside=p.draft.outside_place is not None,
                           street_hint=p.street_hint)


def _finish(p: _Parsing) -> None:
    p.parts = finish_parts(p.draft, None if p.cleaned is None else p.cleaned.replace("|", ","))


PARSE_STEPS = (
    Step("normalise_text", "NFKC, Traditional → Simplified, one kind of bracket and dash, bounded length",
         _normalise),
    Step("clean_text", "CLEAN_STEPS to a fixed point (cached per distinct text)", _clean,
         when=lambda p: p.normalised is not None, when_text="text left", steps=CLEAN_STEPS),
    Step("read_landmark", "世纪公园附近: a well-known place instead of an address names its street",
         _landmark, when=lambda p: p.cleaned is not None, when_text="text left"),
    Step("read_address", "READ_STEPS: prefix, tokens, parts (an empty draft when no text is left)", _read,
         when=lambda p: p.draft is None, when_text="no landmark", steps=READ_STEPS),
    Step("apply_division_context", "health cloud: another province/city/district means outside",
         _divisions, when=lambda p: p.context_kind == "divisions", when_text="a divisions context"),
    Step("refine_from_hotline_text", "hotline 诉求内容: the neighbour's door, or missing parts of the same place",
         _hotline_text,
         when=lambda p: p.context_kind == "text" and p.draft.outside_place is None,
         when_text="a text context and an address not outside Pudong (a blank one too)"),
    Step("resolve_with_gazetteer", "RESOLVE_STEPS: typed names → the one known name; a road completed "
         "within the stated street", _resolve, steps=RESOLVE_STEPS),
    Step("finish_parts", "scope, precision, address_key, community_base", _finish),
)


def parse_address(
    text: str | None,
    gazetteer: Gazetteer | None = None,
    context: str | None = None,
    *,
    context_kind: str | None = None,
    street_hint: str | None = None,
) -> AddressParts:
    """Parse one free-text address into its parts (never raises on any string).

    ``context``: the hotline's 诉求内容 (free text that may repeat or refine the address;
    missing parts are filled from it only when it clearly names the same place) or the
    health cloud's "province city district" (another province/city or Shanghai district
    means outside; blank or 市辖区 means nothing). ``context_kind`` ("text" or
    "divisions") says which; by default it is guessed from the shape of the context.
    ``street_hint``: the street code of the source's street field (所属街镇, residence.street),
    used only to complete a road within the stated street when the text names none.
    """
    kind = None
    if context:
        kind = context_kind or ("divisions" if looks_like_divisions(context) else "text")
    return run_steps(PARSE_STEPS, _Parsing(text, gazetteer, context or None, kind, street_hint)).parts


def finish_parts(d: Draft, address_clean: str | None) -> AddressParts:
    """The draft → ``AddressParts``: scope, precision and key decided once, here."""
    if d.outside_place is not None:
        scope = "outside"
    elif d.scope_evidence or d.street is not None or d.known:
        scope = "pudong"
    else:
        scope = "unknown"
    parts = AddressParts(
        address_clean=address_clean,
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
        addr_precision=precision_of(d),
        road_raw=d.road_raw,
        committee=d.committee,
        committee_code_text=d.committee_code,
        address_key=make_key(d.road, d.lane, d.sub_lane, d.number, d.room, d.village, d.group_no,
                             d.community),
        community_base=community_base(d.community),
        notes=tuple(d.notes),
    )
    return parts


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
        bare = detail or COMMUNITY_END.search(parts.community)
        body = (parts.community if bare else f"({parts.community})") + detail
    else:
        body = part(parts.group_no, "组") + detail
    return head + body

