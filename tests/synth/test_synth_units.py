"""Small pieces of the generator: numerals, IDs, normalisation, and address resolution."""

from __future__ import annotations

import random

import numpy as np
import pytest

from streetlink.synth import rates
from streetlink.synth.addresses import (
    Written,
    cn_cardinal,
    cn_digits,
    render_dwelling,
    to_fullwidth,
)
from streetlink.synth.geography import build_geography
from streetlink.synth.identity import normalise_id, normalise_name, phone_digits
from streetlink.synth.idnumbers import check_char, id15_from_id18, id18_from_parts, is_valid_id18
from streetlink.synth.placeable import candidate_committees, committees_for
from streetlink.synth.profiles import PROFILES


@pytest.mark.parametrize(
    "n, text",
    [
        (3, "三"),
        (10, "十"),
        (16, "十六"),
        (88, "八十八"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1005, "一千零五"),
        (2190, "二千一百九十"),
    ],
)
def test_cn_cardinal(n, text):
    assert cn_cardinal(n) == text


def test_cn_digits_and_fullwidth():
    assert cn_digits(1802) == "一八零二"
    assert cn_digits(602, "〇") == "六〇二"
    assert to_fullwidth("3-602#") == "３－６０２＃"


def test_id_check_character_follows_gb11643():
    # The worked example of the standard.
    assert check_char("11010519491231002") == "X"
    ids = id18_from_parts(
        np.array([310115, 340102]), np.array([19580312, 20010101]), np.array([2, 5])
    )
    assert all(is_valid_id18(x) for x in ids)
    assert not is_valid_id18(ids[0][:17] + ("0" if ids[0][17] != "0" else "1"))
    assert normalise_id(id15_from_id18("11010519491231002X")) == "11010519491231002X"
    assert normalise_id("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_name_and_phone_normalisation():
    assert normalise_name(" 黃 娟玉") == "黄娟玉"
    assert normalise_name("阿依古丽.买买提") == normalise_name("阿依古丽·买买提")
    assert phone_digits("+86 138 1234 5678") == "13812345678"
    assert phone_digits("86-13812345678") == "13812345678"


@pytest.fixture(scope="module")
def geo():
    return build_geography(PROFILES["small"], np.random.default_rng(3))


def test_a_full_address_resolves_to_its_committee_and_vague_ones_do_not(geo):
    rr = random.Random(1)
    clean = dict(rates.ADDRESS["checkpoint"])
    for key, value in clean.items():
        if isinstance(value, float):
            clean[key] = 0.0
    clean["prefix"] = {"浦东新区": 1}
    clean["rural_town_named"] = 1.0
    dwellings = list(range(0, geo.n_dwellings, 997))
    rendered = [render_dwelling(geo, d, rr, clean) for d in dwellings]
    found = candidate_committees(geo, [[r.written] for r in rendered])
    for d, r, f in zip(dwellings, rendered, found):
        assert f.committees == {int(geo.d_committee[d])}
        assert r.codes == []
        assert r.text == geo.std_address[d]
    assert len(committees_for(geo, Written("district"))) == len(geo.com_code)
    assert committees_for(geo, Written("outside")) == frozenset()


def test_a_missing_lane_is_ambiguous_when_the_number_repeats_on_the_road(geo):
    road_numbers = {}
    for b in range(geo.b_road.size):
        road_numbers.setdefault((int(geo.b_road[b]), int(geo.b_number[b])), set()).add(
            int(geo.b_committee[b])
        )
    (road, number), coms = next((k, v) for k, v in road_numbers.items() if len(v) > 1)
    w = Written("building", road=geo.road_name[road], road_true=road, number=number)
    assert committees_for(geo, w) == coms


def test_written_parts_are_what_the_text_says(geo):
    rr = random.Random(2)
    a = dict(rates.ADDRESS["checkpoint"])
    a["community_for_road"] = 1.0
    lane_buildings = np.flatnonzero((geo.b_lane >= 0) & (geo.b_community >= 0))
    for b in lane_buildings[:: max(1, lane_buildings.size // 40)].tolist():
        r = render_dwelling(geo, int(geo.b_first[b]), rr, a)
        # 锦绣华城4号602: the community stands for road and lane, so no lane is written
        assert r.written.road is None and r.written.lane is None
        assert r.written.community == geo.comm_name[geo.b_community[b]]
        assert "弄" not in r.text
    rural = int(np.flatnonzero(geo.d_village >= 0)[0])
    w = render_dwelling(geo, rural, rr, a).written
    assert w.level == "village" and w.group == int(geo.d_group[rural])
