"""Contracts of every table that crosses a stage boundary, declared as data.

Glossary (Chinese → English, used everywhere after staging):
    街镇 street (street/town; 12 街道 + 24 镇)      居村委 committee (居委会 / 村委会)
    实有房屋 dwelling (a row of the housing registry)   人口库 population registry
    小区 community   路 road   弄 lane   支弄 sub_lane   号 number   号楼/幢/栋 building
    单元 unit   室 room   村 village   组/队 group (group_no)
"""

from __future__ import annotations

from streetlink.contracts.schema import Column, Contract
from streetlink.contracts.sources import SOURCE_NAMES

__all__ = [
    "ADMIN", "BASES", "CATEGORIES", "DECISIONS", "DECISION_VALUES", "HOUSING", "HOUSING_STD",
    "LINKS", "POPULATION", "POPULATION_STD", "REASONS", "RECORDS_STD", "STAGED_RECORDS", "TRUTH",
    "TRUTH_LATER_COLUMNS",
]

STREET_CODE = r"310115\d{3}"
COMMITTEE_CODE = r"310115\d{6}"
DECISION_VALUES = ("dispatched", "review", "rejected")

# Reason codes for `review` and `rejected` records: code -> (decision, Chinese label).
REASONS: dict[str, tuple[str, str]] = {
    # ingest
    "bad_json_line": ("rejected", "无法解析的JSON行"),
    "wrong_field_type": ("rejected", "字段类型错误"),
    "missing_source_id": ("rejected", "缺少记录编号"),
    "unparseable_time": ("rejected", "时间无法解析"),
    # decide
    "no_address_no_identity": ("rejected", "无地址且无可用身份信息"),
    "unparseable_id": ("rejected", "证件号码无法解析且地址无法定位"),
    "outside_pudong": ("review", "地址在浦东新区以外"),
    "address_unresolved": ("review", "地址无法匹配到房屋或居村委"),
    "address_ambiguous": ("review", "地址匹配到多个居村委候选"),
    "conflicting_evidence": ("review", "地址与身份信息指向不同居村委"),
    "place_nearby": ("review", "地址只说在某地附近，所在居村委不确定"),
    "low_confidence": ("review", "匹配置信度不足"),
    "vague_address": ("review", "地址过于模糊且身份无法确认"),
    # replies
    "transfer_unresolved": ("review", "街镇退回（非本辖区或地址错误）但去向无法确定"),
}

# Why a dispatched record went where it went: code -> Chinese label (shown in packets).
BASES: dict[str, str] = {
    "address_dwelling": "地址匹配到实有房屋",
    "address_building": "地址匹配到楼栋(室号缺失或不符)",
    "address_community": "地址匹配到小区",
    "address_village": "地址匹配到村组",
    "person_registered_home": "身份匹配人口库登记住址",
}

# Ground-truth categories written by the synthetic generator.
CATEGORIES = (
    "resident_at_home",
    "moved_within_pudong",
    "newcomer",
    "outside_pudong",
    "vague_address",
)

V = "VARCHAR"

STAGED_RECORDS = Contract(
    name="staged_records",
    grain="one row per record (source + source id), after collapsing repeated ids",
    columns=(
        Column("record_id", V, nullable=False, unique=True, pattern=r"(checkpoint|hotline|healthcloud):.+",
               description="<source>:<source id>; for a line with no trustworthy id <source>:<file>#<line>"),
        Column("source", V, nullable=False, allowed=SOURCE_NAMES),
        Column("source_id", V),
        Column("source_file", V, nullable=False, description="file name the kept copy came from"),
        Column("source_row", "BIGINT", nullable=False, description="spreadsheet row / file line of the kept copy"),
        Column("n_copies", "INTEGER", nullable=False, description="how many times this id arrived"),
        Column("event_time", "TIMESTAMP"),
        Column("event_time_raw", V),
        Column("name", V, description="person (checkpoint, health cloud) or caller (hotline)"),
        Column("id_type", V),
        Column("id_number", V),
        Column("phone", V),
        Column("address", V, description="the place to dispatch, as typed"),
        Column("address_context", V, description="hotline 诉求内容; health-cloud province/city/district"),
        Column("street_hint", V, description="hotline 所属街镇 / health-cloud residence.street: evidence, not truth"),
        Column("details", V, description="JSON object of source-specific fields with Chinese labels"),
        Column("reject_reason", V, allowed=tuple(k for k, v in REASONS.items() if v[0] == "rejected")),
    ),
)

