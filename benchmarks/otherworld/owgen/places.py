"""Build the world's places: estates (小区) on real Pudong roads, road-front buildings and
villages, spread over the real committees; then the housing registry as a district clerk
keeps it (a share of its fields dirty).

Input: Reference + habits. Output: `Places` with one list entry per dwelling (the clean
truth, which the record generator and the clerk-resolver use) and the registry table.
"""
from __future__ import annotations

import logging
import math
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field

from .reference import Reference
from .text import estate_base

log = logging.getLogger(__name__)

# Listing "plates" are sales areas, not streets: each maps to the street(s) it overlaps.
PLATE_STREETS = {
    "川沙": ["103"], "金桥": ["120", "011", "014"], "北蔡": ["105"], "三林": ["130", "015"],
    "惠南": ["131"], "周浦": ["132"], "世博": ["007", "009"], "金杨": ["012", "014", "011"],
    "高行": ["121"], "洋泾": ["013"], "张江": ["125"], "外高桥": ["104", "123"], "塘桥": ["008"],
    "康桥": ["136"], "杨思前滩": ["130", "009"], "南码头": ["010"], "唐镇": ["114"],
    "陆家嘴": ["005"], "源深": ["013", "004"], "潍坊": ["004"], "曹路": ["117"],
    "杨思": ["009", "130"], "梅园": ["005", "004"], "花木": ["016"], "御桥": ["105", "136"],
    "航头": ["137"], "联洋": ["016"], "杨东": ["015", "009"], "新场": ["133"], "世纪公园": ["016"],
    "临港新城": ["145"], "泥城": ["140"], "芦潮港": ["145"], "合庆": ["110"], "三林南": ["130"],
    "孙桥": ["125"], "张江(东)": ["125"], "宣桥": ["141"], "高东": ["123"], "书院": ["142"],
    "泥城镇": ["140"], "万祥": ["143"], "大团": ["134"], "书院镇": ["142"], "浦东机场": ["139"],
    "祝桥": ["139"], "老港": ["144"], "上南": ["015", "007"],
}
ROAD_END = re.compile(r"(路|街|公路|大道|道|巷)$")
ANNOTATION = re.compile(r"[（(](浦东|别墅|公寓|单|双|单数|双数|双号|单号)[)）]")
BRACKET = re.compile(r"[（(]([^)）]*)[)）]")
PART = re.compile(r"^([\u4e00-\u9fff]*?)(\d+)(?:-(\d+))?(弄|支弄|号)(?:(\d+)(?:-(\d+))?号)?")
SYNTH_SUFFIX = ["小区", "新村", "苑", "花园", "公寓", "家园", "一村", "二村", "佳苑", "新苑"]
PHASES = [("一期", "二期"), ("东区", "西区"), ("南区", "北区"), ("一期", "二期", "三期"),
          ("三期", "四期"), ("A区", "B区")]


@dataclass
class Block:
    committee: str
    community: str | None
    road: str | None
    lane: str | None
    numbers: list[str]
    floors: int
    units: int          # 0 = one dwelling per number, no room (villas, road-front shops)
    estate: int         # estate index, -1 for road-front buildings
    tags: set[str] = field(default_factory=set)


@dataclass
class Estate:
    name: str
    street: str
    committee: str
    lanes: list[tuple[str, str | None, list[str] | None]]   # (road, lane, numbers from listing)
    roadless: bool = False
    villa: bool = False
    old: bool = False
    tags: set[str] = field(default_factory=set)


@dataclass
class Dwelling:
    house_id: str
    street: str
    committee: str
    community: str | None
    road: str | None
    lane: str | None
    number: str
    room: str | None
    village: str | None
    group: str | None
    estate: int
    tags: frozenset[str]


@dataclass
class Places:
    streets: dict[str, str]                      # street code -> name
    committees: dict[str, tuple[str, str]]       # committee code -> (street code, name)
    dwellings: list[Dwelling]
    estates: list[Estate]
    registry_rows: list[dict]                    # housing.parquet rows (dirty as delivered)
    dirty: dict[str, set[str]]                   # house_id -> registry dirt codes
    roads_by_street: dict[str, list[str]]


