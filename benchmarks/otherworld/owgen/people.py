"""People: households in the dwellings, the population registry as the district holds it
(registered homes go stale when people move), and people the registry does not know.

Input: Places, Reference, habits. Output: `People` (every person the world has, with where
they really live) and the population registry rows.
"""
from __future__ import annotations

import datetime as dt
import itertools
import operator
import logging
import random
from dataclasses import dataclass

from .reference import Reference

log = logging.getLogger(__name__)

TODAY = dt.date(2026, 12, 1)
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "夏侯",
            "令狐", "司徒", "端木", "澹台", "长孙", "宇文"]
MALE = list("伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林洋峰亮建国志文东海成晨阳博翔锋"
            "昊天子轩睿泽宏德荣春福永忠兴家嘉毅晓坤彬伦冬江山松豪铭航瑞锦乐逸哲恒诚")
FEMALE = list("芳娜敏静丽艳娟霞燕玲桂英秀兰萍红梅琳婷雪慧颖倩洁琴云莉晶佳欣怡悦涵琪萱雨思诗梦瑶薇蕾"
              "月晴蓉凤珍玉美丹妍若菲彤媛姗露茜可馨雯岚淑惠")
COMMON_M = ["张伟", "王伟", "李伟", "刘伟", "李强", "王磊", "张磊", "王勇", "李军", "张勇", "李杰",
            "张杰", "王强", "王军", "张涛", "王涛", "李明", "刘洋", "陈杰", "王鹏", "李刚", "张军",
            "王建国", "李建华", "张建国", "陈伟", "杨伟", "王斌", "刘杰", "徐伟"]
COMMON_F = ["王芳", "李娜", "张敏", "李静", "王静", "张丽", "王丽", "李秀英", "王秀英", "张秀英",
            "李娟", "王艳", "张艳", "刘芳", "王敏", "李敏", "陈静", "张静", "刘丽", "王玲",
            "李桂英", "王桂兰", "张桂英", "李霞", "王霞", "陈芳", "杨丽", "赵静", "黄丽", "周敏"]
UYGHUR_M = ["艾合买提", "买买提", "阿不都", "艾力", "吐尔逊", "热合曼", "阿力木", "艾尔肯", "玉素甫", "努尔兰"]
UYGHUR_F = ["古丽", "阿依古丽", "迪丽拜尔", "帕提古丽", "热依拉", "米热古丽", "阿依努尔", "祖丽菲亚"]
UYGHUR_FATHER = ["买买提", "吐尔逊", "艾山", "玉素甫", "热合曼", "依明", "卡德尔", "司马义", "阿不来提", "艾则孜"]
NEAR_PROVINCES = {"安徽省": 9, "江苏省": 8, "河南省": 6, "四川省": 5, "湖北省": 4, "江西省": 4, "浙江省": 4,
                  "山东省": 3, "湖南省": 3, "福建省": 2, "重庆市": 2, "贵州省": 2, "黑龙江省": 1,
                  "甘肃省": 1, "新疆维吾尔自治区": 1, "广西壮族自治区": 1, "河北省": 1, "辽宁省": 1}
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_check(body17: str) -> str:
    return ID_CHECK[sum(map(operator.mul, map(int, body17), ID_WEIGHTS)) % 11]


class Person:
    __slots__ = ("idx", "pid", "surname", "name", "gender", "birth", "id_type", "id_number",
                 "phone", "reg_house", "act_house", "rtype", "hh", "status", "kind", "origin")

    def __init__(self, idx, surname, name, gender, birth, hh, kind="han"):
        self.idx = idx
        self.pid = None
        self.surname = surname
        self.name = name
        self.gender = gender
        self.birth = birth
        self.id_type = "居民身份证"
        self.id_number = None
        self.phone = None
        self.reg_house = None
        self.act_house = None
        self.rtype = "户籍"
        self.hh = hh
        self.status = "home"
        self.kind = kind           # han / compound / minority / common
        self.origin = None         # county code of the ID's region

    @property
    def age(self) -> int:
        return (TODAY - self.birth).days // 365


@dataclass
class People:
    persons: list[Person]
    households: list[list[int]]
    registry_rows: list[dict]
    outsiders_start: int          # persons[outsiders_start:] are made per record, not resident


