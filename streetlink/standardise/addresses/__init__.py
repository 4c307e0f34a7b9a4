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

The process is a list of named steps, in the order they run, each with a one-line
description (as uk_address_matcher's cleaning queue): ``RECORD_STEPS`` (records.py) around
``PARSE_STEPS`` (parse.py), which holds ``CLEAN_STEPS`` (clean.py), ``READ_STEPS`` and
``TOKEN_STEPS`` (read.py). ``python -m streetlink.standardise.addresses`` prints them all;
``steps.py`` is the one runner. Modules, in the order an address meets them:

    clean     separators, spaces, noise words, numerals next to a unit; part normalisers
    read      prefix, brackets, tokens → a draft (tokens.py: the scanner; draft.py: assembly)
    context   the health cloud's divisions, the hotline's 诉求内容
    resolve   the gazetteer's one known name for a typed road, village, community, committee
    parse     the steps above as one list → AddressParts (parts.py); format_address
    records   the set-based record path (records.sql)

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
             or a name ending 小区/花园/新村/苑/… or followed by a number; an estate named by its
             road and lane (新建路16弄小区: road, lane and community) or number (南果公路785号小区:
             the 785号 is the name's, not the house number)
    community_base the estate without phase, zone or 小区 (望江苑西区 → 望江苑): the same key as
             housing_std.community_base, so that 望江苑 finds every phase
Numbers are digits without leading zeros; Chinese numerals are converted only next to a
unit (numerals.py). ``addr_precision`` is the finest level written: room (a room, or a
rural house: village + group + number), building, lane, road, village_group, village,
community (also a committee), street, none. ``addr_scope``: pudong when something in the
text is Pudong's (prefix, street/town, old county name, a gazetteer name), outside for a
division outside Pudong or a town of another Shanghai district (城桥镇人民路…), unknown
otherwise. A well-known place instead of an address
(世纪公园附近, 迪士尼一带; reference_data/pudong_landmarks.csv) is read as its street.
"""

from __future__ import annotations

from streetlink.standardise.addresses.clean import (
    CLEAN_STEPS,
    clean_address_text,
    community_base,
    normalise_name,
    normalise_village,
    split_lane,
)
from streetlink.standardise.addresses.parse import PARSE_STEPS, format_address, parse_address
from streetlink.standardise.addresses.parts import (
    LOCATION_FIELDS,
    PART_FIELDS,
    PRECISIONS,
    SCOPES,
    AddressParts,
    address_key,
    building_key,
)
from streetlink.standardise.addresses.read import READ_STEPS, TOKEN_STEPS
from streetlink.standardise.addresses.records import RECORD_STEPS, standardise_record_addresses
from streetlink.standardise.addresses.steps import Step, plan, run_steps

__all__ = [
    "CLEAN_STEPS",
    "LOCATION_FIELDS",
    "PARSE_STEPS",
    "PART_FIELDS",
    "PRECISIONS",
    "READ_STEPS",
    "RECORD_STEPS",
    "SCOPES",
    "TOKEN_STEPS",
    "AddressParts",
    "Step",
    "address_key",
    "building_key",
    "clean_address_text",
    "community_base",
    "format_address",
    "normalise_name",
    "normalise_village",
    "parse_address",
    "plan",
    "run_steps",
    "split_lane",
    "standardise_record_addresses",
]