def _clean_name(raw: str) -> str:
    """Listing name -> estate name: annotations go, phases stay (新世纪花苑(二期) -> 新世纪花苑二期),
    an address in brackets goes (安阁苑（瑞和路350弄） -> 安阁苑)."""
    n = ANNOTATION.sub("", raw.strip())
    n = BRACKET.sub(lambda m: "" if re.search(r"\d.*[弄号]|[路街]", m.group(1)) else m.group(1), n)
    return re.sub(r"\s+", "", n)


def _parse_address(addr: str) -> tuple[list[tuple[str, str | None, list[str] | None]], bool]:
    """Listing address -> [(road, lane or None, numbers or None)], roadless flag."""
    out: list[tuple[str, str | None, list[str] | None]] = []
    roadless = False
    last_road = None
    for part in re.split(r"[,，、\s]+", addr.replace("|", "")):
        parity = 1 if re.search(r"单", part) else 0 if re.search(r"双", part) else None
        part = BRACKET.sub("", part)
        if not part:
            continue
        m = PART.match(part)
        if not m:
            if ROAD_END.search(part):
                out.append((part, None, None))
                last_road = part
            continue
        prefix, a, b, kind, na, nb = m.groups()
        prefix = re.sub(r"(路|街)弄$", r"\1", prefix)          # a listing typo: 芳华路弄573弄
        if prefix and (ROAD_END.search(prefix) or kind != "号"):
            road = prefix
        elif not prefix and last_road:
            road = last_road
        else:
            road = None
            roadless = True
            prefix = prefix or ""
        if road:
            last_road = road
        lo, hi = int(a), int(b) if b else int(a)
        if hi < lo or hi - lo > 200:
            hi = lo
        if kind in ("弄", "支弄"):
            nums = None
            if na:
                l2, h2 = int(na), int(nb) if nb else int(na)
                if h2 >= l2 and h2 - l2 <= 300:
                    nums = [str(x) for x in range(l2, h2 + 1)]
            for lane in range(lo, hi + 1):
                out.append((road or "", str(lane), nums))
        else:
            nums = [str(x) for x in range(lo, hi + 1) if parity is None or x % 2 == parity]
            out.append((road or "", None, nums or [str(lo)]))
    return out, roadless


class _Numbering:
    """Keeps (road, lane) building numbers and road-front numbers unique across estates."""

    def __init__(self) -> None:
        self.used: dict[tuple[str, str | None], set[str]] = defaultdict(set)
        self.lanes: dict[str, set[int]] = defaultdict(set)

    def take(self, key: tuple[str, str | None], wanted: list[str]) -> list[str]:
        free = [n for n in wanted if n not in self.used[key]]
        self.used[key].update(free)
        return free

    def fresh_numbers(self, key: tuple[str, str | None], count: int, rng: random.Random,
                      start: int = 1) -> list[str]:
        out: list[str] = []
        n = start
        while len(out) < count:
            s = str(n)
            if s not in self.used[key]:
                out.append(s)
            n += 1 if rng.random() > 0.08 else 2     # numbering has the odd gap
        self.used[key].update(out)
        return out

    def fresh_lane(self, road: str, rng: random.Random) -> str:
        while True:
            lane = rng.choice((rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 3999)))
            if lane not in self.lanes[road]:
                self.lanes[road].add(lane)
                return str(lane)


def _street_of_plate(plate: str, streets: dict[str, str], rng: random.Random) -> str:
    opts = PLATE_STREETS.get(plate.strip())
    if not opts:
        return rng.choice(sorted(streets))
    return "310115" + rng.choice(opts)


def _committee_stem(name: str) -> str:
    stem = re.sub(r"(居委会|村委会)$", "", name)
    return re.sub(r"第[一二三四五六七八九十]+$", "", stem)