class _Namer:
    def __init__(self, ref: Reference, habits: dict, rng: random.Random):
        self.rng = rng
        top = ref.surnames[:400]
        self.surnames = [s for s, _ in top]
        self.cum = list(itertools.accumulate(c for _, c in top))
        self.h = habits

    def surname(self) -> tuple[str, str]:
        r = self.rng.random()
        if r < self.h["compound_surname"]:
            return self.rng.choice(COMPOUND), "compound"
        return self.rng.choices(self.surnames, cum_weights=self.cum)[0], "han"

    def given(self, gender: str, first: str | None = None) -> str:
        pool = MALE if gender == "男" else FEMALE
        if first is not None:
            return first + self.rng.choice(pool)
        if self.rng.random() < 0.3:
            return self.rng.choice(pool)
        return self.rng.choice(pool) + self.rng.choice(pool)

    def full(self, surname: str, gender: str, kind: str, first: str | None = None,
             free_surname: bool = False) -> tuple[str, str]:
        if kind == "han" and first is None and self.rng.random() < self.h["common_name"]:
            pool = COMMON_M if gender == "男" else COMMON_F
            fits = [n for n in pool if n.startswith(surname)] if not free_surname else pool
            if fits:
                return self.rng.choice(fits), "common"
        return surname + self.given(gender, first), kind


