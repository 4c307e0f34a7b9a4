"""Write a place the way people write it, and work out what the writing still identifies.

Input: a place of the synthetic geography (a dwelling, a building, a community, a street
for vague places) or a place outside Pudong, the source's rates and a ``random.Random``.
Output: ``Rendered``: the text, the messiness codes applied, and ``Written`` — the parts
a reader can still recover (road as spelled, lane, number, room, community, village,
group, street named). ``streetlink.synth.placeable`` turns ``Written`` parts into the
committees a careful clerk holding the registries would consider.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

from streetlink.synth import vocab
from streetlink.synth.geography import Geography

__all__ = [
    "OutsidePlace",
    "Rendered",
    "Written",
    "cn_cardinal",
    "cn_digits",
    "render_building",
    "render_community",
    "render_dwelling",
    "render_outside",
    "render_vague",
    "to_fullwidth",
]

_S2T = opencc.OpenCC("s2t")
_CN = "零一二三四五六七八九"
_FULLWIDTH = str.maketrans("0123456789#-", "０１２３４５６７８９＃－")
# Everyday road names of any Chinese county town (for addresses in other provinces).
GENERIC_ROADS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "文化路",
    "迎宾路",
    "新华路",
    "胜利路",
    "和平路",
    "幸福路",
    "团结路",
    "光明路",
    "健康路",
    "向阳路",
    "长江路",
    "黄河路",
)
EXTRA_WORDS = ("门口", "对面", "附近", "东门", "西门", "南门", "北门", "旁边", "楼下")
COMMUNITY_SPOTS = ("东门", "西门", "南门", "北门", "门口", "小区内", "垃圾房", "停车场", "旁边")


def cn_cardinal(n: int) -> str:
    """88 -> 八十八, 101 -> 一百零一, 2190 -> 二千一百九十 (n < 10000)."""
    if n >= 10000 or n < 0:
        return str(n)
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    out, pending_zero, started = "", False, False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit % 10
        if d:
            if pending_zero:
                out += "零"
            out += _CN[d] + name
            started, pending_zero = True, False
        elif started:
            pending_zero = True
    return out


def cn_digits(n: int, zero: str = "零") -> str:
    """602 -> 六零二 (rooms are read digit by digit)."""
    return "".join(zero if c == "0" else _CN[int(c)] for c in str(n))


def to_fullwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


@dataclass
class Written:
    """What the written address still says, in registry terms."""

    # dwelling | building | lane | community | road | village | town | district | none | outside
    level: str
    road: str | None = None  # as spelled
    road_true: int | None = None  # the road meant (for the record; readers go by the spelling)
    lane: int | None = None
    number: int | None = None
    room: int | None = None
    community: str | None = None
    village: str | None = None  # stem as spelled
    village_true: int | None = None  # (for the record; readers go by the spelling)
    group: int | None = None  # village group (组/队)
    street: int | None = None  # street index named in the text


@dataclass
class Rendered:
    text: str
    codes: list[str] = field(default_factory=list)
    written: Written = field(default_factory=lambda: Written("none"))


@dataclass(frozen=True)
class OutsidePlace:
    province: str
    city: str
    district: str
    in_shanghai: bool


def _pick(rr: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rr.choices(keys, weights=[weights[k] for k in keys])[0]


def _mutate(text: str, rr: random.Random, kind: str, positions: range) -> str:
    """Replace one character (in `positions`) by a homophone or a look-alike."""
    order = list(positions)
    rr.shuffle(order)
    for i in order:
        ch = text[i]
        pool = vocab.homophones(ch) if kind == "homophone" else vocab.lookalike_groups().get(ch, ())
        if pool:
            return text[:i] + pool[rr.randrange(len(pool))] + text[i + 1 :]
    return text


def _street_text(
    geo: Geography, si: int, rr: random.Random, a: dict, codes: list[str], canonical: bool = False
) -> str:
    """The street/town as written; `canonical`: the registry address itself names it (rural)."""
    street = geo.streets[si]
    if not canonical:
        codes.append("addr_street_named")
    if rr.random() < a["street_alias"]:
        options = [x for x in (street.short, *street.aliases) if x != street.name]
        if street.kind == "街道" and not street.short.endswith("街道"):
            options.append(street.short + "街道")
        codes.append("addr_street_alias")
        return options[rr.randrange(len(options))]
    return street.name


def _prefix(
    geo: Geography, si: int, rr: random.Random, a: dict, codes: list[str]
) -> tuple[str, bool]:
    """(prefix text, whether it already names an old county)."""
    former = geo.streets[si].former
    if former in ("川沙县", "南汇县") and rr.random() < a["old_county"]:
        old = "川沙县" if former == "川沙县" else rr.choice(("南汇县", "南汇区"))
        codes.append("addr_old_county")
        return rr.choice(("", "上海市", "上海")) + old, True
    p = _pick(rr, a["prefix"])
    if p == "":
        codes.append("addr_prefix_none")
    elif p != "浦东新区":
        codes.append("addr_prefix_variant")
    return p, False


def _decorate(parts: list[str], rr: random.Random, a: dict, codes: list[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) > 1 and rr.random() < a["punct"]:
        i = rr.randrange(1, len(parts))
        parts[i] = rr.choice((",", "，", "|", "、")) + parts[i]
        codes.append("addr_punct")
    if rr.random() < a["spaces"]:
        codes.append("addr_spaces")
        if len(parts) > 1 and rr.random() < 0.6:
            i = rr.randrange(1, len(parts))
            parts[i] = rr.choice((" ", "  ", "\u3000")) + parts[i]
        else:
            i = rr.randrange(len(parts))
            if len(parts[i]) > 1:
                j = rr.randrange(1, len(parts[i]))
                parts[i] = parts[i][:j] + " " + parts[i][j:]
    text = "".join(parts)
    if rr.random() < a["fullwidth"]:
        text = to_fullwidth(text)
        codes.append("addr_fullwidth")
    if rr.random() < a["traditional"]:
        trad = _S2T.convert(text)
        if trad != text:
            text = trad
            codes.append("addr_traditional")
    return text


def _number_room(
    n: int,
    room: int | None,
    rr: random.Random,
    a: dict,
    codes: list[str],
    cn: bool,
    building_words: bool,
) -> str:
    ns = cn_cardinal(n) if cn else str(n)
    if room is None:
        if building_words or rr.random() < 0.15:
            return ns + rr.choice(("号楼", "幢", "栋", "号"))
        return ns + "号"
    rs = cn_digits(room, rr.choice(("零", "〇"))) if cn else str(room)
    if rr.random() < a["shorthand"]:
        codes.append("addr_shorthand")
        form = rr.choice(
            (
                "{n}-{r}",
                "{n}-{r}室",
                "{n}#{r}",
                "{n}#{r}室",
                "{n}号{r}",
                "{n}号楼{r}室",
                "{n}号楼{r}",
                "{n}幢{r}室",
                "{n}栋{r}",
            )
        )
        return form.format(n=ns, r=rs)
    return f"{ns}号{rs}室"


def render_dwelling(
    geo: Geography, d: int, rr: random.Random, a: dict, light: bool = False
) -> Rendered:
    """A dwelling's address as a person writes it (`light`: the careful wording of a
    hotline operator repeating it in 诉求内容: no community forms, no road misspelling)."""
    b = int(geo.d_building[d])
    if b < 0:
        return _render_rural(geo, d, rr, a, light)
    room = int(geo.d_room[d])
    return _render_urban(geo, b, room if room >= 0 else None, rr, a, light, building_level=False)


def render_building(geo: Geography, b: int, rr: random.Random, a: dict) -> Rendered:
    """A building (hotline matter at a building: 楼下, 门口 …)."""
    return _render_urban(geo, b, None, rr, a, light=False, building_level=True)


def _render_urban(
    geo: Geography,
    b: int,
    room: int | None,
    rr: random.Random,
    a: dict,
    light: bool,
    building_level: bool,
) -> Rendered:
    codes: list[str] = []
    road_i = int(geo.b_road[b])
    lane = int(geo.b_lane[b])
    number = int(geo.b_number[b])
    cm = int(geo.b_community[b])
    si = int(geo.com_street[geo.b_committee[b]])
    comm = geo.comm_name[cm] if cm >= 0 else None
    form = "road"
    phase_codes = []
    cfr = a["community_for_road"]
    if comm is not None and not light and geo.comm_estate and geo.comm_estate[cm] is not None:
        comm, phase_codes = _phase_dropped(geo, cm, rr, a)
        cfr = a.get("phase_community_for_road", cfr)
    if comm is not None and not light:
        r = rr.random()
        if r < cfr:
            form = "community"
        elif lane >= 0 and r < cfr + a["community_paren"]:
            form = "paren"
        elif r < cfr + a["community_paren"] + a["community_prefix"]:
            form = "cprefix"
    if form != "road":
        codes.append(
            {
                "community": "addr_community_for_road",
                "paren": "addr_community_paren",
                "cprefix": "addr_community_prefix",
            }[form]
        )
        codes += phase_codes
    road_text = geo.road_name[road_i]
    if form != "community" and not light:
        r = rr.random()
        stem_positions = range(max(1, len(road_text) - 1))
        if r < a["road_homophone"]:
            new = _mutate(road_text, rr, "homophone", stem_positions)
            if new != road_text:
                road_text = new
                codes.append("addr_road_homophone")
        elif r < a["road_homophone"] + a["road_typo"]:
            new = _mutate(road_text, rr, "lookalike", stem_positions)
            if new != road_text:
                road_text = new
                codes.append("addr_road_typo")
        dropped = a.get("road_suffix_dropped")  # variation sloppy: 某康258弄8号 for 某康路
        plain = road_text.endswith("路") and not road_text.endswith(("公路", "支路"))
        if dropped and plain and rr.random() < dropped:
            road_text = road_text[:-1]
            codes.append("addr_road_suffix_dropped")
    lane_w: int | None = lane if lane >= 0 else None
    if form != "community" and lane_w is not None and not light and rr.random() < a["missing_lane"]:
        lane_w = None
        codes.append("addr_missing_lane")
    room_w = room
    if room_w is not None and rr.random() < (a["missing_room"] * (0.3 if light else 1)):
        room_w = None
        codes.append("addr_missing_room")
    cn = not light and rr.random() < a["cn_numerals"]
    if cn:
        codes.append("addr_cn_numerals")
    num_room = _number_room(number, room_w, rr, a, codes, cn, building_level)
    lane_text = ((cn_cardinal(lane_w) if cn else str(lane_w)) + "弄") if lane_w is not None else ""
    if form == "community":
        body = [comm or "", num_room]
    elif form == "paren":
        left, right = rr.choice((("(", ")"), ("（", "）")))
        body = [road_text, lane_text, f"{left}{comm}{right}", num_room]
    elif form == "cprefix":
        body = [comm or "", road_text, lane_text, num_room]
    else:
        body = [road_text, lane_text, num_room]
    extra = ""
    if building_level or (not light and rr.random() < a["extra_words"]):
        extra = rr.choice(EXTRA_WORDS)
        codes.append("addr_extra_words")
    prefix, old = (
        _prefix(geo, si, rr, a, codes) if not light else (rr.choice(("", "", "浦东新区")), False)
    )
    street_text = ""
    if old or (not light and rr.random() < a["street_named"]):
        street_text = _street_text(geo, si, rr, a, codes)
    text = (
        _decorate([prefix, street_text, *body, extra], rr, a, codes)
        if not light
        else "".join([prefix, *body])
    )
    written = Written(
        level="dwelling" if room_w is not None else "building",
        road=road_text if form != "community" else None,
        road_true=road_i,
        lane=lane_w if form != "community" else None,  # 锦绣华城4号602 says no lane
        number=number,
        room=room_w,
        community=comm if form != "road" else None,
        street=si if street_text else None,
    )
    if building_level:
        written.level = "building"
    return Rendered(text, codes, written)


def _render_rural(geo: Geography, d: int, rr: random.Random, a: dict, light: bool) -> Rendered:
    codes: list[str] = []
    v = int(geo.d_village[d])
    si = int(geo.d_street[d])
    group, number = int(geo.d_group[d]), int(geo.d_number[d])
    stem = geo.vil_name[v][:-1]
    if not light and rr.random() < a["village_homophone"]:
        new = _mutate(stem, rr, "homophone", range(len(stem)))
        if new != stem:
            stem = new
            codes.append("addr_village_homophone")
    village = stem + "村"
    if not light and rr.random() < a["rural_no_cun"]:
        village = stem
        codes.append("addr_rural_no_cun")
    group_text = (
        cn_cardinal(group) if (not light and rr.random() < a["rural_cn_group"]) else str(group)
    )
    if group_text != str(group):
        codes.append("addr_rural_cn_group")
    unit = "组"
    if not light and rr.random() < a["rural_dui"]:
        unit = "队"
        codes.append("addr_rural_dui")
    number_w: int | None = number
    num_text = f"{number}号"
    r = rr.random()
    if not light and r < a["rural_missing_number"]:
        number_w, num_text = None, ""
        codes.append("addr_rural_missing_number")
    elif not light and r < a["rural_missing_number"] + a["rural_no_hao"]:
        num_text = str(number)
        codes.append("addr_rural_no_hao")
    prefix, old = _prefix(geo, si, rr, a, codes) if not light else ("", False)
    street_text = ""
    if old or rr.random() < a["rural_town_named"]:
        street_text = (
            _street_text(geo, si, rr, a, codes, canonical=True)
            if not light
            else geo.streets[si].name
        )
    elif not light:
        codes.append("addr_rural_no_town")
    body = [village, group_text + unit, num_text]
    text = (
        _decorate([prefix, street_text, *body], rr, a, codes)
        if not light
        else "".join([prefix, street_text, *body])
    )
    written = Written(
        level="village",
        village=stem,
        village_true=v,
        group=group,
        number=number_w,
        street=si if street_text else None,
    )
    return Rendered(text, codes, written)


def render_community(geo: Geography, cm: int, rr: random.Random, a: dict) -> Rendered:
    """A community as the place of a hotline matter (锦绣华城东门, 小区内 …)."""
    codes = ["addr_community_only"]
    si = int(geo.comm_street[cm])
    prefix, old = _prefix(geo, si, rr, a, codes)
    street_text = (
        _street_text(geo, si, rr, a, codes) if (old or rr.random() < a["street_named"]) else ""
    )
    spot = rr.choice(COMMUNITY_SPOTS)
    codes.append("addr_extra_words")
    comm = geo.comm_name[cm]
    if geo.comm_estate and geo.comm_estate[cm] is not None:
        comm, phase_codes = _phase_dropped(geo, cm, rr, a)
        codes += phase_codes
    text = _decorate([prefix, street_text, comm, spot], rr, a, codes)
    return Rendered(
        text,
        codes,
        Written(level="community", community=comm, street=si if street_text else None),
    )


def render_vague(geo: Geography, si: int, rr: random.Random, kind: str | None = None) -> Rendered:
    """Too vague to place by address; mostly consistent with where the person lives.
    `kind` ('district' | 'town' | 'none', variation movers): that kind, not a drawn one."""
    street = geo.streets[si]
    r = rr.random() if kind is None else {"district": 0.0, "town": 0.3, "none": 0.99}[kind]
    if r < 0.25:
        text = rr.choice(("浦东新区", "上海市浦东新区", "浦东", "上海浦东", "浦东新区暂住"))
        return Rendered(text, ["vague_district"], Written(level="district"))
    if r < 0.50:
        town = rr.choice((street.name, street.short, *street.aliases))
        text = (
            rr.choice(("", "浦东新区", "上海市浦东新区"))
            + town
            + rr.choice(("", "", "附近", "一带"))
        )
        return Rendered(text, ["vague_town"], Written(level="town", street=si))
    if r < 0.68:
        marks = [m for m, code in vocab.landmarks() if code == street.code]
        if marks:
            text = rr.choice(marks) + rr.choice(("附近", "旁边", "对面", "一带"))
            return Rendered(text, ["vague_landmark"], Written(level="town", street=si))
    if r < 0.90:
        roads = [
            ri
            for ri, sts in enumerate(geo.road_streets)
            if si in sts and len(geo.committees_by_road.get(ri, ())) >= 2
        ]
        if roads:
            ri = roads[rr.randrange(len(roads))]
            text = (
                rr.choice(("", "浦东新区"))
                + geo.road_name[ri]
                + rr.choice(("", "附近", "一带", "沿线"))
            )
            return Rendered(
                text, ["vague_road"], Written(level="road", road=geo.road_name[ri], road_true=ri)
            )
    text = rr.choice(("不详", "暂无", "上海", "上海市", "待定", "无"))
    return Rendered(text, ["vague_none"], Written(level="none"))


def _outside_town_pudong_road(
    rr: random.Random, door: tuple[str, int, int, int | None], codes: list[str]
) -> tuple[Rendered, OutsidePlace]:
    places = vocab.shanghai_places()
    district = list(places)[rr.randrange(len(places))]
    town = rr.choice(places[district]["street"])
    road, lane, number, room = door
    body = f"{road}{lane}弄{number}号" + (f"{room}室" if room is not None else "")
    head = rr.choice(("", "上海市", "上海")) + district if rr.random() < 0.5 else ""
    codes.append("outside_town_pudong_road")
    return Rendered(head + town + body, codes, Written(level="outside")), OutsidePlace(
        "上海市", "上海市", district, True
    )


def _phase_dropped(geo: Geography, cm: int, rr: random.Random, a: dict) -> tuple[str, list[str]]:
    """A phase's name as a resident says it: often the estate alone (锦绣绿洲 for 锦绣绿洲二期)."""
    if rr.random() < a.get("phase_dropped", 0.0):
        return str(geo.comm_estate[cm]), ["addr_phase_dropped"]
    return geo.comm_name[cm], []


