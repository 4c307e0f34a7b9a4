"""The placeable rule on tiny hand-built registries: the committees consistent with every
written part, the readings of a misspelt road or village, and the decision."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import numpy as np
import pytest

from streetlink.synth import rates, vocab
from streetlink.synth.addresses import Written, render_dwelling
from streetlink.synth.geography import Geography, build_geography
from streetlink.synth.placeable import Case, candidate_committees, committees_for, decide
from streetlink.synth.profiles import PROFILES


@dataclass(frozen=True)
class B:
    """A building of the hand-built registry (lane None: a road-front building)."""

    road: str
    lane: int | None
    number: int
    committee: int
    community: str | None = None
    floors: int = 6
    rooms_per_floor: int = 4


def make_geo(
    committee_streets: list[int],
    buildings: list[B],
    villages: tuple[tuple[str, int, tuple[int, ...]], ...] = (),
) -> Geography:
    """A Geography with the given committees (their street indices), buildings and
    villages (stem + 村, committee, houses per group); communities are keyed by name and
    street, so one name in two streets is two communities."""
    roads = sorted({b.road for b in buildings})
    comms: list[tuple[str, int]] = []
    for b in buildings:
        key = (b.community, committee_streets[b.committee])
        if b.community is not None and key not in comms:
            comms.append(key)
    b_comm = [
        comms.index((b.community, committee_streets[b.committee])) if b.community else -1
        for b in buildings
    ]
    count = np.array([b.floors * b.rooms_per_floor for b in buildings], dtype=np.int64)
    first = np.cumsum(count) - count
    d_b = np.repeat(np.arange(len(buildings)), count)
    k = np.arange(d_b.size) - first[d_b]
    rpf = np.array([b.rooms_per_floor for b in buildings], dtype=np.int64)[d_b]
    room = (k // rpf + 1) * 100 + k % rpf + 1
    v_idx, v_grp, v_num = [], [], []
    for v, (_, _, houses) in enumerate(villages):
        for g, h in enumerate(houses, start=1):
            v_idx += [v] * h
            v_grp += [g] * h
            v_num += list(range(1, h + 1))
    n_rural = len(v_idx)
    b_com = np.array([b.committee for b in buildings], dtype=np.int64)
    vil_com = np.array([c for _, c, _ in villages], dtype=np.int64)
    d_com = np.concatenate([b_com[d_b], vil_com[np.array(v_idx, dtype=np.int64)]])
    com_street = np.array(committee_streets, dtype=np.int64)
    n = d_com.size
    geo = Geography(
        streets=vocab.streets(),
        com_code=[f"C{i:03d}" for i in range(len(committee_streets))],
        com_name=[f"C{i}" for i in range(len(committee_streets))],
        com_street=com_street,
        com_is_village=np.isin(np.arange(len(committee_streets)), vil_com),
        road_name=roads,
        road_streets=[tuple(sorted({committee_streets[b.committee] for b in buildings}))]
        * len(roads),
        comm_name=[c for c, _ in comms],
        comm_street=[s for _, s in comms],
        vil_name=[stem + "村" for stem, _, _ in villages],
        vil_committee=[c for _, c, _ in villages],
        b_road=np.array([roads.index(b.road) for b in buildings], dtype=np.int64),
        b_lane=np.array([-1 if b.lane is None else b.lane for b in buildings], dtype=np.int64),
        b_number=np.array([b.number for b in buildings], dtype=np.int64),
        b_committee=b_com,
        b_community=np.array(b_comm, dtype=np.int64),
        b_floors=np.array([b.floors for b in buildings], dtype=np.int64),
        b_rpf=np.array([b.rooms_per_floor for b in buildings], dtype=np.int64),
        b_has_room=np.ones(len(buildings), dtype=bool),
        b_first=first,
        b_count=count,
        d_committee=d_com,
        d_street=com_street[d_com],
        d_building=np.concatenate([d_b, np.full(n_rural, -1)]),
        d_room=np.concatenate([room, np.full(n_rural, -1)]),
        d_village=np.concatenate([np.full(d_b.size, -1), np.array(v_idx, dtype=np.int64)]),
        d_group=np.concatenate([np.zeros(d_b.size, np.int64), np.array(v_grp, dtype=np.int64)]),
        d_number=np.concatenate(
            [
                np.array([b.number for b in buildings], dtype=np.int64)[d_b],
                np.array(v_num, dtype=np.int64),
            ]
        ),
        house_id=np.array([f"H{i:010d}" for i in range(n)]),
        std_address=[""] * n,
    )
    geo.index()
    return geo


def addr(level: str = "dwelling", **parts) -> Written:
    return Written(level, **parts)


# ------------------------------------------------------------ the committees a text allows


def test_community_and_road_without_lane_江南新村杨高路1号():
    # 杨高路 has three lanes with a building 1 and a road-front 杨高路1号, in four committees;
    # only one building 1 on 杨高路 is in 江南新村.
    geo = make_geo(
        [0, 0, 0, 0],
        [
            B("杨高路", 1251, 1, 0, "江南新村"),
            B("杨高路", 1251, 2, 0, "江南新村"),
            B("杨高路", 88, 1, 1, "锦绣花园"),
            B("杨高路", 460, 1, 2, "兰园二村"),
            B("杨高路", None, 1, 3),
        ],
    )
    w = addr("building", road="杨高路", number=1, community="江南新村")
    assert committees_for(geo, w) == {0}
    assert committees_for(geo, replace(w, community=None)) == {0, 1, 2, 3}  # 杨高路1号


def test_road_with_community_in_brackets_巨野路_紫薇新村_1号401室():
    geo = make_geo(
        [0, 0],
        [B("巨野路", 100, 1, 0, "紫薇新村"), B("巨野路", 300, 1, 1, "东方城")],
    )
    w = addr(road="巨野路", community="紫薇新村", number=1, room=401)
    assert committees_for(geo, w) == {0}
    assert committees_for(geo, replace(w, community=None)) == {0, 1}


def test_community_before_road_安居新村云鹃公路3号303室():
    geo = make_geo(
        [0, 1, 1],
        [
            B("云鹃公路", 12, 3, 0, "安居新村"),
            B("云鹃公路", 1500, 3, 1, "海富花园"),
            B("云鹃公路", None, 3, 2),
        ],
    )
    w = addr(road="云鹃公路", community="安居新村", number=3, room=303)
    assert committees_for(geo, w) == {0}


def test_community_in_three_committees_only_one_has_the_room_汇豪家园1号201室():
    # 汇豪家园 is split between committees 0 (buildings 1-2) and 1 (buildings 3-4) of one
    # street, and a 汇豪家园 of another street (committee 2) has a low building 1.
    geo = make_geo(
        [0, 0, 1],
        [
            B("东阿路", 487, 1, 0, "汇豪家园"),
            B("东阿路", 487, 2, 0, "汇豪家园"),
            B("东阿路", 487, 3, 1, "汇豪家园"),
            B("东阿路", 487, 4, 1, "汇豪家园"),
            B("惠南路", 20, 1, 2, "汇豪家园", floors=1),
        ],
    )
    assert committees_for(geo, addr(community="汇豪家园", number=1, room=201)) == {0}
    assert committees_for(geo, addr(community="汇豪家园", number=1, room=101)) == {0, 2}
    assert committees_for(geo, addr("community", community="汇豪家园")) == {0, 1, 2}


def test_a_lane_missing_where_several_lanes_have_the_number_崂山南路2号():
    geo = make_geo(
        [0, 0],
        [B("崂山南路", 10, 2, 0, "崂山一村"), B("崂山南路", 200, 2, 1, "崂山二村")],
    )
    assert committees_for(geo, addr("building", road="崂山南路", number=2)) == {0, 1}
    assert committees_for(geo, addr("building", road="崂山南路", lane=200, number=2)) == {1}


def test_a_room_counts_only_when_it_exists_居里路1号603室():
    geo = make_geo(
        [0, 0],
        [
            B("居里路", 10, 1, 0, "新城家园", floors=6),
            B("居里路", 99, 1, 1, "居里花园", floors=14),
        ],
    )
    assert committees_for(geo, addr(road="居里路", number=1, room=603)) == {0, 1}
    assert committees_for(geo, addr(road="居里路", number=1, room=1203)) == {1}
    assert committees_for(geo, addr(road="居里路", number=1, room=603, lane=99)) == {1}
    assert committees_for(geo, addr(road="居里路", number=1, room=603, lane=77)) == frozenset()


def test_a_community_name_in_two_towns_is_settled_by_a_written_town():
    geo = make_geo(
        [0, 1],
        [B("甲路", 5, 3, 0, "阳光花园"), B("乙路", 7, 3, 1, "阳光花园")],
    )
    assert committees_for(geo, addr(community="阳光花园", number=3, room=602)) == {0, 1}
    assert committees_for(geo, addr(community="阳光花园", number=3, room=602, street=1)) == {1}
    assert committees_for(geo, addr("community", community="阳光花园")) == {0, 1}
    assert committees_for(geo, addr("community", community="阳光花园", street=0)) == {0}


def test_a_misspelt_road_is_read_as_written_first_then_one_character_away():
    geo = make_geo(
        [0, 1, 1],
        [
            B("紫薇路", 50, 3, 0, "紫薇苑"),
            B("紫微路", 80, 9, 1, "紫微新村"),  # a real road one character away
            B("崂山东路", 15, 4, 2, "崂山新村"),
        ],
    )
    # 紫薇路 written 紫微路: that real road has no lane 50, so the clerk corrects it
    assert committees_for(geo, addr(road="紫微路", lane=50, number=3, room=101)) == {0}
    # ... but with lane 80 building 9 on it, the misspelling points to that road
    assert committees_for(geo, addr(road="紫微路", lane=80, number=9)) == {1}
    # a spelling that is no road: every road one character away, the other parts decide
    assert committees_for(geo, addr(road="崂山冬路", number=4, room=201)) == {2}
    assert committees_for(geo, addr("road", road="紫薇路")) == {0}


def test_villages_group_house_number_town_and_misspellings():
    geo = make_geo(
        [0, 1, 0, 1],
        [],
        villages=(
            ("红星", 0, (10, 10)),
            ("红星", 1, (10, 10, 10, 10, 10)),
            ("新民", 2, (20, 20)),
            ("新明", 3, (20, 20)),
        ),
    )

    def village(stem: str, group: int | None, number: int | None = 3, street=None) -> Written:
        return Written("village", village=stem, group=group, number=number, street=street)

    # 红星村 in two towns: group 5 exists in one only; group 2 in both unless a town is written
    assert committees_for(geo, village("红星", 5)) == {1}
    assert committees_for(geo, village("红星", 2)) == {0, 1}
    assert committees_for(geo, village("红星", 2, street=0)) == {0}
    assert committees_for(geo, village("红星", 2, number=None)) == {0, 1}
    assert committees_for(geo, village("红星", 1, number=15)) == frozenset()  # no house 15
    # 红心 is no village: every village one character away (红星 in both towns)
    assert committees_for(geo, village("红心", 5)) == {1}
    assert committees_for(geo, village("红心", 2, street=1)) == {1}
    # 新明 written 新民 (another real village): misleads, unless the town rules it out
    assert committees_for(geo, village("新民", 1)) == {2}
    assert committees_for(geo, village("新民", 1, street=1)) == {3}


def test_texts_that_constrain_nothing_and_towns():
    geo = make_geo([0, 0, 1], [B("甲路", 5, 1, 0), B("甲路", 6, 1, 1), B("乙路", 7, 1, 2)])
    assert committees_for(geo, Written("district")) == {0, 1, 2}
    assert committees_for(geo, Written("none")) == {0, 1, 2}
    assert committees_for(geo, Written("town", street=1)) == {2}
    assert committees_for(geo, Written("outside")) == frozenset()


# ------------------------------------------------------------ records of several texts


def test_two_texts_of_a_record_are_intersected_on_the_same_dwelling():
    geo = make_geo(
        [0, 0, 0],
        [B("齐河路", 88, 3, 0, "齐河小区"), B("齐河路", 90, 3, 1), B("齐河路", 99, 3, 2)],
    )
    loose = addr("building", road="齐河路", number=3)  # lanes 88, 90 and 99
    exact = addr(road="齐河路", lane=90, number=3, room=602)
    other = addr(road="齐河路", lane=99, number=3, room=602)
    community = addr(community="齐河小区", number=3, room=602)
    found = candidate_committees(
        geo, [[loose, exact], [loose], [Written("none"), exact], [community, other]]
    )
    assert found[0].committees == {1} and not found[0].contradict
    assert found[1].committees == {0, 1, 2}
    assert found[2].committees == {1}  # 事发地址 not about the matter: constrains nothing
    assert found[3].contradict and found[3].committees == {0, 2}


# ------------------------------------------------------------ the decision


def test_decide_address_first_then_street_field_then_person():
    geo = make_geo(
        [0, 0, 1, 2],
        [
            B("甲路", 5, 1, 0, "阳光花园"),
            B("甲路", 6, 1, 1),
            B("乙路", 7, 1, 2, "阳光花园"),
            B("丙路", 8, 1, 3, "幸福苑"),
        ],
    )
    one = (addr(road="甲路", lane=5, number=1, room=101),)
    two = (addr(community="阳光花园", number=1, room=101),)  # committees 0 and 2
    anywhere = (Written("district"),)
    cases = [
        Case(0, one),  # the writing alone identifies the committee
        Case(1, one),  # the writing points to another committee, even with the person
        Case(1, one, id_committee=1),
        Case(2, two),  # two candidates
        Case(2, two, hint_street=1),  # the street field leaves one
        Case(2, two, hint_street=0),  # ... and a wrong one misleads
        Case(2, two, id_committee=2),  # the person's registered home settles it
        Case(2, two, id_committee=0),  # the person lives elsewhere
        Case(3, two, id_committee=3),  # registered home not among the candidates
        Case(3, anywhere, id_committee=3),  # a vague address: the person alone
        Case(3, anywhere),
        Case(-1, one, id_committee=0),  # a split community is no single committee
    ]
    assert decide(geo, cases) == [
        True,
        False,
        False,
        False,
        True,
        False,
        True,
        False,
        False,
        True,
        False,
        False,
    ]


def test_texts_that_disagree_are_placeable_only_through_the_person():
    geo = make_geo([0, 1], [B("甲路", 5, 1, 0), B("乙路", 7, 1, 1)])
    texts = (addr(road="甲路", lane=5, number=1, room=101), addr(road="乙路", lane=7, number=1))
    assert decide(geo, [Case(1, texts), Case(1, texts, id_committee=1)]) == [False, True]


# ------------------------------------------------------------ against generated addresses


def _scan(geo: Geography, w: Written) -> set[int]:
    """The committees consistent with `w`, by scanning every building / village house."""
    if w.level == "village":
        def fits(vs: set[int]) -> set[int]:
            ok = np.isin(geo.d_village, list(vs)) & (geo.d_group == w.group)
            if w.number is not None:
                ok &= geo.d_number == w.number
            if w.street is not None:
                ok &= geo.d_street == w.street
            return set(geo.d_committee[ok].tolist())

        stems = [n[:-1] for n in geo.vil_name]
        exact = {i for i, s in enumerate(stems) if s == w.village}
        near = {
            i
            for i, s in enumerate(stems)
            if len(s) == len(w.village or "") and sum(a != b for a, b in zip(s, w.village)) <= 1
        }
        return (fits(exact) if exact else set()) or fits(near)

    def fits_b(roads: set[int] | None) -> set[int]:
        out = set()
        for b in range(geo.b_road.size):
            cm = int(geo.b_community[b])
            if (
                (roads is None or int(geo.b_road[b]) in roads)
                and (w.lane is None or geo.b_lane[b] == w.lane)
                and (w.number is None or geo.b_number[b] == w.number)
                and (w.community is None or (cm >= 0 and geo.comm_name[cm] == w.community))
                and (w.street is None or geo.com_street[geo.b_committee[b]] == w.street)
                and (w.room is None or geo.dwelling_of(b, w.room) is not None)
            ):
                out.add(int(geo.b_committee[b]))
        return out

    if w.road is None:
        return fits_b(None)
    exact = {i for i, n in enumerate(geo.road_name) if n == w.road}
    near = {
        i
        for i, n in enumerate(geo.road_name)
        if len(n) == len(w.road) and sum(a != b for a, b in zip(n, w.road)) <= 1
    }
    return (fits_b(exact) if exact else set()) or fits_b(near)


@pytest.fixture(scope="module")
def tiny_geo() -> Geography:
    return build_geography(PROFILES["tiny"], np.random.default_rng(8))


def test_the_join_agrees_with_a_scan_of_the_registry_on_messy_addresses(tiny_geo):
    geo = tiny_geo
    rr = random.Random(4)
    messy = dict(rates.ADDRESS["hotline"])
    for key in ("missing_lane", "road_homophone", "road_typo", "village_homophone"):
        messy[key] = 0.3
    messy["community_paren"] = messy["community_prefix"] = 0.2
    texts = [render_dwelling(geo, d, rr, messy).written for d in range(0, geo.n_dwellings, 7)]
    found = candidate_committees(geo, [[w] for w in texts])
    assert len(texts) > 300
    for w, f in zip(texts, found):
        assert set(f.committees) == _scan(geo, w), w
    # the true dwelling always fits what was written about it
    assert all(f.committees for f in found)
