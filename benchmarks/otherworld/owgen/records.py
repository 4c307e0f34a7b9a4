"""One night's records from the three agencies, and the ground truth for each.

Input: the world (places, people, clerk) and habits. Output: rows per source (dicts keyed by
the agencies' own Chinese headers / JSON fields) and truth rows (the TRUTH contract), plus a
detail row per record for inspection (what was written, how the clerk read it).
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from .addresses import Writer, hint_text, hotline_content
from .clerk import Clerk
from .identity import IdentityWriter
from .people import make_outsider

CHECKPOINTS = ["G2京沪高速花桥道口", "G15沈海高速朱桥道口", "G60沪昆高速枫泾道口", "G50沪渝高速汾湖道口",
               "S32申嘉湖高速新浜道口", "G1501绕城高速陈家镇道口", "G40沪陕高速崇启大桥道口", "204国道朱桥道口",
               "320国道枫泾道口", "318国道金泽道口", "沪太公路浏河道口", "S26沪常高速白鹤道口",
               "S19新卫高速金山道口", "G228国道金山卫道口", "S36亭枫高速廊下道口", "G1503绕城高速长江隧桥道口"]
PURPOSES = ["返沪", "返沪居住", "回家", "工作", "务工", "出差", "探亲", "访友", "就医", "上学", "旅游", "其他", "经商"]
PLATE_HEADS = list("沪苏浙皖豫鄂赣鲁湘闽川渝黔")
SYMPTOMS = ["发热", "咳嗽", "乏力", "咽痛", "腹泻"]
CATEGORY_ORDER = ("resident_at_home", "moved_within_pudong", "newcomer", "outside_pudong", "vague_address")


class NightMaker:
    def __init__(self, ref, habits, places, people, builder, rng: random.Random):
        self.ref, self.h, self.places, self.people, self.builder = ref, habits["records"], places, people, builder
        self.rng = rng
        self.clerk = Clerk(places, people)
        self.writer = Writer(places, self.clerk, ref, habits, rng)
        self.idw = IdentityWriter(ref, habits, rng)
        ps = people.persons
        self.at_home = [p for p in ps if p.pid and p.status == "home"]
        self.movers = [p for p in ps if p.pid and p.status == "moved"]
        self.moved_out = [p for p in ps if p.pid and p.status == "moved_out"]
        self.newcomers = [p for p in ps if p.status == "newcomer"]
        self.living_at = defaultdict(list)           # actual dwelling -> persons
        for p in ps:
            if p.act_house is not None:
                self.living_at[p.act_house].append(p)
        self.origins = [c for c in ref.counties if not c[0].startswith("31") and not c[0].endswith("00")]
        self.comm_comms = self.clerk.comm
        self.seq = defaultdict(int)

    # ------------------------------------------------------------------ helpers
    def _household(self, p) -> list:
        return [self.people.persons[i] for i in self.builder.households[p.hh]]

    def _pick(self, pool, min_age=0):
        for _ in range(50):
            p = self.rng.choice(pool)
            if p.age >= min_age:
                return p
        return p

    def _origin(self) -> str:
        code, prov, city, county = self.rng.choice(self.origins)
        r = self.rng.random()
        if city in ("市辖区", "县", prov):
            city = ""
        if r < 0.3:
            return prov
        if r < 0.6:
            return prov + city
        if r < 0.8:
            return city or prov
        return prov + city + county

    def _subject(self, cat: str, min_age: int):
        rng = self.rng
        if cat == "resident_at_home":
            return self._pick(self.at_home, min_age)
        if cat == "moved_within_pudong":
            return self._pick(self.movers or self.at_home, min_age)
        if cat == "newcomer":
            return self._pick(self.newcomers or self.at_home, min_age)
        if cat == "outside_pudong":
            r = rng.random()
            if r < 0.35 and self.moved_out:
                return self._pick(self.moved_out, min_age)
            if r < 0.5:
                return self._pick(self.at_home, min_age)
            return make_outsider(self.builder, rng)
        r = rng.random()
        pool = self.at_home if r < 0.6 else self.movers if r < 0.75 and self.movers else self.newcomers or self.at_home
        return self._pick(pool, min_age)

    def _true_place(self, p) -> tuple[str | None, str | None, str | None]:
        if p.act_house is None:
            return None, None, None
        d = self.places.dwellings[p.act_house]
        return d.house_id, d.street, d.committee

    def _person_codes(self, p, codes: set[str]) -> None:
        if p is None:
            return
        codes.add({"home": "person_at_registered_home", "moved": "person_moved",
                   "moved_out": "person_moved_out_of_pudong", "newcomer": "person_not_in_registry",
                   "outsider": "person_not_in_registry"}[p.status])
        if p.kind == "common":
            codes.add("name_common")
        hh = self._household(p)
        if p.phone and sum(1 for m in hh if m.phone == p.phone) > 1:
            codes.add("phone_shared_by_household")
        if any(m is not p and m.birth == p.birth and m.surname == p.surname for m in hh):
            codes.add("person_twin")

    def _address(self, cat: str, p, landmark: bool = False):
        """(text, spec, codes, outside_info) for where p is, written as the category says."""
        w = self.writer
        if cat == "outside_pudong":
            trap = self.rng.random() < self.h["outside_road_trap"]
            d = self.rng.choice(self.places.dwellings) if trap else None
            if d is not None and d.road is None:
                d = None
            return w.outside(d)
        if cat == "vague_address":
            street = self.places.dwellings[p.act_house].street if self.rng.random() < 0.5 else None
            t, s, c = w.vague(street)
            return t, s, c, None
        d = self.places.dwellings[p.act_house]
        t, s, c = w.dwelling(d, landmark=landmark)
        return t, s, c, None

    def _category(self, source: str) -> str:
        weights = self.h["category"]
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _truth(self, record_id, source, cat, p, spec, hint_code, codes, person_home_ok,
               name, id_text, phone, hotline=False, building_keys=None, place=None, extra=None):
        clerk = self.clerk
        found, rule = clerk.identify(name, id_text, phone, hotline, building_keys)
        home = None
        if found is not None and person_home_ok:
            home = self.places.dwellings[self.people.persons[found].reg_house].committee
        decided, route = clerk.place(spec, hint_code, home)
        if place is None:
            place = self._true_place(p) if cat != "outside_pudong" else (None, None, None)
        house, street, committee = place
        pid = p.pid if p is not None else None
        placeable = committee is not None and decided == committee
        by_address = committee is not None and clerk.place(spec, hint_code, None)[0] == committee
        if route == "person_home":
            codes.add("placed_by_registered_home")
        truth = {
            "record_id": record_id, "source": source, "category": cat, "placeable": bool(placeable),
            "true_person_id": pid,
            "person_identifiable": (found == p.idx) if pid is not None else None,
            "true_house_id": house, "true_street_code": street, "true_committee_code": committee,
            "messiness": sorted(codes), "placeable_by_address": bool(by_address),
        }
        detail = {"record_id": record_id, "clerk_route": route, "clerk_committee": decided,
                  "identify_rule": rule, "placeable_by_address": bool(by_address),
                  "spec_kind": spec["kind"], **(extra or {})}
        return truth, detail

    # ------------------------------------------------------------------ sources
    def checkpoint(self, date: dt.date, when: dt.datetime):
        rng = self.rng
        self.seq["checkpoint"] += rng.choice((1, 1, 1, 2, 3))
        sid = f"KK{date:%Y%m%d}{self.seq['checkpoint']:06d}"
        cat = self._category("checkpoint")
        p = self._subject(cat, 12)
        codes: set[str] = set()
        text, spec, acodes, _ = self._address(cat, p)
        codes |= acodes
        if rng.random() < self.h["address_blank"]["checkpoint"]:
            text, spec = "", {"kind": "area", "towns": None}
            codes = {"addr_blank"}
            cat = "vague_address" if cat != "outside_pudong" else cat
        self._person_codes(p, codes)
        name = self.idw.name(p, codes)
        id_type, id_no = self.idw.id_number(p, self._household(p), codes)
        phone = self.idw.phone(p, codes)
        plate = "" if rng.random() < 0.45 else rng.choice(PLATE_HEADS) + rng.choice("ABCDEFGHJK") + "".join(
            rng.choices("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", k=5))
        row = {"记录编号": sid, "登记时间": when.strftime("%Y-%m-%d %H:%M:%S"),
               "道口名称": rng.choice(CHECKPOINTS), "姓名": name, "证件类型": id_type, "证件号码": id_no,
               "联系电话": phone, "车牌号码": plate, "出发地": self._origin(),
               "来沪事由": rng.choice(PURPOSES), "在沪居住地址": text}
        truth, detail = self._truth(f"checkpoint:{sid}", "checkpoint", cat, p, spec, None, codes, True,
                                    name, id_no, phone, extra={"address": text, "hint": ""})
        return row, truth, detail

    def healthcloud(self, date: dt.date, when: dt.datetime):
        rng = self.rng
        self.seq["healthcloud"] += rng.choice((1, 1, 2, 3))
        sid = f"HC{date:%Y%m%d}{self.seq['healthcloud']:06d}"
        cat = self._category("healthcloud")
        p = self._subject(cat, 6)
        codes: set[str] = set()
        text, spec, acodes, outside = self._address(cat, p)
        codes |= acodes
        street = self._true_place(p)[1] if cat != "outside_pudong" else None
        hint, hint_code = ("", None)
        if cat != "outside_pudong":
            hint, hint_code = hint_text(street, self.h["hint"]["healthcloud"], self.places.streets, rng, codes)
        prov, city, district = "上海市", rng.choice(["上海市", "市辖区"]), "浦东新区"
        if outside is not None:
            if len(outside) == 3:
                prov, city, district = outside
                city = city if city not in ("市辖区", "县") else prov
            else:
                district = outside[0]
        elif rng.random() < 0.08:
            district = ""
            codes.add("residence_district_blank")
        self._person_codes(p, codes)
        name = self.idw.name(p, codes)
        id_type, id_no = self.idw.id_number(p, self._household(p), codes)
        phone = self.idw.phone(p, codes, landline_rate=self.h["phone"]["landline"] / 2)
        if rng.random() < self.h["u2028"]:
            text = text + "\u2028"
            codes.add("addr_line_separator")
        travel = [self._origin() for _ in range(rng.choice((0, 0, 1, 1, 1, 2)))]
        row = {"report_id": sid, "submitted_at": when.strftime("%Y-%m-%dT%H:%M:%S+08:00"), "name": name,
               "id_type": id_type, "id_no": id_no, "mobile": phone,
               "residence": {"province": prov, "city": city, "district": district, "street": hint,
                             "detail": text},
               "arrival_date": (date - dt.timedelta(days=rng.choice((0, 0, 1, 2, 3)))).isoformat(),
               "travel_history": travel,
               "symptoms": rng.sample(SYMPTOMS, 1) if rng.random() < 0.08 else []}
        truth, detail = self._truth(f"healthcloud:{sid}", "healthcloud", cat, p, spec, hint_code, codes, True,
                                    name, id_no, phone, extra={"address": text, "hint": hint})
        return row, truth, detail

    def hotline(self, date: dt.date, when: dt.datetime):
        rng, hh = self.rng, self.h["hotline"]
        self.seq["hotline"] += rng.choice((1, 1, 1, 2, 4))
        sid = f"{date:%y%m%d}{self.seq['hotline']:07d}"
        cat = self._category("hotline")
        subject = self._subject(cat, 0)
        codes: set[str] = set()
        roles = dict(hh["roles"])
        role = rng.choices(list(roles), list(roles.values()))[0]
        if cat in ("outside_pudong", "vague_address") and role in ("neighbour", "community"):
            role = "self"
        place = None
        caller = subject
        d = self.places.dwellings[subject.act_house] if subject.act_house is not None else None
        if role == "community" and (d is None or not d.community):
            role = "self"
        if role == "family":
            adults = [m for m in self._household(subject) if m is not subject and m.age >= 18
                      and m.act_house == subject.act_house and m.pid]
            caller = rng.choice(adults) if adults else subject
            role = "family" if adults else "self"
        elif role == "neighbour":
            caller = self._neighbour(subject)
            if caller is None:
                role = "anonymous"
        elif role == "community":
            comms = self.comm_comms.get(d.community, set())
            place = (None, d.street, next(iter(comms)) if len(comms) == 1 else None)
            caller = self._resident_of_community(d) or subject
            codes.add("matter_is_a_community")
            if len(comms) > 1:
                codes.add("community_spans_committees")
        if role == "anonymous":
            caller = None
        landmark = role in ("neighbour", "anonymous") and rng.random() < hh["landmark"]
        if role == "community":
            text, spec, acodes = self.writer.community(d.community, d.street)
        else:
            text, spec, acodes, _ = self._address(cat, subject, landmark=landmark)
        codes |= acodes
        precise = text
        field = text
        if role != "community" and cat not in ("vague_address", "outside_pudong") and rng.random() < hh["vague_field_precise_content"]:
            if d is not None and d.community and rng.random() < 0.6:
                field = d.community + rng.choice(["", "门口", "附近", "小区"])
            else:
                field = self.writer.vague(d.street if d is not None else None)[0]
            codes.add("addr_precise_only_in_content")
        content_addr = precise if (field != precise or rng.random() < hh["content_repeats_address"]) else None
        content_kind = {"self": "self", "family": "family", "neighbour": "neighbour",
                        "community": "community"}.get(role, "other")
        content = hotline_content(content_kind, content_addr, self._origin(), rng)
        if rng.random() < self.h["formula_text"]:
            content = "=" + content
            codes.add("text_formula_like")
        street = place[1] if place else (self._true_place(subject)[1] if cat != "outside_pudong" else None)
        hint, hint_code = hint_text(street, self.h["hint"]["hotline"], self.places.streets, rng, codes)
        codes.add(f"caller_{role}")
        self._person_codes(caller, codes)
        name, phone = self._caller_fields(caller, role, codes)
        building_keys = None
        if role != "community" and d is not None and cat not in ("outside_pudong", "vague_address"):
            if d.road:
                building_keys = [(d.road, d.lane, d.number)] + ([(d.road, d.lane)] if d.lane else [])
            elif d.community:
                building_keys = [(d.community, None, d.number)]
            if spec["kind"] in ("urban", "community") and spec.get("number") is None:
                building_keys = [k for k in building_keys if len(k) == 2]
        if cat in ("resident_at_home", "moved_within_pudong", "newcomer") and caller is not None and caller is not subject:
            cat = {"home": "resident_at_home", "moved": "moved_within_pudong", "newcomer": "newcomer"}.get(
                caller.status, cat)
        if place is None:
            place = self._true_place(subject) if cat != "outside_pudong" else (None, None, None)
        row = {"工单编号": sid, "受理时间": when, "来电人": name, "来电号码": phone, "事发地址": field,
               "诉求内容": content, "所属街镇": hint, "工单类别": rng.choice(hh["categories"])}
        truth, detail = self._truth(f"hotline:{sid}", "hotline", cat, caller, spec, hint_code, codes,
                                    role in ("self", "family"), name, None, phone, hotline=True,
                                    building_keys=building_keys, place=place,
                                    extra={"address": field + " | " + content, "hint": hint})
        return row, truth, detail

    def _neighbour(self, subject):
        d = self.places.dwellings[subject.act_house]
        same_building, same_lane = [], []
        mine = set(self.builder.households[subject.hh])
        for p in self._building_people(d):
            if p.idx in mine or not p.pid or p.status != "home" or p.age < 18:
                continue
            dd = self.places.dwellings[p.act_house]
            if dd.house_id == d.house_id:
                continue
            (same_building if dd.number == d.number else same_lane).append(p)
        pool = same_building or same_lane
        return self.rng.choice(pool) if pool else None

    def _building_people(self, d):
        if not hasattr(self, "_by_lane"):
            self._by_lane = defaultdict(list)
            for i, dd in enumerate(self.places.dwellings):
                key = (dd.road, dd.lane, dd.community) if not dd.village else (dd.village, dd.group, dd.street)
                self._by_lane[key].append(i)
        key = (d.road, d.lane, d.community) if not d.village else (d.village, d.group, d.street)
        out = []
        for i in self._by_lane[key]:
            out.extend(self.living_at.get(i, ()))
        return out

    def _resident_of_community(self, d):
        pool = [p for p in self._building_people(d) if p.pid and p.status == "home" and p.age >= 18]
        return self.rng.choice(pool) if pool else None

    def _caller_fields(self, caller, role: str, codes: set[str]) -> tuple[str, str]:
        rng, hh = self.rng, self.h["hotline"]
        if caller is None:
            codes.add("caller_unknown")
            name = rng.choice(["", "", "", "匿名", "市民", "张先生", "李女士", "王先生"])
            phone = self.idw.landline() if rng.random() < 0.5 else ("" if rng.random() < 0.5 else
                                                                 self.writer.rng.choice(self.ref.mobile_prefixes) + f"{rng.randint(0, 9999):04d}")
            return name, phone
        forms = hh["caller_name_neighbour"] if role == "neighbour" else hh["caller_name"]
        form = rng.choices(list(forms), list(forms.values()))[0]
        if form == "title":
            sur = caller.surname
            name = sur + ("先生" if caller.gender == "男" else "女士")
            codes.add("caller_title_only")
            if caller.kind == "compound":
                codes.add("name_compound_surname")
            if caller.kind == "minority":
                codes.add("name_minority")
        elif form == "blank":
            name = ""
            codes.add("name_blank")
        else:
            name = self.idw.name(caller, codes, rate_scale=0.7)
        ll = hh["landline_neighbour"] if role == "neighbour" else hh["landline"]
        phone = self.idw.phone(caller, codes, landline_rate=ll)
        return name, phone


def records_for_night(maker: NightMaker, date: dt.date, n: int, rng: random.Random):
    mix = maker.h["sources"]
    counts = {s: int(round(n * w)) for s, w in mix.items()}
    counts["checkpoint"] += n - sum(counts.values())
    out = {}
    for source, k in counts.items():
        times = sorted(dt.datetime.combine(date, dt.time()) + dt.timedelta(seconds=rng.randrange(86400))
                       for _ in range(k))
        make = getattr(maker, source)
        rows, truth, detail = [], [], []
        for t in times:
            r, tr, de = make(date, t)
            rows.append(r)
            truth.append(tr)
            detail.append(de)
        out[source] = (rows, truth, detail)
    return out