@lru_cache(maxsize=1)
def _current_migrant_regions() -> tuple[int, ...]:
    reg = vocab.id_regions()
    return tuple(i for i, k in enumerate(reg.kind) if k == "migrant" and reg.last_year[i] == 9999)


def _outside_region(rr: random.Random) -> tuple[str, str, str]:
    reg = vocab.id_regions()
    idx = _current_migrant_regions()
    i = idx[rr.randrange(len(idx))]
    city = (
        reg.city[i]
        if reg.city[i] not in ("市辖区", "县", "省直辖县级行政区划")
        else reg.province[i]
    )
    return reg.province[i], city, reg.county[i]


def render_outside(
    rr: random.Random,
    in_shanghai: bool,
    no_district: float,
    pudong_road: tuple[str, int, int, int | None] | None = None,
) -> tuple[Rendered, OutsidePlace]:
    """An address in another Shanghai district or another province, with real division names.

    `pudong_road` (variation sloppy): (road, lane, number, room) of a road Pudong has too; the
    address is written as that district's town + the road (七宝镇崂山路88弄3号602室), the
    district itself left out half the time: the record is outside Pudong all the same."""
    codes = ["outside_shanghai" if in_shanghai else "outside_province"]
    if in_shanghai and pudong_road is not None:
        return _outside_town_pudong_road(rr, pudong_road, codes)
    lane, number, room = (
        rr.randint(1, 2999),
        rr.randint(1, 60),
        rr.randint(1, 25) * 100 + rr.randint(1, 4),
    )
    if in_shanghai:
        places = vocab.shanghai_places()
        district = list(places)[rr.randrange(len(places))]
        road = rr.choice(places[district]["road"])
        street = rr.choice(places[district]["street"]) if rr.random() < 0.25 else ""
        body = (
            f"{road}{lane}弄{number}号{room}室" if rr.random() < 0.7 else f"{road}{lane}号{room}室"
        )
        if rr.random() < no_district:
            codes.append("addr_no_district")
            text = body
        else:
            text = rr.choice(("", "上海市", "上海")) + district + street + body
        return Rendered(text, codes, Written(level="outside")), OutsidePlace(
            "上海市", "上海市", district, True
        )
    province, city, county = _outside_region(rr)
    road = rr.choice(GENERIC_ROADS)
    body = f"{road}{rr.randint(1, 999)}号" + (
        f"{number}栋{rr.randint(1, 4)}单元{room}室" if rr.random() < 0.6 else ""
    )
    if rr.random() < no_district:
        codes.append("addr_no_district")
        text = body
    else:
        text = rr.choice((province + city + county, city + county, county)) + body
    return Rendered(text, codes, Written(level="outside")), OutsidePlace(
        province, city, county, False
    )
