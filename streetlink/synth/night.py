"""One night's inbox records with their ground truth.

Input: the ``World`` (geography, registered people, who moved) and a date.
Output: ``Night``: the rows of the checkpoint CSV, the hotline sheet and the health-cloud
JSON lines (values as the agencies send them), and one truth row per record (contract
TRUTH: where the true place is — dwelling, street, committee — whether or not it is
placeable; ``placeable`` alone says whether the writing lets a clerk find it). Per-record
Python: a night has at most ~10^5 records.

How a record is made: pick the source and the category (``rates.CATEGORY_SHARES``), pick a
person (registry resident, mover, newcomer), pick the true place (their dwelling; for the
hotline, the matter's place near the caller), write name/ID/phone/address with the
source's messiness; then, for the whole night at once, decide ``placeable`` from what the
writing still identifies and from whether the person is identifiable in the registry and
lives at the registered home (``streetlink.synth.placeable``; the rule is spelled out in
docs/synthetic_data.md).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from streetlink.synth import rates, vocab
from streetlink.synth.addresses import (
    OutsidePlace,
    Rendered,
    Written,
    render_building,
    render_community,
    render_dwelling,
    render_outside,
    render_vague,
)
from streetlink.synth.clerk import RegistryIndex
from streetlink.synth.geography import Geography
from streetlink.synth.identity import Evidence, Person, write_id, write_name, write_phone
from streetlink.synth.idnumbers import landline, mobile_numbers
from streetlink.synth.people import People, make_newcomers
from streetlink.synth.placeable import Case, decide
from streetlink.synth.travel import (
    Trip,
    in_key_area,
    key_region,
    key_trip_day,
    tells_of_key_trip,
    travel_entry,
)
from streetlink.synth.variations import Habits

__all__ = ["CHECKPOINT_HEADERS", "HOTLINE_HEADERS", "Night", "World", "generate_night"]

CHECKPOINT_HEADERS = (
    "记录编号",
    "登记时间",
    "道口名称",
    "姓名",
    "证件类型",
    "证件号码",
    "联系电话",
    "车牌号码",
    "出发地",
    "来沪事由",
    "在沪居住地址",
)
HOTLINE_HEADERS = (
    "工单编号",
    "受理时间",
    "来电人",
    "来电号码",
    "事发地址",
    "诉求内容",
    "所属街镇",
    "工单类别",
)

HOTLINE_CATEGORIES = (
    "疫情防控-返沪人员",
    "疫情防控-健康监测",
    "疫情防控-人员排查",
    "疫情防控-居家隔离",
    "社区管理-人员登记",
    "城市管理-群租",
)
# Categories of orders about a person's health (variation travel).
HEALTH_CATEGORIES = ("疫情防控-居家隔离", "疫情防控-健康监测", "卫生健康-发热咨询")
PURPOSE_RESIDENT = {
    "返沪居住": 40,
    "返沪": 10,
    "工作": 15,
    "探亲": 8,
    "旅游": 5,
    "出差": 7,
    "务工": 8,
    "就医": 3,
    "其他": 4,
}
PURPOSE_VISITOR = {
    "务工": 25,
    "工作": 20,
    "探亲": 20,
    "旅游": 12,
    "出差": 10,
    "上学": 3,
    "就医": 4,
    "商务": 6,
}
SYMPTOMS = ("咳嗽", "发热", "乏力", "咽痛", "流涕")
PLATE_PREFIX = {
    "上海市": "沪",
    "安徽省": "皖",
    "江苏省": "苏",
    "浙江省": "浙",
    "河南省": "豫",
    "四川省": "川",
    "江西省": "赣",
    "山东省": "鲁",
    "湖北省": "鄂",
    "湖南省": "湘",
    "福建省": "闽",
    "重庆市": "渝",
    "贵州省": "贵",
    "甘肃省": "甘",
    "陕西省": "陕",
    "河北省": "冀",
    "黑龙江省": "黑",
    "吉林省": "吉",
    "辽宁省": "辽",
    "广西壮族自治区": "桂",
    "云南省": "云",
    "山西省": "晋",
    "内蒙古自治区": "蒙",
    "广东省": "粤",
    "海南省": "琼",
    "宁夏回族自治区": "宁",
    "青海省": "青",
    "新疆维吾尔自治区": "新",
    "西藏自治区": "藏",
    "北京市": "京",
    "天津市": "津",
}
_PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_EMOJI = ("😷", "🏠", "🙏", "👍", "🚗")


@dataclass
class World:
    geo: Geography
    people: People
    mover_target: np.ndarray  # dwelling index a registry person really lives at; -1: not a mover
    outmover: np.ndarray  # bool: moved out of Pudong
    id_keys: np.ndarray  # sorted first-17-digit keys of registry IDs
    seed: int
    habits: Habits = field(default_factory=Habits)
    dirt: Any = None  # streetlink.synth.registry_dirt.RegistryDirt (variation dirty_registry)
    key_areas: tuple = ()  # streetlink.synth.travel.KeyArea rows (variation travel)
    thorough_clerk: bool = False  # the clerk's rules of generator 1.3 (streetlink.synth.clerk)
    _clerk: RegistryIndex | None = None

    @property
    def clerk(self) -> RegistryIndex:
        """The registry look-ups a careful clerk has (built on first use, kept for all nights)."""
        if self._clerk is None:
            self._clerk = RegistryIndex(self.people)
        return self._clerk


@dataclass
class Night:
    date: dt.date
    checkpoint_rows: list[dict[str, str]]
    checkpoint_resend_rows: list[dict[str, str]]
    checkpoint_encoding: str  # gb18030 | utf-8-sig
    hotline_title: list[list[str]]
    hotline_rows: list[dict[str, Any]]
    healthcloud_lines: list[str]
    truth: list[dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Draft:
    source: str
    time: dt.datetime
    category: str
    person: Person
    true_place: str  # dwelling | building | community | vague | outside | unreadable | unknown
    true_dwelling: int = -1
    true_building: int = -1
    true_community: int = -1
    true_street: int = -1
    fields: dict[str, Any] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    placeable: bool = False
    sloppy: bool | None = None  # written by a sloppy writer (variation sloppy); None: no mix
    relation: str | None = None  # hotline: drawn before the identity (variation shared_phones)
    full_name_landline: bool = False  # hotline neighbour by full name from a landline
    address_rates: dict | None = None  # the writer's rates (variation sloppy); None: the source's
    identity_rates: dict | None = None
    identifiable: bool = False  # the written identity finds the true person (clerk's rule)
    symptomatic: bool | None = False  # the record reports symptoms (truth true_symptomatic)
    key_trip: bool | None = None  # a stay in a key area inside its window (variation travel)
    trips: list[Trip] = field(default_factory=list)  # stays the record tells of (travel)
    origin_text: str = ""  # the place 诉求内容 names (hotline)
    case: Case | None = None  # what decides placeable; None: never placeable
    record_id: str = ""


def _person(world: World, people: People, i: int, registered: bool) -> Person:
    house = int(people.house[i]) if registered else -1
    family: tuple[tuple[int, str], ...] = ()
    if registered:
        family = tuple(
            (j, people.id_number[j])
            for j in people.members(i)
            if j != i and people.id_number[j] and people.id_type[j] == 0
        )
    birth = people.birth[i].astype(object)
    return Person(
        index=i if registered else -1,
        person_id=str(people.person_id[i]) if registered else None,
        name=people.name[i],
        surname=people.surname[i],
        given=people.given[i],
        han=int(people.style[i]) == 0,
        male=bool(people.male[i]),
        birth=birth,
        id_type=int(people.id_type[i]),
        id_number=people.id_number[i],
        own_phone=int(people.own_phone[i]),
        registry_phone=int(people.phone[i]) if registered else 0,
        registry_house=house,
        residence=int(people.residence[i]),
        region=int(people.region[i]),
        family_ids=family,
    )


def _sample(
    rng: np.random.Generator, eligible: np.ndarray, weight: np.ndarray, k: int
) -> np.ndarray:
    """k distinct indices from `eligible` (bool mask), accepted with probability `weight`."""
    pool = np.flatnonzero(eligible)
    if k == 0 or pool.size == 0:
        return np.zeros(0, np.int64)
    out: list[int] = []
    seen: set[int] = set()
    for _ in range(200):
        if len(out) >= k:
            break
        cand = pool[rng.integers(0, pool.size, size=max(16, 3 * (k - len(out))))]
        keep = cand[rng.random(cand.size) < weight[cand]]
        for c in keep.tolist():
            if c not in seen:
                seen.add(c)
                out.append(c)
                if len(out) == k:
                    break
    if len(out) < k:  # a tiny registry: allow repeats rather than loop forever
        out.extend(pool[rng.integers(0, pool.size, size=k - len(out))].tolist())
    return np.asarray(out, dtype=np.int64)


def _age_weights(people: People, source: str) -> np.ndarray:
    age = 2026 - (people.birth.astype("datetime64[Y]").astype(np.int64) + 1970)
    if source == "checkpoint":
        return np.where((age >= 18) & (age <= 70), 1.0, np.where(age > 70, 0.3, 0.15))
    if source == "hotline":
        return np.where(age >= 20, 1.0, 0.0)
    return np.where(age >= 10, 1.0, 0.5)


def _times(rng: np.random.Generator, date: dt.date, n: int, source: str) -> list[dt.datetime]:
    centre = {"checkpoint": 15.0, "hotline": 13.0, "healthcloud": 10.0}[source]
    hours = np.where(rng.random(n) < 0.25, rng.uniform(0, 24, n), rng.normal(centre, 4.5, n))
    secs = np.sort(np.clip((hours % 24) * 3600, 0, 86399).astype(np.int64))
    start = dt.datetime.combine(date, dt.time())
    return [start + dt.timedelta(seconds=int(s)) for s in secs.tolist()]


@lru_cache(maxsize=1)
def _migrant_regions() -> tuple[int, ...]:
    return tuple(vocab.id_regions().of_kind("migrant").tolist())


def _origin_region(rr: random.Random, person: Person) -> int:
    """Where the person travelled from (a region index): often their home county, else anywhere."""
    reg = vocab.id_regions()
    if person.region >= 0 and reg.kind[person.region] == "migrant" and rr.random() < 0.6:
        return person.region
    idx = _migrant_regions()
    return idx[rr.randrange(len(idx))]


def _region_text(i: int) -> tuple[str, str, str]:
    reg = vocab.id_regions()
    prov, city, county = reg.province[i], reg.city[i], reg.county[i]
    if city in ("市辖区", "县", "省直辖县级行政区划"):
        city = ""
    return prov, city, county


def _origin_text(rr: random.Random, person: Person) -> tuple[str, str, str]:
    """Where the person travelled from: often their home county, else anywhere."""
    return _region_text(_origin_region(rr, person))


def _origin_string(rr: random.Random, prov: str, city: str, county: str) -> str:
    forms = [prov + city, city or prov, prov, prov + city + county]
    return forms[rr.choices(range(4), weights=(45, 30, 15, 10))[0]]


def _plate(rr: random.Random, province: str) -> str:
    head = PLATE_PREFIX.get(province, "沪") if rr.random() < 0.6 else "沪"
    letter = "ABCDEFGHJKLMN"[rr.randrange(13)]
    return head + letter + "".join(rr.choice(_PLATE_CHARS) for _ in range(5))


def _junk(rr: random.Random, text: str, codes: list[str], allow_control: bool) -> str:
    j = rates.JUNK
    x = rr.random()
    if x < j["emoji"]:
        codes.append("junk_emoji")
        return text + rr.choice(_EMOJI)
    if x < j["emoji"] + j["control"] and allow_control:
        codes.append("junk_control")
        i = rr.randrange(len(text) + 1)
        return text[:i] + rr.choice(("\x07", "\x1b", "\x0b", "\u2028", "\u200b")) + text[i:]
    if x < j["emoji"] + j["control"] + j["formula"]:
        codes.append("junk_formula")
        return rr.choice(("=", "+", "-", "@")) + text
    return text


class _NightBuilder:
    def __init__(self, world: World, date: dt.date, night_index: int):
        self.world = world
        self.geo = world.geo
        self.date = date
        self.rng = np.random.default_rng([world.seed, 1000 + night_index])
        self.rr = random.Random(world.seed * 1_000_003 + night_index)
        self.h = world.habits
        # Draws of habits a base world does not have come from their own stream.
        self.vr = random.Random(f"{world.seed}:{night_index}:variations")
        self._mobiles: list[int] = []

    # ----------------------------------------------------------- people
    def persons(self, source: str, categories: list[str]) -> list[tuple[str, Person, int]]:
        """(category, person, true dwelling or -1) for each requested category, in order."""
        w = self.world
        people = w.people
        ages = _age_weights(people, source)
        has_house = people.house >= 0
        movers = w.mover_target >= 0
        cats = np.asarray(categories, dtype=object)
        out: list[tuple[str, Person, int] | None] = [None] * len(categories)
        # a vague record hides one of three kinds of people
        vague_who = list(self.h.vague_who)
        who = [
            c
            if c != "vague_address"
            else vague_who[self.rr.choices(range(3), weights=list(self.h.vague_who.values()))[0]]
            for c in categories
        ]
        who_a = np.asarray(who, dtype=object)
        idx_home = np.flatnonzero(who_a == "resident_at_home")
        at_home = _sample(self.rng, has_house & ~movers & ~w.outmover, ages, idx_home.size)
        for slot, i in zip(idx_home.tolist(), at_home.tolist()):
            out[slot] = (categories[slot], _person(w, people, i, True), int(people.house[i]))
        idx_mv = np.flatnonzero(who_a == "moved_within_pudong")
        moved = _sample(self.rng, movers, ages, idx_mv.size)
        for slot, i in zip(idx_mv.tolist(), moved.tolist()):
            out[slot] = (categories[slot], _person(w, people, i, True), int(w.mover_target[i]))
        idx_out = np.flatnonzero(cats == "outside_pudong")
        registered_out = [s for s in idx_out.tolist() if self.rr.random() < 0.3]
        outs = _sample(self.rng, w.outmover, ages, len(registered_out))
        for slot, i in zip(registered_out, outs.tolist()):
            out[slot] = ("outside_pudong", _person(w, people, i, True), -1)
        idx_new = [s for s in range(len(categories)) if out[s] is None]
        if idx_new:
            houses = self.rng.integers(0, self.geo.n_dwellings, len(idx_new))
            newcomers = make_newcomers(
                self.geo, houses, self.rng, w.id_keys, f"N{self.date:%Y%m%d}{source[0].upper()}"
            )
            for k, slot in enumerate(idx_new):
                cat = categories[slot]
                place = int(houses[k]) if cat != "outside_pudong" else -1
                out[slot] = (cat, _person(w, newcomers, k, False), place)
        return [x for x in out if x is not None]

    # ----------------------------------------------------------- truth
    def identify(
        self, d: _Draft, ev: Evidence, units: list[tuple[int, int]] | None = None
    ) -> int | None:
        """Set ``d.identifiable`` (the clerk's rules find the record's own person:
        ``streetlink.synth.clerk``) and return the committee of the identified person's
        registered dwelling (None: nobody, or no home). `units`: for the hotline, the
        buildings of the lane or community the matter's address names (rule 4)."""
        clerk = self.world.clerk
        thorough = self.world.thorough_clerk
        idx = clerk.identify(ev, self.date, d.person.index, thorough)
        if idx is None and units and thorough:
            idx = clerk.by_name_in_units(ev, units)
        d.identifiable = idx is not None and idx == d.person.index
        if idx is None:
            return None
        house = int(self.world.people.house[idx])
        return int(self.geo.d_committee[house]) if house >= 0 else None

    def decide(
        self, d: _Draft, written: list[Written], id_committee: int | None, hint_street: int | None
    ) -> None:
        """Record what decides the draft's ``placeable``; settled for the whole night at once
        (``streetlink.synth.placeable``) once every record is written."""
        d.placeable, d.case = False, None
        if d.true_place == "outside":
            return
        d.case = Case(_true_committee(self.geo, d), tuple(written), id_committee, hint_street)

    # ----------------------------------------------------------- sources
    def street_hint(
        self,
        si: int,
        codes: list[str],
        blank: float,
        wrong: float,
        short: float,
    ) -> tuple[str, int | None]:
        rr = self.rr
        geo = self.geo
        x = rr.random()
        if x < blank:
            codes.append("hint_blank")
            return "", None
        if x < blank + wrong:
            neighbours = [geo.street_by_code[c] for c in geo.streets[si].neighbours]
            wrong_si = neighbours[rr.randrange(len(neighbours))]
            codes.append("hint_wrong")
            return geo.streets[wrong_si].name, wrong_si
        if rr.random() < short:
            codes.append("hint_short")
            return geo.streets[si].short, si
        return geo.streets[si].name, si

    def render_place(self, d: _Draft, source: str, a: dict) -> tuple[Rendered, OutsidePlace | None]:
        rr, geo = self.rr, self.geo
        if d.category == "outside_pudong":
            in_sh = rr.random() < rates.OUTSIDE[source]
            pudong_road = None
            if in_sh and self.h.has("sloppy"):
                v = self.h.of("sloppy")
                if self.vr.random() < v["outside_town_pudong_road"]:
                    pudong_road = self._pudong_door(v["outside_copies_pudong_number"])
            r, place = render_outside(rr, in_sh, rates.OUTSIDE["no_district"], pudong_road)
            return r, place
        if d.category == "vague_address":
            kind = None
            mover = d.person.index >= 0 and self.world.mover_target[d.person.index] >= 0
            if self.h.has("movers") and mover:  # a mover writes little
                kinds = self.h.of("movers")["mover_vague_kinds"]
                kind = self.vr.choices(list(kinds), weights=list(kinds.values()))[0]
            return render_vague(geo, d.true_street, rr, kind), None
        return render_dwelling(geo, d.true_dwelling, rr, a), None

    def _pudong_door(self, copy_number: float) -> tuple[str, int, int, int | None]:
        """A road Pudong has, with (often) the lane, number and room of a real Pudong door:
        what another district's address looks like when its road shares a Pudong name."""
        geo, vr = self.geo, self.vr
        b = vr.randrange(int(geo.b_road.size))
        road = geo.road_name[int(geo.b_road[b])]
        if vr.random() < copy_number and geo.b_lane[b] >= 0:
            d = int(geo.b_first[b]) + vr.randrange(int(geo.b_count[b]))
            room = int(geo.d_room[d])
            return road, int(geo.b_lane[b]), int(geo.b_number[b]), room if room >= 0 else None
        return (
            road,
            vr.randint(1, 2999),
            vr.randint(1, 60),
            vr.randint(1, 25) * 100 + vr.randint(1, 4),
        )

    def new_mobile(self) -> int:
        """A mobile number the registry does not know (a new SIM), drawn in batches."""
        if not self._mobiles:
            self._mobiles = mobile_numbers(self.rng, 4096, *vocab.mobile_segments()).tolist()[::-1]
        return self._mobiles.pop()

    def identity(self, d: _Draft, source: str, ev: Evidence) -> tuple[str, str, str, str]:
        r = d.identity_rates or self.h.identity[source]
        honorific = self.h.hotline["honorific"]
        shared = self.h.of("shared_phones") if self.h.has("shared_phones") else None
        hotline = source == "hotline"
        if hotline and d.full_name_landline:  # a neighbour gives a full name, from home
            r = {**r, "phone_landline": 1.0}
            honorific = 0.0
            d.codes.append("caller_neighbour_landline")
        vr = self.vr if shared is not None and hotline else None
        name = write_name(
            d.person,
            self.rr,
            r,
            hotline,
            honorific,
            ev,
            minority_honorific=shared["minority_honorific"]
            if vr and not d.full_name_landline
            else 0,
            vr=vr,
        )
        id_type, id_no = ("", "")
        if source != "hotline":
            id_type, id_no = write_id(d.person, self.rr, r, ev)
        phone = write_phone(
            d.person,
            self.rr,
            r,
            ev,
            landline(self.rng),
            self.new_mobile(),
            household_phone=shared["household_phone"] if vr else 0.0,
            vr=vr,
        )
        return name, id_type, id_no, phone

    def build(self, source: str, n: int) -> list[_Draft]:
        rng = self.rng
        shares = self.h.category_shares[source]
        cats = rng.choice(list(shares), size=n, p=list(shares.values())).tolist()
        times = _times(rng, self.date, n, source)
        drafts = []
        for (cat, person, dwelling), t in zip(self.persons(source, cats), times):
            d = _Draft(source, t, cat, person, "dwelling", true_dwelling=dwelling)
            if cat == "outside_pudong":
                d.true_place = "outside"
            elif cat == "vague_address":
                d.true_place = "vague"
            if dwelling >= 0:
                d.true_street = int(self.geo.d_street[dwelling])
            if self.h.has("sloppy"):
                sloppy = self.vr.random() < self.h.of("sloppy")["sloppy_share"][source]
                d.sloppy = sloppy
                d.address_rates, d.identity_rates = self.h.writer(source, sloppy)
                if sloppy:
                    d.codes.append("writer_sloppy")
            drafts.append(d)
        return drafts

    def hint_rates(self, d: _Draft, blank: float, wrong: float) -> tuple[float, float]:
        """(blank, wrong) rates of the street field for this record's writer."""
        if d.sloppy is None:
            return blank, wrong
        hint = self.h.writers[d.source]["sloppy" if d.sloppy else "careful"]["hint"]
        return hint if hint is not None else (blank, wrong)

    def checkpoint(self, d: _Draft) -> None:
        rr = self.rr
        a = d.address_rates or self.h.address["checkpoint"]
        ev = Evidence(codes=d.codes)
        name, id_type, id_no, phone = self.identity(d, "checkpoint", ev)
        rendered, _ = self.render_place(d, "checkpoint", a)
        d.codes.extend(rendered.codes)
        address = _junk(rr, rendered.text, d.codes, allow_control=True)
        region = _origin_region(rr, d.person)
        if self.h.has("travel"):
            day = d.time.date()
            if self.vr.random() < self.h.of("travel")["checkpoint_key_origin"]:
                region, _ = key_region(self.vr, self.world.key_areas)
            d.trips.append(Trip(region, day))  # left the place on the day of arrival
        prov, city, county = _region_text(region)
        visitor = d.category in ("newcomer", "outside_pudong")
        purpose = rr.choices(
            list(PURPOSE_VISITOR if visitor else PURPOSE_RESIDENT),
            weights=list((PURPOSE_VISITOR if visitor else PURPOSE_RESIDENT).values()),
        )[0]
        if rr.random() < rates.JUNK["long_text"]:
            purpose = (purpose + "，") * 4000
            d.codes.append("junk_long")
        names, weights = vocab.checkpoints()
        d.fields = {
            "登记时间": d.time.strftime("%Y-%m-%d %H:%M:%S"),
            "道口名称": names[rr.choices(range(len(names)), weights=weights.tolist())[0]],
            "姓名": name,
            "证件类型": id_type,
            "证件号码": id_no,
            "联系电话": phone,
            "车牌号码": "" if rr.random() < rates.CHECKPOINT["plate_blank"] else _plate(rr, prov),
            "出发地": _origin_string(rr, prov, city, county),
            "来沪事由": purpose,
            "在沪居住地址": address,
        }
        self.decide(d, [rendered.written], self.identify(d, ev), None)

    def hotline(self, d: _Draft) -> None:
        rr, geo = self.rr, self.geo
        a = d.address_rates or self.h.address["hotline"]
        h = self.h.hotline
        ev = Evidence(codes=d.codes)
        if self.h.has("shared_phones") and d.true_place == "dwelling":
            # the matter's place decides who calls how: a neighbour rings from home by full name
            d.relation = self.vr.choices(list(h["relation"]), weights=list(h["relation"].values()))[
                0
            ]
            d.full_name_landline = (
                d.relation == "neighbour"
                and self.vr.random() < self.h.of("shared_phones")["neighbour_full_name_landline"]
            )
        name, _, _, phone = self.identity(d, "hotline", ev)
        written: list[Written] = []
        content_place = ""
        if d.true_place == "dwelling":
            relation = (
                d.relation
                or rr.choices(list(h["relation"]), weights=list(h["relation"].values()))[0]
            )
            home = d.true_dwelling
            b = int(geo.d_building[home])
            if b < 0 and relation in ("building", "community"):
                relation = "own"
            if relation == "own":
                r = render_dwelling(geo, home, rr, a)
                if rr.random() < h["content_repeats_address"]:
                    c = render_dwelling(geo, home, rr, a, light=True)
                    content_place, written = c.text, [c.written]
            elif relation == "neighbour":
                d.codes.append("place_neighbour")
                target = self._neighbour(home)
                d.true_dwelling = target
                if rr.random() < h["neighbour_in_content"]:
                    r = render_dwelling(geo, home, rr, a)
                    c = render_dwelling(geo, target, rr, a, light=True)
                    content_place, written = c.text, [c.written]
                    r.written = Written("none")  # the caller's own place is not the matter's
                else:
                    r = render_dwelling(geo, target, rr, a)
            elif relation == "building":
                d.codes.append("place_building")
                d.true_place, d.true_building = "building", b
                r = render_building(geo, b, rr, a)
            else:
                cm = int(geo.b_community[b])
                if cm < 0:
                    d.codes.append("place_building")
                    d.true_place, d.true_building = "building", b
                    r = render_building(geo, b, rr, a)
                else:
                    d.codes.append("place_community")
                    d.true_place, d.true_community = "community", cm
                    r = render_community(geo, cm, rr, a)
            written = [r.written, *written]
        else:
            r, _ = self.render_place(d, "hotline", a)
            written = [r.written]
        d.codes.extend(x for x in r.codes if x not in d.codes)
        address = _junk(rr, r.text, d.codes, allow_control=False)
        hint_text, hint_si = ("", None)
        if d.true_street >= 0:
            blank, wrong = self.hint_rates(d, h["hint_blank"], h["hint_wrong"])
            hint_text, hint_si = self.street_hint(
                d.true_street, d.codes, blank, wrong, h["hint_short"]
            )
        elif rr.random() > h["hint_blank"]:
            hint_text = self.geo.streets[rr.randrange(len(self.geo.streets))].name
        content = self._content(d, content_place)
        if rr.random() < rates.JUNK["long_text"]:
            content = content * (20_000 // max(1, len(content)))
            d.codes.append("junk_long")
        d.fields = {
            "受理时间": d.time,
            "来电人": name,
            "来电号码": phone,
            "事发地址": address,
            "诉求内容": content,
            "所属街镇": hint_text,
            "工单类别": self._category(
                d, HOTLINE_CATEGORIES[rr.randrange(len(HOTLINE_CATEGORIES))]
            ),
        }
        # The caller's registered home is evidence for a matter at or near it (own flat, a
        # neighbour's, the building, the community): a clerk choosing between candidates
        # takes the caller's committee, right whenever the matter lies in it.
        units = self._named_units(written) if self.world.thorough_clerk else None
        self.decide(d, written, self.identify(d, ev, units), hint_si)
        if d.true_place in ("building", "community"):
            d.true_street = (
                int(geo.com_street[geo.b_committee[d.true_building]])
                if d.true_place == "building"
                else int(geo.comm_street[d.true_community])
            )

    def _named_units(self, written: list[Written]) -> list[tuple[int, int]]:
        """The buildings (first dwelling, dwelling count) of the lane, road-front building or
        community a matter's address names exactly — where a clerk looks a caller up by name."""
        geo = self.geo
        found: set[int] = set()
        for w in written:
            road = geo.road_by_name.get(w.road) if w.road is not None else None
            if road is not None and w.lane is not None:
                found.update(geo.buildings_by_lane.get((road, w.lane), ()))
            elif road is not None and w.number is not None:
                found.update(
                    b
                    for b in geo.buildings_by_road_number.get((road, w.number), ())
                    if geo.b_lane[b] < 0
                )
            elif w.road is None and w.community is not None:
                for cm in geo.comm_by_name.get(w.community, []) + geo.estate_by_name.get(
                    w.community, []
                ):
                    if w.street is None or geo.comm_street[cm] == w.street:
                        found.update(geo.buildings_by_comm.get(cm, ()))
        return [(int(geo.b_first[b]), int(geo.b_count[b])) for b in sorted(found)]

    def _neighbour(self, home: int) -> int:
        geo, rr = self.geo, self.rr
        b = int(geo.d_building[home])
        if b < 0:  # rural: the next house of the group
            same = home + (
                1
                if home + 1 < geo.n_dwellings and geo.d_village[home + 1] == geo.d_village[home]
                else -1
            )
            return same
        if rr.random() < 0.7 or geo.b_lane[b] < 0:
            first, count = int(geo.b_first[b]), int(geo.b_count[b])
            if count > 1:
                other = first + rr.randrange(count - 1)
                return other if other < home else other + 1
        lane_bs = geo.buildings_by_lane.get((int(geo.b_road[b]), int(geo.b_lane[b])), [b])
        ob = lane_bs[rr.randrange(len(lane_bs))]
        return int(geo.b_first[ob] + rr.randrange(int(geo.b_count[ob])))

    def _content(self, d: _Draft, place: str) -> str:
        text, region, mentions = self._content_text(d, place)
        if self.h.has("travel"):
            text = self._health_content(d, text, region, mentions)
        return text

    def _content_text(self, d: _Draft, place: str) -> tuple[str, int, bool]:
        """(诉求内容, the region it names, whether it tells of the trip from there)."""
        rr = self.rr
        region = _origin_region(rr, d.person)
        prov, city, county = _region_text(region)
        origin = _origin_string(rr, prov, city, county)
        d.origin_text = origin
        who = rr.choice(("一名人员", "两名人员", "租客", "住户", "外地人员", "一户人家", "人员"))
        at = place or "该处"
        if "place_neighbour" in d.codes and place:
            rel = rr.choice(("隔壁", "楼上邻居", "楼下邻居", "对门邻居", "房东的租客"))
            return f"来电人反映其{rel}（{place}）有{who}从{origin}回来，请社区关注。", region, True
        templates = (
            "来电人咨询：家住{at}，家属从{origin}来沪，是否需要居家健康监测？",
            "市民来电反映：{at}有{who}近日从{origin}返沪，未向居委报备，请社区核实。",
            "反映{at}群租，近期{who}入住，请相关部门核实处理。",
            "来电人反映{at}{who}从{origin}来沪，尚未登记，要求上门核查。",
            "来电反映{at}有{who}未按要求落实健康监测，请核实。",
            "来电人称本人从{origin}来沪，暂住{at}，咨询如何登记。",
            "来电人反映家中老人从{origin}回来，住{at}，要求社区上门登记。",
            "来电人称其本人居住于该处，已从{origin}返沪，希望社区登记并告知健康管理要求。",
        )
        template = templates[rr.randrange(len(templates))]
        return template.format(at=at, who=who, origin=origin), region, "{origin}" in template

    def healthcloud(self, d: _Draft) -> None:
        rr = self.rr
        a = d.address_rates or self.h.address["healthcloud"]
        hc = self.h.healthcloud
        ev = Evidence(codes=d.codes)
        name, id_type, id_no, phone = self.identity(d, "healthcloud", ev)
        rendered, outside = self.render_place(d, "healthcloud", a)
        d.codes.extend(rendered.codes)
        detail = _junk(rr, rendered.text, d.codes, allow_control=True)
        hint_si = None
        if outside is not None:
            province, city, district, street = outside.province, outside.city, outside.district, ""
            if outside.in_shanghai and rr.random() < hc["city_shixiaqu"]:
                city = "市辖区"
        else:
            province = "上海市"
            city = "市辖区" if rr.random() < hc["city_shixiaqu"] else "上海市"
            district = "" if rr.random() < hc["district_empty"] else "浦东新区"
            blank, wrong = self.hint_rates(d, hc["street_empty"], hc["street_wrong"])
            street, hint_si = self.street_hint(d.true_street, d.codes, blank, wrong, 0.0)
        arrival = self.date - dt.timedelta(days=rr.randrange(4))
        travel = []
        if self.h.has("travel"):
            travel, symptoms = self._travel_history(d, arrival)
        else:
            for _ in range(rr.choices((0, 1, 2), weights=(35, 50, 15))[0]):
                p, c, k = _origin_text(rr, d.person)
                travel.append(_origin_string(rr, p, c, k))
            symptoms = [rr.choice(SYMPTOMS)] if rr.random() < 0.05 else []
        d.symptomatic = bool(symptoms)
        if symptoms and self.h.has("travel"):  # (a base world's truth keeps its codes)
            d.codes.append("symptoms_reported")
        d.fields = {
            "submitted_at": d.time.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "name": name,
            "id_type": id_type,
            "id_no": id_no,
            "mobile": phone,
            "residence": {
                "province": province,
                "city": city,
                "district": district,
                "street": street,
                "detail": detail,
            },
            "arrival_date": arrival.isoformat(),
            "travel_history": travel,
            "symptoms": symptoms,
        }
        self.decide(d, [rendered.written], self.identify(d, ev), hint_si)

    def _category(self, d: _Draft, category: str) -> str:
        """An order telling of symptoms or a key-area stay is often filed as a health matter."""
        if not self.h.has("travel"):
            return category
        key = any(in_key_area(self.world.key_areas, t, self.date)[0] for t in d.trips)
        if (d.symptomatic or key) and self.vr.random() < self.h.of("travel")["health_category"]:
            d.codes.append("hotline_health_category")
            return self.vr.choice(HEALTH_CATEGORIES)
        return category

    def _travel_history(self, d: _Draft, arrival: dt.date) -> tuple[list[str], list[str]]:
        """(travel_history entries, symptoms) of a health-cloud report (variation travel):
        the places as before, each stay dated; sometimes a stay in a key area."""
        rr, vr, v = self.rr, self.vr, self.h.of("travel")
        trips = []
        for _ in range(rr.choices((0, 1, 2), weights=(35, 50, 15))[0]):
            trips.append(
                Trip(_origin_region(rr, d.person), arrival - dt.timedelta(days=vr.randint(0, 10)))
            )
        key = vr.random() < v["healthcloud_key_trip"]
        if key:
            region, area = key_region(vr, self.world.key_areas)
            day = key_trip_day(vr, area, self.date, vr.random() < v["trip_in_window"], arrival)
            trips.insert(vr.randrange(len(trips) + 1), Trip(region, day))
        entries = []
        for t in trips:
            p, c, k = _region_text(t.region)
            dated = vr.random() < v["travel_dated"]
            if dated:
                d.codes.append("travel_dated")
            entries.append(travel_entry(vr, _origin_string(rr, p, c, k), t.day, dated))
        d.trips.extend(trips)
        rate = v["symptoms_key_trip"] if key else v["symptoms"]
        symptoms = vr.sample(SYMPTOMS, vr.choice((1, 1, 2))) if vr.random() < rate else []
        return entries, symptoms

    def _health_content(self, d: _Draft, text: str, origin_region: int, mentions: bool) -> str:
        """诉求内容 telling of a dated trip or of symptoms (variation travel)."""
        vr, v = self.vr, self.h.of("travel")
        if mentions:
            day = self.date - dt.timedelta(days=vr.randint(1, 10))
            if vr.random() < v["hotline_key_trip"] / 0.8:  # 4 templates in 5 tell of a trip
                origin_region, area = key_region(vr, self.world.key_areas)
                day = key_trip_day(
                    vr, area, self.date, vr.random() < v["trip_in_window"], self.date
                )
                p, c, k = _region_text(origin_region)
                text = text.replace(d.origin_text, _origin_string(vr, p, c, k), 1)
            d.trips.append(Trip(origin_region, day))
            if vr.random() < 0.6:
                when = f"{day.month}月{day.day}日"
                if "近日" in text:
                    text = text.replace("近日", when, 1)
                elif "已从" in text:
                    text = text.replace("已从", f"已于{when}从", 1)
                else:
                    text = text.replace("从", f"{when}从", 1)
                d.codes.append("travel_dated")
        if vr.random() < v["hotline_symptoms"]:
            text += vr.choice(
                (
                    "来电人称本人有发热症状。",
                    "自述咳嗽、乏力。",
                    "家属出现发热、咽痛症状。",
                    "有发热、咳嗽症状，要求上门。",
                )
            )
            d.symptomatic = True
            d.codes.append("symptoms_reported")
        return text

    def reuse_checkpoint_person(self, d: _Draft, usable: list[_Draft]) -> None:
        """The same person also files a health-cloud report that night."""
        if not usable:
            return
        src = usable[self.rr.randrange(len(usable))]
        d.category, d.person = src.category, src.person
        d.true_place, d.true_dwelling, d.true_street = (
            "dwelling",
            src.true_dwelling,
            src.true_street,
        )
        d.codes.append("same_person_other_source")


def _true_committee(geo: Geography, d: _Draft) -> int:
    """The committee the record's true place lies in, placeable or not; -1 when there is
    none: outside Pudong, a place the record does not let anyone know (injected bad
    records), or a hotline community split between two committees."""
    if d.true_place in ("dwelling", "vague") and d.true_dwelling >= 0:
        return int(geo.d_committee[d.true_dwelling])
    if d.true_place == "building":
        return int(geo.b_committee[d.true_building])
    if d.true_place == "community":
        coms = {int(geo.b_committee[b]) for b in geo.buildings_by_comm[d.true_community]}
        return min(coms) if len(coms) == 1 else -1
    return -1


def _truth_row(world: World, d: _Draft) -> dict[str, Any]:
    # Where the place is (house, street, committee) is truth whether or not the writing
    # lets a clerk find it: `placeable` alone says that.
    geo = world.geo
    committee = _true_committee(geo, d)
    house = (
        geo.house_id[d.true_dwelling]
        if d.true_place in ("dwelling", "vague") and d.true_dwelling >= 0
        else None
    )
    if committee >= 0:
        street = geo.streets[int(geo.com_street[committee])].code
    elif d.true_street >= 0 and d.true_place == "community":  # a split community: one street
        street = geo.streets[d.true_street].code
    else:
        street = None
    return {
        "record_id": d.record_id,
        "source": d.source,
        "category": d.category,
        "placeable": bool(d.placeable),
        "true_person_id": d.person.person_id,
        "person_identifiable": bool(d.identifiable) if d.person.person_id is not None else None,
        "true_house_id": str(house) if house is not None else None,
        "true_street_code": street,
        "true_committee_code": geo.com_code[committee] if committee >= 0 else None,
        "messiness": sorted(set(d.codes) | set(_place_codes(world, d))),
        "true_symptomatic": d.symptomatic,
        "true_key_area_trip": d.key_trip,
    }


_KIND_CODES = {
    "phase": "place_phased_estate",
    "numbered": "place_numbered_estate",
    "village_named": "place_village_named_estate",
}


def _place_codes(world: World, d: _Draft) -> list[str]:
    """Codes of the true place and person that the variations make special: an estate with
    phases or a number or village in its name, a dirty registry row (none in a base world)."""
    geo = world.geo
    dwelling, building, community = -1, -1, -1
    if d.true_place in ("dwelling", "vague") and d.true_dwelling >= 0:
        dwelling = d.true_dwelling
        building = int(geo.d_building[dwelling])
    elif d.true_place == "building":
        building = d.true_building
    elif d.true_place == "community":
        community = d.true_community
    if building >= 0:
        community = int(geo.b_community[building])
    out = []
    if community >= 0 and geo.comm_kind[community]:
        out.append(_KIND_CODES[geo.comm_kind[community]])
    if world.dirt is not None:
        out += world.dirt.codes_for(dwelling, building, d.person.index)
    return out


def generate_night(
    world: World, date: dt.date, night_index: int, n_records: int, inject_bad_input: bool = False
) -> Night:
    """All records of one night, their source rows and their truth."""
    nb = _NightBuilder(world, date, night_index)
    rr = nb.rr
    counts = {s: round(n_records * p) for s, p in rates.SOURCE_SHARES.items()}
    counts["healthcloud"] = n_records - counts["checkpoint"] - counts["hotline"]
    cp = nb.build("checkpoint", counts["checkpoint"])
    for d in cp:
        nb.checkpoint(d)
    hl = nb.build("hotline", counts["hotline"])
    for d in hl:
        nb.hotline(d)
    hc = nb.build("healthcloud", counts["healthcloud"])
    usable = [
        x for x in cp if x.category in ("resident_at_home", "moved_within_pudong", "newcomer")
    ]
    for d in hc:
        if d.category != "outside_pudong" and rr.random() < rates.SAME_PERSON_SHARE:
            nb.reuse_checkpoint_person(d, usable)
        nb.healthcloud(d)

    ymd, yymmdd = f"{date:%Y%m%d}", f"{date:%y%m%d}"
    seq = 0
    cp_rows = []
    for d in cp:
        seq += 1 + (rr.random() < 0.3) + (rr.random() < 0.1)
        sid = f"KK{ymd}{seq:06d}"
        d.record_id = f"checkpoint:{sid}"
        cp_rows.append({"记录编号": sid, **d.fields})
    seq = 0
    hl_rows = []
    for d in hl:
        seq += 1 + (rr.random() < 0.4) + (rr.random() < 0.1)
        sid = f"{yymmdd}{seq:07d}"
        d.record_id = f"hotline:{sid}"
        hl_rows.append(_hotline_cells(rr, sid, d))
    seq = 0
    hc_objs = []
    for d in hc:
        seq += 1 + (rr.random() < 0.3)
        sid = f"HC{ymd}{seq:06d}"
        d.record_id = f"healthcloud:{sid}"
        hc_objs.append({"report_id": sid, **d.fields})
    hc_lines = [json.dumps(o, ensure_ascii=False) for o in hc_objs]
    drafts = cp + hl + hc
    resend: list[dict[str, str]] = []
    if inject_bad_input:
        drafts, resend, hc_lines = _inject_bad_input(nb, date, cp, cp_rows, hc_lines, drafts)
    encoding = "utf-8-sig" if rr.random() < rates.CHECKPOINT["utf8_bom_nights"] else "gb18030"
    titles = [
        ["浦东新区12345市民服务热线工单导出"],
        [f"导出时间：{date + dt.timedelta(days=1):%Y-%m-%d} 06:00:00", "", f"共{len(hl_rows)}条"],
    ]
    if rr.random() < 0.5:
        titles.append(["筛选条件：全部工单"])
    if rr.random() < 0.3:
        titles = titles[:1]
    _settle(world.geo, drafts)
    if world.habits.has("travel"):
        for d in drafts:
            if d.true_place != "unreadable":
                d.key_trip = tells_of_key_trip(world.key_areas, d.trips, date, d.codes)
    truth = [_truth_row(world, d) for d in drafts]
    truth.sort(key=lambda t: t["record_id"])
    return Night(
        date=date,
        checkpoint_rows=cp_rows,
        checkpoint_resend_rows=resend,
        checkpoint_encoding=encoding,
        hotline_title=titles,
        hotline_rows=hl_rows,
        healthcloud_lines=hc_lines,
        truth=truth,
        counts={
            "checkpoint": len(cp_rows),
            "hotline": len(hl_rows),
            "healthcloud": sum(1 for d in drafts if d.source == "healthcloud"),
        },
    )


def _settle(geo: Geography, drafts: list[_Draft]) -> None:
    """Decide ``placeable`` for every draft of the night in one pass."""
    pending = [(d, d.case) for d in drafts if d.case is not None]
    for (d, _), ok in zip(pending, decide(geo, [case for _, case in pending])):
        d.placeable = ok


def _hotline_cells(rr: random.Random, sid: str, d: _Draft) -> dict[str, Any]:
    """Cell values as the export writes them: some ids/phones as numbers, times as text."""
    h = rates.HOTLINE
    f = dict(d.fields)
    row: dict[str, Any] = {"工单编号": sid}
    if rr.random() < h["numeric_id_cell"]:
        row["工单编号"] = int(sid)
        d.codes.append("cell_numeric_id")
    t: dt.datetime = f.pop("受理时间")
    if rr.random() < h["time_text"]:
        form = rr.choice(("%Y年%m月%d日 %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M:%S"))
        row["受理时间"] = t.strftime(form)
        d.codes.append("time_text")
    else:
        row["受理时间"] = t
    phone = f["来电号码"]
    if phone.isdigit() and not phone.startswith("0") and rr.random() < h["numeric_phone_cell"]:
        f["来电号码"] = int(phone)
        d.codes.append("cell_numeric_phone")
    row.update(f)
    return row


def _inject_bad_input(
    nb: _NightBuilder,
    date: dt.date,
    cp: list[_Draft],
    cp_rows: list[dict],
    hc_lines: list[str],
    drafts: list[_Draft],
) -> tuple[list[_Draft], list[dict[str, str]], list[str]]:
    """The documented bad records (docs/synthetic_data.md, "Bad input"), added to the night."""
    rr = nb.rr
    file_name = f"healthcloud_{date:%Y-%m-%d}.jsonl"
    extra: list[_Draft] = []
    # 1-2. two health-cloud lines that cannot be trusted: invalid JSON, residence not an object
    bad = nb.build("healthcloud", 2)
    lines = list(hc_lines) + [""]  # a blank line (ignored by readers) before the bad ones
    for k, d in enumerate(bad):
        nb.healthcloud(d)
        obj = {"report_id": f"HC{date:%Y%m%d}9{k:05d}", **d.fields}
        if k == 0:
            text = json.dumps(obj, ensure_ascii=False)[:-15]  # truncated mid-object
            code = "bad_json_line"
        else:
            obj["residence"] = obj["residence"]["detail"]
            text = json.dumps(obj, ensure_ascii=False)
            code = "wrong_field_type"
        lines.append(text)
        d.record_id = f"healthcloud:{file_name}#{len(lines)}"
        d.codes = [code]
        d.placeable, d.true_place, d.case = False, "unreadable", None
        d.symptomatic = d.key_trip = None  # nothing of the line can be trusted
        extra.append(d)
    # 3. the same checkpoint records re-sent in a second file
    picks = sorted(rr.sample(range(len(cp_rows)), k=min(3, len(cp_rows))))
    resend = [dict(cp_rows[i]) for i in picks]
    for i in picks:
        cp[i].codes.append("resent_duplicate")
    # 4. a checkpoint record whose time is not a time; 5. one with no address and no identity
    more = nb.build("checkpoint", 2)
    for k, d in enumerate(more):
        nb.checkpoint(d)
        sid = f"KK{date:%Y%m%d}9{k:05d}"
        d.record_id = f"checkpoint:{sid}"
        if k == 0:
            d.fields["登记时间"] = rr.choice(("2026-13-45 25:61:00", "待补录", "11/24 上午"))
            d.codes = ["unparseable_time"]
        else:
            d.category = "vague_address"
            for key in ("姓名", "证件号码", "联系电话", "在沪居住地址", "车牌号码"):
                d.fields[key] = ""
            d.codes = ["no_address_no_identity"]
            d.true_place, d.true_street = "unknown", -1  # nothing written: nowhere to look
        d.placeable, d.case = False, None
        cp_rows.append({"记录编号": sid, **d.fields})
        extra.append(d)
    return drafts + extra, resend, lines
