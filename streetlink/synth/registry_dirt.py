"""A dirty registry (variation ``dirty_registry``): the housing and population files as
real registries deliver them, while the places and people behind them stay the same.

Input → output: the clean ``housing`` and ``population`` tables of a world, its
``Geography`` and ``People``, the variation's rates and a numpy ``Generator`` → the dirty
tables and ``RegistryDirt`` (which dwelling, building and person rows were dirtied, for the
truth's messiness codes ``reg_*``).

What is dirtied (rates: ``rates.VARIATIONS["dirty_registry"]``):
- the road field of a few % of buildings (all their rows, as one clerk entered a building):
  a stray bracket ``（崂山西路``, the district written into it ``上海市浦东新区崂山西路``, the
  estate prefixed ``锦绣花园崂山西路``, or both with a bracket ``锦绣绿洲(一期)(崂山西路``; half
  of those buildings have ``std_address`` concatenated from that field (the district twice);
- community names with and without 小区 across the buildings of one estate;
- ``std_address`` of a few % of rows inconsistent with the parts (lane dropped, the estate
  instead of road and lane, 号楼, the town inserted, 队 for 组);
- some population phones in odd formats (+86 138…, 138-…, 13812345678.0, 86138…).
The parts of the housing rows other than the road and community fields, every house id,
committee and street, and every phone's digits are unchanged: a careful clerk reads through
the dirt, so ``placeable`` does not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from streetlink.synth.geography import Geography
from streetlink.synth.people import People

__all__ = ["RegistryDirt", "dirty_registry"]

_BRACKETS = (("（", ""), ("(", ""), ("", "）"), ("", ")"), ("【", ""))
_DISTRICTS = ("上海市浦东新区", "浦东新区", "上海浦东新区")


@dataclass
class RegistryDirt:
    building_codes: dict[int, tuple[str, ...]] = field(default_factory=dict)
    dwelling_codes: dict[int, tuple[str, ...]] = field(default_factory=dict)
    odd_phone: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def codes_for(self, dwelling: int, building: int, person: int) -> list[str]:
        out: list[str] = []
        if building >= 0:
            out += self.building_codes.get(building, ())
        if dwelling >= 0:
            out += self.dwelling_codes.get(dwelling, ())
        if 0 <= person < self.odd_phone.size and self.odd_phone[person]:
            out.append("reg_phone_format")
        return out


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def _dirty_road(geo: Geography, b: int, kind: str, rng: np.random.Generator) -> str:
    road = geo.road_name[int(geo.b_road[b])]
    cm = int(geo.b_community[b])
    if cm < 0 and kind in ("estate", "estate_bracket"):
        kind = "bracket"  # a road-front building has no estate to prefix
    if kind == "bracket":
        left, right = _BRACKETS[int(rng.integers(len(_BRACKETS)))]
        return f"{left}{road}{right}"
    if kind == "district":
        return _DISTRICTS[int(rng.integers(len(_DISTRICTS)))] + road
    comm = geo.comm_name[cm]
    if kind == "estate":
        return comm + road
    estate = geo.comm_estate[cm]
    if estate is not None and comm.startswith(estate) and comm != estate:
        return f"{estate}({comm[len(estate) :]})({road}"  # 某某公园(一期)(某某路
    return f"{comm}({road}"


def _toggle_xiaoqu(name: str) -> str:
    return name.removesuffix("小区") if name.endswith("小区") else name + "小区"


def _odd_phone(phone: str, rng: np.random.Generator) -> str:
    forms = (
        f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}",
        f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        f"{phone}.0",  # a number cell exported from a spreadsheet
        f"86{phone}",
        f" {phone}",
        f"{phone[:3]} {phone[3:7]} {phone[7:]}",
    )
    return forms[int(rng.integers(len(forms)))]


def _inconsistent_std(geo: Geography, d: int, rng: np.random.Generator) -> str | None:
    b = int(geo.d_building[d])
    si = int(geo.d_street[d])
    if b < 0:
        v = int(geo.d_village[d])
        g, n = int(geo.d_group[d]), int(geo.d_number[d])
        if rng.random() < 0.5:
            return f"浦东新区{geo.vil_name[v]}{g}组{n}号"  # the town left out
        return f"浦东新区{geo.streets[si].name}{geo.vil_name[v]}{g}队{n}号"
    road = geo.road_name[int(geo.b_road[b])]
    lane = int(geo.b_lane[b])
    num = int(geo.b_number[b])
    room = int(geo.d_room[d])
    cm = int(geo.b_community[b])
    room_t = f"{room}室" if room >= 0 else ""
    options = ["town", "building_word"]
    if lane >= 0:
        options.append("no_lane")
    if cm >= 0:
        options.append("estate")
    kind = options[int(rng.integers(len(options)))]
    lane_t = f"{lane}弄" if lane >= 0 else ""
    if kind == "no_lane":
        return f"浦东新区{road}{num}号{room_t}"
    if kind == "estate":
        return f"浦东新区{geo.comm_name[cm]}{num}号{room_t}"
    if kind == "building_word":
        return f"浦东新区{road}{lane_t}{num}号楼{room_t}"
    return f"上海市浦东新区{geo.streets[si].name}{road}{lane_t}{num}号{room_t}"


def dirty_registry(
    geo: Geography,
    people: People,
    housing: pa.Table,
    population: pa.Table,
    v: dict,
    rng: np.random.Generator,
) -> tuple[pa.Table, pa.Table, RegistryDirt]:
    """The dirty housing and population tables, and which rows were dirtied."""
    dirt = RegistryDirt()
    n_b = int(geo.b_road.size)
    road = np.array(housing.column("road").to_pylist(), dtype=object)
    community = np.array(housing.column("community_name").to_pylist(), dtype=object)
    std = np.array(housing.column("std_address").to_pylist(), dtype=object)
    road_dirty = np.flatnonzero(rng.random(n_b) < v["road_dirty_buildings"])
    variant = np.flatnonzero(
        (rng.random(n_b) < v["community_variant_buildings"]) & (geo.b_community >= 0)
    )
    for b in road_dirty.tolist():
        text = _dirty_road(geo, b, _pick(rng, v["road_dirt_kinds"]), rng)
        first, count = int(geo.b_first[b]), int(geo.b_count[b])
        road[first : first + count] = text
        if rng.random() < v["std_from_dirty_road"]:
            lane = int(geo.b_lane[b])
            num = int(geo.b_number[b])
            for d in range(first, first + count):
                room = int(geo.d_room[d])
                std[d] = (
                    f"浦东新区{text}{f'{lane}弄' if lane >= 0 else ''}{num}号"
                    f"{f'{room}室' if room >= 0 else ''}"
                )
        dirt.building_codes[b] = ("reg_road_dirty",)
    for b in variant.tolist():
        first, count = int(geo.b_first[b]), int(geo.b_count[b])
        community[first : first + count] = _toggle_xiaoqu(geo.comm_name[int(geo.b_community[b])])
        dirt.building_codes[b] = (*dirt.building_codes.get(b, ()), "reg_community_variant")
    rows = np.flatnonzero(rng.random(geo.n_dwellings) < v["std_inconsistent_rows"])
    for d in rows.tolist():
        text = _inconsistent_std(geo, d, rng)
        if text and text != std[d]:
            std[d] = text
            dirt.dwelling_codes[d] = ("reg_std_inconsistent",)
    housing = (
        housing.set_column(
            housing.schema.get_field_index("road"), "road", pa.array(road.tolist(), pa.string())
        )
        .set_column(
            housing.schema.get_field_index("community_name"),
            "community_name",
            pa.array(community.tolist(), pa.string()),
        )
        .set_column(
            housing.schema.get_field_index("std_address"),
            "std_address",
            pa.array(std.tolist(), pa.string()),
        )
    )
    phones = np.array(population.column("phone").to_pylist(), dtype=object)
    odd = (people.phone > 0) & (rng.random(people.n) < v["population_phone_odd"])
    for i in np.flatnonzero(odd).tolist():
        phones[i] = _odd_phone(str(people.phone[i]), rng)
    dirt.odd_phone = odd
    population = population.set_column(
        population.schema.get_field_index("phone"), "phone", pa.array(phones.tolist(), pa.string())
    )
    return housing, population, dirt