def build_places(ref: Reference, habits: dict, n_dwellings: int, rng: random.Random) -> Places:
    h = habits["places"]
    streets = {}
    committees: dict[str, tuple[str, str]] = {}
    for sc, sn, cc, cn in ref.admin:
        streets[sc] = sn
        committees[cc] = (sc, cn)
    urban = [c for c, (s, n) in committees.items() if n.endswith("居委会")]
    rural = [c for c, (s, n) in committees.items() if n.endswith("村委会")]
    urban_by_street: dict[str, list[str]] = defaultdict(list)
    for c in urban:
        urban_by_street[committees[c][0]].append(c)

    numbering = _Numbering()
    estates: list[Estate] = []

    # 1. real communities, each placed in a street its listing plate overlaps
    seen = set()
    pool_by_street: dict[str, list[Estate]] = defaultdict(list)
    for r in ref.xiaoqu:
        key = (r["name"].strip(), r["address"].strip())
        if key in seen:
            continue
        seen.add(key)
        lanes, roadless = _parse_address(r["address"])
        if not lanes and not roadless:
            continue
        street = _street_of_plate(r["plate"], streets, rng)
        if street not in urban_by_street:
            street = rng.choice(sorted(urban_by_street))
        name = _clean_name(r["name"])
        e = Estate(name=name, street=street, committee="", lanes=lanes, roadless=roadless,
                   villa="别墅" in r["name"] or r.get("building_type") == "别墅",
                   old=bool(re.search(r"(新村|[一二三四五六七八九十]村|街坊|小区)$", name)))
        pool_by_street[street].append(e)

    roads_by_street: dict[str, list[str]] = defaultdict(list)
    for s, pool in pool_by_street.items():
        for e in pool:
            for road, lane, _ in e.lanes:
                if road and road not in roads_by_street[s]:
                    roads_by_street[s].append(road)
                if road and lane is not None:
                    numbering.lanes[road].add(int(lane))
    all_roads = sorted({r for rs in roads_by_street.values() for r in rs})

    # 2. communities to committees: a committee named after a community gets it first
    stems = {c: _committee_stem(n) for c, (_, n) in committees.items()}
    for s, pool in pool_by_street.items():
        comms = urban_by_street[s]
        load = {c: 0 for c in comms}
        rng.shuffle(pool)
        for e in pool:
            for c in comms:
                stem = stems[c]
                if len(stem) >= 2 and e.name.startswith(stem) and load[c] == 0:
                    e.committee = c
                    break
            if not e.committee:
                e.committee = min(comms, key=lambda c: (load[c], rng.random()))
            load[e.committee] += 1
            estates.append(e)

    # 3. committees with no community get one named as committees usually are
    has = {e.committee for e in estates}
    for c in urban:
        if c in has:
            continue
        s = committees[c][0]
        stem = _committee_stem(committees[c][1])
        if len(stem) < 2:
            # 第一居委会 / 第二居委会: the estate takes the town's name (祝桥一村)
            m = re.search(r"第([一二三四五六七八九十]+)", committees[c][1])
            stem = re.sub(r"(街道|新镇|镇)$", "", streets[s]) + (m.group(1) + "村" if m else "新村")
        name = stem if re.search(r"[村苑园城庭邸湾府]$", stem) else stem + rng.choice(SYNTH_SUFFIX)
        if rng.random() < h["numbered_estate_name"]:
            road = rng.choice(roads_by_street.get(s) or all_roads)
            lane = numbering.fresh_lane(road, rng)
            name = f"{road}{lane}弄小区"
            lanes = [(road, lane, None)]
        else:
            road = rng.choice(roads_by_street.get(s) or all_roads)
            lanes = [(road, numbering.fresh_lane(road, rng), None)]
            if rng.random() < 0.3:
                road2 = rng.choice(roads_by_street.get(s) or all_roads)
                lanes.append((road2, numbering.fresh_lane(road2, rng), None))
        estates.append(Estate(name=name, street=s, committee=c, lanes=lanes,
                              old=bool(re.search(r"(村|小区)$", name)), tags={"synthetic"}))
        if road not in roads_by_street[s]:
            roads_by_street[s].append(road)

    # 4. relocation estates named exactly like a village (动迁安置房 keep the old name)
    for c in rural:
        if rng.random() >= h["village_named_estate"]:
            continue
        s = committees[c][0]
        village = committees[c][1][:-3]
        hosts = urban_by_street.get(s) or urban
        host = rng.choice(hosts)
        road = rng.choice(roads_by_street.get(committees[host][0]) or all_roads)
        estates.append(Estate(name=village, street=committees[host][0], committee=host,
                              lanes=[(road, numbering.fresh_lane(road, rng), None)], old=True,
                              tags={"estate_named_like_village"}))

    # roads listed without a lane get one
    for e in estates:
        fixed = []
        for road, lane, nums in e.lanes:
            if road and lane is None and nums is None:
                lane = numbering.fresh_lane(road, rng)
            elif road and lane is not None:
                numbering.lanes[road].add(int(lane))
            fixed.append((road, lane, nums))
        e.lanes = fixed

    # 5. dwelling targets per committee, then blocks per estate
    urban_total = int(n_dwellings * (1 - h["rural_share"]))
    rural_total = n_dwellings - urban_total
    w_u = {c: rng.lognormvariate(0, 0.45) for c in urban}
    w_r = {c: rng.lognormvariate(0, 0.35) for c in rural}
    su, sr = sum(w_u.values()), sum(w_r.values())
    target_c = {c: max(4, urban_total * w / su) for c, w in w_u.items()}
    est_by_comm: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(estates):
        est_by_comm[e.committee].append(i)

    blocks: list[Block] = []
    for c, idxs in est_by_comm.items():
        t_front = target_c[c] * (h["road_front_share"] if rng.random() < h["road_front_committees"] else 0)
        t_est = (target_c[c] - t_front) / len(idxs)
        for i in idxs:
            blocks.extend(_estate_blocks(i, estates[i], max(2.0, t_est * rng.uniform(0.6, 1.4)),
                                         numbering, rng))
        if t_front > 0:
            blocks.extend(_front_blocks(c, estates[idxs[0]], t_front, numbering, rng,
                                        h["front_number_equals_lane"]))

    _phase_and_split(estates, blocks, committees, urban_by_street, h, rng)

    dwellings: list[Dwelling] = []
    for b in blocks:
        s = committees[b.committee][0]
        for num in b.numbers:
            tags = frozenset(b.tags)
            if b.units == 0:
                dwellings.append(Dwelling("", s, b.committee, b.community, b.road, b.lane, num, None,
                                          None, None, b.estate, tags))
                continue
            for f in range(1, b.floors + 1):
                for u in range(1, b.units + 1):
                    dwellings.append(Dwelling("", s, b.committee, b.community, b.road, b.lane, num,
                                              f"{f}{u:02d}", None, None, b.estate, tags))
    for c in rural:
        s = committees[c][0]
        village = committees[c][1][:-3]
        t = max(6, rural_total * w_r[c] / sr)
        groups = max(2, min(18, round(t / rng.uniform(8, 30))))
        for g in range(1, groups + 1):
            for n in range(1, max(2, round(t / groups * rng.uniform(0.6, 1.4))) + 1):
                dwellings.append(Dwelling("", s, c, None, None, None, str(n), None, village, str(g),
                                          -1, frozenset({"village"})))

    order = list(range(len(dwellings)))
    rng.shuffle(order)
    for k, i in enumerate(order):
        dwellings[i].house_id = f"H{k + 1:010d}"
    dwellings.sort(key=lambda d: d.house_id)

    rows, dirty = _registry_rows(dwellings, streets, estates, habits["registry"], rng)
    log.info("places: %d estates, %d dwellings (%d rural), %d dirty registry rows",
             len(estates), len(dwellings), sum(d.village is not None for d in dwellings), len(dirty))
    return Places(streets, committees, dwellings, estates, rows, dirty, dict(roads_by_street))


