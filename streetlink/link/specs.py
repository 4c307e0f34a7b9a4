"""The two linkage models, declared as data: comparisons, blocking rules, training plan.

    address model: a record's parsed address  →  a dwelling of the housing registry
    person model:  a record's identity         →  a person of the population registry

Comparisons are ordered lists of SQL levels over ``<column>_l`` (the night's record) and
``<column>_r`` (the registry row). Conditions count characters, not bytes (duckdb ≥ 2.0.1),
and a pinyin key catches homophones (王芳/王方, 齐河路/齐和路) that character distances
miss. The specs are turned into Splink settings in ``splink_engine`` (the one module that
imports Splink) and, once trained, live as versioned JSON in ``linkage_models/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ADDRESS_SPEC", "PERSON_SPEC", "SPECS", "ModelSpec"]


def _level(sql: str, label: str, *, null: bool = False, tf: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _comparison(name: str, description: str, *levels: dict[str, Any]) -> dict[str, Any]:
    return {"output_column_name": name, "comparison_description": description,
            "comparison_levels": [*levels, _level("ELSE", "different")]}


def _null(col: str) -> dict[str, Any]:
    return _level(f'"{col}_l" IS NULL OR "{col}_r" IS NULL', f"{col} missing", null=True)


def _exact(col: str, label: str | None = None, tf: bool = False) -> dict[str, Any]:
    return _level(f'"{col}_l" = "{col}_r"', label or f"{col} equal", tf=col if tf else None)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    feature_columns: tuple[str, ...]  # identical on both sides; unique_id first
    comparisons: tuple[dict[str, Any], ...]
    blocking_rules: tuple[str, ...]  # to generate predictions
    # EM sessions: each blocks on a rule and (by Splink's design) cannot learn the m of
    # the comparisons that rule fixes; together they cover every comparison.
    training_rules: tuple[str, ...]
    # Rules precise enough to count "certain" matches for the prior λ, and their recall.
    deterministic_rules: tuple[str, ...]
    deterministic_recall: float
    tf_columns: tuple[str, ...]
    retain_columns: tuple[str, ...]  # registry columns carried into predictions
    # Columns present only in the training tables, for training rules to block on.
    training_keys: tuple[str, ...] = ()


def _record_null(col: str) -> dict[str, Any]:
    return _level(f'"{col}_l" IS NULL', f"record gives no {col}", null=True)


def _registry_null(col: str) -> dict[str, Any]:
    # Not a null level: a record naming a village for an urban flat is evidence against.
    return _level(f'"{col}_r" IS NULL', f"record gives a {col}, dwelling has none")


ADDRESS_SPEC = ModelSpec(
    name="address_model",
    description="record address → dwelling (实有房屋)",
    feature_columns=("unique_id", "street_code", "street_text", "street_hint", "community", "community_base",
                     "road",
                     "road_py", "road_known", "lane",
                     "number", "room", "village", "village_py", "group_no", "committee_code"),
    # Only the *record's* silence is a null level. A dwelling without the field the record
    # names (a road for a village house) is a level of its own, so that the u of "road
    # equal" is measured over all dwellings, not only over those that have roads.
    comparisons=(
        _comparison(
            "road", "road name: exact, homophone, one character off",
            _record_null("road"),
            _registry_null("road"),
            _exact("road"),
            _level('"road_py_l" = "road_py_r"', "road sounds the same (pinyin)"),
            _level('length("road_l") >= 3 AND length("road_l") = length("road_r") '
                   'AND levenshtein("road_l", "road_r") = 1', "road one character off"),
        ),
        _comparison(
            "lane", "lane (弄), including its absence on either side",
            _level('"lane_l" IS NULL AND "lane_r" IS NULL', "no lane on either side"),
            _level('"lane_l" IS NULL', "record gives no lane, dwelling has one"),
            _registry_null("lane"),
            _exact("lane"),
        ),
        _comparison(
            "number", "number (号) / building",
            _record_null("number"),
            _exact("number"),
        ),
        _comparison(
            "room", "room (室)",
            _record_null("room"),
            _registry_null("room"),
            _exact("room"),
            _level('length("room_l") = length("room_r") AND damerau_levenshtein("room_l", "room_r") = 1',
                   "room one digit off or two swapped"),
        ),
        _comparison(
            "community", "community (小区) name",
            _record_null("community"),
            _registry_null("community"),
            _exact("community"),
            _level('contains("community_l", "community_r") OR contains("community_r", "community_l")',
                   "one community name contains the other"),
            # 望江苑 for 望江苑西区: the estate without its phase or zone (standardise gives the base)
            _level('"community_base_l" = "community_base_r"', "the same estate, phase or zone not given"),
        ),
        _comparison(
            "village", "village (村): exact or homophone",
            _record_null("village"),
            _registry_null("village"),
            _exact("village"),
            _level('"village_py_l" = "village_py_r"', "village sounds the same (pinyin)"),
        ),
        _comparison(
            "group_no", "village group (组/队)",
            _record_null("group_no"),
            _registry_null("group_no"),
            _exact("group_no"),
        ),
        # Two sources of a street, kept apart because they are wrong at very different rates:
        # a street or town written in the address itself (金杨新村街道艺墅花园3号) is the writer's
        # own knowledge, while the source's street field (所属街镇, residence.street) is a
        # drop-down or an operator's guess, blank or wrong in a share of records.
        _comparison(
            "street", "street/town written in the address text",
            _record_null("street_text"),
            _exact("street_text", "street equal"),
        ),
        _comparison(
            "street_hint", "street/town from the source's street field (a hint)",
            _record_null("street_hint"),
            _exact("street_hint", "street equal"),
        ),
    ),
    blocking_rules=(
        'l."road" = r."road" AND l."lane" = r."lane" AND l."number" = r."number"',
        'l."road" = r."road" AND l."number" = r."number" AND l."room" = r."room"',
        # the lane left out: every building with that number on the road
        'l."road" = r."road" AND l."lane" IS NULL AND l."number" = r."number"',
        'l."community" = r."community" AND l."number" = r."number"',
        # every phase of the estate that has the number (a phase left out, or one estate name
        # spanning several committees): only estates that hold the number are candidates
        'l."community_base" = r."community_base" AND l."number" = r."number"',
        'l."village" = r."village" AND l."group_no" = r."group_no" AND l."number" = r."number"',
        'l."village" = r."village" AND l."number" = r."number"',
        'l."village_py" = r."village_py" AND l."group_no" = r."group_no" AND l."number" = r."number"',
        'l."road_py" = r."road_py" AND l."lane" = r."lane" AND l."number" = r."number"',
        # a misspelt road: lane, number and room are nearly a key on their own; a road the
        # parser could not correct is looked for by its lane and number, or by its first
        # character, number and room
        'l."lane" = r."lane" AND l."number" = r."number" AND l."room" = r."room"',
        'NOT l."road_known" AND l."lane" = r."lane" AND l."number" = r."number"',
        'NOT l."road_known" AND substr(l."road", 1, 1) = substr(r."road", 1, 1) '
        'AND l."number" = r."number" AND l."room" = r."room"',
        'l."road" = r."road" AND l."lane" = r."lane" AND l."room" = r."room"',
    ),
    # Address fields are hierarchical: within a lane, buildings repeat the same room
    # numbers; within a building, every room differs. Blocked on any address part, the
    # remaining parts of non-matches are anti-correlated with it, and EM learns "same
    # building" instead of "same dwelling". Blocked on the *identity* instead — the
    # record's ID or phone against the dwellings' registered residents — every address
    # comparison varies freely: residents at home agree on all of them, movers on none.
    training_keys=("id_key", "phone"),
    training_rules=(
        'l."id_key" = r."id_key"',
        'l."phone" = r."phone"',
    ),
    deterministic_rules=(
        'l."road" = r."road" AND l."lane" = r."lane" AND l."number" = r."number" AND l."room" = r."room"',
        'l."village" = r."village" AND l."group_no" = r."group_no" AND l."number" = r."number"',
    ),
    deterministic_recall=0.6,
    tf_columns=(),
    retain_columns=("committee_code",),
)

_SAME_BUILDING = (
    '(("road_l" = "road_r" AND coalesce("lane_l", \'\') = coalesce("lane_r", \'\') AND "number_l" = "number_r")'
    ' OR ("community_l" = "community_r" AND "number_l" = "number_r")'
    ' OR ("village_l" = "village_r" AND "group_no_l" = "group_no_r" AND "number_l" = "number_r"))'
)
_SAME_NEIGHBOURHOOD = (
    '(("road_l" = "road_r" AND "lane_l" = "lane_r") OR "community_base_l" = "community_base_r"'
    ' OR ("village_l" = "village_r" AND "group_no_l" = "group_no_r"))'
)

def _home_comparison(name: str, description: str, active: str) -> dict[str, Any]:
    """The record's address against the person's registered dwelling, for some records only.

    Two of these: a self-report's or a checkpoint's address is where the person lives
    (their registered dwelling unless they moved); a hotline address is where the matter
    is — the caller's flat, a neighbour's, the building, the lane — so the same level
    ("same lane") is far more common among hotline matches. Kept apart, each learns its own m.
    """
    return {"output_column_name": name, "comparison_description": description, "comparison_levels": [
        _level(f'NOT ({active}) OR ("road_l" IS NULL AND "community_l" IS NULL AND "village_l" IS NULL) '
               'OR "house_id_r" IS NULL', "no address to compare", null=True),
        _level(f'{_SAME_BUILDING} AND coalesce("room_l", \'\') = coalesce("room_r", \'\')', "same dwelling"),
        _level(_SAME_BUILDING, "same building"),
        _level(_SAME_NEIGHBOURHOOD, "same lane, community or village group"),
        _level('"street_code_l" = "street_code_r"', "same street"),
        _level("ELSE", "different"),
    ]}


PERSON_SPEC = ModelSpec(
    name="person_model",
    description="record identity → person (人口库)",
    feature_columns=("unique_id", "name_clean", "name_py", "surname_py", "gender", "id_key",
                     "id_birth", "id_tail", "id_holder_house", "title_gender", "phone", "phone_tail", "phone_head",
                     "caller", "event_date", "birth_date", "street_code", "community", "community_base",
                     "road", "lane", "number", "room", "village", "group_no", "house_id",
                     "committee_code"),
    comparisons=(
        _comparison(
            "id", "resident ID number",
            _null("id_key"),
            _exact("id_key", "ID equal"),
            _level('length("id_key_l") = 18 AND damerau_levenshtein("id_key_l", "id_key_r") = 1',
                   "ID one digit off or two swapped"),
            # a parent's ID under the child's name: the ID's holder lives in this person's
            # dwelling (the registry says who lives where)
            _level('"id_holder_house_l" = "house_id_r"', "the ID of someone registered in the same dwelling"),
            _level('"id_birth_l" = "id_birth_r"', "different ID, same birth date"),
        ),
        _comparison(
            "name", "full name: exact (frequency-adjusted), homophone, one character off",
            _level('"name_py_l" IS NULL OR "name_py_r" IS NULL', "no full name", null=True),
            _exact("name_clean", "name equal", tf=True),
            _level('"name_py_l" = "name_py_r"', "name sounds the same (pinyin)"),
            _level('length("name_clean_l") = length("name_clean_r") '
                   'AND levenshtein("name_clean_l", "name_clean_r") = 1', "name one character off"),
            _level('"surname_py_l" = "surname_py_r"', "same surname, different given name"),
        ),
        # Hotline callers often give only 王女士: a comparison of its own, active only for
        # them, so that its weights are learnt from them and not mixed into the full-name ones.
        _comparison(
            "surname", "surname of a caller who gave only surname and title (王女士)",
            _level('"name_py_l" IS NOT NULL OR "surname_py_l" IS NULL OR "surname_py_r" IS NULL',
                   "a full name was given, or no surname", null=True),
            _level('"surname_py_l" = "surname_py_r"', "surname agrees"),
        ),
        _comparison(
            "phone", "mobile phone (frequency-adjusted: households share phones)",
            _null("phone"),
            _exact("phone", "phone equal", tf=True),
            _level('levenshtein("phone_l", "phone_r") = 1', "phone one digit off"),
        ),
        _comparison(
            "gender", "gender from the ID (or the record's own field)",
            _null("gender"),
            _exact("gender"),
        ),
        # 周先生 says the caller is a man: a title is seldom wrong, unlike a household phone,
        # whose EM mixes in the relatives sharing it. m fixed from that knowledge, not learnt.
        {"output_column_name": "title_gender", "comparison_description":
            "the gender of a caller's title (先生/女士) against the person's",
         "comparison_levels": [
             _level('"title_gender_l" IS NULL OR "title_gender_r" IS NULL', "no title", null=True),
             {**_level('"title_gender_l" <> "title_gender_r"', "the title's gender differs"),
              "m_probability": 0.01, "fix_m_probability": True},
             {**_level("ELSE", "the title's gender agrees"), "m_probability": 0.99, "fix_m_probability": True},
         ]},
        # The one who rings the hotline is, nearly always, an adult: in a household sharing
        # one phone, 周先生 is the father, not the nine-year-old son.
        {"output_column_name": "caller_age", "comparison_description":
            "a hotline caller against the person's age on the day of the call",
         "comparison_levels": [
             _level('NOT coalesce("caller_l", false) OR "event_date_l" IS NULL OR "birth_date_r" IS NULL',
                    "not a caller, or no dates", null=True),
             # m fixed, not learnt: EM on shared household phones cannot tell the caller from
             # the child beside them. The assumption (about 1 call in 200 to a grid hotline is
             # a minor's) is real-world knowledge, not a habit of any generator; it costs a
             # minor about -4.4 bits against an adult.
             {**_level('"birth_date_r" > "event_date_l" - INTERVAL 18 YEAR', "the person would be a minor"),
              "m_probability": 0.005, "fix_m_probability": True},
             {**_level("ELSE", "an adult"), "m_probability": 0.995, "fix_m_probability": True},
         ]},
        _home_comparison("home", "record address against the registered dwelling (self-reports, "
                         "checkpoint: where the person lives)", 'NOT coalesce("caller_l", false)'),
        _home_comparison("home_hotline", "the hotline matter's address against the caller's registered "
                         "dwelling (the matter is at or near the caller's home)", 'coalesce("caller_l", false)'),
    ),
    blocking_rules=(
        'l."id_key" = r."id_key"',
        'l."phone" = r."phone"',
        'l."name_py" = r."name_py" AND l."id_birth" = r."id_birth"',
        'l."name_py" = r."name_py" AND l."id_tail" = r."id_tail"',
        'l."name_py" = r."name_py" AND l."road" = r."road" AND l."number" = r."number"',
        # a neighbour who calls by full name from a landline lives in the lane reported
        'l."name_py" = r."name_py" AND l."road" = r."road" AND l."lane" = r."lane"',
        'l."name_py" = r."name_py" AND l."community" = r."community"',
        'l."name_py" = r."name_py" AND l."village" = r."village"',
        'l."name_py" = r."name_py" AND l."phone_tail" = r."phone_tail"',
        # the name of a member of the household whose ID the record carries
        'l."id_holder_house" = r."house_id" AND l."name_py" = r."name_py"',
        # a caller known by surname only, whose phone is one digit off: the digit is either
        # in the first seven or in the last four
        'l."name_py" IS NULL AND l."surname_py" = r."surname_py" AND l."phone_head" = r."phone_head"',
        'l."name_py" IS NULL AND l."surname_py" = r."surname_py" AND l."phone_tail" = r."phone_tail"',
    ),
    # Each session leaves out the comparisons its rule uses. The ID session teaches the
    # full-name, phone, gender and home levels; phone + name teaches the ID levels; phone
    # among records without an ID (the hotline's callers) teaches the surname-only levels
    # of 王女士 callers, the callers' ages and the hotline's home levels. That last session
    # also holds relatives sharing the household phone, so it must not teach the full-name
    # levels (it names name_clean to leave them out): EM would learn there that a
    # different given name is common among matches.
    training_rules=(
        'l."id_key" = r."id_key"',
        'l."phone" = r."phone" AND l."name_py" = r."name_py"',
        'l."phone" = r."phone" AND l."id_key" IS NULL AND (l."name_clean" IS NULL OR true)',
    ),
    deterministic_rules=(
        'l."id_key" = r."id_key" AND l."name_clean" = r."name_clean"',
    ),
    deterministic_recall=0.7,
    tf_columns=("name_clean", "phone"),
    retain_columns=("house_id", "committee_code"),
)

SPECS: dict[str, ModelSpec] = {s.name: s for s in (ADDRESS_SPEC, PERSON_SPEC)}
