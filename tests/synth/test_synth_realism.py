"""Realism invariants of the generated data, and rates close to the documented ones."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from streetlink.synth import rates
from streetlink.synth.geography import build_geography
from streetlink.synth.idnumbers import is_valid_id18
from streetlink.synth.measure import baseline_placement
from streetlink.synth.profiles import PROFILES


@pytest.fixture(scope="module")
def con(small_world, load):
    return load(small_world.out_dir)


def _one(con, sql):
    return con.execute(sql).fetchall()[0][0]


def test_resident_ids_are_valid_and_agree_with_birth_date_and_sex(con):
    rows = con.execute(
        "SELECT id_number, birth_date, gender FROM population "
        "WHERE id_type = '居民身份证' AND id_number IS NOT NULL"
    ).fetchall()
    assert len(rows) > 50_000
    for id_number, birth, gender in rows:
        assert is_valid_id18(id_number), id_number
        assert id_number[6:14] == birth.strftime("%Y%m%d")
        assert (int(id_number[16]) % 2 == 1) == (gender == "男")
    prefixes = {r[0][:6] for r in rows}
    assert {"310115", "310224", "310225", "310119"} <= prefixes  # Pudong, old Chuansha/Nanhui
    assert len({p for p in prefixes if not p.startswith("31")}) >= 100  # migrants' home counties


def test_every_dwelling_belongs_to_one_committee_of_its_street(con):
    assert (
        _one(
            con,
            "SELECT count(*) FROM housing h LEFT JOIN admin a USING (committee_code) "
            "WHERE a.street_code IS DISTINCT FROM h.street_code",
        )
        == 0
    )
    assert (
        _one(con, "SELECT count(*) FROM admin WHERE NOT starts_with(committee_code, street_code)")
        == 0
    )
    # NBS convention: residential committees 001-199, village committees 200-299
    assert (
        _one(
            con,
            """SELECT count(*) FROM housing WHERE (village IS NOT NULL)
                        <> (substr(committee_code, 10, 3)::INT >= 200)""",
        )
        == 0
    )
    assert (
        _one(con, "SELECT count(*) FROM admin WHERE substr(committee_code, 10, 3)::INT >= 300") == 0
    )


def test_addresses_look_real(con):
    urban = r"浦东新区[^\d]+?(路|大道|街|公路)(\d+弄)?\d+号(\d{3,4}室)?"
    rural = r"浦东新区[^\d]+?(街道|镇)[^\d]+村\d+组\d+号"
    assert (
        _one(
            con,
            f"SELECT count(*) FROM housing WHERE NOT regexp_full_match(std_address, '{urban}') "
            f"AND NOT regexp_full_match(std_address, '{rural}')",
        )
        == 0
    )
    assert _one(con, "SELECT count(DISTINCT std_address) = count(*) FROM housing")
    # a road crosses streets; directional variants exist; a community name recurs in two towns
    assert (
        _one(
            con,
            "SELECT count(*) FROM (SELECT road FROM housing WHERE road IS NOT NULL "
            "GROUP BY road HAVING count(DISTINCT street_code) > 1)",
        )
        >= 1
    )
    assert (
        _one(
            con,
            "SELECT count(DISTINCT road) FROM housing WHERE regexp_matches(road, '[东西南北中]路$')",
        )
        >= 5
    )
    rooms = con.execute("SELECT DISTINCT room FROM housing WHERE room IS NOT NULL").fetchall()
    assert all(int(r[0]) % 100 >= 1 and int(r[0]) // 100 >= 1 for r in rooms)


def test_same_road_and_number_with_and_without_a_lane():
    geo = build_geography(PROFILES["small"], np.random.default_rng(11))
    both = [
        k
        for k, bs in geo.buildings_by_road_number.items()
        if len({bool(geo.b_lane[b] >= 0) for b in bs}) > 1
    ]
    assert both


def test_households_twins_common_names_and_shared_phones(con):
    assert (
        _one(
            con,
            "SELECT count(*) FROM (SELECT house_id, birth_date, left(name, 1) FROM population "
            "WHERE house_id IS NOT NULL AND birth_date > DATE '1995-01-01' "
            "GROUP BY ALL HAVING count(*) >= 2)",
        )
        >= 20
    )
    top = con.execute(
        "SELECT name, count(*) FROM population GROUP BY 1 ORDER BY 2 DESC LIMIT 5"
    ).fetchall()
    assert top[0][1] >= 20 and all(len(n) == 2 for n, _ in top)  # ~3,000 each at full scale
    assert _one(con, "SELECT count(*) FROM population WHERE name LIKE '%·%'") >= 20
    assert (
        _one(
            con,
            "SELECT count(*) FROM population WHERE left(name, 2) IN ('欧阳', '司马', '诸葛', '上官', '司徒')",
        )
        >= 1
    )
    shared = _one(
        con,
        """SELECT avg((n_phone < n)::INT) FROM (SELECT house_id, count(*) n,
                          count(DISTINCT phone) n_phone FROM population WHERE phone IS NOT NULL
                          AND house_id IS NOT NULL GROUP BY 1 HAVING count(*) >= 2)""",
    )
    assert 0.20 <= shared <= 0.40
    assert (
        2.2
        <= _one(
            con,
            "SELECT count(*) / count(DISTINCT house_id) FROM population WHERE house_id IS NOT NULL",
        )
        <= 3.0
    )
    assert 0.01 <= _one(con, "SELECT avg((house_id IS NULL)::INT) FROM population") <= 0.03


def test_residence_types_and_documents(con):
    share = dict(
        con.execute(
            "SELECT residence_type, count(*) / sum(count(*)) OVER () FROM population GROUP BY 1"
        ).fetchall()
    )
    assert (
        0.50 <= share["户籍"] <= 0.62
        and 0.35 <= share["来沪"] <= 0.48
        and 0.005 <= share["境外"] <= 0.03
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM population WHERE residence_type = '境外' AND id_type = '居民身份证'",
        )
        == 0
    )
    assert _one(con, "SELECT count(*) FROM population WHERE id_type = '护照'") > 0
    assert (
        _one(
            con,
            "SELECT count(*) FROM population WHERE phone IS NOT NULL "
            "AND NOT regexp_full_match(phone, '1[3-9]\\d{9}')",
        )
        == 0
    )


def _tol(p: float, n: int) -> float:
    return 4 * math.sqrt(max(p * (1 - p), 0.01) / n) + 0.01


def test_categories_occur_at_their_documented_shares(con):
    counts = dict(con.execute("SELECT source, count(*) FROM truth GROUP BY 1").fetchall())
    for source, category, n in con.execute(
        "SELECT source, category, count(*) FROM truth GROUP BY ALL"
    ).fetchall():
        p = rates.CATEGORY_SHARES[source][category]
        assert abs(n / counts[source] - p) <= _tol(p, counts[source]), (source, category)
    assert len(con.execute("SELECT DISTINCT category FROM truth").fetchall()) == 5


@pytest.mark.parametrize(
    "code, where, expected",
    [
        ("name_blank", "source = 'checkpoint'", rates.IDENTITY["checkpoint"]["name_blank"]),
        (
            "name_honorific",
            "source = 'hotline' AND NOT list_contains(messiness, 'name_blank')",
            rates.HOTLINE["honorific"],
        ),
        ("phone_landline", "source = 'hotline'", rates.IDENTITY["hotline"]["phone_landline"]),
        (
            "hint_blank",
            "source = 'hotline' AND category <> 'outside_pudong'",
            rates.HOTLINE["hint_blank"],
        ),
        (
            "hint_blank",
            "source = 'healthcloud' AND category <> 'outside_pudong'",
            rates.HEALTHCLOUD["street_empty"],
        ),
        ("time_text", "source = 'hotline'", rates.HOTLINE["time_text"]),
        (
            "place_neighbour",
            (
                "source = 'hotline' AND category IN ('resident_at_home', 'moved_within_pudong', 'newcomer')"
            ),
            rates.HOTLINE["relation"]["neighbour"],
        ),
        (
            "addr_community_for_road",
            "source = 'checkpoint' AND community_name IS NOT NULL AND {dw}",
            rates.ADDRESS["checkpoint"]["community_for_road"],
        ),
        (
            "addr_missing_room",
            "source IN ('checkpoint', 'healthcloud') AND room IS NOT NULL AND {dw}",
            rates.ADDRESS["checkpoint"]["missing_room"],
        ),
        (
            "addr_street_named",
            "source = 'healthcloud' AND village IS NULL AND {dw}",
            rates.ADDRESS["healthcloud"]["street_named"],
        ),
        (
            "addr_rural_no_town",
            "source IN ('checkpoint', 'healthcloud') AND village IS NOT NULL AND {dw}",
            1 - rates.ADDRESS["checkpoint"]["rural_town_named"],
        ),
        (
            "addr_cn_numerals",
            "source IN ('checkpoint', 'healthcloud') AND village IS NULL AND {dw}",
            rates.ADDRESS["checkpoint"]["cn_numerals"],
        ),
        ("id_missing", "source = 'healthcloud'", rates.IDENTITY["healthcloud"]["id_missing"]),
        (
            "id_typo",
            "source IN ('checkpoint', 'healthcloud')",
            rates.IDENTITY["checkpoint"]["id_typo"],
        ),
        ("phone_format", "source = 'checkpoint'", rates.IDENTITY["checkpoint"]["phone_format"]),
    ],
)
def test_messiness_occurs_at_roughly_its_documented_rate(con, code, where, expected):
    dwelling = (
        "category IN ('resident_at_home', 'moved_within_pudong', 'newcomer') "
        "AND NOT list_contains(messiness, 'same_person_other_source')"
    )
    sql = f"""SELECT count(*), avg(list_contains(messiness, '{code}')::INT)
              FROM truth t LEFT JOIN housing h ON h.house_id = t.true_house_id
              WHERE {where.format(dw=dwelling)}"""
    n, observed = con.execute(sql).fetchall()[0]
    assert n >= 100
    # roughly: the kind competes with others for the same field, so allow a band around the rate
    assert expected * 0.6 - 0.01 <= observed <= expected * 1.5 + 0.01, (code, observed, expected)


def test_every_documented_messiness_kind_occurs(con):
    seen = {r[0] for r in con.execute("SELECT DISTINCT unnest(messiness) FROM truth").fetchall()}
    expected = {
        "name_blank",
        "name_honorific",
        "name_homophone",
        "name_lookalike",
        "name_traditional",
        "name_spaces",
        "name_pinyin",
        "id_missing",
        "id_typo",
        "id_transposition",
        "id_15digit",
        "id_lower_x",
        "id_fullwidth",
        "id_spaces",
        "id_other_person",
        "id_type_variant",
        "phone_missing",
        "phone_format",
        "phone_typo",
        "phone_new",
        "phone_landline",
        "addr_prefix_none",
        "addr_prefix_variant",
        "addr_street_named",
        "addr_street_alias",
        "addr_old_county",
        "addr_shorthand",
        "addr_cn_numerals",
        "addr_community_for_road",
        "addr_community_paren",
        "addr_community_prefix",
        "addr_road_homophone",
        "addr_extra_words",
        "addr_missing_room",
        "addr_missing_lane",
        "addr_rural_no_cun",
        "addr_rural_dui",
        "addr_rural_cn_group",
        "addr_rural_no_hao",
        "addr_rural_no_town",
        "addr_fullwidth",
        "addr_spaces",
        "addr_traditional",
        "addr_punct",
        "addr_community_only",
        "place_neighbour",
        "place_building",
        "place_community",
        "hint_blank",
        "hint_wrong",
        "hint_short",
        "cell_numeric_id",
        "cell_numeric_phone",
        "time_text",
        "vague_district",
        "vague_town",
        "vague_road",
        "outside_shanghai",
        "outside_province",
        "same_person_other_source",
    }
    assert expected <= seen, expected - seen


def test_truth_is_consistent_with_the_placeable_rule(con):
    # where the place is is known whether or not the writing lets a clerk find it
    unset = "SELECT count(*) FROM truth WHERE placeable AND true_committee_code IS NULL"
    assert _one(con, unset) == 0
    assert (
        _one(
            con,
            "SELECT count(*) FROM truth WHERE NOT placeable AND true_committee_code IS NOT NULL",
        )
        > 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM truth WHERE category = 'outside_pudong' AND "
            "(placeable OR true_street_code IS NOT NULL OR true_house_id IS NOT NULL)",
        )
        == 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM truth WHERE category = 'vague_address' AND true_house_id IS NULL",
        )
        == 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM truth WHERE NOT starts_with(true_committee_code, true_street_code)",
        )
        == 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM truth t JOIN housing h ON h.house_id = t.true_house_id "
            "WHERE h.committee_code IS DISTINCT FROM t.true_committee_code",
        )
        == 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM truth t LEFT JOIN population p ON p.person_id = t.true_person_id "
            "WHERE t.true_person_id IS NOT NULL AND p.person_id IS NULL",
        )
        == 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM truth WHERE category = 'newcomer' AND true_person_id IS NOT NULL",
        )
        == 0
    )
    placeable = _one(con, "SELECT avg(placeable::INT) FROM truth")
    assert 0.75 <= placeable <= 0.92
    # a vague address is placeable only through the person: some are, some are not
    assert (
        0.3
        <= _one(con, "SELECT avg(placeable::INT) FROM truth WHERE category = 'vague_address'")
        <= 0.8
    )


def test_truth_says_when_the_written_identity_finds_the_person(con):
    assert _one(con, "SELECT count(*) FROM truth "
                     "WHERE (person_identifiable IS NULL) <> (true_person_id IS NULL)") == 0
    # the hotline has no ID column: 王女士 with a landline, a new number or none finds nobody
    assert _one(con, "SELECT count(*) FROM truth WHERE source = 'hotline' AND person_identifiable "
                     "AND list_contains(messiness, 'name_honorific') "
                     "AND list_has_any(messiness, ['phone_landline', 'phone_new', 'phone_missing'])") == 0
    share = dict(con.execute(
        "SELECT source, avg(person_identifiable::INT) FROM truth "
        "WHERE true_person_id IS NOT NULL GROUP BY source").fetchall())
    # the checkpoint's ID column identifies nearly everyone; the hotline's callers far fewer
    assert share["checkpoint"] > 0.95
    assert 0.5 < share["hotline"] < share["healthcloud"] < share["checkpoint"]


def test_data_is_messy_enough_that_exact_lookups_place_about_half(small_world):
    result = baseline_placement(small_world.out_dir, dt.date(2026, 11, 24).isoformat())
    assert 0.40 <= result["all"]["right_of_placeable"] <= 0.62
    assert result["all"]["wrong"] > 0  # stale registry homes mislead an exact ID look-up
