"""Write a place as a person would type it, and say what the writing still means.

Every renderer returns (text, spec, codes): the address text with its noise, the spec the
clerk resolves (what the text still says once formatting noise is read through), and the
messiness codes applied.
"""
from __future__ import annotations

import random
import re

from .text import cn_number, estate_base, fullwidth, road_stem, spaced, to_traditional

NANHUI = {"131", "132", "133", "134", "136", "137", "139", "140", "141", "142", "143", "144", "145"}
CHUANSHA = {"103", "110", "114", "117"}
OLD_TOWNS = {"103": ["川沙镇", "川沙"], "139": ["盐仓镇", "盐仓", "东海镇", "江镇", "施湾镇"]}
PREFIXES = [("", 30), ("浦东新区", 28), ("上海市浦东新区", 22), ("上海浦东新区", 6), ("浦东", 5),
            ("上海市", 5), ("上海", 4)]
LANDMARKS = ["门口", "对面", "附近", "旁边", "楼下"]
GENERIC_ROADS = ["人民路", "解放路", "建设路", "中山路", "文化路", "新华路", "和平路", "胜利路", "光明路",
                 "健康路", "青年路", "工农路", "朝阳路", "幸福路", "南京路", "长江路", "黄河路", "学府路"]


def street_short(name: str) -> str:
    if name.endswith("街道"):
        return name[:-2]
    if name.endswith("新镇"):
        return name[:-2]
    if name.endswith("镇") and len(name) > 2:
        return name[:-1]
    return name


