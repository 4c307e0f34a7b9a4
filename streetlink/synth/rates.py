"""Every rate the night generator uses, in one place (documented in docs/synthetic_data.md).

Per-source dictionaries: probabilities are per record (or per record where the kind can
apply, e.g. ``id_lower_x`` applies to IDs ending in X). Tests compare the achieved rates
with these numbers, so a change here is a change to the documented data.
"""

from __future__ import annotations

__all__ = [
    "ADDRESS",
    "CATEGORY_SHARES",
    "CHECKPOINT",
    "HEALTHCLOUD",
    "HOTLINE",
    "IDENTITY",
    "JUNK",
    "MOVER_SHARE",
    "OUTMOVER_SHARE",
    "OUTSIDE",
    "SAME_PERSON_SHARE",
    "SOURCE_SHARES",
    "VAGUE_WHO",
]

SOURCE_SHARES = {"checkpoint": 0.40, "hotline": 0.15, "healthcloud": 0.45}

CATEGORY_SHARES = {
    "checkpoint": {
        "resident_at_home": 0.38,
        "moved_within_pudong": 0.17,
        "newcomer": 0.25,
        "outside_pudong": 0.15,
        "vague_address": 0.05,
    },
    "hotline": {
        "resident_at_home": 0.50,
        "moved_within_pudong": 0.10,
        "newcomer": 0.22,
        "outside_pudong": 0.05,
        "vague_address": 0.13,
    },
    "healthcloud": {
        "resident_at_home": 0.47,
        "moved_within_pudong": 0.15,
        "newcomer": 0.20,
        "outside_pudong": 0.10,
        "vague_address": 0.08,
    },
}

# Registry persons whose registered dwelling is stale (moved inside Pudong since they last
# registered) and who moved out of Pudong altogether; fixed for the whole generation.
MOVER_SHARE = 0.06
OUTMOVER_SHARE = 0.012
# Of health-cloud reports, the share filed by someone also registered at a checkpoint that night.
SAME_PERSON_SHARE = 0.06
# Who stands behind a vague address: a resident at home, a mover, a newcomer.
VAGUE_WHO = {"resident_at_home": 0.70, "moved_within_pudong": 0.10, "newcomer": 0.20}
# Outside Pudong: the share in another Shanghai district (the rest: another province).
OUTSIDE = {"checkpoint": 0.85, "hotline": 1.0, "healthcloud": 0.55, "no_district": 0.10}

_PREFIX_CP = {
    "": 30,
    "浦东新区": 18,
    "上海市浦东新区": 22,
    "上海市": 8,
    "上海": 5,
    "浦东": 7,
    "上海浦东新区": 6,
    "上海浦东": 2,
    "上海市浦东": 2,
}
_PREFIX_HL = {
    "": 40,
    "浦东新区": 28,
    "上海市浦东新区": 12,
    "上海市": 4,
    "上海": 4,
    "浦东": 8,
    "上海浦东新区": 3,
    "上海浦东": 1,
}
_PREFIX_HC = {
    "": 38,
    "浦东新区": 16,
    "上海市浦东新区": 22,
    "上海市": 8,
    "上海": 5,
    "浦东": 6,
    "上海浦东新区": 3,
    "上海浦东": 1,
    "上海市浦东": 1,
}

ADDRESS = {
    source: {
        "prefix": prefix,
        "street_named": named,  # urban: the street/town written before the road
        "rural_town_named": 0.6,  # rural: the town written before the village
        "street_alias": 0.35,  # given a named street: short, old or merged name instead of full
        "old_county": 0.02,  # 南汇区/南汇县/川沙县 in place of 浦东新区 (towns of those areas)
        "community_for_road": cfr,
        "community_paren": 0.03,
        "community_prefix": 0.03,
        "missing_room": mr,
        "missing_lane": 0.04,
        "shorthand": sh,
        "cn_numerals": 0.03,
        "road_homophone": 0.025,
        "road_typo": 0.015,
        "extra_words": 0.02,
        "fullwidth": 0.02,
        "spaces": 0.03,
        "traditional": 0.015,
        "punct": 0.015,
        "rural_no_cun": 0.10,
        "rural_dui": 0.08,
        "rural_cn_group": 0.06,
        "rural_no_hao": 0.08,
        "rural_missing_number": 0.05,
        "village_homophone": 0.02,
    }
    for source, prefix, named, cfr, mr, sh in (
        ("checkpoint", _PREFIX_CP, 0.12, 0.10, 0.10, 0.28),
        ("hotline", _PREFIX_HL, 0.15, 0.18, 0.20, 0.32),
        ("healthcloud", _PREFIX_HC, 0.18, 0.15, 0.10, 0.32),
    )
}

