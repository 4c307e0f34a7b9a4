"""The parts an address is read into, the precision it reaches, and its registry-form key.

``AddressParts`` holds exactly the RECORDS_STD address columns (then a few extras); the
key ``address_key`` is built with the same rule from a parsed address and, in SQL, from a
housing_std row (housing.sql), so that the two meet on equality.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = [
    "LOCATION_FIELDS",
    "PART_FIELDS",
    "PRECISIONS",
    "SCOPES",
    "AddressParts",
    "address_key",
    "building_key",
    "make_key",
    "precision_of",
]

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
    community_base: str | None = None  # the estate without phase/zone/小区 (as housing_std's)
    notes: tuple[str, ...] = ()

    def location(self) -> dict[str, str | None]:
        """The parts that say where (for comparisons and round trips)."""
        return {f: getattr(self, f) for f in LOCATION_FIELDS}


PART_FIELDS = tuple(f.name for f in fields(AddressParts) if f.name not in
                    ("road_raw", "committee", "committee_code_text", "address_key", "community_base",
                     "notes"))
LOCATION_FIELDS = (
    "addr_scope", "outside_place", "street_code_text", "community", "road", "lane", "sub_lane",
    "number", "building", "unit", "room", "village", "group_no", "addr_precision",
)


def precision_of(d: object) -> str:
    """The finest level written: room, building, lane, road, village_group, village,
    community (also a committee), street, none. ``d``: parts or the parser's draft."""
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
    street = d.street_code_text if isinstance(d, AddressParts) else d.street
    return "street" if street is not None else "none"


def make_key(
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
    return make_key(parts.road, parts.lane, parts.sub_lane, parts.number, parts.room,
                parts.village, parts.group_no, parts.community)


def building_key(parts: AddressParts) -> str | None:
    """address_key without the room: the building (or rural house) a dwelling is in."""
    return make_key(parts.road, parts.lane, parts.sub_lane, parts.number, None,
                parts.village, parts.group_no, parts.community)