RECORDS_STD = Contract(
    name="records_std",
    grain="one row per staged record",
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("source", V, nullable=False, allowed=SOURCE_NAMES),
        # identity
        Column("name_clean", V, description="Simplified, no spaces/separators; null if none"),
        Column("name_kind", V, nullable=False, allowed=("full", "honorific", "pinyin", "none")),
        Column("surname", V),
        Column("given_name", V),
        Column("name_pinyin", V, description="toneless pinyin key, lower case, no spaces"),
        Column("surname_pinyin", V),
        Column("given_pinyin", V),
        Column("gender_hint", V, allowed=("男", "女")),
        Column("id_number", V, pattern=r"\d{17}[\dX]", description="valid 18-digit resident ID, else null"),
        Column("id_clean", V, description="the ID as typed, normalised (NFKC, upper, no spaces)"),
        Column("id_status", V, nullable=False, allowed=(
            "valid", "converted_15", "bad_checksum", "bad_date", "bad_region", "bad_length",
            "other_document", "missing")),
        Column("birth_date", "DATE"),
        Column("id_gender", V, allowed=("男", "女")),
        Column("phone", V, pattern=r"1\d{10}", description="valid 11-digit mobile, else null"),
        Column("phone_clean", V, description="digits of the phone as typed"),
        Column("phone_kind", V, nullable=False, allowed=("mobile", "landline", "invalid", "missing")),
        # address
        Column("address_clean", V),
        Column("addr_scope", V, nullable=False, allowed=("pudong", "outside", "unknown")),
        Column("outside_place", V),
        Column("street_code_text", V, pattern=STREET_CODE, description="street named in the address"),
        Column("street_code_hint", V, pattern=STREET_CODE, description="street from the source's street field"),
        Column("community", V),
        Column("road", V),
        Column("lane", V),
        Column("sub_lane", V),
        Column("number", V),
        Column("building", V),
        Column("unit", V),
        Column("room", V),
        Column("village", V),
        Column("group_no", V),
        Column("addr_precision", V, nullable=False, allowed=(
            "room", "building", "lane", "road", "village_group", "village", "community",
            "street", "none")),
        Column("road_raw", V, description="the road as typed, before a typo was corrected"),
        Column("committee_code_text", V, pattern=COMMITTEE_CODE, description="a committee named in the address"),
        Column("address_key", V, description="road弄支弄号室 / village组号室 key, as in housing_std"),
        # address standardisation (issue 10): an estate spoken without its phase finds every phase
        Column("community_base", V, description="the estate without phase/zone/小区, as housing_std.community_base"),
    ),
)

ADMIN = Contract(
    name="admin",
    grain="one row per committee",
    columns=(
        Column("street_code", V, nullable=False, pattern=STREET_CODE),
        Column("street_name", V, nullable=False),
        Column("committee_code", V, nullable=False, unique=True, pattern=COMMITTEE_CODE),
        Column("committee_name", V, nullable=False),
    ),
)

_DWELLING_PARTS = (
    Column("road", V),
    Column("lane", V),
    Column("number", V, nullable=False),
    Column("room", V),
    Column("village", V),
    Column("group_no", V),
    Column("std_address", V, nullable=False),
)

HOUSING = Contract(
    name="housing",
    grain="one row per dwelling (实有房屋)",
    columns=(
        Column("house_id", V, nullable=False, unique=True),
        Column("street_code", V, nullable=False, pattern=STREET_CODE),
        Column("committee_code", V, nullable=False, pattern=COMMITTEE_CODE),
        Column("community_name", V),
    ) + _DWELLING_PARTS,
)

POPULATION = Contract(
    name="population",
    grain="one row per person (人口库)",
    columns=(
        Column("person_id", V, nullable=False, unique=True),
        Column("name", V, nullable=False),
        Column("id_type", V, nullable=False),
        Column("id_number", V),
        Column("gender", V, nullable=False, allowed=("男", "女")),
        Column("birth_date", "DATE"),
        Column("phone", V),
        Column("house_id", V),
        Column("residence_type", V, nullable=False, allowed=("户籍", "来沪", "境外")),
    ),
)

HOUSING_STD = Contract(
    name="housing_std",
    grain="one row per dwelling, standardised once per registry refresh",
    # the delivered columns, parts normalised as the address parser normalises records'
    columns=tuple(Column("community", V) if c.name == "community_name" else c for c in HOUSING.columns) + (
        # address standardisation (issue 10): the estate key and what was repaired
        Column("community_base", V, description="the estate without phase/zone/小区 (addresses.community_base)"),
        Column("repairs", V, description="registry repair kinds applied, comma-separated (repairs.REPAIR_KINDS)"),
    ),
)