IDENTITY = {
    source: {
        "name_blank": nb,
        "name_homophone": 0.03,
        "name_lookalike": 0.015,
        "name_traditional": 0.02,
        "name_spaces": 0.025,
        "name_pinyin": pin,
        "minority_sep": 0.5,  # of ·-names, written with another separator or none
        "id_missing": idm,
        "id_typo": 0.025,
        "id_transposition": 0.012,
        "id_15digit": 0.012,
        "id_lower_x": 0.5,
        "id_fullwidth": 0.015,
        "id_spaces": 0.012,
        "id_other_person": 0.015,
        "id_type_variant": 0.01,
        "phone_missing": pm,
        "phone_format": 0.10,
        "phone_typo": 0.025,
        "phone_new": 0.08,
        "phone_landline": pl,
    }
    for source, nb, pin, idm, pm, pl in (
        ("checkpoint", 0.02, 0.01, 0.03, 0.02, 0.01),
        ("hotline", 0.08, 0.0, 1.0, 0.06, 0.12),
        ("healthcloud", 0.01, 0.005, 0.08, 0.05, 0.01),
    )
}

HOTLINE = {
    "honorific": 0.55,  # caller written as 王女士 (of callers with a name)
    "relation": {"own": 0.50, "neighbour": 0.20, "building": 0.17, "community": 0.13},
    "neighbour_in_content": 0.6,  # 事发地址 is the caller's place, 诉求内容 names the neighbour's
    "content_repeats_address": 0.45,
    "hint_blank": 0.30,
    "hint_wrong": 0.08,
    "hint_short": 0.20,
    "numeric_id_cell": 0.15,
    "numeric_phone_cell": 0.15,
    "time_text": 0.35,
}

HEALTHCLOUD = {
    "street_empty": 0.45,
    "street_wrong": 0.05,
    "city_shixiaqu": 0.30,
    "district_empty": 0.06,
}

CHECKPOINT = {"utf8_bom_nights": 0.2, "plate_blank": 0.4}

JUNK = {"emoji": 0.002, "control": 0.001, "formula": 0.001, "long_text": 0.0005}


# --------------------------------------------------------------------------- world variations
# Habits that differ between worlds (docs/synthetic_data.md, "World variations"). ``base`` is
# every rate above, unchanged. A variation names only what it changes; variations combine in
# the order of VARIATION_NAMES. New habits (keys not above) are drawn only when their variation
# is active, so a base world is byte-identical to one made before variations existed.
VARIATION_NAMES = (
    "dirty_registry",
    "phased_estates",
    "shared_phones",
    "sloppy",
    "movers",
    "travel",
)