def _estate_blocks(i: int, e: Estate, target: float, numbering: _Numbering,
                   rng: random.Random) -> list[Block]:
    if e.villa:
        floors, units = 1, 0
    elif e.old:
        floors, units = rng.choice((5, 6, 6, 7)), rng.choice((2, 2, 3, 4))
    else:
        floors, units = rng.choice((6, 11, 14, 18, 18, 24, 28)), rng.choice((2, 2, 4))
    if units and target < floors * units:
        floors = max(2, round(target / units))
    per = max(1, floors * units) if units else 1
    n_build = max(1, round(target / per))
    out = []
    lanes = (e.lanes or [(None, None, None)])[:n_build]
    for k, (road, lane, nums) in enumerate(lanes):
        share = n_build // len(lanes) + (1 if k < n_build % len(lanes) else 0)
        key = (road or e.name, lane)
        if road and lane is None and nums:
            # road-front buildings the listing names (东方路1357号, 崂山路149-159号): exactly those
            # numbers, taller if the estate needs more dwellings
            got = numbering.take(key, nums[:max(1, share)])
            if got:
                f = max(2, min(33, round(share * per / len(got) / units))) if units else 1
                out.append(Block(e.committee, e.name, road, None, got, f, units, i,
                                 set(e.tags) | {"listed_road_numbers"}))
            continue
        if nums:
            got = numbering.take(key, nums[:share])
            if len(got) < share:
                got += numbering.fresh_numbers(key, share - len(got), rng, start=len(nums) + 1)
        else:
            got = numbering.fresh_numbers(key, share, rng, start=rng.choice((1, 1, 1, 2, 5)))
        out.append(Block(e.committee, e.name, road or None, lane, got, floors, units, i,
                         set(e.tags) | ({"villa"} if e.villa else set())))
    return out