POPULATION_STD = Contract(
    name="population_std",
    grain="one row per person, standardised once per registry refresh",
    columns=(
        Column("person_id", V, nullable=False, unique=True),
        Column("name_clean", V, nullable=False),
        Column("surname", V),
        Column("given_name", V),
        Column("name_pinyin", V),
        Column("surname_pinyin", V),
        Column("given_pinyin", V),
        Column("id_type", V, nullable=False),
        Column("id_number", V),
        Column("id_status", V, nullable=False),
        Column("gender", V, nullable=False),
        Column("birth_date", "DATE"),
        Column("phone", V),
        Column("house_id", V),
        Column("residence_type", V, nullable=False),
    ),
)

LINKS = Contract(
    name="links.parquet",
    grain="one row per input record of the night, with its decision",
    exact=True,
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("source", V, nullable=False, allowed=SOURCE_NAMES),
        Column("decision", V, nullable=False, allowed=DECISION_VALUES),
        Column("street_code", V, pattern=STREET_CODE),
        Column("committee_code", V, pattern=COMMITTEE_CODE),
        Column("house_id", V),
        Column("address_match_probability", "DOUBLE"),
        Column("person_id", V),
        Column("person_match_probability", "DOUBLE"),
        Column("reason", V, allowed=tuple(REASONS)),
    ),
    notes=(
        "street_code and committee_code are set exactly when decision = 'dispatched'",
        "reason is set exactly when decision is 'review' or 'rejected'",
    ),
)

DECISIONS = Contract(
    name="decisions",
    grain="one row per staged record: the links columns plus what packets and review need",
    columns=LINKS.columns + (
        Column("basis", V, allowed=tuple(BASES), description="why dispatched there"),
        Column("rule", V, nullable=False,
               description="the decide rule that decided the record (streetlink/decide/rules.py)"),
        Column("resolved_address", V, description="standard address of the dwelling/building/committee resolved"),
        Column("explanation", V, description="one line a clerk can read: the evidence and its weight"),
        Column("candidates_json", V, description="JSON list of the top candidates with scores (review)"),
    ),
)

# TRUTH columns added after truth files were first written: a file without them is read with
# nulls there (streetlink.evaluate), so older generated worlds still evaluate.
TRUTH_LATER_COLUMNS = ("true_symptomatic", "true_key_area_trip")

TRUTH = Contract(
    name="truth",
    grain="one row per generated inbox record (synthetic ground truth)",
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("source", V, nullable=False, allowed=SOURCE_NAMES),
        Column("category", V, nullable=False, allowed=CATEGORIES),
        Column("placeable", "BOOLEAN", nullable=False,
               description="what the record says lets a careful clerk with both registries find its "
                           "true committee (about the evidence only: the true_* columns say where "
                           "the place is either way)"),
        Column("true_person_id", V, description="registry person the record is about (hotline: the caller)"),
        Column("person_identifiable", "BOOLEAN",
               description="the written identity finds true_person_id by a clerk's exact rule (the "
                           "typed ID; an ID one slip off with the exact name; the registry phone with "
                           "the name or, for the hotline, a matching 王女士); null when "
                           "true_person_id is null"),
        Column("true_house_id", V,
               description="the true place's dwelling when it is one dwelling, placeable or not (vague "
                           "records: the person's actual dwelling); null for a building, community, "
                           "outside Pudong, or unknown place"),
        Column("true_street_code", V, pattern=STREET_CODE,
               description="street of the true place when it is in Pudong (the committee's street); "
                           "null outside Pudong and for injected records whose place is unknown"),
        Column("true_committee_code", V, pattern=COMMITTEE_CODE,
               description="committee the true place lies in, placeable or not; null only outside "
                           "Pudong, for injected records whose place is unknown, and for a hotline "
                           "matter about a community split between two committees"),
        Column("messiness", "VARCHAR[]", nullable=False, description="kinds of messiness applied"),
        # generator 1.3 (screening, issue 12); older truth files lack them: read as null
        Column("true_symptomatic", "BOOLEAN",
               description="the record reports symptoms (health-cloud symptoms, or 诉求内容 telling "
                           "of fever, cough …); null for an unreadable line"),
        Column("true_key_area_trip", "BOOLEAN",
               description="the record tells of a stay in a key area of <dir>/reference/key_areas.csv "
                           "on a day inside that area's window and at most 14 days before the "
                           "record; null when the world has no key-area list (variation travel off)"),
    ),
)