VARIATIONS: dict[str, dict] = {
    # The registry itself is dirty (per building unless stated): what the data center receives.
    "dirty_registry": {
        "road_dirty_buildings": 0.05,  # road field with stray brackets, district, estate prefix
        "road_dirt_kinds": {"bracket": 35, "district": 25, "estate": 25, "estate_bracket": 15},
        "std_from_dirty_road": 0.5,  # of those buildings: std_address concatenated from the field
        "community_variant_buildings": 0.10,  # 小区 added or dropped in community_name
        "std_inconsistent_rows": 0.03,  # std_address says something the parts do not (per row)
        "population_phone_odd": 0.04,  # +86 138…, 138-…, 13812345678.0, 86138… (per person)
    },
    # Estates with phases/zones, estates named with numbers, urban estates named 某某村.
    "phased_estates": {
        "phased_share": 0.22,  # of new-era communities: an estate of 2-4 phases
        "phase_cross_committee": 0.5,  # of phased estates: later phases under the next committee
        "phase_labels": {"ordinal": 60, "zone": 40},  # 一期/二期 … or 东区/西区/A区 …
        "numbered_share": 0.05,  # communities named 某路2079弄小区 / 某街13-15号小区
        "numbered_other_number": 0.3,  # of those: named after another lane number (an old address)
        "village_named_streets": 0.4,  # of towns with villages: one urban estate named 某某村
        "village_named_exact": 0.5,  # of those: exactly a village name of the town
        "phase_community_for_road": 0.35,  # a phase's residents name the estate, not the road
        "phase_dropped": 0.6,  # of writings of a phased estate's name: the phase left out
    },
    # Household phones and the hotline callers who use them.
    "shared_phones": {
        "phone_shared_share": 0.65,  # of family households: everyone under one phone (base 0.25)
        "borrow_child": 0.9,  # children without a phone under the head's (base 0.7)
        "borrow_elderly": 0.8,  # adults without a phone (base 0.5)
        "rental_phone_shared": 0.3,  # of flat-sharing households: all under the first tenant's
        "compound_surname_boost": 6.0,  # compound surnames (欧阳, 司马 …) six times as common
        "xinjiang_boost": 5.0,  # migrants from Xinjiang (given·father names) five times as common
        "honorific": 0.75,  # hotline callers written 王女士 (base 0.55)
        "minority_honorific": 0.5,  # of non-Han callers: first name part + 先生/女士 (艾合买提先生)
        "household_phone": 0.7,  # callers whose registry phone is the household's: ring from it
        "hotline_phone_typo": 0.06,  # (base 0.025)
        "relation": {"own": 0.42, "neighbour": 0.32, "building": 0.15, "community": 0.11},
        "neighbour_full_name_landline": 0.5,  # neighbours giving a full name from the landline
    },
    # A different mix of careful and sloppy writers: per record, the clerk (or the person
    # filling in the form) is sloppy with this share; noise rates are multiplied for them.
    "sloppy": {
        "sloppy_share": {"checkpoint": 0.45, "hotline": 0.40, "healthcloud": 0.50},
        "sloppy_factor": 2.5,
        "careful_factor": 0.6,
        "cap": 0.6,  # no noise rate above this, however sloppy
        "road_suffix_dropped": {"sloppy": 0.10, "careful": 0.01},  # 某康258弄8号 for 某康路
        "old_county": {"sloppy": 0.10, "careful": 0.01},
        "hint": {  # (blank, wrong): hotline 所属街镇 and health-cloud residence.street
            "hotline": {"sloppy": (0.50, 0.20), "careful": (0.25, 0.04)},
            "healthcloud": {"sloppy": (0.65, 0.15), "careful": (0.40, 0.03)},
        },
        "id_other_person": {"sloppy": 0.08, "careful": 0.01},  # father's ID under the son's name
        "outside_town_pudong_road": 0.35,  # other-district records: 七宝镇 + a Pudong road
        "outside_copies_pudong_number": 0.5,  # of those: lane/number/room of a real Pudong door
    },
    # Many more people whose registered home is stale, and vague addresses of such people.
    "movers": {
        "mover_share": 0.20,  # (base 0.06)
        "outmover_share": 0.03,  # (base 0.012)
        "category_shares": {
            "checkpoint": {
                "resident_at_home": 0.22,
                "moved_within_pudong": 0.30,
                "newcomer": 0.25,
                "outside_pudong": 0.15,
                "vague_address": 0.08,
            },
            "hotline": {
                "resident_at_home": 0.40,
                "moved_within_pudong": 0.20,
                "newcomer": 0.17,
                "outside_pudong": 0.05,
                "vague_address": 0.18,
            },
            "healthcloud": {
                "resident_at_home": 0.33,
                "moved_within_pudong": 0.27,
                "newcomer": 0.18,
                "outside_pudong": 0.10,
                "vague_address": 0.12,
            },
        },
        "vague_who": {"resident_at_home": 0.40, "moved_within_pudong": 0.45, "newcomer": 0.15},
        # what a mover with a vague address writes: 浦东新区 / a town / nothing usable
        "mover_vague_kinds": {"district": 40, "town": 35, "none": 25},
    },
    # Key-area travel and symptoms (issue 12): an evidence layer, not a change of habits.
    "travel": {
        "key_counties": 10,
        "key_cities": 3,
        "key_area_expired": 0.3,  # of key areas: listed until before the first night - 14 days
        "healthcloud_key_trip": 0.08,  # of health-cloud reports: a stay in a key area
        "checkpoint_key_origin": 0.06,  # of checkpoint records: arriving from a key area
        "hotline_key_trip": 0.06,  # of hotline orders: 诉求内容 tells of a key-area trip
        "trip_in_window": 0.8,  # of key-area stays: on a day inside the area's window
        "travel_dated": 0.75,  # of health-cloud travel entries: with a date
        "symptoms": 0.05,  # health-cloud reports with symptoms (base: same rate, undated)
        "symptoms_key_trip": 0.25,  # … among those with a key-area stay
        "hotline_symptoms": 0.04,  # hotline orders telling of fever, cough …
        "health_category": 0.6,  # of those two kinds of order: a home-isolation/health category
    },
}
