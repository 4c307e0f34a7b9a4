"""SQL that builds the two sides of each model: identical feature columns, one per side.

Registry side (built once per refresh, in the warehouse):
    dwelling_features  housing_std + road pinyin                         (one row per dwelling)
    person_features    population_std + the registered dwelling's parts (one row per person)
    tf_name_clean, tf_phone   term frequencies from the population registry
Record side (built every night, in the run database):
    address_records, person_records   from records_std

Functions here only *render* SQL (the named statements of features.sql) or register the
pinyin function; callers run it.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
from pypinyin import Style, lazy_pinyin

from streetlink import sql
from streetlink.link.specs import ADDRESS_SPEC, PERSON_SPEC, ModelSpec
from streetlink.link.splink_engine import RECORDS_DATASET, REGISTRY_DATASET

_SQL = "streetlink.link"

__all__ = [
    "PLACE_KEYS",
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
    return sql.render(_SQL, "dwelling_features", housing_std=housing_std, registry_dataset=REGISTRY_DATASET)


def person_features_sql(population_std: str = "population_std", housing_std: str = "housing_std") -> str:
    return sql.render(_SQL, "person_features", population_std=population_std, housing_std=housing_std,
                      registry_dataset=REGISTRY_DATASET)


def tf_table_sql(column: str, population_std: str = "population_std") -> str:
    """Term frequencies from the registry: how common a name (or phone) is among persons."""
    return sql.render(_SQL, "term_frequencies", column=column, tf_column=f"tf_{column}",
                      population_std=population_std)


# The places below the building level a record may name alone, by their key in the registry.
PLACE_KEYS = {
    "road": "road",
    "community": "community",
    "community_base": "coalesce(community_base, community)",
    "road_lane": "road || '|' || lane",
    "village": "village",
    "village_group": "village || '|' || group_no",
}


def place_committees_sql(housing_std: str = "housing_std") -> str:
    """Which committees a place below the building level spans, with their dwelling counts.

    A record that names only a community, a lane or a village (no number) can still be
    dispatched when that place lies in one committee: the street office finds the door.
    """
    return "\nUNION ALL\n".join(
        sql.render(_SQL, "place_committees_part", kind=kind, place_key=key, housing_std=housing_std)
        for kind, key in PLACE_KEYS.items()
    ) + "\nORDER BY place_kind, place_key, committee_code"





def address_records_sql(records_std: str = "records_std", registry: str = "wh.dwelling_features") -> str:
    """Records with an in-Pudong address that names something a dwelling can be found by.

    road_known: the record's road is one of the registry's (a road the parser could not
    correct is blocked on its lane, number and room instead).
    """
    return sql.render(_SQL, "address_records", records_std=records_std, registry=registry,
                      records_dataset=RECORDS_DATASET)


def person_records_sql(records_std: str = "records_std", staged: str = "staged_records",
                       population: str = "wh.person_features") -> str:
    """Records with any identity evidence (name, surname, ID or phone).

    id_holder_house: the registered dwelling of the person whose ID the record carries (a
    parent's ID under a child's name finds the child among that dwelling's residents).
    caller / event_date: the hotline's caller, and the day of the call (callers are adults).
    """
    return sql.render(_SQL, "person_records", records_std=records_std, staged=staged, population=population,
                      records_dataset=RECORDS_DATASET)


def address_training_sql(address_records: str, person_records: str, dwelling_features: str,
                         person_features: str) -> tuple[str, str]:
    """Both sides of the address model's training, with the identity keys to block on.

    Records carry their valid ID and mobile; dwellings carry their registered residents'
    (one row per resident). See ADDRESS_SPEC.training_rules for why. A hotline record's
    address is where the matter is — often a neighbour's flat or the building — not the
    caller's dwelling: its identity would teach EM that a different number or room is
    common among matches, so it carries no identity key here.
    """
    records = sql.render(_SQL, "address_training_records", address_records=address_records,
                         person_records=person_records)
    registry = sql.render(_SQL, "address_training_registry", dwelling_features=dwelling_features,
                          person_features=person_features)
    return records, registry


def prefilter_registry_sql(spec: ModelSpec, records: str, registry: str) -> str:
    """Registry rows that can meet at least one record under some blocking rule.

    Scoring then reads thousands of registry rows instead of millions; the candidate
    pairs are exactly the same because every pair Splink blocks satisfies one rule.
    """
    ids = "\nUNION ALL\n".join(sql.render(_SQL, "prefilter_part", registry=registry, records=records, rule=rule)
                               for rule in spec.blocking_rules)
    return sql.render(_SQL, "prefilter_rows", registry=registry, ids=ids)


FEATURE_SPECS = {"address_model": ADDRESS_SPEC, "person_model": PERSON_SPEC}