def _choose(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


class Writer:
    def __init__(self, places, clerk, ref, habits: dict, rng: random.Random):
        self.places = places
        self.clerk = clerk
        self.ref = ref
        self.h = habits["records"]["address"]
        self.rng = rng
        self.streets = places.streets
        self.short = {c: street_short(n) for c, n in places.streets.items()}
        self.typo_table = {**ref.same_stroke, **ref.same_pinyin}
        self.other_towns = ref.other_towns
        self.provinces = [c for c in ref.counties if not c[0].startswith("31") and not c[0].endswith("00")]

    # ------------------------------------------------------------------ pieces
    def _prefix(self, street: str, codes: set[str]) -> str:
        rng = self.rng
        p = rng.choices([p for p, _ in PREFIXES], [w for _, w in PREFIXES])[0]
        s3 = street[-3:]
        if p in ("浦东新区", "上海市浦东新区") and rng.random() < self.h["old_district_name"]:
            if s3 in NANHUI:
                p = rng.choice(["南汇区", "上海市南汇区", "南汇"])
                codes.add("addr_old_district_nanhui")
            elif s3 in CHUANSHA:
                p = rng.choice(["川沙县", "上海市川沙县"])
                codes.add("addr_old_district_chuansha")
        return p

    def _town(self, street: str, codes: set[str]) -> tuple[str, set[str] | None]:
        rng = self.rng
        if rng.random() >= self.h["town_written"]:
            return "", None
        s3 = street[-3:]
        if s3 in OLD_TOWNS and rng.random() < self.h["old_town_name"]:
            codes.add("addr_old_town_name")
            return rng.choice(OLD_TOWNS[s3]), {street}
        if rng.random() < 0.35:
            codes.add("addr_town_short")
            return self.short[street], {street}
        codes.add("addr_town_written")
        return self.streets[street], {street}

    def _num(self, n: str, codes: set[str], mode: str) -> str:
        if mode == "cn":
            return cn_number(n, self.rng)
        if mode == "fw":
            return fullwidth(n)
        return n

    def _digit_mode(self, codes: set[str]) -> str:
        r = self.rng.random()
        if r < self.h["chinese_numerals"]:
            codes.add("addr_chinese_numerals")
            return "cn"
        if r < self.h["chinese_numerals"] + self.h["fullwidth_digits"]:
            codes.add("addr_fullwidth_digits")
            return "fw"
        return "d"

    def _building_room(self, number: str | None, room: str | None, codes: set[str], mode: str,
                       landmark: bool) -> str:
        rng = self.rng
        if number is None:
            return ""
        n = self._num(number, codes, mode)
        if room is None or landmark:
            tail = rng.choice(LANDMARKS) if landmark else ""
            if rng.random() < self.h["building_lou"]:
                codes.add("addr_building_lou")
                return f"{n}号楼{tail}"
            return f"{n}号{tail}"
        rm = self._num(room, codes, mode)
        r = rng.random()
        if r < self.h["shorthand_dash"] and mode != "cn":
            codes.add("addr_shorthand_dash")
            return f"{n}{'－' if mode == 'fw' else '-'}{rm}"
        r -= self.h["shorthand_dash"]
        if r < self.h["hash_building"]:
            codes.add("addr_hash_building")
            return f"{n}#{rm}" + ("室" if rng.random() < 0.3 else "")
        r -= self.h["hash_building"]
        if r < self.h["building_lou"]:
            codes.add("addr_building_lou")
            return f"{n}号楼{rm}" + ("室" if rng.random() < 0.5 else "")
        return f"{n}号{rm}" + ("室" if rng.random() < 0.7 else "")

    def _finish(self, text: str, codes: set[str]) -> str:
        rng = self.rng
        if rng.random() < self.h["stray_spaces"]:
            codes.add("addr_stray_spaces")
            if len(text) > 3:
                i = rng.randrange(1, len(text) - 1)
                text = text[:i] + rng.choice((" ", "  ", "\u3000")) + text[i:]
            if rng.random() < 0.3:
                text = " " + text + " "
        if rng.random() < self.h["traditional"]:
            t = to_traditional(text)
            if t != text:
                codes.add("addr_traditional")
                text = t
        return text

    def _typo_road(self, road: str) -> str | None:
        stem = road_stem(road)
        idx = [i for i, ch in enumerate(stem) if ch in self.typo_table]
        if not idx:
            return None
        i = self.rng.choice(idx)
        return road[:i] + self.rng.choice(self.typo_table[road[i]]) + road[i + 1:]

    # ------------------------------------------------------------------ places
    def dwelling(self, d, *, landmark: bool = False, allow_vague_form: bool = True):
        """Address of one Pudong dwelling as someone typed it."""
        codes: set[str] = set()
        codes |= {t for t in d.tags if t in ("road_front", "front_number_is_a_lane", "phased_estate",
                                              "estate_split_committees", "estate_named_like_village",
                                              "villa")}
        codes |= self.places.dirty.get(d.house_id, set())
        if d.road and len(self.clerk.road_streets.get(d.road, ())) > 1:
            codes.add("road_multi_street")
        if d.village:
            return self._village(d, codes)
        return self._urban(d, codes, landmark)

    def _urban(self, d, codes: set[str], landmark: bool):
        rng, h = self.rng, self.h
        prefix = self._prefix(d.street, codes)
        town, towns = self._town(d.street, codes)
        mode = self._digit_mode(codes)
        number, room = d.number, d.room
        if room is not None and rng.random() < h["no_room"]:
            room = None
            codes.add("addr_no_room")
        forms = dict(h["urban_forms"])
        if not d.community or re.search(r"\d", d.community):
            forms.pop("estate_bracketed", None)
            forms.pop("estate_first", None)
        if not d.community:
            forms.pop("estate_only", None)
        if not d.road:
            forms = {"estate_only": 1.0}
        if not d.lane:
            forms.pop("lane_only", None)
        form = _choose(rng, forms)
        if form == "lane_only":
            number, room = None, None
            codes.add("addr_lane_only")
        br = self._building_room(number, room, codes, mode, landmark)
        if landmark:
            codes.add("addr_landmark")
            room = None
        lane_txt = f"{self._num(d.lane, codes, mode)}弄" if d.lane else ""
        if form == "estate_only":
            name = d.community
            if estate_base(name) != name and rng.random() < h["drop_phase"]:
                name = estate_base(name)
                codes.add("addr_estate_no_phase")
            codes.add("addr_estate_only")
            text = f"{prefix}{town}{name}{br}"
            spec = {"kind": "community", "name": name, "number": number, "room": room, "towns": towns}
            return self._finish(text, codes), spec, codes
        road = d.road
        if form == "road_suffix_dropped" and road_stem(road) != road:
            road = road_stem(road)
            codes.add("addr_road_suffix_dropped")
        elif form == "road_typo":
            t = self._typo_road(road)
            if t:
                road = t
                codes.add("addr_road_typo")
        mid = ""
        if form == "estate_bracketed" and d.community:
            name = d.community if rng.random() > h["drop_phase"] else estate_base(d.community)
            mid = rng.choice((f"（{name}）", f"({name})", name))
            codes.add("addr_estate_with_road")
        elif form == "estate_first" and d.community:
            prefix = prefix + d.community
            codes.add("addr_estate_with_road")
        text = f"{prefix}{town}{road}{lane_txt}{mid}{br}"
        spec = {"kind": "urban", "road": road, "lane": d.lane, "number": number, "room": room,
                "towns": towns}
        return self._finish(text, codes), spec, codes

    def _village(self, d, codes: set[str]):
        rng, h = self.rng, self.h
        if len(self.clerk.vil.get(d.village, ())) > 1:
            codes.add("village_name_repeated")
        if d.village in self.clerk.comm:
            codes.add("village_name_is_also_an_estate")
        prefix = self._prefix(d.street, codes)
        mode = self._digit_mode(codes)
        towns = None
        town = ""
        if rng.random() < h["village_town_written"]:
            s3 = d.street[-3:]
            if s3 in OLD_TOWNS and rng.random() < h["old_town_name"]:
                town = rng.choice(OLD_TOWNS[s3])
                codes.add("addr_old_town_name")
            else:
                town = self.streets[d.street] if rng.random() < 0.7 else self.short[d.street]
                codes.add("addr_town_written")
            towns = {d.street}
        village = d.village
        if rng.random() < h["village_drop_cun"] and village.endswith("村") and len(village) >= 3:
            village = village[:-1]
            codes.add("addr_village_without_cun")
        grp = "队" if rng.random() < h["village_dui"] else "组"
        if grp == "队":
            codes.add("addr_group_dui")
        number = d.number
        num_txt = f"{self._num(number, codes, mode)}号"
        if rng.random() < h["village_no_hao"]:
            num_txt = self._num(number, codes, mode)
            codes.add("addr_number_without_hao")
        text = f"{prefix}{town}{village}{self._num(d.group, codes, mode)}{grp}{num_txt}"
        codes.add("addr_village_group")
        spec = {"kind": "village", "village": village, "group": d.group, "number": number, "towns": towns}
        return self._finish(text, codes), spec, codes

    def community(self, name: str, street: str, landmark: bool = True):
        """A matter about a whole estate (the gate, the square)."""
        codes = {"addr_community_level"}
        prefix = self._prefix(street, codes)
        town, towns = self._town(street, codes)
        shown = name
        if estate_base(name) != name and self.rng.random() < self.h["drop_phase"]:
            shown = estate_base(name)
            codes.add("addr_estate_no_phase")
        tail = self.rng.choice(LANDMARKS + ["小区内", "北门", "东门"]) if landmark else ""
        text = f"{prefix}{town}{shown}{tail}"
        spec = {"kind": "community", "name": shown, "number": None, "room": None, "towns": towns}
        return self._finish(text, codes), spec, codes

    def vague(self, street: str | None):
        rng = self.rng
        codes: set[str] = set()
        r = rng.random()
        if street and r < 0.45:
            town = self.streets[street] if rng.random() < 0.6 else self.short[street]
            text = rng.choice(["", "浦东新区", "上海市浦东新区", "浦东"]) + town + rng.choice(["", "", "附近", "一带", "境内"])
            codes.add("addr_vague_town_only")
            return text, {"kind": "area", "towns": {street}}, codes
        text = rng.choice(["浦东新区", "上海市浦东新区", "浦东", "不详", "上海", "上海市", "无", "暂无",
                           "浦东新区不详", "住址不详", "-"])
        codes.add("addr_vague_district" if "浦东" in text else "addr_vague_unknown")
        return text, {"kind": "area", "towns": None}, codes

    def outside(self, pudong_dwelling=None, province_ok: bool = True):
        """An address outside Pudong. With a Pudong dwelling given: another district's town
        written before that dwelling's road, lane and number (the road exists in Pudong too)."""
        rng = self.rng
        codes = {"outside_pudong"}
        district, town = rng.choice(self.other_towns)
        if pudong_dwelling is not None and pudong_dwelling.road:
            d = pudong_dwelling
            lane = f"{d.lane}弄" if d.lane else ""
            room = f"{d.room}室" if d.room else ""
            head = rng.choice([f"{district}{town}", f"上海市{district}{town}", town, f"{district}"])
            codes.add("addr_other_district_town" if town in head else "addr_other_district")
            codes.add("addr_road_also_in_pudong")
            text = f"{head}{d.road}{lane}{d.number}号{room}"
            return text, {"kind": "outside"}, codes, (district, town)
        if province_ok and rng.random() < 0.35:
            code, prov, city, county = rng.choice(self.provinces)
            road = rng.choice(GENERIC_ROADS)
            city_txt = "" if city in ("市辖区", "县", prov) else city
            text = f"{prov}{city_txt}{county}{road}{rng.randint(1, 999)}号"
            if rng.random() < 0.5:
                text += f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
            codes.add("addr_other_province")
            return text, {"kind": "outside"}, codes, (prov, city, county)
        road = rng.choice(GENERIC_ROADS + ["沪太路", "漕宝路", "共和新路", "莘松路", "嘉松中路"])
        text = (rng.choice(["", "上海市"]) + f"{district}{town if rng.random() < 0.6 else ''}{road}"
                f"{rng.randint(1, 2999)}弄{rng.randint(1, 60)}号{rng.randint(1, 18)}0{rng.randint(1, 4)}室")
        codes.add("addr_other_district")
        return text, {"kind": "outside"}, codes, (district, town)


def hint_text(street: str | None, h: dict, streets: dict[str, str], rng: random.Random,
              codes: set[str]) -> tuple[str, str | None]:
    """The street field as an operator or a drop-down filled it; returns (text, street code
    the clerk reads from it)."""
    if street is None:
        if rng.random() < 0.7:
            return "", None
        s = rng.choice(sorted(streets))
        return streets[s], s
    r = rng.random()
    if r < h["blank"]:
        codes.add("hint_blank")
        return "", None
    r -= h["blank"]
    if r < h["wrong"]:
        codes.add("hint_wrong")
        s = rng.choice([x for x in streets if x != street])
        return (streets[s] if rng.random() < 0.7 else street_short(streets[s])), s
    r -= h["wrong"]
    if r < h["short"]:
        codes.add("hint_short_form")
        return street_short(streets[street]), street
    return streets[street], street


def hotline_content(kind: str, addr: str | None, origin: str, rng: random.Random) -> str:
    """诉求内容: what the operator typed; `addr` is the full address when the content repeats it."""
    where = addr or "该处"
    n = rng.choice(["一名人员", "两名人员", "住户", "租客", "一户人家", "外地人员"])
    if kind == "self":
        return rng.choice([
            f"来电人称本人从{origin}来沪，暂住{where}，咨询如何登记。",
            f"来电人称其本人居住于{where}，已从{origin}返沪，希望社区登记并告知健康管理要求。",
            f"来电人表示本人近日从{origin}返回，现住{where}，询问是否需要居家健康监测。",
        ])
    if kind == "family":
        return rng.choice([
            f"来电人反映家中老人从{origin}回来，住{where}，要求社区上门登记。",
            f"来电人咨询：家住{where}，家属从{origin}来沪，是否需要居家健康监测？",
            f"来电人称其子女从{origin}返沪，住{where}，请社区联系。",
        ])
    if kind == "neighbour":
        rel = rng.choice(["楼上邻居", "隔壁邻居", "对门邻居", "楼下邻居", "房东的租客"])
        return rng.choice([
            f"来电人反映其{rel}（{where}）有{n}从{origin}回来，请社区关注。",
            f"来电人称{rel}{where}有{n}近日从{origin}返沪，未向居委报备，请社区核实。",
        ])
    if kind == "community":
        return rng.choice([
            f"来电反映{where}有{n}聚集，疑似从{origin}返沪，请核实。",
            f"市民反映{where}有外来人员未登记，请社区管理。",
        ])
    return rng.choice([
        f"市民来电反映：{where}有{n}近日从{origin}返沪，未向居委报备，请社区核实。",
        f"反映{where}群租，近期有{n}入住，请相关部门核实处理。",
        f"来电反映{where}有{n}未按要求落实健康监测，请核实。",
    ])


__all__ = ["Writer", "hint_text", "hotline_content", "street_short"]
