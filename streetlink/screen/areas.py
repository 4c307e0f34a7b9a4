"""The key-area list (重点地区) and how a free text is tied to a listed area.

The data center keeps ``screening_rules/key_areas.csv``: one row per listed area
(province, optional city, optional county) with the dates it is listed
(``from_date``–``to_date``). Rows are checked on load against the province and
prefecture names of ``reference_data/`` (a misspelt city would silently never match).

A text (a health-cloud travel-history item, a checkpoint 出发地, a hotline 诉求内容) names
an area when a place name in it, full or short (湖北省武汉市, 湖北武汉, 武汉市, 武汉), is
the area or lies in it, and nothing written right before that name qualifies it as
somewhere else (南京市鼓楼区 is not 福州's 鼓楼区). Short county names (江夏 for 江夏区) are
taken only after their city or province (武汉江夏): alone they are too ambiguous. A name
followed by a road or estate word (潍坊路, 德州二村, 南京东路, 临沂新村) is a Shanghai
address, not a journey: Pudong names many roads and estates after other provinces' places.

Matching is about names only; the window (dates) is applied in SQL (``screen.sql``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from streetlink.errors import StreetlinkError
from streetlink.reference import read_reference

__all__ = [
    "AREA_COLUMNS",
    "AreaMatcher",
    "KeyArea",
    "KeyAreaError",
    "read_key_areas",
]

AREA_COLUMNS = ("province", "city", "county", "from_date", "to_date", "note")

# What follows a place name when it is part of a Shanghai road or estate name.
_ADDRESS_WORD = re.compile(
    r"[东西南北中]?(?:路|大道|公路|支弄|弄|巷|街|大街)"
    r"|[一二三四五六七八九十\d]*新?村"
    r"|小区|花园|公寓|家园|苑|公园|广场|大厦|医院|中学|小学|大学|学校"
)
# Segments of a text: a name is qualified only by names of its own segment.
_SEGMENT = re.compile(r"[，,。；;、！!？?\n|/（）()【】\[\]：:]+")
_COUNTY_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "区", "县", "市", "旗")
_PROVINCE_LEVEL_CITY = ("直辖市",)


class KeyAreaError(StreetlinkError):
    """The key-area file cannot be used (unreadable, a row names an unknown place, bad dates)."""


@dataclass(frozen=True)
class KeyArea:
    index: int
    province: str
    city: str | None  # None: the whole province (a municipality's city is its province)
    county: str | None
    from_date: dt.date
    to_date: dt.date
    note: str
    line: int  # line in the file, for messages

    @property
    def label(self) -> str:
        city = self.city if self.city and self.city != self.province else ""
        return f"{self.province}{city}{self.county or ''}"

    @property
    def level(self) -> str:
        return "county" if self.county else "city" if self.city else "province"


@dataclass(frozen=True)
class _Place:
    kind: str  # province | city | county | county_short
    province: str
    city: str | None = None
    county: str | None = None


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    places: frozenset[_Place]


def _provinces() -> dict[str, tuple[str, str]]:
    """Full province name → (short name, kind)."""
    return {r["province"]: (r["short_name"], r["kind"]) for r in read_reference("china_provinces.csv")}


def _prefectures() -> list[dict[str, str]]:
    return list(read_reference("china_prefectures.csv"))


def _county_short(county: str) -> str | None:
    for suffix in _COUNTY_SUFFIXES:
        if county.endswith(suffix) and len(county) - len(suffix) >= 2:
            return county[: -len(suffix)]
    return None


def read_key_areas(path: Path) -> tuple[tuple[KeyArea, ...], str]:
    """The listed areas of `path` and the file's sha256; every bad row fails, with its line."""
    if not path.is_file():
        raise KeyAreaError(f"key-area file not found: {path}")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KeyAreaError(f"{path}: not UTF-8 text") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise KeyAreaError(f"{path}: no header row")
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    rows = list(reader)
    header = [h.strip() for h in rows[0]]
    missing = [c for c in AREA_COLUMNS if c not in header]
    if missing:
        raise KeyAreaError(f"{path}: missing column(s) {', '.join(missing)} (expected {','.join(AREA_COLUMNS)})")
    provinces = _provinces()
    short_to_province = {short: full for full, (short, _) in provinces.items() if short}
    cities: dict[str, dict[str, str]] = {}
    for r in _prefectures():
        cities.setdefault(r["province"], {})[r["city"]] = r["city"]
        if r["short_name"]:
            cities[r["province"]][r["short_name"]] = r["city"]
    areas: list[KeyArea] = []
    for (line_no, _), row in zip(lines[1:], rows[1:]):
        cell = dict(zip(header, (c.strip() for c in row)))
        where = f"{path.name} line {line_no}"
        province = cell.get("province", "")
        province = short_to_province.get(province, province)
        if province not in provinces:
            raise KeyAreaError(f"{where}: {cell.get('province')!r} is not a province-level division "
                               "(reference_data/china_provinces.csv)")
        municipality = provinces[province][1] in _PROVINCE_LEVEL_CITY
        city = cell.get("city") or None
        if city is not None:
            if municipality and city in (province, provinces[province][0]):
                city = province
            elif city not in cities.get(province, {}):
                raise KeyAreaError(f"{where}: {city!r} is not a prefecture of {province} "
                                   "(reference_data/china_prefectures.csv)")
            else:
                city = cities[province][city]
        elif municipality:
            city = province
        county = cell.get("county") or None
        if county is not None:
            if not county.endswith(_COUNTY_SUFFIXES) or len(county) < 2:
                raise KeyAreaError(f"{where}: county {county!r} must be written in full (…区, …县, …市, …旗)")
            if cell.get("city") in (None, "") and not municipality:
                raise KeyAreaError(f"{where}: county {county} needs its city (county names repeat across China)")
        if municipality and county is None and cell.get("city") in (None, ""):
            city = None  # the whole municipality, matched as a province
        try:
            start = dt.date.fromisoformat(cell.get("from_date", ""))
            end = dt.date.fromisoformat(cell.get("to_date", ""))
        except ValueError:
            raise KeyAreaError(f"{where}: from_date and to_date must be dates YYYY-MM-DD "
                               f"(got {cell.get('from_date')!r}, {cell.get('to_date')!r})") from None
        if end < start:
            raise KeyAreaError(f"{where}: to_date {end} is before from_date {start}")
        areas.append(KeyArea(len(areas), province, city, county, start, end, cell.get("note", ""), line_no))
    return tuple(areas), hashlib.sha256(data).hexdigest()


