"""SQL that builds the two sides of each model: identical feature columns, one per side.

Registry side (built once per refresh, in the warehouse):
    dwelling_features  housing_std + road pinyin                         (one row per dwelling)
    person_features    population_std + the registered dwelling's parts (one row per person)
    tf_name_clean, tf_phone   term frequencies from the population registry
Record side (built every night, in the run database):
    address_records, person_records   from records_std

Functions here only *build* SQL (or register the pinyin function); callers run it.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
from pypinyin import Style, lazy_pinyin

from streetlink.link.specs import ADDRESS_SPEC, PERSON_SPEC, ModelSpec
from streetlink.link.splink_engine import RECORDS_DATASET, REGISTRY_DATASET

__all__ = [
    "address_records_sql",
    "address_training_sql",
    "dwelling_features_sql",
    "person_features_sql",
    "person_records_sql",
    "place_committees_sql",
    "prefilter_registry_sql",
    "register_place_pinyin",
    "tf_table_sql",
]


@lru_cache(maxsize=200_000)
def _place_pinyin(text: str | None) -> str | None:
    # Place names have no surname problem; pypinyin's phrase dictionary reads them well.
    if not text:
        return None
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore")).lower() or None


def register_place_pinyin(con: duckdb.DuckDBPyConnection) -> None:
    """`place_pinyin(text)`: toneless pinyin of a road/community name (call on DISTINCT values)."""
    try:
        con.create_function("place_pinyin", _place_pinyin, ["VARCHAR"], "VARCHAR",
                            null_handling="special", side_effects=False)
    except (duckdb.CatalogException, duckdb.NotImplementedException):
        pass  # already registered on this connection


def dwelling_features_sql(housing_std: str = "housing_std") -> str:
    return f"""
        WITH roads AS (
            SELECT road, place_pinyin(road) AS road_py
            FROM (SELECT DISTINCT road FROM {housing_std} WHERE road IS NOT NULL)
        ),
        villages AS (
            SELECT village, place_pinyin(village) AS village_py
            FROM (SELECT DISTINCT village FROM {housing_std} WHERE village IS NOT NULL)
        )
        SELECT '{REGISTRY_DATASET}' AS source_dataset, h.house_id AS unique_id, h.street_code,
               h.street_code AS street_text, h.street_code AS street_hint,
               h.community, coalesce(h.community_base, h.community) AS community_base, h.road, roads.road_py, h.road IS NOT NULL AS road_known, h.lane, h.number,
               h.room, h.village, villages.village_py, h.group_no, h.committee_code
        FROM {housing_std} h LEFT JOIN roads USING (road) LEFT JOIN villages USING (village)
        ORDER BY h.house_id  -- a stable order: u sampling and EM sums then repeat to the last bit
    """


def person_features_sql(population_std: str = "population_std", housing_std: str = "housing_std") -> str:
    return f"""
        SELECT '{REGISTRY_DATASET}' AS source_dataset, p.person_id AS unique_id,
               p.name_clean, p.name_pinyin AS name_py, p.surname_pinyin AS surname_py, p.gender,
               p.id_number AS id_key, strftime(p.birth_date, '%Y%m%d') AS id_birth,
               right(p.id_number, 4) AS id_tail, CAST(NULL AS VARCHAR) AS id_holder_house,
               p.gender AS title_gender,
               p.phone, right(p.phone, 4) AS phone_tail, left(p.phone, 7) AS phone_head,
               CAST(NULL AS BOOLEAN) AS caller, CAST(NULL AS DATE) AS event_date, p.birth_date,
               h.street_code, h.community, coalesce(h.community_base, h.community) AS community_base,
               h.road, h.lane, h.number, h.room, h.village, h.group_no,
               p.house_id, h.committee_code
        FROM {population_std} p LEFT JOIN {housing_std} h USING (house_id)
        ORDER BY p.person_id  -- a stable order (see dwelling_features_sql)
    """


def tf_table_sql(column: str, population_std: str = "population_std") -> str:
    """Term frequencies from the registry: how common a name (or phone) is among persons."""
    return f"""
        SELECT {column}, count(*) / sum(count(*)) OVER () AS tf_{column}
        FROM {population_std} WHERE {column} IS NOT NULL GROUP BY {column}
    """


def place_committees_sql(housing_std: str = "housing_std") -> str:
    """Which committees a place below the building level spans, with their dwelling counts.

    A record that names only a community, a lane or a village (no number) can still be
    dispatched when that place lies in one committee: the street office finds the door.
    """
    keys = {
        "road": "road",
        "community": "community",
        "community_base": "coalesce(community_base, community)",
        "road_lane": "road || '|' || lane",
        "village": "village",
        "village_group": "village || '|' || group_no",
    }
    return "\nUNION ALL\n".join(
        f"SELECT '{kind}' AS place_kind, {expr} AS place_key, street_code, committee_code, "
        f"count(*) AS dwellings FROM {housing_std} WHERE ({expr}) IS NOT NULL GROUP BY ALL"
        for kind, expr in keys.items()
    ) + "\nORDER BY place_kind, place_key, committee_code"


def _record_street() -> str:
    return "coalesce(street_code_text, street_code_hint)"


def address_records_sql(records_std: str = "records_std", registry: str = "wh.dwelling_features") -> str:
    """Records with an in-Pudong address that names something a dwelling can be found by.

    road_known: the record's road is one of the registry's (a road the parser could not
    correct is blocked on its lane, number and room instead).
    """
    return f"""
        WITH r AS (
            SELECT record_id, {_record_street()} AS street_code, street_code_text AS street_text,
                   street_code_hint AS street_hint, community,
                   coalesce(community_base, community) AS community_base, road, lane,
                   coalesce(number, building) AS number, room, village, group_no
            FROM {records_std}
            WHERE addr_scope <> 'outside'
              AND (road IS NOT NULL OR community IS NOT NULL OR village IS NOT NULL)
        ),
        roads AS (
            SELECT road, place_pinyin(road) AS road_py
            FROM (SELECT DISTINCT road FROM r WHERE road IS NOT NULL)
        ),
        villages AS (
            SELECT village, place_pinyin(village) AS village_py
            FROM (SELECT DISTINCT village FROM r WHERE village IS NOT NULL)
        )
        SELECT '{RECORDS_DATASET}' AS source_dataset, r.record_id AS unique_id, r.street_code,
               r.street_text, r.street_hint,
               r.community, r.community_base, r.road, roads.road_py,
               r.road IN (SELECT road FROM {registry} WHERE road IS NOT NULL) AS road_known,
               r.lane, r.number, r.room, r.village, villages.village_py, r.group_no,
               CAST(NULL AS VARCHAR) AS committee_code
        FROM r LEFT JOIN roads USING (road) LEFT JOIN villages USING (village)
        ORDER BY r.record_id
    """


def person_records_sql(records_std: str = "records_std", staged: str = "staged_records",
                       population: str = "wh.person_features") -> str:
    """Records with any identity evidence (name, surname, ID or phone).

    id_holder_house: the registered dwelling of the person whose ID the record carries (a
    parent's ID under a child's name finds the child among that dwelling's residents).
    caller / event_date: the hotline's caller, and the day of the call (callers are adults).
    """
    return f"""
        WITH r AS (
            SELECT s.*, st.event_time,
                   coalesce(s.id_number,
                            CASE WHEN s.id_status IN ('bad_checksum', 'bad_date', 'bad_region')
                                 THEN s.id_clean END) AS id_key
            FROM {records_std} s LEFT JOIN {staged} st USING (record_id)
        ),
        holders AS (
            SELECT id_key, any_value(house_id) AS id_holder_house
            FROM {population}
            WHERE id_key IN (SELECT id_key FROM r) AND house_id IS NOT NULL
            GROUP BY id_key
        )
        SELECT '{RECORDS_DATASET}' AS source_dataset, record_id AS unique_id,
               -- an honorific (王女士) or a pinyin spelling is not a name to compare letters of
               CASE WHEN name_kind = 'full' THEN name_clean END AS name_clean,
               name_pinyin AS name_py, surname_pinyin AS surname_py,
               -- 先生/女士 is the title's gender, compared on its own (title_gender)
               coalesce(id_gender, CASE WHEN name_kind <> 'honorific' THEN gender_hint END) AS gender,
               r.id_key,
               CASE WHEN length(r.id_key) = 18 THEN substr(r.id_key, 7, 8) END AS id_birth,
               CASE WHEN length(r.id_key) = 18 THEN right(r.id_key, 4) END AS id_tail,
               holders.id_holder_house,
               CASE WHEN name_kind = 'honorific' AND id_gender IS NULL THEN gender_hint END AS title_gender,
               phone, right(phone, 4) AS phone_tail, left(phone, 7) AS phone_head,
               source = 'hotline' AS caller, CAST(event_time AS DATE) AS event_date,
               CAST(NULL AS DATE) AS birth_date,
               CASE WHEN addr_scope <> 'outside' THEN {_record_street()} END AS street_code,
               community, coalesce(community_base, community) AS community_base,
               road, lane, coalesce(number, building) AS number, room, village, group_no,
               CAST(NULL AS VARCHAR) AS house_id, CAST(NULL AS VARCHAR) AS committee_code
        FROM r LEFT JOIN holders USING (id_key)
        WHERE name_pinyin IS NOT NULL OR surname_pinyin IS NOT NULL OR r.id_key IS NOT NULL
           OR phone IS NOT NULL
        ORDER BY record_id
    """


def address_training_sql(address_records: str, person_records: str, dwelling_features: str,
                         person_features: str) -> tuple[str, str]:
    """Both sides of the address model's training, with the identity keys to block on.

    Records carry their valid ID and mobile; dwellings carry their registered residents'
    (one row per resident). See ADDRESS_SPEC.training_rules for why. A hotline record's
    address is where the matter is — often a neighbour's flat or the building — not the
    caller's dwelling: its identity would teach EM that a different number or room is
    common among matches, so it carries no identity key here.
    """
    records = f"""
        SELECT a.*,
               CASE WHEN NOT starts_with(a.unique_id, 'hotline:') THEN p.id_key END AS id_key,
               CASE WHEN NOT starts_with(a.unique_id, 'hotline:') THEN p.phone END AS phone
        FROM {address_records} a LEFT JOIN {person_records} p USING (unique_id)
        ORDER BY a.unique_id
    """
    registry = f"""
        SELECT d.*, p.id_key, p.phone
        FROM {dwelling_features} d JOIN {person_features} p ON p.house_id = d.unique_id
        ORDER BY d.unique_id, p.unique_id
    """
    return records, registry


def prefilter_registry_sql(spec: ModelSpec, records: str, registry: str) -> str:
    """Registry rows that can meet at least one record under some blocking rule.

    Scoring then reads thousands of registry rows instead of millions; the candidate
    pairs are exactly the same because every pair Splink blocks satisfies one rule.
    """
    parts = [
        f"SELECT r.* FROM {registry} r WHERE EXISTS (SELECT 1 FROM {records} l WHERE {rule})"
        for rule in spec.blocking_rules
    ]
    return "\nUNION\n".join(parts)


FEATURE_SPECS = {"address_model": ADDRESS_SPEC, "person_model": PERSON_SPEC}
