"""Key-area travel and symptoms (variation ``travel``, issue 12): an evidence layer.

Goal: records carry realistic travel evidence — health-cloud ``travel_history`` entries
with dates, checkpoint ``出发地``, hotline 诉求内容 telling of a trip or of fever — so that
screening rules are exercised, and the truth says which records truly tell of a stay in a
key area inside its window (``true_key_area_trip``) and which report symptoms.

Input → output: a seeded ``random.Random`` and the first night → ``KeyArea`` rows (the list
the synthetic world was built with, written to ``<dir>/reference/key_areas.csv``:
province, city, county, from_date, to_date, note); per record, the trips it tells of as
``Trip(region, day)`` → ``tells_of_key_trip`` (truth) and the texts written.

A key area is a county (county set) or a whole city (county blank), listed from
``from_date`` to ``to_date``. A stay counts when its day lies in that window and at most
``INCUBATION_DAYS`` before the record; a stay in a listed area outside the window (the
listing ended, or the stay was too long ago) does not.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from functools import lru_cache

from streetlink.synth import vocab

__all__ = [
    "INCUBATION_DAYS",
    "KEY_AREA_HEADERS",
    "KeyArea",
    "Trip",
    "in_key_area",
    "key_area_csv",
    "key_region",
    "make_key_areas",
    "place_strings",
    "tells_of_key_trip",
    "travel_entry",
]

INCUBATION_DAYS = 14
KEY_AREA_HEADERS = ("province", "city", "county", "from_date", "to_date", "note")
_NOT_A_CITY = ("市辖区", "县", "省直辖县级行政区划")
_NOTES = ("中风险地区", "高风险地区", "本土聚集性疫情", "重点地区")


@dataclass(frozen=True)
class KeyArea:
    province: str
    city: str
    county: str  # '' for a whole city
    from_date: dt.date
    to_date: dt.date
    note: str

    def covers(self, region: int) -> bool:
        prov, city, county = place_strings(region)
        if prov != self.province or city != self.city:
            return False
        return not self.county or county == self.county


@dataclass(frozen=True)
class Trip:
    region: int  # index into vocab.id_regions()
    day: dt.date


@lru_cache(maxsize=1)
def _regions() -> tuple[int, ...]:
    reg = vocab.id_regions()
    return tuple(i for i, k in enumerate(reg.kind) if k == "migrant" and reg.last_year[i] == 9999)


def place_strings(region: int) -> tuple[str, str, str]:
    """(province, city, county) of a region; a municipality's city is the municipality."""
    reg = vocab.id_regions()
    prov, city = reg.province[region], reg.city[region]
    if city in _NOT_A_CITY:
        city = prov if prov.endswith("市") else ""
    return prov, city, reg.county[region]


def make_key_areas(rr: random.Random, first_night: dt.date, v: dict) -> tuple[KeyArea, ...]:
    """Counties and whole cities listed as key areas around the generated nights."""
    regions = list(_regions())
    rr.shuffle(regions)
    areas: list[KeyArea] = []
    seen: set[tuple[str, str, str]] = set()
    wanted = [("county", v["key_counties"]), ("city", v["key_cities"])]
    it = iter(regions)
    for level, n in wanted:
        made = 0
        for i in it:
            prov, city, county = place_strings(i)
            if not city:
                continue
            key = (prov, city, county if level == "county" else "")
            if key in seen or (prov, city, "") in seen:
                continue
            seen.add(key)
            if rr.random() < v["key_area_expired"]:  # listed once, delisted before the window
                to = first_night - dt.timedelta(days=INCUBATION_DAYS + rr.randint(1, 20))
                start = to - dt.timedelta(days=rr.randint(7, 21))
            else:
                start = first_night - dt.timedelta(days=rr.randint(3, 20))
                to = first_night + dt.timedelta(days=rr.randint(0, 14))
            areas.append(KeyArea(*key, start, to, rr.choice(_NOTES)))
            made += 1
            if made == n:
                break
    return tuple(areas)


def key_area_csv(areas: tuple[KeyArea, ...]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(KEY_AREA_HEADERS)
    for a in areas:
        w.writerow(
            (a.province, a.city, a.county, a.from_date.isoformat(), a.to_date.isoformat(), a.note)
        )
    return buf.getvalue().encode("utf-8")


def key_region(rr: random.Random, areas: tuple[KeyArea, ...]) -> tuple[int, KeyArea]:
    """A county inside a (random) key area, and that area."""
    area = areas[rr.randrange(len(areas))]
    inside = [i for i in _regions() if area.covers(i)]
    return inside[rr.randrange(len(inside))], area


def key_trip_day(
    rr: random.Random, area: KeyArea, record_day: dt.date, in_window: bool, latest: dt.date
) -> dt.date:
    """A stay's day: inside the area's window (and the incubation period) or outside it."""
    lo = max(area.from_date, record_day - dt.timedelta(days=INCUBATION_DAYS))
    hi = min(area.to_date, latest)
    if in_window and lo <= hi:
        return lo + dt.timedelta(days=rr.randint(0, (hi - lo).days))
    # outside: after the listing ended, or before it began, or too long ago
    options = [
        d
        for d in (
            area.to_date + dt.timedelta(days=rr.randint(1, 5)),
            area.from_date - dt.timedelta(days=rr.randint(1, 5)),
            record_day - dt.timedelta(days=INCUBATION_DAYS + rr.randint(1, 10)),
        )
        if d <= latest
        and not (area.from_date <= d <= area.to_date and (record_day - d).days <= INCUBATION_DAYS)
    ]
    return options[rr.randrange(len(options))] if options else latest - dt.timedelta(days=40)


def in_key_area(areas: tuple[KeyArea, ...], trip: Trip, record_day: dt.date) -> tuple[bool, bool]:
    """(the stay is in a listed area, the stay counts: inside its window and the incubation)."""
    listed = [a for a in areas if a.covers(trip.region)]
    counts = any(
        a.from_date <= trip.day <= a.to_date
        and 0 <= (record_day - trip.day).days <= INCUBATION_DAYS
        for a in listed
    )
    return bool(listed), counts


def tells_of_key_trip(
    areas: tuple[KeyArea, ...], trips: list[Trip], record_day: dt.date, codes: list[str]
) -> bool:
    """Truth ``true_key_area_trip`` of a record telling of these trips (codes added)."""
    listed = counted = False
    for t in trips:
        a, c = in_key_area(areas, t, record_day)
        listed |= a
        counted |= c
    if counted:
        codes.append("travel_key_area")
    elif listed:
        codes.append("travel_key_area_outside_window")
    return counted


def travel_entry(rr: random.Random, place: str, day: dt.date, dated: bool) -> str:
    """One travel_history entry as the self-report form leaves it."""
    if not dated:
        return place
    form = rr.randrange(4)
    if form == 0:
        return f"{place}（{day.month}月{day.day}日）"
    if form == 1:
        return f"{day.isoformat()} {place}"
    if form == 2:  # a stay of a few days ending on `day`
        start = day - dt.timedelta(days=rr.randint(1, 3))
        return f"{place} {start.month}.{start.day}-{day.month}.{day.day}"
    return f"{place}({day.isoformat()})"