class _Ids:
    def __init__(self, ref: Reference, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.phones: set[str] = set()
        self.prefixes = ref.mobile_prefixes
        other = [c for c in ref.counties if not c[0].startswith("31") and not c[0].endswith("00")]
        self.other = other
        self.other_cum = list(itertools.accumulate(NEAR_PROVINCES.get(c[1], 0.3) for c in other))
        self.xinjiang = [c[0] for c in other if c[0].startswith("65")] or [c[0] for c in other]
        self.sh_urban = ["310101", "310104", "310105", "310106", "310107", "310109", "310110",
                         "310112", "310113", "310108", "310103"]

    def region(self, rtype: str, birth_year: int) -> str:
        r = self.rng.random()
        if rtype == "户籍":
            if birth_year < 1993:
                return self.rng.choice(["310224", "310225", "310225"]) if r < 0.55 else self.rng.choice(self.sh_urban)
            if 2001 <= birth_year <= 2008 and r < 0.2:
                return "310119"
            return "310115" if r < 0.8 else self.rng.choice(self.sh_urban)
        return self.rng.choices(self.other, cum_weights=self.other_cum)[0][0]

    def resident_id(self, region: str, birth: dt.date, gender: str) -> str:
        while True:
            seq = int(self.rng.random() * 1000)
            if (seq % 2 == 1) != (gender == "男"):
                seq = (seq + 1) % 1000
            body = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
            full = body + id_check(body)
            if full not in self.used:
                self.used.add(full)
                return full

    def foreign_id(self) -> tuple[str, str]:
        t = self.rng.choice(["护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证"])
        if t == "护照":
            return t, "E" + "".join(self.rng.choices("0123456789", k=8))
        if t.startswith("港澳"):
            return t, self.rng.choice("HM") + "".join(self.rng.choices("0123456789", k=8))
        return t, "".join(self.rng.choices("0123456789", k=8))

    def mobile(self) -> str:
        while True:
            p = self.rng.choice(self.prefixes) + f"{int(self.rng.random() * 10000):04d}"
            if p not in self.phones:
                self.phones.add(p)
                return p


def _birth(rng: random.Random, age: int) -> dt.date:
    age = max(0, min(99, age))
    return TODAY - dt.timedelta(days=age * 365 + rng.randint(0, 364))


class _Builder:
    def __init__(self, ref, habits, rng):
        self.rng = rng
        self.h = habits["people"]
        self.namer = _Namer(ref, self.h, rng)
        self.ids = _Ids(ref, rng)
        self.persons: list[Person] = []
        self.households: list[list[int]] = []

    def person(self, gender, age, hh, surname=None, kind="han", first=None, rtype="户籍",
               birth=None) -> Person:
        rng = self.rng
        if kind == "minority":
            pool = UYGHUR_M if gender == "男" else UYGHUR_F
            first_part = rng.choice(pool)
            father = surname or rng.choice(UYGHUR_FATHER)
            p = Person(len(self.persons), first_part, f"{first_part}·{father}", gender,
                       birth or _birth(rng, age), hh, "minority")
        else:
            free = surname is None
            if free:
                surname, kind = self.namer.surname()
            name, kind = self.namer.full(surname, gender, kind, first, free_surname=free)
            if kind == "common":
                surname = name[0]
            p = Person(len(self.persons), surname, name, gender, birth or _birth(rng, age), hh, kind)
        p.rtype = rtype
        if rtype == "境外" and rng.random() < 0.85:
            p.id_type, p.id_number = self.ids.foreign_id()
        else:
            if kind == "minority":
                region = rng.choice(self.ids.xinjiang)
            else:
                region = self.ids.region(rtype, p.birth.year)
            p.origin = region
            p.id_number = self.ids.resident_id(region, p.birth, gender)
        self.persons.append(p)
        return p

    def household(self, house: int, rtype: str) -> list[int]:
        rng = self.rng
        hh = len(self.households)
        kind_r = rng.random()
        minority = rng.random() < self.h["minority_household"]
        members: list[Person] = []

        def sname():
            return None

        if rtype == "renters":
            for _ in range(rng.choice((2, 2, 3, 4))):
                members.append(self.person(rng.choice("男女"), rng.randint(19, 45), hh, rtype="来沪"))
        elif rtype == "境外" or kind_r < 0.2:
            members.append(self.person(rng.choice("男女"), rng.randint(20, 90), hh,
                                       rtype=rtype if rtype != "renters" else "来沪"))
        else:
            base_rtype = rtype
            if minority:
                fam = rng.choice(UYGHUR_M)
                hus = self.person("男", rng.randint(25, 75), hh, fam_father := rng.choice(UYGHUR_FATHER),
                                  kind="minority", rtype="来沪")
                sur_for_kids = hus.name.split("·")[0]
                kid_kind = "minority"
                wife = self.person("女", max(20, hus.age + rng.randint(-5, 3)), hh,
                                   rng.choice(UYGHUR_FATHER), kind="minority", rtype="来沪")
            else:
                hus = self.person("男", rng.randint(24, 82), hh, rtype=base_rtype)
                sur_for_kids = hus.surname
                kid_kind = "compound" if hus.kind == "compound" else "han"
                wife = self.person("女", max(20, hus.age + rng.randint(-6, 3)), hh, rtype=base_rtype)
            members += [hus, wife]
            if kind_r < 0.42:
                pass                                            # couple
            else:
                mother_age = wife.age
                n_kids = rng.choice((1, 1, 1, 2, 2, 3)) if mother_age < 60 else rng.choice((1, 1, 2))
                first_child_age = max(0, mother_age - rng.randint(22, 36))
                twins = rng.random() < self.h["twins"]
                kids = []
                for k in range(n_kids):
                    age = max(0, first_child_age - k * rng.randint(2, 6))
                    g = rng.choice("男女")
                    if twins and k == 1:
                        prev = kids[0]
                        first = prev.name[len(prev.surname):][:1] if prev.kind != "minority" else None
                        kid = self.person(g, age, hh, sur_for_kids, kind=kid_kind,
                                          first=first if len(prev.name) - len(prev.surname) == 2 else None,
                                          rtype=base_rtype, birth=prev.birth)
                    elif kid_kind == "minority":
                        kid = self.person(g, age, hh, sur_for_kids, kind="minority", rtype="来沪")
                    else:
                        kid = self.person(g, age, hh, sur_for_kids, kind=kid_kind, rtype=base_rtype)
                    kids.append(kid)
                members += kids
                if kind_r > 0.82 and hus.age < 62:              # grandparents live with them
                    gp_age = hus.age + rng.randint(24, 32)
                    gpa = self.person("男", gp_age, hh, hus.surname if kid_kind != "minority" else None,
                                      kind=kid_kind, rtype=base_rtype)
                    members.append(gpa)
                    if rng.random() < 0.7:
                        members.append(self.person("女", gp_age - rng.randint(0, 4), hh, rtype=base_rtype))
        for m in members:
            m.reg_house = house
            m.act_house = house
        self._phones(members)
        idxs = [m.idx for m in members]
        self.households.append(idxs)
        return idxs

    def _phones(self, members: list[Person]) -> None:
        rng = self.rng
        adults = [m for m in members if m.age >= 18]
        if not adults:
            return
        if len(members) > 1 and rng.random() < self.h["household_shares_phone"]:
            ph = self.ids.mobile() if rng.random() < 0.97 else None
            for m in members:
                m.phone = ph
            return
        for m in adults:
            if m.age >= 78 and len(adults) > 1 and rng.random() < 0.5:
                continue
            if rng.random() < 0.94:
                m.phone = self.ids.mobile()
        with_phone = [m for m in adults if m.phone]
        for m in members:
            if m.phone is None and with_phone and (m.age < 18 or rng.random() < 0.6):
                if m.age < 16 and rng.random() < 0.4:
                    continue
                m.phone = rng.choice(with_phone).phone


def build_people(ref: Reference, habits: dict, places, n_residents: int, rng: random.Random) -> People:
    h = habits["people"]
    b = _Builder(ref, habits, rng)
    n_houses = len(places.dwellings)
    order = list(range(n_houses))
    rng.shuffle(order)
    occupied: set[int] = set()
    for house in order:
        if len(b.persons) >= n_residents:
            break
        r = rng.random()
        rtype = "境外" if r < h["foreign_household"] else "renters" if r < h["foreign_household"] + h["renter_household"] \
            else "来沪" if r < h["foreign_household"] + h["renter_household"] + h["migrant_household"] else "户籍"
        b.household(house, rtype)
        occupied.add(house)
    vacant = [i for i in range(n_houses) if i not in occupied]
    rng.shuffle(vacant)
    n_registry = len(b.persons)

    # people who moved: the registry keeps the old home
    def new_home() -> int:
        if vacant and rng.random() < 0.7:
            return vacant.pop()
        return rng.randrange(n_houses)

    for members in b.households:
        r = rng.random()
        if r < h["moved_household"]:
            home = new_home()
            for i in members:
                b.persons[i].act_house = home
                b.persons[i].status = "moved"
        elif r < h["moved_household"] + h["moved_out_household"]:
            for i in members:
                b.persons[i].act_house = None
                b.persons[i].status = "moved_out"
        else:
            for i in members:
                p = b.persons[i]
                if 20 <= p.age <= 40 and len(members) > 2 and rng.random() < h["young_adult_moved"]:
                    p.act_house = new_home()
                    p.status = "moved"

    # newcomers: living here, unknown to the registry
    n_new = int(n_registry * h["newcomers"])
    made = 0
    while made < n_new:
        house = new_home()
        before = len(b.persons)
        hh = len(b.households)
        members = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            members.append(b.person(rng.choice("男女"), rng.randint(1, 70) if members else rng.randint(19, 60),
                                    hh, members[0].surname if members and rng.random() < 0.6 else None,
                                    rtype="来沪"))
        for m in members:
            m.act_house = house
            m.status = "newcomer"
        b._phones(members)
        b.households.append([m.idx for m in members])
        made += len(b.persons) - before

    persons = b.persons
    reg = [p for p in persons[:n_registry]]
    rng.shuffle(reg)
    rows = []
    for k, p in enumerate(reg):
        p.pid = f"R{k + 1:09d}"
    for p in persons[:n_registry]:
        rows.append({
            "person_id": p.pid, "name": p.name, "id_type": p.id_type, "id_number": p.id_number,
            "gender": p.gender, "birth_date": p.birth, "phone": p.phone,
            "house_id": places.dwellings[p.reg_house].house_id, "residence_type": p.rtype,
        })
    moved = sum(p.status in ("moved", "moved_out") for p in persons[:n_registry])
    log.info("people: %d in the registry (%.1f%% registered home stale), %d newcomers, %d households",
             n_registry, 100 * moved / max(1, n_registry), len(persons) - n_registry, len(b.households))
    return People(persons, b.households, rows, len(persons)), b


def make_outsider(builder: _Builder, rng: random.Random) -> Person:
    """Someone who lives outside Pudong and is not in the registry (made per record)."""
    hh = len(builder.households)
    p = builder.person(rng.choice("男女"), rng.randint(18, 75), hh, rtype="来沪")
    if rng.random() < 0.8:
        p.phone = builder.ids.mobile()
    p.status = "outsider"
    builder.households.append([p.idx])
    return p
