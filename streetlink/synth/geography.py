"""Synthetic Pudong geography: streets, committees, roads, communities, buildings, dwellings.

Input: a ``Profile`` and a numpy ``Generator``. Output: a ``Geography`` holding the admin
rows, the housing table (contract HOUSING, all string columns) and the structure behind
it (buildings, lanes, communities, villages) that the night generator needs to render
and resolve addresses.

Shape of the place (see docs/synthetic_data.md for the rates and why):
- the 36 real streets; committees per street scale with sqrt(dwellings);
- roads (stem + 路/大道/街/公路/支路, directional variants) get door-number ranges per
  street segment; about a fifth of roads cross into neighbouring streets;
- a residential committee owns 1-4 communities (小区), each with one or two lanes (弄) of
  numbered buildings (号) whose rooms are floor*100+n (室); a few large communities are
  split between two committees by building number (第一/第二居委会);
- road-front buildings (沿街) carry a door number on the road without a lane, so the same
  road + number exists both with and without a lane;
- a village committee is one village (村) of groups (组) of numbered houses (号), no room.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from streetlink.synth import vocab
from streetlink.synth.profiles import Profile
from streetlink.synth.variations import Habits

__all__ = ["CN_ORDINALS", "Geography", "build_geography"]

log = logging.getLogger(__name__)

CN_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
# Relative dwellings of a village committee vs a residential one (villages are smaller).
VILLAGE_WEIGHT = 0.35
# Share of roads that run through more than one street (arteries: 公路, 大道, long 路).
CROSSING_SHARE = 0.22
# Share of a street's urban dwellings in road-front buildings without a lane.
ROAD_FRONT_SHARE = 0.08
# Share of residential committees formed by splitting a large community with the previous one.
SPLIT_SHARE = 0.06
# Share of community names deliberately reused from another street (阳光花园 in two towns).
REPEATED_COMMUNITY_SHARE = 0.03

ROAD_SUFFIXES = ("路", "东路", "西路", "南路", "北路", "中路", "公路", "大道", "街", "支路")
ROAD_SUFFIX_P = np.array([62, 5, 5, 4, 4, 2, 7, 3, 3, 5], dtype=float)
# Phases of an estate (variation phased_estates): 锦绣绿洲一期 …, 某某苑西区 …
PHASE_ORDINALS = ("一期", "二期", "三期", "四期")
PHASE_ZONES = (("东区", "西区", "南区", "北区"), ("A区", "B区", "C区", "D区"))
# Estate names phased estates are typically given (stem + one of these)
PHASED_SUFFIXES = ("绿洲", "花园", "苑", "家园", "新城", "城", "华庭")


@dataclass
class Geography:
    streets: tuple[vocab.Street, ...]
    # committees
    com_code: list[str]
    com_name: list[str]
    com_street: np.ndarray  # street index
    com_is_village: np.ndarray  # bool
    # roads: name and the streets (indices) each crosses
    road_name: list[str]
    road_streets: list[tuple[int, ...]]
    # communities
    comm_name: list[str]
    comm_street: list[int]
    # villages (one per village committee)
    vil_name: list[str]  # with 村
    vil_committee: list[int]
    # urban buildings
    b_road: np.ndarray
    b_lane: np.ndarray  # door number of the lane, -1 for a road-front building
    b_number: np.ndarray
    b_committee: np.ndarray
    b_community: np.ndarray  # -1 for road-front buildings
    b_floors: np.ndarray
    b_rpf: np.ndarray  # rooms per floor
    b_has_room: np.ndarray
    b_first: np.ndarray  # index of the building's first dwelling
    b_count: np.ndarray
    # dwellings (urban first, then rural)
    d_committee: np.ndarray
    d_street: np.ndarray
    d_building: np.ndarray  # -1 for rural
    d_room: np.ndarray  # floor*100+n, -1 when none
    d_village: np.ndarray  # -1 for urban
    d_group: np.ndarray
    d_number: np.ndarray
    house_id: np.ndarray  # str
    std_address: list[str]
    # indexes filled by ``index()``
    road_by_name: dict[str, int] = field(default_factory=dict)
    comm_by_name: dict[str, list[int]] = field(default_factory=dict)
    vil_by_stem: dict[str, list[int]] = field(default_factory=dict)
    buildings_by_road_number: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    buildings_by_lane: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    buildings_by_comm: dict[int, list[int]] = field(default_factory=dict)
    committees_by_road: dict[int, tuple[int, ...]] = field(default_factory=dict)
    street_by_code: dict[str, int] = field(default_factory=dict)
    # one character replaced by '?' -> roads / village stems with that shape (misspelling look-up)
    roads_by_shape: dict[str, list[int]] = field(default_factory=dict)
    vil_by_shape: dict[str, list[int]] = field(default_factory=dict)
    # variation phased_estates: the estate a phase belongs to (锦绣绿洲 for 锦绣绿洲二期), and
    # what is special about a community ('' | phase | numbered | village_named)
    comm_estate: list[str | None] = field(default_factory=list)
    comm_kind: list[str] = field(default_factory=list)
    estate_by_name: dict[str, list[int]] = field(default_factory=dict)
    roads_by_stem: dict[str, list[int]] = field(default_factory=dict)

    def near_roads(self, spelled: str) -> list[int]:
        """Roads whose name differs from `spelled` in exactly one character."""
        found: set[int] = set()
        for i in range(len(spelled)):
            found.update(self.roads_by_shape.get(spelled[:i] + "?" + spelled[i + 1 :], ()))
        return sorted(found)

    def completed_roads(self, spelled: str) -> list[int]:
        """Roads a suffix-less spelling may mean: 某康 → 某康路, 某康东路 … (variation sloppy)."""
        if not spelled or spelled.endswith(("路", "道", "街")):
            return []
        return [
            r
            for r in self.roads_by_stem.get(spelled[:2], [])
            if self.road_name[r].startswith(spelled) and self.road_name[r] != spelled
        ]

    def near_villages(self, stem: str) -> list[int]:
        found: set[int] = set()
        for i in range(len(stem)):
            found.update(self.vil_by_shape.get(stem[:i] + "?" + stem[i + 1 :], ()))
        return sorted(found)

    @property
    def n_dwellings(self) -> int:
        return int(self.d_committee.size)

    def admin_rows(self) -> list[tuple[str, str, str, str]]:
        return [
            (self.streets[int(s)].code, self.streets[int(s)].name, c, n)
            for c, n, s in zip(self.com_code, self.com_name, self.com_street)
        ]

    def dwelling_of(self, building: int, room: int) -> int | None:
        """Dwelling index of `room` in `building`, None if the building has no such room."""
        if not self.b_has_room[building]:
            return int(self.b_first[building]) if room < 0 else None
        if room < 0:
            return None
        floor, n = divmod(room, 100)
        if not (1 <= floor <= self.b_floors[building] and 1 <= n <= self.b_rpf[building]):
            return None
        return int(self.b_first[building] + (floor - 1) * self.b_rpf[building] + (n - 1))

    def index(self) -> None:
        """Build the look-up dictionaries used to resolve what an address still identifies."""
        self.street_by_code = {s.code: i for i, s in enumerate(self.streets)}
        self.road_by_name = {n: i for i, n in enumerate(self.road_name)}
        self.comm_by_name = {}
        for i, n in enumerate(self.comm_name):
            self.comm_by_name.setdefault(n, []).append(i)
        self.vil_by_stem = {}
        self.vil_by_shape = {}
        for i, n in enumerate(self.vil_name):
            self.vil_by_stem.setdefault(n[:-1], []).append(i)
            for k in range(len(n) - 1):
                self.vil_by_shape.setdefault(n[:k] + "?" + n[k + 1 : -1], []).append(i)
        self.roads_by_shape = {}
        self.roads_by_stem = {}
        for i, n in enumerate(self.road_name):
            self.roads_by_stem.setdefault(n[:2], []).append(i)
            for k in range(len(n)):
                self.roads_by_shape.setdefault(n[:k] + "?" + n[k + 1 :], []).append(i)
        if not self.comm_kind:
            self.comm_kind = [""] * len(self.comm_name)
            self.comm_estate = [None] * len(self.comm_name)
        self.estate_by_name = {}
        for i, e in enumerate(self.comm_estate):
            if e is not None:
                self.estate_by_name.setdefault(e, []).append(i)
        by_rn: dict[tuple[int, int], list[int]] = {}
        by_lane: dict[tuple[int, int], list[int]] = {}
        by_comm: dict[int, list[int]] = {}
        roads_com: dict[int, set[int]] = {}
        for b, (r, lane, num, c, cm) in enumerate(
            zip(
                self.b_road.tolist(),
                self.b_lane.tolist(),
                self.b_number.tolist(),
                self.b_committee.tolist(),
                self.b_community.tolist(),
            )
        ):
            by_rn.setdefault((r, num), []).append(b)
            if lane >= 0:
                by_lane.setdefault((r, lane), []).append(b)
            if cm >= 0:
                by_comm.setdefault(cm, []).append(b)
            roads_com.setdefault(r, set()).add(c)
        self.buildings_by_road_number = by_rn
        self.buildings_by_lane = by_lane
        self.buildings_by_comm = by_comm
        self.committees_by_road = {r: tuple(sorted(v)) for r, v in roads_com.items()}

    def housing_table(self) -> pa.Table:
        """The housing registry (contract HOUSING), every column a string."""
        n_urban = int(self.b_count.sum())
        urban_b = self.d_building[:n_urban]
        road = np.array(self.road_name, dtype=object)[self.b_road[urban_b]]
        lane_int = self.b_lane[urban_b]
        comm_idx = self.b_community[urban_b]
        comm_names = np.array(self.comm_name + [None], dtype=object)
        community = comm_names[np.where(comm_idx >= 0, comm_idx, len(self.comm_name))]
        vil = self.d_village[n_urban:]
        n_rural = self.n_dwellings - n_urban
        none_u = [None] * n_urban
        none_r = [None] * n_rural
        street_codes = np.array([s.code for s in self.streets], dtype=object)[self.d_street]
        com_codes = np.array(self.com_code, dtype=object)[self.d_committee]
        return pa.table(
            {
                "house_id": pa.array(self.house_id.tolist(), pa.string()),
                "street_code": pa.array(street_codes.tolist(), pa.string()),
                "committee_code": pa.array(com_codes.tolist(), pa.string()),
                "community_name": pa.array(community.tolist() + none_r, pa.string()),
                "road": pa.array(road.tolist() + none_r, pa.string()),
                "lane": pa.array(
                    [str(x) if x >= 0 else None for x in lane_int.tolist()] + none_r, pa.string()
                ),
                "number": pa.array([str(x) for x in self.d_number.tolist()], pa.string()),
                "room": pa.array(
                    [str(x) if x >= 0 else None for x in self.d_room[:n_urban].tolist()] + none_r,
                    pa.string(),
                ),
                "village": pa.array(none_u + [self.vil_name[v] for v in vil.tolist()], pa.string()),
                "group_no": pa.array(
                    none_u + [str(g) for g in self.d_group[n_urban:].tolist()], pa.string()
                ),
                "std_address": pa.array(self.std_address, pa.string()),
            }
        )


class _Builder:
    """Accumulates the geography street by street (Python loops over committees and
    buildings, ~10^5 iterations at full scale; dwellings are expanded with numpy)."""

    def __init__(
        self, profile: Profile, rng: np.random.Generator, habits: Habits, seed_key: int = 0
    ):
        self.profile = profile
        self.rng = rng
        # Variation phased_estates: its own decisions come from a separate stream, so the rest
        # of the geography is drawn as in the base world where nothing phased is involved.
        self.phased = habits.of("phased_estates") if habits.has("phased_estates") else None
        self.vrng = np.random.default_rng([seed_key, 7001])
        self.comm_estate: list[str | None] = []
        self.comm_kind: list[str] = []
        self.estate_road: dict[str, int] = {}
        self.streets = vocab.streets()
        self.stems = vocab.road_stems()
        self.comm_stems, self.comm_suffixes = vocab.community_parts()
        self.com_code: list[str] = []
        self.com_name: list[str | None] = []
        self.com_street: list[int] = []
        self.com_is_village: list[bool] = []
        self.road_name: list[str] = []
        self.road_streets: list[list[int]] = []
        self.road_range: dict[tuple[int, int], tuple[int, int]] = {}
        self.road_used: dict[int, set[int]] = {}
        self.comm_name: list[str] = []
        self.comm_street: list[int] = []
        self.vil_name: list[str] = []
        self.vil_committee: list[int] = []
        self.vil_groups: list[np.ndarray] = []  # houses per group
        self.b: dict[str, list[int]] = {
            k: []
            for k in (
                "road",
                "lane",
                "number",
                "committee",
                "community",
                "floors",
                "rpf",
                "has_room",
            )
        }

    # ---------------------------------------------------------------- roads
    def make_roads(self) -> dict[int, list[int]]:
        """Roads per street; returns street index -> road indices with a segment there."""
        rng = self.rng
        scale = self.profile.committee_scale
        n_res = [max(1, round(s.residential * scale)) for s in self.streets]
        n_vil = [self._n_villages(s) for s in self.streets]
        taken: set[str] = set()
        per_street: dict[int, list[int]] = {i: [] for i in range(len(self.streets))}
        p = ROAD_SUFFIX_P / ROAD_SUFFIX_P.sum()
        for si in range(len(self.streets)):
            n_roads = max(3, round(n_res[si] * 1.3 + n_vil[si] * 0.4))
            for _ in range(n_roads):
                for _attempt in range(50):
                    name = (
                        self.stems[int(rng.integers(len(self.stems)))]
                        + ROAD_SUFFIXES[int(rng.choice(len(ROAD_SUFFIXES), p=p))]
                    )
                    if name not in taken:
                        break
                taken.add(name)
                ri = len(self.road_name)
                self.road_name.append(name)
                self.road_streets.append([si])
                per_street[si].append(ri)
        code_to_idx = {s.code: i for i, s in enumerate(self.streets)}
        for ri, name in enumerate(self.road_name):
            artery = name.endswith(("公路", "大道"))
            if rng.random() < (0.7 if artery else CROSSING_SHARE * 0.85):
                home = self.road_streets[ri][0]
                neighbours = [code_to_idx[c] for c in self.streets[home].neighbours]
                k = 1 + int(rng.random() < (0.5 if artery else 0.2))
                for ni in rng.permutation(neighbours)[:k].tolist():
                    self.road_streets[ri].append(ni)
                    per_street[ni].append(ri)
        # Door numbers run along the road: each street segment gets its own range.
        for ri, sts in enumerate(self.road_streets):
            start = 1
            for si in sts:
                length = int(rng.integers(150, 1800))
                self.road_range[(ri, si)] = (start, start + length)
                start += length + int(rng.integers(0, 200))
            self.road_used[ri] = set()
        return per_street

    def door_number(self, road: int, street: int, near_start: bool = False) -> int:
        lo, hi = self.road_range[(road, street)]
        if near_start:  # the first door numbers of the segment, as at the start of every road
            hi = min(hi, lo + 60)
        used = self.road_used[road]
        for _ in range(100):
            n = int(self.rng.integers(lo, hi))
            if n not in used:
                used.add(n)
                return n
        n = max(used) + 2 if used else lo
        used.add(n)
        return n

    # ----------------------------------------------------------- committees
    def _n_villages(self, s: vocab.Street) -> int:
        n = round(s.villages * self.profile.committee_scale)
        return max(n, 1) if s.villages >= 5 else n

    def _codes(self, n: int, lo: int, hi: int) -> list[int]:
        # NBS numbering has gaps where committees were merged or abolished.
        span = min(hi - lo + 1, max(n, int(n * 1.35) + 2))
        return sorted((lo + self.rng.choice(span, size=n, replace=False)).tolist())

    def community_name(self, street: int, old: bool) -> str:
        rng = self.rng
        if self.comm_name and rng.random() < REPEATED_COMMUNITY_SHARE:
            other = int(rng.integers(len(self.comm_name)))
            if self.comm_street[other] != street:
                return self.comm_name[other]
        suffixes = [
            (s, w) for s, era, w in self.comm_suffixes if era == "any" or (era == "old") == old
        ]
        w = np.array([x[1] for x in suffixes])
        suffix = suffixes[int(rng.choice(len(suffixes), p=w / w.sum()))][0]
        stem = self.comm_stems[int(rng.integers(len(self.comm_stems)))]
        return stem + suffix

    def add_building(
        self,
        road: int,
        lane: int,
        number: int,
        committee: int,
        community: int,
        kind: str,
        left: int,
    ) -> int:
        rng = self.rng
        if kind == "old":
            floors = int(rng.choice([5, 6, 6, 6, 7]))
            rpf = int(rng.choice([2, 2, 3, 3, 4, 6]))
            has_room = True
        elif kind == "new":
            r = rng.random()
            if r < 0.5:
                floors, rpf = int(rng.integers(11, 19)), int(rng.integers(2, 5))
            elif r < 0.85:
                floors, rpf = int(rng.integers(18, 34)), int(rng.integers(2, 7))
            else:
                floors, rpf = int(rng.integers(2, 4)), int(rng.integers(1, 3))
            has_room = True
        else:  # road-front: a small block of flats above shops, or a single house
            if rng.random() < 0.4:
                floors, rpf, has_room = 1, 1, False
            else:
                floors, rpf, has_room = int(rng.integers(2, 7)), int(rng.integers(1, 3)), True
        # The last building of a small budget is cut down, so small profiles do not overshoot.
        floors = max(1, min(floors, -(-left // rpf)))
        for key, value in (
            ("road", road),
            ("lane", lane),
            ("number", number),
            ("committee", committee),
            ("community", community),
            ("floors", floors),
            ("rpf", rpf),
            ("has_room", int(has_room)),
        ):
            self.b[key].append(value)
        return floors * rpf if has_room else 1

    def build_street(self, si: int, roads: list[int], budget: int) -> None:
        rng = self.rng
        street = self.streets[si]
        scale = self.profile.committee_scale
        n_res = max(1, round(street.residential * scale))
        n_vil = self._n_villages(street)
        rural_share = (
            street.villages
            * VILLAGE_WEIGHT
            / (street.residential + street.villages * VILLAGE_WEIGHT)
        )
        rural_budget = round(budget * rural_share) if n_vil else 0
        urban_budget = budget - rural_budget
        front_budget = round(urban_budget * ROAD_FRONT_SHARE)
        res_w = rng.lognormal(0, 0.35, size=n_res)
        res_budget = np.maximum(
            20, np.round((urban_budget - front_budget) * res_w / res_w.sum())
        ).astype(int)
        first_com = len(self.com_code)
        old_share = 0.55 if street.kind == "街道" else 0.3
        names_in_street: set[str] = set()
        prev_lane: tuple[int, int, int, int, str] | None = (
            None  # road, lane, next number, community, kind
        )
        split_pairs: list[tuple[int, int, int]] = []
        carry: list[tuple[str, str]] = []  # (phase name, estate) for the next committee
        first_comm = len(self.comm_name)
        for j, code in enumerate(self._codes(n_res, 1, 199)):
            ci = len(self.com_code)
            self.com_code.append(f"{street.code}{code:03d}")
            self.com_name.append(None)
            self.com_street.append(si)
            self.com_is_village.append(False)
            left = int(res_budget[j])
            if prev_lane is not None and j > 0 and rng.random() < SPLIT_SHARE:
                road, lane, nxt, comm, kind = prev_lane
                while left > 0:
                    left -= self.add_building(road, lane, nxt, ci, comm, kind, left)
                    nxt += 1
                split_pairs.append((ci - 1, ci, comm))
                prev_lane = None
                continue
            n_comm = 1 + min(3, int(rng.poisson(0.9)))
            shares = rng.dirichlet(np.full(n_comm, 2.0))
            if carry:  # the previous committee's phased estate continues here
                part = max(6, left // (n_comm + len(carry)))
                for phase_name, estate in carry:
                    prev_lane = self._add_phase(si, ci, roads, phase_name, estate, part)
                left = max(6 * n_comm, left - part * len(carry))
                carry = []
            for k in range(n_comm):
                old = rng.random() < old_share
                name = self.community_name(si, old)
                for _ in range(20):
                    if name not in names_in_street:
                        break
                    name = self.community_name(si, old)
                names_in_street.add(name)
                comm_left = max(6, int(shares[k] * left))
                if self.phased is not None and not old:
                    phases = self._phases(name, cross_ok=j < n_res - 1)
                    if phases:
                        here, later = phases
                        carry += later
                        for phase_name, estate in here:
                            prev_lane = self._add_phase(
                                si, ci, roads, phase_name, estate, max(6, comm_left // len(here))
                            )
                        continue
                cm = len(self.comm_name)
                self.comm_name.append(name)
                self.comm_street.append(si)
                self.comm_estate.append(None)
                self.comm_kind.append("")
                kind = "old" if old else "new"
                n_lanes = 2 if rng.random() < 0.15 else 1
                first_lane: tuple[int, int] | None = None
                for _ in range(n_lanes):
                    road = roads[int(rng.integers(len(roads)))]
                    lane = self.door_number(road, si)
                    first_lane = first_lane or (road, lane)
                    lane_left = comm_left // n_lanes
                    number = 1
                    while lane_left > 0:
                        lane_left -= self.add_building(road, lane, number, ci, cm, kind, lane_left)
                        number += 1
                        # Numbering sometimes skips (demolished or never-built numbers).
                        if rng.random() < 0.05:
                            number += 1
                    prev_lane = (road, lane, number, cm, kind)
                if self.phased is not None and first_lane is not None:
                    self._maybe_number_name(cm, *first_lane)
        for phase_name, estate in carry:  # no committee left to take them: the last one does
            self._add_phase(si, len(self.com_code) - 1, roads, phase_name, estate, 30)
        # Road-front buildings, each on one of the street's roads, under a nearby committee.
        res_coms = list(range(first_com, len(self.com_code)))
        left = front_budget
        while left > 0:
            road = roads[int(rng.integers(len(roads)))]
            ci = res_coms[int(rng.integers(len(res_coms)))]
            number = self.door_number(road, si, near_start=rng.random() < 0.25)
            left -= self.add_building(road, -1, number, ci, -1, "front", left)
        self._name_residential(si, first_com, split_pairs)
        if n_vil:
            self._build_villages(si, n_vil, rural_budget)
            if self.phased is not None:
                self._village_named_estates(si, first_comm, first_com)

    # ------------------------------------------------- variation phased_estates
    def _phases(self, name: str, cross_ok: bool) -> tuple[list, list] | None:
        """An estate of 2-4 phases, or None: (phases under this committee, under the next)."""
        v, vr = self.phased, self.vrng
        if vr.random() >= v["phased_share"]:
            return None
        stem = name[:2]
        estate = stem + PHASED_SUFFIXES[int(vr.integers(len(PHASED_SUFFIXES)))]
        n = int(vr.integers(2, 5))
        kinds = list(v["phase_labels"])
        w = np.array([v["phase_labels"][k] for k in kinds], dtype=float)
        if kinds[int(vr.choice(len(kinds), p=w / w.sum()))] == "ordinal":
            labels = PHASE_ORDINALS[:n]
        else:
            labels = PHASE_ZONES[int(vr.integers(len(PHASE_ZONES)))][:n]
        phases = [(estate + label, estate) for label in labels]
        if cross_ok and vr.random() < v["phase_cross_committee"]:
            return phases[:1], phases[1:]
        return phases, []

    def _add_phase(
        self, si: int, ci: int, roads: list[int], name: str, estate: str, budget: int
    ) -> tuple[int, int, int, int, str]:
        """One phase: its own lane (often on the estate's road), buildings numbered from 1."""
        rng = self.rng
        cm = len(self.comm_name)
        self.comm_name.append(name)
        self.comm_street.append(si)
        self.comm_estate.append(estate)
        self.comm_kind.append("phase")
        road = self.estate_road.get(estate)
        if road is None or si not in self.road_streets[road] or self.vrng.random() < 0.4:
            road = roads[int(rng.integers(len(roads)))]
        self.estate_road.setdefault(estate, road)
        lane = self.door_number(road, si)
        number, left = 1, budget
        while left > 0:
            left -= self.add_building(road, lane, number, ci, cm, "new", left)
            number += 1
        return (road, lane, number, cm, "new")

    def _maybe_number_name(self, cm: int, road: int, lane: int) -> None:
        """某路2079弄小区 / 某街13-15号小区: an estate named after its (or an old) door number."""
        v, vr = self.phased, self.vrng
        if vr.random() >= v["numbered_share"]:
            return
        n = lane
        if vr.random() < v["numbered_other_number"]:
            n = max(1, lane + int(vr.choice([-20, -6, -2, 2, 4, 8, 20])))
        road_text = self.road_name[road]
        if vr.random() < 0.35:
            name = f"{road_text}{n}-{n + int(vr.choice([2, 4, 6]))}号小区"
        else:
            name = f"{road_text}{n}弄小区"
        self.comm_name[cm] = name
        self.comm_kind[cm] = "numbered"

    def _village_named_estates(self, si: int, first_comm: int, first_com: int) -> None:
        """Urban estates named 某某村 in a town whose villages have the same or a like name."""
        v, vr = self.phased, self.vrng
        stems = [n[:-1] for n, c in zip(self.vil_name, self.vil_committee) if c >= first_com]
        if not stems:
            return
        plain = [cm for cm in range(first_comm, len(self.comm_name)) if self.comm_kind[cm] == ""]
        taken = set(self.comm_name[first_comm:])
        if not plain or vr.random() >= v["village_named_streets"]:
            return
        for cm in vr.permutation(plain)[:1].tolist():
            stem = stems[int(vr.integers(len(stems)))]
            if vr.random() >= v["village_named_exact"]:  # one character differs: 红星 → 红新
                other = stems[int(vr.integers(len(stems)))][-1]
                if other in (stem[0], stem[-1]):
                    other = next(c for c in "桥港浜泾" if c not in stem)
                stem = stem[0] + other
            name = stem + "村"
            if name in taken:
                continue
            taken.add(name)
            self.comm_name[cm] = name
            self.comm_kind[cm] = "village_named"

    def _name_residential(
        self, si: int, first: int, split_pairs: list[tuple[int, int, int]]
    ) -> None:
        rng = self.rng
        b_com = np.asarray(self.b["committee"])
        b_cm = np.asarray(self.b["community"])
        b_road = np.asarray(self.b["road"])
        used: set[str] = set()
        for a, b, comm in split_pairs:
            base = self.comm_name[comm]
            self.com_name[a], self.com_name[b] = f"{base}第一居委会", f"{base}第二居委会"
            used.update((self.com_name[a], self.com_name[b]))
        road_count: dict[str, int] = {}
        for ci in range(first, len(self.com_code)):
            if self.com_name[ci] is not None:
                continue
            mine = np.flatnonzero((b_com == ci) & (b_cm >= 0))
            comm = int(b_cm[mine[0]]) if mine.size else -1
            road = (
                int(b_road[mine[0]]) if mine.size else int(b_road[np.flatnonzero(b_com == ci)[0]])
            )
            r = rng.random()
            if comm >= 0 and r < 0.4:
                base = self.comm_name[comm]
                for suffix in ("小区", "公寓"):
                    base = base.removesuffix(suffix)
                name = base + "居委会"
            elif r < 0.7:
                stem = self.road_name[road][:2]
                road_count[stem] = road_count.get(stem, 0) + 1
                nth = road_count[stem]
                name = (
                    f"{self.road_name[road]}居委会"
                    if nth == 1
                    else f"{stem}第{CN_ORDINALS[min(nth, 10) - 1]}居委会"
                )
            else:
                stem = self.comm_stems[int(rng.integers(len(self.comm_stems)))]
                name = stem + "居委会"
            k = 2
            while name in used:
                name = (
                    name.removesuffix("居委会").rstrip("第一二三四五六七八九十")
                    + f"第{CN_ORDINALS[min(k, 10) - 1]}居委会"
                )
                k += 1
            used.add(name)
            self.com_name[ci] = name

    def _build_villages(self, si: int, n_vil: int, budget: int) -> None:
        rng = self.rng
        street = self.streets[si]
        stems = vocab.village_stems()
        w = rng.lognormal(0, 0.3, size=n_vil)
        budgets = np.maximum(15, np.round(budget * w / w.sum())).astype(int)
        used: set[str] = set()
        for j, code in enumerate(self._codes(n_vil, 200, 299)):
            for _ in range(50):
                if rng.random() < 0.7:
                    stem = stems[int(rng.integers(len(stems)))]
                else:  # composed from two stems, like 新丰 + 港 -> 新港
                    a, b = (
                        stems[int(rng.integers(len(stems)))],
                        stems[int(rng.integers(len(stems)))],
                    )
                    stem = a[0] + b[1]
                if stem not in used:
                    break
            used.add(stem)
            ci = len(self.com_code)
            self.com_code.append(f"{street.code}{code:03d}")
            self.com_name.append(f"{stem}村村委会")
            self.com_street.append(si)
            self.com_is_village.append(True)
            n_groups = int(np.clip(round(budgets[j] / 45), 3, 18))
            gw = rng.lognormal(0, 0.3, size=n_groups)
            houses = np.maximum(2, np.round(budgets[j] * gw / gw.sum())).astype(int)
            self.vil_name.append(stem + "村")
            self.vil_committee.append(ci)
            self.vil_groups.append(houses)

    # --------------------------------------------------------------- finish
    def finish(self) -> Geography:
        rng = self.rng
        b = {k: np.asarray(v, dtype=np.int64) for k, v in self.b.items()}
        count = np.where(b["has_room"] == 1, b["floors"] * b["rpf"], 1)
        first = np.concatenate([[0], np.cumsum(count)[:-1]])
        n_urban = int(count.sum())
        d_b = np.repeat(np.arange(count.size), count)
        k = np.arange(n_urban) - first[d_b]
        rpf = b["rpf"][d_b]
        room = np.where(b["has_room"][d_b] == 1, (k // rpf + 1) * 100 + k % rpf + 1, -1)
        # rural
        vil_idx, grp, num = [], [], []
        for v, houses in enumerate(self.vil_groups):
            for g, h in enumerate(houses.tolist(), start=1):
                vil_idx.append(np.full(h, v))
                grp.append(np.full(h, g))
                num.append(np.arange(1, h + 1))
        vil_idx_a = np.concatenate(vil_idx) if vil_idx else np.zeros(0, np.int64)
        grp_a = np.concatenate(grp) if grp else np.zeros(0, np.int64)
        num_a = np.concatenate(num) if num else np.zeros(0, np.int64)
        n_rural = vil_idx_a.size
        vil_com = np.asarray(self.vil_committee, dtype=np.int64)
        com_street = np.asarray(self.com_street, dtype=np.int64)
        d_committee = np.concatenate(
            [b["committee"][d_b], vil_com[vil_idx_a] if n_rural else vil_idx_a]
        )
        n = n_urban + n_rural
        # House ids are issued in registration order, which has nothing to do with place.
        house_id = np.char.add("H", np.char.zfill((rng.permutation(n) + 1).astype(str), 10))
        roads = self.road_name
        std = [
            f"浦东新区{roads[r]}{f'{ln}弄' if ln >= 0 else ''}{nb}号{f'{rm}室' if rm >= 0 else ''}"
            for r, ln, nb, rm in zip(
                b["road"][d_b].tolist(),
                b["lane"][d_b].tolist(),
                b["number"][d_b].tolist(),
                room.tolist(),
            )
        ]
        street_names = [s.name for s in self.streets]
        std += [
            f"浦东新区{street_names[com_street[vil_com[v]]]}{self.vil_name[v]}{g}组{h}号"
            for v, g, h in zip(vil_idx_a.tolist(), grp_a.tolist(), num_a.tolist())
        ]
        geo = Geography(
            streets=self.streets,
            com_code=self.com_code,
            com_name=[str(x) for x in self.com_name],
            com_street=com_street,
            com_is_village=np.asarray(self.com_is_village),
            road_name=self.road_name,
            road_streets=[tuple(x) for x in self.road_streets],
            comm_name=self.comm_name,
            comm_street=self.comm_street,
            comm_estate=self.comm_estate,
            comm_kind=self.comm_kind,
            vil_name=self.vil_name,
            vil_committee=self.vil_committee,
            b_road=b["road"],
            b_lane=b["lane"],
            b_number=b["number"],
            b_committee=b["committee"],
            b_community=b["community"],
            b_floors=b["floors"],
            b_rpf=b["rpf"],
            b_has_room=b["has_room"].astype(bool),
            b_first=first,
            b_count=count,
            d_committee=d_committee,
            d_street=com_street[d_committee],
            d_building=np.concatenate([d_b, np.full(n_rural, -1)]),
            d_room=np.concatenate([room, np.full(n_rural, -1)]),
            d_village=np.concatenate([np.full(n_urban, -1), vil_idx_a]),
            d_group=np.concatenate([np.zeros(n_urban, np.int64), grp_a]),
            d_number=np.concatenate([b["number"][d_b], num_a]),
            house_id=house_id,
            std_address=std,
        )
        geo.index()
        return geo


def build_geography(
    profile: Profile, rng: np.random.Generator, habits: Habits | None = None, seed_key: int = 0
) -> Geography:
    """Streets → committees → roads/communities/villages → buildings → dwellings."""
    builder = _Builder(profile, rng, habits or Habits(), seed_key)
    per_street = builder.make_roads()
    pops = np.array([s.population_k for s in builder.streets], dtype=float)
    budgets = np.round(profile.dwellings * pops / pops.sum()).astype(int)
    for si in range(len(builder.streets)):
        builder.build_street(si, per_street[si], int(budgets[si]))
    geo = builder.finish()
    log.info(
        "geography: %d committees, %d roads, %d communities, %d buildings, %d dwellings",
        len(geo.com_code),
        len(geo.road_name),
        len(geo.comm_name),
        geo.b_road.size,
        geo.n_dwellings,
    )
    return geo
