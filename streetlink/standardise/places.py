"""Places: Pudong's 36 streets/towns in every form people write them, and places outside.

Goal: turn a mention of a street or town (街镇) into its 9-digit NBS code, whether it is
written in full (周家渡街道, 川沙新镇), short (周家渡, 川沙), old (川沙镇) or as a town merged
long ago (盐仓 → 祝桥镇); recognise old county names that mean Pudong without naming a
street (南汇区, 川沙县); and recognise a place outside Pudong only when it is written as an
administrative division (闵行区, 江苏省, 南通市, 如东县, 江苏南通) — never from a bare name
that Pudong also uses for a road (潍坊路, 崂山路, 南京路).

Inputs are general knowledge from ``reference_data/`` (pudong_streets.csv,
pudong_street_aliases.csv, shanghai_districts.csv, china_provinces.csv,
china_prefectures.csv), loaded once through ``streetlink.reference``.

Public functions:
    ``resolve_street(text)``       street field (hotline 所属街镇, health-cloud street) → code
    ``match_street_at(text, pos)`` longest street form starting at ``pos`` of free text
    ``match_outside(text, pos)``   a division outside Pudong starting at ``pos``
    ``match_other_town(text, pos)`` a town of another Shanghai district (七宝镇, 崇明城桥镇)
    ``scope_from_divisions(ctx)``  health-cloud "province city district" → scope, place
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from streetlink.reference import read_reference
from streetlink.standardise.text import normalise_text

__all__ = [
    "OutsideMatch",
    "Street",
    "StreetMention",
    "match_other_town",
    "match_outside",
    "match_street_at",
    "resolve_street",
    "road_named_street",
    "scope_from_divisions",
    "street_forms",
    "street_name",
    "streets",
]


@dataclass(frozen=True)
class Street:
    code: str
    name: str
    short_name: str
    kind: str  # 街道 | 镇


@dataclass(frozen=True)
class StreetMention:
    """What a written form means: a street (code) or Pudong as a whole (code None)."""

    code: str | None
    kind: str  # full | short | old | merged | county | hint_only


@dataclass(frozen=True)
class OutsideMatch:
    place: str  # canonical division chain, e.g. 江苏省南通市如东县, 上海市闵行区
    end: int  # index just after the match in the searched text


@dataclass(frozen=True)
class _Division:
    province: str
    city: str | None


@lru_cache(maxsize=1)
def streets() -> dict[str, Street]:
    """The 36 street-level units by code."""
    return {
        r["street_code"]: Street(r["street_code"], r["street_name"], r["short_name"], r["kind"])
        for r in read_reference("pudong_streets.csv")
    }


def street_name(code: str | None) -> str | None:
    street = streets().get(code or "")
    return street.name if street else None


@lru_cache(maxsize=1)
def _all_forms() -> dict[str, StreetMention]:
    forms: dict[str, StreetMention] = {}
    for s in streets().values():
        forms[s.name] = StreetMention(s.code, "full")
        if s.short_name:
            forms.setdefault(s.short_name, StreetMention(s.code, "short"))
    for r in read_reference("pudong_street_aliases.csv"):
        forms.setdefault(r["alias"], StreetMention(r["street_code"] or None, r["alias_kind"]))
    for r in read_reference("shanghai_districts.csv"):
        if r["is_pudong"] == "1":
            forms.setdefault(r["district"], StreetMention(None, "county"))
    return forms


@lru_cache(maxsize=1)
def street_forms() -> dict[str, StreetMention]:
    """Every form accepted inside free text (hint-only forms excluded), by surface."""
    return {k: v for k, v in _all_forms().items() if v.kind != "hint_only"}


@lru_cache(maxsize=1)
def _forms_by_first_char() -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for form in street_forms():
        lengths.setdefault(form[0], set()).add(len(form))
    return {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}


def match_street_at(text: str, pos: int = 0) -> tuple[str, StreetMention] | None:
    """The longest street form (full, short, old, merged, county) starting at ``pos``."""
    if pos >= len(text):
        return None
    forms = street_forms()
    for length in _forms_by_first_char().get(text[pos], ()):
        surface = text[pos:pos + length]
        if len(surface) == length and surface in forms:
            return surface, forms[surface]
    return None


def road_named_street(road: str) -> str | None:
    """The street a road-named form means (东明路 → 东明路街道), or None.

    In free text these are roads; they mean the street only when another place follows
    at once (南码头路芳华路136弄: street 南码头路街道, road 芳华路).
    """
    mention = _all_forms().get(road)
    return mention.code if mention is not None and mention.kind == "hint_only" else None


_HINT_PREFIX = re.compile(r"^(?:中国)?(?:上海市?)?(?:市辖区)?(?:浦东新区|浦东)?")
_HINT_SUFFIX = re.compile(r"(?:街道办事处|办事处|人民政府|政府|社区事务受理服务中心|社区|办)$")


@lru_cache(maxsize=10_000)
def resolve_street(text: str | None) -> str | None:
    """The street code a street field names (所属街镇, residence.street), or None.

    Accepts full, short, old and merged forms, and the road-named forms that are
    ambiguous in free text but not in a street field (东明路 → 东明路街道). A value naming
    Pudong as a whole (浦东新区, 南汇区) or nothing known gives None.
    """
    clean = normalise_text(text)
    if clean is None:
        return None
    clean = re.sub(r"[\s|,;:/()\-]", "", clean)
    forms = _all_forms()
    for candidate in (clean, _HINT_PREFIX.sub("", clean, count=1)):
        for value in (candidate, _HINT_SUFFIX.sub("", candidate)):
            mention = forms.get(value)
            if mention is not None:
                return mention.code
    # A longer value that starts with a street form: 周家渡街道齐河居委.
    stripped = _HINT_PREFIX.sub("", clean, count=1)
    found = match_street_at(stripped, 0)
    return found[1].code if found else None


# ---------------------------------------------------------------- outside Pudong


@lru_cache(maxsize=1)
def _divisions() -> tuple[
    dict[str, str], dict[str, str], dict[str, _Division], dict[str, _Division],
    dict[str, tuple[str, bool]],
]:
    """province full → full, province short → full, city full → division, city short →
    division, Shanghai district form → (district full, is_pudong)."""
    prov_full: dict[str, str] = {}
    prov_short: dict[str, str] = {}
    for r in read_reference("china_provinces.csv"):
        prov_full[r["province"]] = r["province"]
        if r["short_name"]:
            prov_short[r["short_name"]] = r["province"]
    city_full: dict[str, _Division] = {}
    city_short: dict[str, _Division] = {}
    for r in read_reference("china_prefectures.csv"):
        division = _Division(r["province"], r["city"])
        city_full[r["city"]] = division
        if r["short_name"]:
            city_short.setdefault(r["short_name"], division)
    districts: dict[str, tuple[str, bool]] = {}
    for r in read_reference("shanghai_districts.csv"):
        districts[r["district"]] = (r["district"], r["is_pudong"] == "1")
    return prov_full, prov_short, city_full, city_short, districts


@lru_cache(maxsize=1)
def _district_shorts() -> dict[str, tuple[str, bool]]:
    shorts: dict[str, tuple[str, bool]] = {}
    for r in read_reference("shanghai_districts.csv"):
        if r["short_name"] and r["status"] == "current":
            shorts[r["short_name"]] = (r["district"], r["is_pudong"] == "1")
    return shorts


@lru_cache(maxsize=1)
def _division_first_chars() -> frozenset[str]:
    prov_full, prov_short, city_full, city_short, districts = _divisions()
    names = [*prov_full, *prov_short, *city_full, *city_short, *districts, *_district_shorts()]
    return frozenset(name[0] for name in names)


def _longest(table: dict[str, object], text: str, pos: int, max_len: int = 12) -> str | None:
    for length in range(min(max_len, len(text) - pos), 1, -1):
        if text[pos:pos + length] in table:
            return text[pos:pos + length]
    return None


# A county-level unit written after a city: 如东县, 麻阳苗族自治县, 芦淞区, 虎林市, 额济纳旗.
_COUNTY = re.compile(r"[^\d\s|,;()路街道号弄村镇乡巷]{1,8}?(?:自治县|自治旗|县|区|市|旗)")
# Things ending in 区/市 that are not divisions.
_NOT_COUNTY = re.compile(r"(?:小区|社区|园区|校区|景区|厂区|营区|街区|片区|新区|超市|菜市|集市|夜市|门市|城市|都市)$")
# "X省" / "X市" / "X县" written for a place we do not list (typo, county-level city).
_GENERIC_DIVISION = re.compile(
    r"([\u4e00-\u9fff]{2,3}?)(省|市|县)(?!场|苑|园|村|小区|花园|新村|政|民|中心|委|镇|路|街|大道|[东南西北中]路)"
)
_NOT_GENERIC_TAIL = set("超菜集夜门股花鸟城都早闹")
_NUMERALS = set("零〇一二两三四五六七八九十百千")
# One-character counties (沛县, 丰县, 单县) and two-character districts of other cities
# (綦江区, 渝北区) followed by a name: 区 is otherwise too common (东区, 园区, 小区).
# A road named after a county (沛县路, 费县大道: Pudong names roads after Shandong counties)
# is a road, not the county.
_SHORT_COUNTY = re.compile(
    r"([\u4e00-\u9fff])(县)(?=[\u4e00-\u9fff])(?!路|街|大道|公路|支路|[东南西北中]路)"
)
_GENERIC_DISTRICT = re.compile(
    r"((?![一二三四五六七八九十东南西北中新老大小])[\u4e00-\u9fff]"
    r"(?![小园社校景厂营街片新东南西北中工开保])[\u4e00-\u9fff])(区)(?=[\u4e00-\u9fff]|$)"
)
_SHANGHAI = re.compile(r"上海市?")
_ROAD_AFTER = re.compile(r"(?:路|街|大道|公路|大桥|江|河|桥|新村|小区|村)")


def _county_after(text: str, pos: int) -> tuple[str, int] | None:
    m = _COUNTY.match(text, pos)
    if m and not _NOT_COUNTY.search(m.group(0)):
        return m.group(0), m.end()
    return None


def match_outside(text: str, pos: int = 0, after_shanghai: bool = False) -> OutsideMatch | None:
    """A place outside Pudong written as a division, starting exactly at ``pos``.

    Recognised: another Shanghai district (闵行区; short 闵行 only right after 上海/上海市,
    ``after_shanghai``), a province (江苏省), a prefecture-level city with its suffix
    (南通市, 延边朝鲜族自治州, 阿里地区, 兴安盟), province short + city (江苏南通), a city
    short name followed by a county (南通如东县), and generic X省/X市/X县. Names without a
    division suffix (潍坊, 崂山, 南京) are never enough: Pudong has roads called that.
    Returns None for Pudong itself (浦东新区, 南汇区, 川沙县) and for Shanghai alone.
    """
    if pos >= len(text):
        return None
    generic = _GENERIC_DIVISION.match(text, pos) or _SHORT_COUNTY.match(text, pos) \
        or _GENERIC_DISTRICT.match(text, pos)
    if text[pos] not in _division_first_chars() and not generic:
        return None  # the common case: an address that starts with a road or a name
    prov_full, prov_short, city_full, city_short, districts = _divisions()

    district = _longest(districts, text, pos)
    if district:
        full, is_pudong = districts[district]
        return None if is_pudong else OutsideMatch("上海市" + full, pos + len(district))
    if after_shanghai:
        short = _longest(_district_shorts(), text, pos, 3)
        if short and not _ROAD_AFTER.match(text, pos + len(short)):
            full, is_pudong = _district_shorts()[short]
            return None if is_pudong else OutsideMatch("上海市" + full, pos + len(short))

    province: str | None = None
    end = pos
    found = _longest(prov_full, text, pos)
    if found:
        province, end = prov_full[found], pos + len(found)
    else:
        short_prov = _longest(prov_short, text, pos, 3)
        if short_prov:
            after = pos + len(short_prov)
            city = _longest(city_full, text, after) or _longest(city_short, text, after, 8)
            if city:
                province, end = prov_short[short_prov], after
    if province == "上海市":
        rest = match_outside(text, end, after_shanghai=True)
        return rest

    city_name: str | None = None
    found_city = _longest(city_full, text, end)
    if found_city:
        division = city_full[found_city]
        if province is None or division.province == province:
            province = province or division.province
            city_name, end = found_city, end + len(found_city)
    elif province is not None:
        short_city = _longest(city_short, text, end, 8)
        if short_city and city_short[short_city].province == province:
            city_name, end = city_short[short_city].city, end + len(short_city)
    if province is None:
        short_city = _longest(city_short, text, pos, 8)
        if short_city:
            county = _county_after(text, pos + len(short_city))
            if county:
                division = city_short[short_city]
                place = division.province + (division.city or "") + county[0]
                return OutsideMatch(place, county[1])

    if province is not None:
        place = province
        if city_name and city_name != province:
            place += city_name
        elif province in ("北京市", "天津市", "重庆市") and text.startswith(province, end):
            end += len(province)  # 重庆市重庆市丰都县
        county = _county_after(text, end)
        if county:
            place += county[0]
            end = county[1]
        return OutsideMatch(place, end)

    stem = generic.group(1) if generic else ""
    # 东方城市花园 is not a city; 郸城县 is a county. 五河县 is real; 一一市 is not.
    tail_ok = generic is not None and (generic.group(2) != "市" or stem[-1] not in _NOT_GENERIC_TAIL)
    if (generic and tail_ok and not stem.startswith("上海")
            and not all(ch in _NUMERALS for ch in stem) and stem not in street_forms()):
        place, end = generic.group(0), generic.end()
        if generic.group(2) == "市":
            county = _county_after(text, end)
            if county:
                place, end = place + county[0], county[1]
        return OutsideMatch(place, end)
    return None


@lru_cache(maxsize=1)
def _other_towns() -> tuple[dict[str, str], dict[str, tuple[int, ...]], dict[str, str]]:
    """(town → district, first character → lengths, district short name → district)."""
    pudong = street_forms()
    towns = {r["town"]: r["district"] for r in read_reference("shanghai_towns.csv") if r["town"] not in pudong}
    lengths: dict[str, set[int]] = {}
    for town in towns:
        lengths.setdefault(town[0], set()).add(len(town))
    shorts = {short: full for short, (full, is_pudong) in _district_shorts().items() if not is_pudong}
    return towns, {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()}, shorts


# 七宝镇路, 新桥镇村: a road or village named after the town is not the town.
_NAMED_AFTER = re.compile(r"(?:大道|公路|大街|支路|路|街(?!道)|村(?![委民])|新村|小区)")


def match_other_town(text: str, pos: int = 0) -> OutsideMatch | None:
    """A street/town of another Shanghai district written in full, at ``pos``.

    城桥镇人民路 / 崇明城桥镇人民路 → 上海市崇明区城桥镇; 七宝镇 → 上海市闵行区七宝镇. A district's short
    name may stand before its own town. Only full forms count (七宝 alone is not enough), and
    not a name that continues into a road or village (七宝镇路). Pudong's own forms never
    match (reference_data/shanghai_towns.csv lists the other districts only).
    """
    towns, lengths, shorts = _other_towns()
    # the town as written first (金山卫镇 begins with the district's short name 金山), then
    # after a district's short name (崇明城桥镇)
    found = _town_at(text, pos, None, towns, lengths)
    if found is not None:
        return found
    for length in (3, 2):
        short = text[pos:pos + length]
        if short in shorts and not text.startswith("区", pos + length):
            return _town_at(text, pos + length, shorts[short], towns, lengths)
    return None


def _town_at(text: str, start: int, district: str | None, towns: dict[str, str],
             lengths: dict[str, tuple[int, ...]]) -> OutsideMatch | None:
    for length in lengths.get(text[start] if start < len(text) else "", ()):
        town = text[start:start + length]
        if len(town) != length or town not in towns:
            continue
        if district is not None and towns[town] != district:
            return None
        if _NAMED_AFTER.match(text, start + length):
            return None
        return OutsideMatch("上海市" + towns[town] + town, start + length)
    return None


_CONTEXT_SPLIT = re.compile(r"[\s,;|/]+")
_CONTEXT_NOTHING = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "NULL", "NONE", "无", "-"}


@lru_cache(maxsize=10_000)
def scope_from_divisions(context: str | None) -> tuple[str, str | None]:
    """Health-cloud "province city district" → (scope, outside place).

    ``("outside", place)`` for a province/city other than Shanghai or a district other than
    Pudong; ``("pudong", None)`` when the district is Pudong (or a former unit of it);
    ``("unknown", None)`` when blank, 市辖区 or only "上海市".
    """
    clean = normalise_text(context)
    if clean is None:
        return "unknown", None
    parts = [p for p in _CONTEXT_SPLIT.split(clean) if p and p.upper() not in _CONTEXT_NOTHING]
    deduped: list[str] = []
    for p in parts:
        if p not in deduped:
            deduped.append(p)
    text = "".join(deduped).replace("市辖区", "")
    if not text:
        return "unknown", None
    shanghai = _SHANGHAI.match(text)
    if shanghai:
        rest = text[shanghai.end():].replace("市辖区", "")
        if not rest:
            return "unknown", None
        mention = match_street_at(rest, 0)
        if mention and mention[1].code is None:
            return "pudong", None
        outside = match_outside(rest, 0, after_shanghai=True)
        return ("outside", outside.place) if outside else ("unknown", None)
    mention = match_street_at(text, 0)
    if mention and mention[1].kind == "county":
        return "pudong", None
    outside = match_outside(text, 0)
    if outside:
        return "outside", outside.place
    _, prov_short, _, _, _ = _divisions()
    short = _longest(prov_short, text, 0, 3)
    if short and short != "上海":
        return "outside", prov_short[short]
    return "unknown", None