class AreaMatcher:
    """Which listed areas a text names (dates aside). Build once per rule set."""

    def __init__(self, areas: Sequence[KeyArea]):
        self.areas = tuple(areas)

    @cached_property
    def _index(self) -> dict[str, frozenset[_Place]]:
        names: dict[str, set[_Place]] = {}

        def add(name: str | None, place: _Place) -> None:
            if name and len(name) >= 2:
                names.setdefault(name, set()).add(place)

        for full, (short, kind) in _provinces().items():
            add(full, _Place("province", full))
            add(short, _Place("province", full))
            if kind in _PROVINCE_LEVEL_CITY:
                add(full, _Place("city", full, full))
                add(short, _Place("city", full, full))
        for r in _prefectures():
            add(r["city"], _Place("city", r["province"], r["city"]))
            add(r["short_name"], _Place("city", r["province"], r["city"]))
        for a in self.areas:
            if a.county:
                add(a.county, _Place("county", a.province, a.city, a.county))
                add(_county_short(a.county), _Place("county_short", a.province, a.city, a.county))
        # 吉林 is the province 吉林省 before it is the city 吉林市 (which needs its own name)
        for places in names.values():
            provinces = {p.province for p in places if p.kind == "province"}
            places -= {p for p in places if p.kind == "city" and p.province in provinces and p.city != p.province}
        return {name: frozenset(places) for name, places in names.items()}

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Longest first: at each position the longest name wins (湖北省 over 湖北, 朝阳市 over 朝阳).
        names = sorted(self._index, key=lambda n: (-len(n), n))
        return re.compile("|".join(re.escape(n) for n in names))

    def _mentions(self, segment: str) -> list[_Mention]:
        found = []
        for m in self._pattern.finditer(segment):
            if _ADDRESS_WORD.match(segment, m.end()):
                continue
            found.append(_Mention(m.start(), m.end(), self._index[m.group()]))
        return found

    def match(self, text: str | None) -> list[int]:
        """Indices (file order) of the listed areas `text` names."""
        if not text or not self.areas:
            return []
        hits: set[int] = set()
        for segment in _SEGMENT.split(text):
            mentions = self._mentions(segment)
            for i, mention in enumerate(mentions):
                qualifiers = []
                j = i
                # The names written right before this one (nothing but spaces between) qualify it.
                while j > 0 and not segment[mentions[j - 1].end:mentions[j].start].strip():
                    qualifiers.append(mentions[j - 1])
                    j -= 1
                for area in self.areas:
                    if area.index not in hits and _names(area, mention, qualifiers):
                        hits.add(area.index)
        return sorted(hits)

    def match_all(self, texts: Iterable[str]) -> dict[str, list[int]]:
        return {t: found for t in set(texts) if (found := self.match(t))}


def _in_area(area: KeyArea, place: _Place) -> bool:
    """Whether `place` is `area` or lies inside it."""
    if place.province != area.province:
        return False
    if area.city is None:
        return True
    if place.kind == "province":
        return False
    if place.city != area.city:
        return False
    if area.county is None:
        return True
    return place.kind in ("county", "county_short") and place.county == area.county


def _consistent(area: KeyArea, qualifier: _Mention) -> bool:
    """A name written before the target does not place it elsewhere than `area`."""
    for place in qualifier.places:
        if place.province != area.province:
            continue
        if place.kind == "province" or area.city is None:
            return True
        if place.city == area.city:
            return True
    return False


def _names(area: KeyArea, mention: _Mention, qualifiers: list[_Mention]) -> bool:
    if not all(_consistent(area, q) for q in qualifiers):
        return False
    for place in mention.places:
        if place.kind == "county_short" and not qualifiers:
            continue
        if _in_area(area, place):
            return True
    return False
