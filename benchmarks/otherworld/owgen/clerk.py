"""The careful clerk: what a person with both registries can conclude from a record.

This defines the truth's `placeable` and `person_identifiable`. It works on what the record
*says* (the address as the writer meant it, before formatting noise such as full-width
digits or Traditional characters, which a clerk reads through) and on the clean registry
(a clerk reads a dirty registry field for what it means).

Placement: the written address gives candidate committees (only dwellings that really hold
the written number, and room when one is written); the street field narrows them; when
still more than one (or the address is vague) and the record identifies a person by one of
the exact rules below, and the record is about that person's own home, the person's
registered home decides. `placeable` = that procedure ends on exactly the true committee.
An estate name that reads as an address (浦三路628弄) is read both ways.

Identity (exact rules, in order):
  id_exact          the typed ID (read through width, case, spaces, 15->18 digits)
  id_household      the typed ID belongs to someone whose registered household holds
                    exactly one person with the written name (a relative's ID under one's name)
  id_one_slip       no such ID; exactly one ID one digit or one adjacent swap away has the
                    written name
  phone_name        the registry phone with the written name, one person
  phone_title       hotline 王女士 / 欧阳先生: one adult of that surname and gender holds the
                    phone; or, when the phone is in no registry record, one such adult over
                    all registry phones one digit away
  lane_name         a full name unique among the registered residents of the building or
                    lane the record reports (neighbours calling from a landline)
"""
from __future__ import annotations

import re
from collections import defaultdict

from .people import ID_CHECK, id_check
from .text import digits_only, estate_base, road_stem, to_simplified

FW = str.maketrans("０１２３４５６７８９ＸｘＸ", "0123456789XXX")
DOTS = str.maketrans({".": "·", "•": "·", "・": "·", "．": "·", "‧": "·"})
TITLE = re.compile(r"^(.+?)(先生|女士)$")
ROAD_LANE_NAME = re.compile(r"^(.+?(?:路|街|公路|大道))(\d+)弄(?:小区)?$")


def norm_name(s: str | None) -> str | None:
    if not s:
        return None
    s = to_simplified(re.sub(r"[\s\u3000]+", "", s)).translate(DOTS)
    return s or None


def norm_id(s: str | None) -> str | None:
    if not s:
        return None
    s = re.sub(r"[\s\u3000]+", "", s).translate(FW).upper()
    if re.fullmatch(r"\d{15}", s):
        body = s[:6] + "19" + s[6:]
        return body + id_check(body)
    return s


def norm_phone(s: str | None) -> str | None:
    if not s:
        return None
    d = digits_only(s)
    if len(d) == 13 and d.startswith("86"):
        d = d[2:]
    return d if len(d) == 11 and d.startswith("1") else None


