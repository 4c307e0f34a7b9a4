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
