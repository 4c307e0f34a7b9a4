"""World variations: deterministic, their documented rates achieved, and the clerk's
reasoning they need (estates without their phase, 路 left out, the thorough clerk)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from streetlink.errors import StreetlinkError
from streetlink.synth import generate, rates
from streetlink.synth.addresses import Written
from streetlink.synth.clerk import RegistryIndex
from streetlink.synth.identity import Evidence
from streetlink.synth.people import PHONE_SHARED_SHARE
from streetlink.synth.placeable import committees_for
from streetlink.synth.variations import Habits, habits_for, parse_variations

from .test_synth_placeable import B, addr, make_geo

DATE = dt.date(2026, 11, 24)
VARIED = ("dirty_registry", "phased_estates", "shared_phones", "sloppy", "movers", "travel")


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_variation_names_parse_and_unknown_ones_fail():
    assert parse_variations(None) == parse_variations("base") == ()
    assert parse_variations("movers,sloppy") == ("sloppy", "movers")  # canonical order
    assert parse_variations(["travel", "sloppy+movers"]) == ("sloppy", "movers", "travel")
    with pytest.raises(StreetlinkError, match="unknown variation"):
        parse_variations("messy")
    assert set(rates.VARIATIONS) == set(rates.VARIATION_NAMES)


def test_the_base_habits_are_the_documented_base_rates():
    h = habits_for(None)
    assert h.names == () and h.label == "base"
    assert h.address == rates.ADDRESS and h.identity == rates.IDENTITY
    assert h.hotline == rates.HOTLINE and h.category_shares == rates.CATEGORY_SHARES
    assert (h.mover_share, h.outmover_share) == (rates.MOVER_SHARE, rates.OUTMOVER_SHARE)
    assert h.phone_shared_share == PHONE_SHARED_SHARE == Habits().phone_shared_share
    # a variation never edits the module's rates
    habits_for(VARIED)
    assert rates.ADDRESS["checkpoint"].get("road_suffix_dropped") is None


def test_every_variation_is_deterministic_and_changes_the_world(tmp_path):
    a = generate("tiny", 3, tmp_path / "a", variation=VARIED, start_date=DATE)
    b = generate("tiny", 3, tmp_path / "b", variation=",".join(VARIED), start_date=DATE)
    base = generate("tiny", 3, tmp_path / "base", start_date=DATE)
    da, db, dbase = _digests(a.out_dir), _digests(b.out_dir), _digests(base.out_dir)
    assert da == db
    assert a.variation == "+".join(VARIED) and base.variation == "base"
    assert "reference/key_areas.csv" in da and "reference/key_areas.csv" not in dbase
    assert all(da[k] != dbase[k] for k in dbase if not k.startswith("registry/admin"))


# ------------------------------------------------------------ rates on small, per variation
@pytest.fixture(scope="module")
def worlds(tmp_path_factory, load):
    """One small world per variation (seed 1), each generated once."""
    cache: dict[str, tuple] = {}

    def get(name: str):
        if name not in cache:
            root = tmp_path_factory.mktemp(name)
            summary = generate(
                "small", 1, root, variation=None if name == "base" else name, start_date=DATE
            )
            cache[name] = (summary, load(root))
        return cache[name]

    return get


def _tol(p: float, n: int) -> float:
    return 4 * math.sqrt(max(p * (1 - p), 0.01) / n) + 0.01


def _share(con, code: str, where: str) -> tuple[float, int]:
    n, share = con.execute(
        f"SELECT count(*), avg(list_contains(messiness, '{code}')::INT) FROM truth WHERE {where}"
    ).fetchall()[0]
    return share or 0.0, n


def _near(con, code: str, where: str, expected: float) -> None:
    share, n = _share(con, code, where)
    assert n >= 40, (code, n)
    assert abs(share - expected) <= _tol(expected, n), (code, share, expected, n)


def test_base_truth_has_no_variation_codes(worlds):
    _, con = worlds("base")
    codes = {r[0] for r in con.execute("SELECT DISTINCT unnest(messiness) FROM truth").fetchall()}
    new = {
        "writer_sloppy",
        "addr_phase_dropped",
        "phone_household",
        "reg_road_dirty",
        "travel_key_area",
        "symptoms_reported",
        "outside_town_pudong_road",
    }
    assert not codes & new
    assert (
        con.execute("SELECT count(*) FROM truth WHERE true_key_area_trip IS NOT NULL").fetchall()[
            0
        ][0]
        == 0
    )


def test_dirty_registry_rates(worlds):
    _, base = worlds("base")
    _, con = worlds("dirty_registry")
    v = rates.VARIATIONS["dirty_registry"]
    con.register(
        "h0", base.sql("SELECT house_id, road, community_name FROM housing").to_arrow_table()
    )
    con.register("t0", base.sql("SELECT * FROM truth").to_arrow_table())
    road, comm = con.execute(
        "SELECT avg((h.road <> c.road)::INT) FILTER (WHERE c.road IS NOT NULL), "
        "avg((h.community_name <> c.community_name)::INT) FILTER (WHERE c.community_name IS NOT NULL) "
        "FROM housing h JOIN h0 c USING (house_id)"
    ).fetchall()[0]
    # per building: the dwelling share wanders with building sizes, so a wider band
    assert 0.5 * v["road_dirty_buildings"] <= road <= 1.6 * v["road_dirty_buildings"]
    assert 0.5 * v["community_variant_buildings"] <= comm <= 1.6 * v["community_variant_buildings"]
    # the places are the same: only the road/community fields and std_address were dirtied
    assert (
        con.execute(
            "SELECT count(*) FROM housing h JOIN h0 c USING (house_id) "
            "WHERE h.road IS DISTINCT FROM c.road AND h.road NOT LIKE '%' || c.road || '%'"
        ).fetchall()[0][0]
        == 0
    )
    odd = con.execute(
        "SELECT avg((NOT regexp_full_match(phone, '1\\d{10}'))::INT) FROM population "
        "WHERE phone IS NOT NULL"
    ).fetchall()[0][0]
    assert abs(odd - v["population_phone_odd"]) <= 0.01
    digits = con.execute(
        "SELECT count(*) FROM population WHERE phone IS NOT NULL AND NOT "
        "regexp_full_match(regexp_replace(regexp_replace(phone, '\\.0$', ''), "
        "'^(\\+?86)|[^0-9]', '', 'g'), '1\\d{10}')"
    ).fetchall()[0][0]
    assert digits == 0  # every odd phone still holds its 11 digits
    seen = {r[0] for r in con.execute("SELECT DISTINCT unnest(messiness) FROM truth").fetchall()}
    assert {
        "reg_road_dirty",
        "reg_community_variant",
        "reg_std_inconsistent",
        "reg_phone_format",
    } <= seen
    # the records and their truth (bar the reg_ codes) are the base world's, clerk aside
    same = con.execute(
        "SELECT count(*) FROM truth t JOIN t0 USING (record_id) WHERE t.placeable = t0.placeable "
        "AND t.true_committee_code IS NOT DISTINCT FROM t0.true_committee_code "
        "AND list_filter(t.messiness, lambda x: NOT starts_with(x, 'reg_')) = t0.messiness"
    ).fetchall()
    assert same[0][0] >= 2990


def test_phased_estates_rates(worlds):
    _, con = worlds("phased_estates")
    v = rates.VARIATIONS["phased_estates"]
    phases = con.execute(
        "SELECT regexp_extract(community_name, '^(.*?)(一期|二期|三期|四期|[东西南北ABCD]区)$', 1) e, "
        "count(DISTINCT community_name) n, count(DISTINCT committee_code) c FROM housing "
        "WHERE regexp_matches(community_name, '(一期|二期|三期|四期|[东西南北ABCD]区)$') "
        "GROUP BY e, street_code"
    ).fetchall()
    assert len(phases) >= 10
    # 2-4 phases each (a lone phase name elsewhere: the name reused by another street's estate)
    assert sum(2 <= n <= 4 for _, n, _ in phases) >= 0.9 * len(phases)
    assert sum(c > 1 for *_, c in phases) >= 3  # an estate spanning several committees
    numbered = con.execute(
        "SELECT count(DISTINCT community_name) FROM housing "
        "WHERE regexp_matches(community_name, '\\d+(弄|号)小区$')"
    ).fetchall()[0][0]
    assert numbered >= 3
    villages = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT village FROM housing WHERE village IS NOT NULL"
        ).fetchall()
    }
    estates = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT community_name FROM housing WHERE community_name LIKE '%村'"
        ).fetchall()
    }
    assert villages & estates  # an urban estate named exactly like a village
    named = (
        "list_has_any(messiness, ['addr_community_for_road', 'addr_community_paren', "
        "'addr_community_prefix', 'addr_community_only'])"
    )
    _near(
        con,
        "addr_phase_dropped",
        f"list_contains(messiness, 'place_phased_estate') AND {named}",
        v["phase_dropped"],
    )


def test_shared_phones_rates(worlds):
    _, base = worlds("base")
    _, con = worlds("shared_phones")
    v = rates.VARIATIONS["shared_phones"]
    sql = (
        "SELECT avg((n_phone < n)::INT) FROM (SELECT house_id, count(*) n, count(DISTINCT phone) "
        "n_phone FROM population WHERE phone IS NOT NULL AND house_id IS NOT NULL GROUP BY 1 "
        "HAVING count(*) >= 2)"
    )
    assert con.execute(sql).fetchall()[0][0] > base.execute(sql).fetchall()[0][0] + 0.25
    hotline = "source = 'hotline' AND NOT list_contains(messiness, 'name_blank')"
    _near(
        con,
        "name_honorific",
        f"{hotline} AND NOT list_contains(messiness, 'caller_neighbour_landline')",
        v["honorific"] * 0.97,
    )  # ~3 % of callers have a non-Han name
    _near(
        con,
        "place_neighbour",
        "source = 'hotline' AND category IN ('resident_at_home', 'moved_within_pudong', 'newcomer')",
        v["relation"]["neighbour"],
    )
    _near(
        con,
        "caller_neighbour_landline",
        "list_contains(messiness, 'place_neighbour')",
        v["neighbour_full_name_landline"],
    )
    compound = con.execute(
        "SELECT avg((left(name, 2) IN ('欧阳', '司马', '诸葛', '上官', '司徒', "
        "'东方', '夏侯', '皇甫', '尉迟', '公孙'))::INT) FROM population"
    ).fetchall()[0][0]
    base_compound = base.execute(
        "SELECT avg((left(name, 2) IN ('欧阳', '司马', '诸葛', '上官', "
        "'司徒', '东方', '夏侯', '皇甫', '尉迟', '公孙'))::INT) FROM population"
    ).fetchall()[0][0]
    assert compound > 3 * base_compound
    seen = {r[0] for r in con.execute("SELECT DISTINCT unnest(messiness) FROM truth").fetchall()}
    assert {"phone_household", "caller_neighbour_landline"} <= seen


def test_sloppy_rates(worlds):
    _, con = worlds("sloppy")
    h = habits_for("sloppy")
    v = rates.VARIATIONS["sloppy"]
    for source, share in v["sloppy_share"].items():
        _near(con, "writer_sloppy", f"source = '{source}'", share)
    dwelling = (
        "category IN ('resident_at_home', 'moved_within_pudong', 'newcomer') "
        "AND NOT list_contains(messiness, 'same_person_other_source')"
    )
    _near(
        con,
        "id_typo",
        "source IN ('checkpoint', 'healthcloud')",
        h.expected("checkpoint", "identity", "id_typo"),
    )
    _near(
        con,
        "addr_missing_room",
        f"source = 'checkpoint' AND {dwelling} AND true_house_id IN "
        "(SELECT house_id FROM housing WHERE room IS NOT NULL)",
        h.expected("checkpoint", "address", "missing_room"),
    )
    share = v["sloppy_share"]["hotline"]
    hint = v["hint"]["hotline"]
    _near(
        con,
        "hint_blank",
        "source = 'hotline' AND category <> 'outside_pudong'",
        share * hint["sloppy"][0] + (1 - share) * hint["careful"][0],
    )
    outside = "category = 'outside_pudong' AND list_contains(messiness, 'outside_shanghai')"
    _near(con, "outside_town_pudong_road", outside, v["outside_town_pudong_road"])
    # 路 left out: still placeable when the completed road has that door
    dropped = con.execute(
        "SELECT count(*), avg(placeable::INT) FROM truth "
        "WHERE list_contains(messiness, 'addr_road_suffix_dropped')"
    ).fetchall()[0]
    assert dropped[0] >= 40 and dropped[1] > 0.8
    assert (
        con.execute(f"SELECT count(*) FROM truth WHERE {outside} AND placeable").fetchall()[0][0]
        == 0
    )


def test_movers_rates(worlds):
    _, con = worlds("movers")
    shares = rates.VARIATIONS["movers"]["category_shares"]
    counts = dict(con.execute("SELECT source, count(*) FROM truth GROUP BY 1").fetchall())
    for source, category, n in con.execute(
        "SELECT source, category, count(*) FROM truth GROUP BY ALL"
    ).fetchall():
        p = shares[source][category]
        assert abs(n / counts[source] - p) <= _tol(p, counts[source]), (source, category)
    # a vague address hides a mover about half the time: rarely placeable through the person
    vague = con.execute(
        "SELECT avg(placeable::INT) FROM truth WHERE category = 'vague_address'"
    ).fetchall()[0][0]
    _, base = worlds("base")
    assert (
        vague
        < base.execute(
            "SELECT avg(placeable::INT) FROM truth WHERE category = 'vague_address'"
        ).fetchall()[0][0]
        - 0.1
    )


def test_travel_key_areas_and_truth(worlds):
    summary, con = worlds("travel")
    v = rates.VARIATIONS["travel"]
    with (summary.out_dir / "reference" / "key_areas.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["province", "city", "county", "from_date", "to_date", "note"]
    assert len(rows) == v["key_counties"] + v["key_cities"]
    assert sum(not r["county"] for r in rows) == v["key_cities"]
    assert all(r["from_date"] <= r["to_date"] for r in rows)
    # the truth's flag and its code agree; a listed area outside its window does not count
    assert (
        con.execute(
            "SELECT count(*) FROM truth WHERE true_key_area_trip "
            "<> list_contains(messiness, 'travel_key_area')"
        ).fetchall()[0][0]
        == 0
    )
    assert (
        con.execute(
            "SELECT count(*) FROM truth WHERE true_key_area_trip "
            "AND list_contains(messiness, 'travel_key_area_outside_window')"
        ).fetchall()[0][0]
        == 0
    )
    trips = dict(
        con.execute(
            "SELECT source, avg(true_key_area_trip::INT) FROM truth "
            "WHERE true_key_area_trip IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    # at least the documented share (people from key areas also travel on their own)
    assert trips["checkpoint"] >= v["checkpoint_key_origin"] * v["trip_in_window"] - 0.01
    assert trips["healthcloud"] >= v["healthcloud_key_trip"] * v["trip_in_window"] * 0.7
    hc = con.execute(
        "SELECT avg(true_symptomatic::INT), count(*) FROM truth "
        "WHERE source = 'healthcloud' AND true_symptomatic IS NOT NULL"
    ).fetchall()[0]
    expected = (
        v["symptoms"] * (1 - v["healthcloud_key_trip"])
        + v["symptoms_key_trip"] * v["healthcloud_key_trip"]
    )
    assert abs(hc[0] - expected) <= _tol(expected, hc[1])
    hl = con.execute(
        "SELECT avg(true_symptomatic::INT), count(*) FROM truth WHERE source = 'hotline'"
    ).fetchall()[0]
    assert abs(hl[0] - v["hotline_symptoms"]) <= _tol(v["hotline_symptoms"], hl[1])
    assert (
        con.execute(
            "SELECT count(*) FROM truth WHERE source = 'checkpoint' AND true_symptomatic"
        ).fetchall()[0][0]
        == 0
    )


# ------------------------------------------------------------ the clerk's reasoning
def test_an_estate_named_without_its_phase_means_every_phase():
    geo = make_geo(
        [0, 0],
        [
            B("甲路", 10, 1, 0, "锦绣绿洲一期", floors=6),
            B("甲路", 20, 1, 1, "锦绣绿洲二期", floors=12),
        ],
    )
    geo.comm_estate = ["锦绣绿洲", "锦绣绿洲"]
    geo.comm_kind = ["phase", "phase"]
    geo.index()
    assert committees_for(geo, addr(community="锦绣绿洲", number=1, room=301)) == {0, 1}
    # only the second phase has a tenth floor: exactly one phase has that number + room
    assert committees_for(geo, addr(community="锦绣绿洲", number=1, room=1001)) == {1}
    assert committees_for(geo, addr(community="锦绣绿洲一期", number=1, room=301)) == {0}


def test_a_road_without_路_is_completed_to_the_roads_with_that_door():
    geo = make_geo(
        [0, 0, 1],
        [B("某康路", 258, 8, 0), B("某康东路", 12, 8, 1), B("某康公路", 258, 3, 2)],
    )
    assert committees_for(geo, addr(road="某康", lane=258, number=8, room=101)) == {0}
    assert committees_for(geo, addr(road="某康", number=8, room=101)) == {0, 1}
    assert geo.completed_roads("某康路") == []


def test_an_urban_estate_named_like_a_village_is_not_the_village():
    geo = make_geo(
        [0, 0],
        [B("甲路", 10, 3, 0, "红星村")],
        villages=(("红星", 1, (20, 20)),),
    )
    village = Written("village", village="红星", group=2, number=12)
    assert committees_for(geo, village) == {1}
    assert committees_for(geo, addr(community="红星村", number=3, room=602)) == {0}


def _people(names, male, births, phones, houses, households):
    """A tiny registry: one entry per person (households as contiguous blocks)."""
    from streetlink.synth.people import People

    n = len(names)
    hh = np.asarray(households)
    starts = np.array([int(np.flatnonzero(hh == h)[0]) for h in sorted(set(households))])
    sizes = np.array([int((hh == h).sum()) for h in sorted(set(households))])
    return People(
        person_id=np.array([f"P{i}" for i in range(n)]),
        surname=[x[0] if len(x) < 4 else x[:2] for x in names],
        given=[x[1:] if len(x) < 4 else x[2:] for x in names],
        name=list(names),
        style=np.zeros(n, np.int64),
        id_type=np.zeros(n, np.int64),
        id_number=[None] * n,
        region=np.zeros(n, np.int64),
        male=np.asarray(male),
        birth=np.array(births, dtype="datetime64[D]"),
        phone=np.asarray(phones, np.int64),
        own_phone=np.asarray(phones, np.int64),
        house=np.asarray(houses, np.int64),
        residence=np.zeros(n, np.int64),
        household=hh,
        hh_start=starts,
        hh_size=sizes,
    )


def test_the_thorough_clerk():
    # household 0 under one phone: 周建国 (m, 46), his wife, his son 周杰 (m, 9);
    # household 1: 周强 (m, 50) and 周伟 (m, 24) under another phone; 王芳 alone at dwelling 7
    people = _people(
        ["周建国", "李梅", "周杰", "周强", "周伟", "王芳"],
        [True, False, True, True, True, False],
        ["1980-03-01", "1982-05-01", "2017-06-01", "1976-01-01", "2002-01-01", "1990-01-01"],
        [13800000001, 13800000001, 13800000001, 13900000002, 13900000002, 0],
        [1, 1, 1, 2, 2, 7],
        [0, 0, 0, 1, 1, 2],
    )
    clerk = RegistryIndex(people)
    on = DATE
    zhou = Evidence(honorific=("周", True), phone_typed=13800000001)
    assert clerk.identify(zhou, on, 0) == 0  # the one adult 周 man under that phone
    assert clerk.identify(replace(zhou, phone_typed=13900000002), on, 3) is None  # two adults
    assert clerk.identify(replace(zhou, phone_typed=13800000007), on, 0) == 0  # one digit off
    # the father's ID under the son's name: the one member of the household with that name
    son = Evidence(id_person=0, name_written="周杰", name_exact=True)
    assert clerk.identify(son, on, 2) == 2
    assert clerk.identify(son, on, 2, thorough=False) == 0  # the basic clerk takes the ID's holder
    # a full name among the residents of the reported building (dwellings 6..8)
    wang = Evidence(name_written="王芳")
    assert clerk.by_name_in_units(wang, [(6, 3)]) == 5
    assert clerk.by_name_in_units(wang, [(0, 3)]) is None
    # the basic clerk: the own registry phone with a matching 周先生, no questions asked
    basic = Evidence(
        honorific=("周", True), honorific_ok=True, phone_registry=True, phone_typed=13900000002
    )
    assert clerk.identify(basic, on, 4, thorough=False) == 4