class Clerk:
    def __init__(self, places, people):
        self.places = places
        self.street_of = {c: s for c, (s, _) in places.committees.items()}
        self.rln = defaultdict(lambda: defaultdict(set))     # (road, lane, num) -> committee -> rooms
        self.rl = defaultdict(set)                           # (road, lane) -> committees
        self.road_comms = defaultdict(set)
        self.cn = defaultdict(lambda: defaultdict(set))     # (community, num) -> committee -> rooms
        self.comm = defaultdict(set)
        self.by_base = defaultdict(set)
        self.vgn = defaultdict(set)
        self.vil = defaultdict(set)
        self.road_streets = defaultdict(set)
        for d in places.dwellings:
            if d.village:
                self.vgn[(d.village, d.group, d.number)].add(d.committee)
                self.vil[d.village].add(d.committee)
                continue
            if d.road:
                self.rln[(d.road, d.lane, d.number)][d.committee].add(d.room)
                self.rl[(d.road, d.lane)].add(d.committee)
                self.road_comms[d.road].add(d.committee)
                self.road_streets[d.road].add(d.street)
            if d.community:
                self.cn[(d.community, d.number)][d.committee].add(d.room)
                self.comm[d.community].add(d.committee)
                self.by_base[estate_base(d.community)].add(d.community)
        self.roads = set(self.road_comms)
        self.by_stem = defaultdict(set)
        self.by_len = defaultdict(list)
        for r in self.roads:
            self.by_stem[road_stem(r)].add(r)
            self.by_len[len(r)].append(r)

        # person indexes over the registry as delivered
        reg = [p for p in people.persons if p.pid is not None]
        self.persons = people.persons
        self.by_id = {}
        self.by_phone = defaultdict(list)
        self.by_house = defaultdict(list)
        self.by_building = defaultdict(list)
        self.by_lane = defaultdict(list)
        dw = places.dwellings
        for p in reg:
            if p.id_number:
                self.by_id[p.id_number] = p.idx
            if p.phone:
                self.by_phone[p.phone].append(p.idx)
            self.by_house[p.reg_house].append(p.idx)
            d = dw[p.reg_house]
            if d.road:
                self.by_building[(d.road, d.lane, d.number)].append(p.idx)
                if d.lane:
                    self.by_lane[(d.road, d.lane)].append(p.idx)
            elif d.community:
                self.by_building[(d.community, None, d.number)].append(p.idx)

    # ---------------------------------------------------------------- addresses
    def community_names(self, written: str) -> set[str]:
        out = set()
        for w in {written, written + "小区", written[:-2] if written.endswith("小区") else written}:
            if w in self.comm:
                out.add(w)
            out |= self.by_base.get(w, set())
        return out

    def roads_for(self, written: str, lane, number, room) -> set[str]:
        def holds(r):
            if number is None:
                return (r, lane) in self.rl if lane else r in self.roads
            rooms = self.rln.get((r, lane, number))
            if not rooms:
                return False
            return room is None or any(room in rs for rs in rooms.values())
        if written in self.roads and holds(written):
            return {written}
        near = set(self.by_stem.get(written, set()))
        for r in self.by_len.get(len(written), ()):
            if sum(a != b for a, b in zip(r, written)) == 1:
                near.add(r)
        return {r for r in near if holds(r)}

    def candidates(self, spec: dict) -> set[str] | None:
        """Committees the written address allows; None = anywhere (vague)."""
        kind = spec["kind"]
        towns = spec.get("towns")
        out: set[str] = set()
        if kind == "urban":
            lane, num, room = spec["lane"], spec["number"], spec["room"]
            for r in self.roads_for(spec["road"], lane, num, room):
                if num is None:
                    out |= self.rl[(r, lane)] if lane else self.road_comms[r]
                    continue
                for c, rooms in self.rln[(r, lane, num)].items():
                    if room is None or room in rooms:
                        out.add(c)
        elif kind == "community":
            num, room = spec["number"], spec["room"]
            m = ROAD_LANE_NAME.match(spec["name"])
            if m:
                # an estate named like an address (浦三路628弄) also reads as that road and lane
                out |= self.candidates({"kind": "urban", "road": m.group(1), "lane": m.group(2),
                                        "number": num, "room": room, "towns": None})
            for name in self.community_names(spec["name"]):
                if num is None:
                    out |= self.comm[name]
                    continue
                for c, rooms in self.cn.get((name, num), {}).items():
                    if room is None or room in rooms:
                        out.add(c)
        elif kind == "village":
            v = spec["village"]
            names = {n for n in (v, v + "村") if n in self.vil}
            for n in names:
                if spec["number"] is None:
                    out |= {c for c in self.vil[n]}
                else:
                    out |= self.vgn.get((n, spec["group"], spec["number"]), set())
        elif kind == "area":
            if not towns:
                return None
            return {c for c, s in self.street_of.items() if s in towns}
        elif kind == "outside":
            return set()
        if towns and out:
            narrowed = {c for c in out if self.street_of[c] in towns}
            if narrowed:
                out = narrowed
        return out

    def place(self, spec: dict, hint_street: str | None, person_home: str | None) -> tuple[str | None, str]:
        """The committee a clerk would send the record to, and how it was decided."""
        cands = self.candidates(spec)
        if cands is not None and len(cands) == 1:
            return next(iter(cands)), "address"
        if cands is not None and not cands:
            return None, "nothing"
        if hint_street:
            pool = cands if cands is not None else set(self.street_of)
            narrowed = {c for c in pool if self.street_of[c] == hint_street}
            if len(narrowed) == 1:
                return next(iter(narrowed)), "address+street"
            if narrowed:
                cands = narrowed
        if person_home and (cands is None or person_home in cands):
            return person_home, "person_home"
        return None, "ambiguous"

    # ---------------------------------------------------------------- people
    def _name_of(self, i: int) -> str:
        return self.persons[i].name

    def identify(self, name: str | None, id_text: str | None, phone_text: str | None,
                 hotline: bool, building_keys: list[tuple] | None) -> tuple[int | None, str]:
        n = norm_name(name)
        nid = norm_id(id_text)
        if nid and nid in self.by_id:
            holder = self.by_id[nid]
            if n and n != self._name_of(holder):
                same = [i for i in self.by_house[self.persons[holder].reg_house] if self._name_of(i) == n]
                if len(same) == 1:
                    return same[0], "id_household"
            return holder, "id_exact"
        if nid and n and len(nid) == 18:
            found = set()
            for v in _id_variants(nid):
                i = self.by_id.get(v)
                if i is not None and self._name_of(i) == n:
                    found.add(i)
            if len(found) == 1:
                return found.pop(), "id_one_slip"
        ph = norm_phone(phone_text)
        if ph and n and not TITLE.match(n):
            same = [i for i in self.by_phone.get(ph, ()) if self._name_of(i) == n]
            if len(same) == 1:
                return same[0], "phone_name"
        m = TITLE.match(n) if (hotline and n) else None
        if m and ph:
            sur, g = m.group(1), "男" if m.group(2) == "先生" else "女"

            def fits(i):
                p = self.persons[i]
                return p.surname == sur and p.gender == g and p.age >= 18
            if ph in self.by_phone:
                same = [i for i in self.by_phone[ph] if fits(i)]
                if len(same) == 1:
                    return same[0], "phone_title"
            else:
                same = set()
                for v in _phone_variants(ph):
                    same |= {i for i in self.by_phone.get(v, ()) if fits(i)}
                if len(same) == 1:
                    return same.pop(), "phone_title_one_digit"
        if hotline and n and not m and building_keys:
            for key in building_keys:
                pool = self.by_building.get(key) if len(key) == 3 else self.by_lane.get(key)
                same = [i for i in (pool or ()) if self._name_of(i) == n]
                if len(same) == 1:
                    return same[0], "lane_name"
        return None, "none"


def _id_variants(s: str):
    for k in range(18):
        for c in ("0123456789X" if k == 17 else "0123456789"):
            if c != s[k]:
                yield s[:k] + c + s[k + 1:]
    for k in range(17):
        if s[k] != s[k + 1]:
            yield s[:k] + s[k + 1] + s[k] + s[k + 2:]


def _phone_variants(s: str):
    for k in range(1, 11):
        for c in "0123456789":
            if c != s[k]:
                yield s[:k] + c + s[k + 1:]


__all__ = ["Clerk", "norm_id", "norm_name", "norm_phone", "ID_CHECK"]