def _front_blocks(c: str, e: Estate, target: float, numbering: _Numbering, rng: random.Random,
                  p_twin: float) -> list[Block]:
    roads = [r for r, _, _ in e.lanes if r]
    if not roads:
        return []
    out = []
    left = target
    while left > 0:
        road = rng.choice(roads)
        floors, units = rng.choice(((1, 0), (3, 2), (4, 2), (6, 2), (6, 3)))
        lanes_here = sorted(numbering.lanes[road])
        if lanes_here and rng.random() < p_twin:
            num = str(rng.choice(lanes_here))          # the same number exists as a lane
            tags = {"road_front", "front_number_is_a_lane"}
        else:
            num = str(rng.randint(1, 2999))
            tags = {"road_front"}
        got = numbering.take((road, None), [num])
        if got:
            out.append(Block(c, None, road, None, got, floors, units, -1, tags))
        left -= max(1, floors * units)
    return out


def _phase_and_split(estates, blocks, committees, urban_by_street, h, rng) -> None:
    """Give a share of estates phases/zones (people drop them) and split a share of estates
    between two committees by building number."""
    by_estate: dict[int, list[Block]] = defaultdict(list)
    for b in blocks:
        if b.estate >= 0:
            by_estate[b.estate].append(b)
    for i, bl in by_estate.items():
        e = estates[i]
        neighbours = [c for c in urban_by_street[e.street] if c != e.committee]
        has_phase = estate_base(e.name) != e.name
        if not has_phase and rng.random() < h["phased_estates"]:
            names = rng.choice(PHASES)
            e.tags.add("phased")
            if len(bl) >= 2:
                for k, b in enumerate(bl):
                    b.community = e.name + names[min(k, len(names) - 1)]
            else:
                b = bl[0]
                if len(b.numbers) >= 2:
                    cut = max(1, len(b.numbers) // 2)
                    twin = Block(b.committee, e.name + names[1], b.road, b.lane, b.numbers[cut:],
                                 b.floors, b.units, i, set(b.tags))
                    b.numbers = b.numbers[:cut]
                    b.community = e.name + names[0]
                    blocks.append(twin)
                    bl.append(twin)
            if neighbours and rng.random() < h["phase_in_other_committee"]:
                for b in bl[1:]:
                    b.committee = rng.choice(neighbours)
            for b in bl:
                b.tags.add("phased_estate")
        elif has_phase:
            for b in bl:
                b.tags.add("phased_estate")
        biggest = max(bl, key=lambda b: len(b.numbers))
        if neighbours and len(biggest.numbers) >= 4 and rng.random() < h["estate_split_committees"]:
            cut = len(biggest.numbers) // 2 + rng.randint(-1, 1)
            other = Block(rng.choice(neighbours), biggest.community, biggest.road, biggest.lane,
                          biggest.numbers[cut:], biggest.floors, biggest.units, i,
                          set(biggest.tags) | {"estate_split_committees"})
            biggest.numbers = biggest.numbers[:cut]
            biggest.tags.add("estate_split_committees")
            blocks.append(other)
            e.tags.add("split")


def _registry_rows(dwellings: list[Dwelling], streets, estates, h: dict, rng: random.Random):
    """The housing registry as delivered: clean for most rows, dirty for a share."""
    dirty_road: dict[tuple, str] = {}
    dirty_comm: dict[tuple, str] = {}
    rows = []
    dirty: dict[str, set[str]] = {}
    for d in dwellings:
        codes: set[str] = set()
        road, comm, lane, number, room = d.road, d.community, d.lane, d.number, d.room
        if d.road is not None:
            key = (d.committee, d.road, d.lane, d.community)
            if key not in dirty_road:
                dirty_road[key] = _dirty_road(d, h, rng)
            if dirty_road[key] != d.road:
                road = dirty_road[key]
                codes.add("registry_dirty_road")
        if d.community is not None:
            key = (d.committee, d.community)
            if key not in dirty_comm:
                dirty_comm[key] = _dirty_community(d, streets, h, rng)
            if dirty_comm[key] != d.community:
                comm = dirty_comm[key]
                codes.add("registry_dirty_community")
        if lane is not None and rng.random() < h["lane_with_unit"]:
            lane = lane + "弄"
            codes.add("registry_dirty_lane")
        if rng.random() < h["number_with_unit"]:
            number = number + "号"
            codes.add("registry_dirty_number")
        std = _std_address(d, streets)
        if rng.random() < h["std_inconsistent"]:
            std = _dirty_std(d, road, streets, rng)
            codes.add("registry_inconsistent_std")
        rows.append({
            "house_id": d.house_id, "street_code": d.street, "committee_code": d.committee,
            "community_name": comm, "road": road, "lane": lane, "number": number, "room": room,
            "village": d.village, "group_no": d.group, "std_address": std,
        })
        if codes:
            dirty[d.house_id] = codes
    return rows, dirty


def _dirty_road(d: Dwelling, h: dict, rng: random.Random) -> str:
    if rng.random() >= h["dirty_road"]:
        return d.road
    comm = d.community or ""
    base = estate_base(comm)
    phase = comm[len(base):] if comm and base != comm else ""
    options = [
        "（" + d.road, "(" + d.road, d.road + "）", "上海市浦东新区" + d.road, "浦东新区" + d.road,
        d.road + " ",
    ]
    if comm:
        options += [comm + d.road, (f"{base}({phase})(" if phase else f"{comm}(") + d.road]
    return rng.choice(options)


def _dirty_community(d: Dwelling, streets, h: dict, rng: random.Random) -> str:
    c = d.community
    if rng.random() >= h["dirty_community"]:
        return c
    base = estate_base(c)
    options = ["浦东新区" + c, c + " ", streets[d.street] + c, c + "(浦东)"]
    if base != c:
        options += [f"{base}({c[len(base):]})", f"{base}（{c[len(base):]}）"]
    if not c.endswith("小区"):
        options.append(c + "小区")
    return rng.choice(options)


def _std_address(d: Dwelling, streets) -> str:
    if d.village:
        return f"浦东新区{streets[d.street]}{d.village}{d.group}组{d.number}号"
    head = d.road + (f"{d.lane}弄" if d.lane else "") if d.road else (d.community or "")
    return f"浦东新区{head}{d.number}号" + (f"{d.room}室" if d.room else "")


def _dirty_std(d: Dwelling, road_field: str | None, streets, rng: random.Random) -> str:
    if d.village:
        return rng.choice([
            f"上海市浦东新区{d.village}{d.group}组{d.number}号",
            f"{streets[d.street]}{d.village}{d.group}队{d.number}号",
            f"浦东新区{d.village}村{d.group}组{d.number}",
        ])
    road = road_field or d.road or d.community or ""
    lane = f"{d.lane}弄" if d.lane else ""
    room = d.room or ""
    return rng.choice([
        f"{road}{lane}{d.number}号{room}室" if room else f"{road}{lane}{d.number}号",
        f"上海市浦东新区{streets[d.street]}{road}{lane}{d.number}号{room}",
        f"浦东新区{d.community or ''}{road}{lane}{d.number}号楼{room}",
        f"浦东新区{road}{lane}{d.number}-{room}" if room else f"浦东新区{road}{lane}{d.number}",
    ])
