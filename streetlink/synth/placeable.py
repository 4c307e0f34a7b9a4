"""The truth's ``placeable``: could a careful clerk holding both registries place the record?

Goal: decide, from what each record's writing still says (not from how it was made),
whether the right committee can be found (rule and reasons: docs/synthetic_data.md,
"Truth and the placeable rule").

Input → output: the ``Geography`` and one ``Case`` per record (its address texts as
``Written`` parts, the committee of the registry person its identity fields point to, the
street field as read, the true committee) → one bool per record (``decide``).
``candidate_committees`` gives, per record, the committees of the registry units
(buildings, village groups) consistent with every written part of every text; all texts
of a night are resolved at once, joined against the registry in DuckDB
(``placeable.sql``), so a 100 K-record night costs one query.

Reading a road or village spelling: the name as written if it is a real one; when nothing
in the registry fits all the other parts under that name (or it is no name at all), every
name one character away — how a clerk corrects 紫微路 to 紫薇路, and why a misspelling that
is another real road still misleads when that road has a fitting building.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass


import numpy as np
import pyarrow as pa

from streetlink import sql
from streetlink.config import connect
from streetlink.synth.addresses import Written
from streetlink.synth.geography import Geography

__all__ = ["Candidates", "Case", "candidate_committees", "committees_for", "decide"]

log = logging.getLogger(__name__)

_SQL = "streetlink.synth"
_ANY = "any"  # 浦东新区, 不详, or a text that is not about the place: constrains nothing
_TOWN = "town"  # a town or landmark alone: the committees of that street
_EMPTY = "empty"  # outside Pudong: no committee of Pudong
_UNITS = "units"  # resolved against the registry's buildings and village groups


@dataclass(frozen=True)
class Case:
    """What decides one record: the texts, the person's committee, the street field."""

    true_committee: int  # -1: no single right committee (a community split in two)
    texts: tuple[Written, ...]
    id_committee: int | None = None  # committee of the registry dwelling the identity names
    hint_street: int | None = None  # 所属街镇 / residence.street as typed (right or wrong)


@dataclass(frozen=True)
class Candidates:
    """The committees a record's writing allows. ``contradict``: its texts fit the registry
    each on its own but not together; ``committees`` is then every one any text allows."""

    committees: frozenset[int]
    contradict: bool = False


@dataclass(frozen=True)
class _Text:
    """What one text allows: committees, and for registry-resolved texts the units
    (unit -> (committee, the room or house numbers written; None: none written))."""

    kind: str
    committees: frozenset[int] = frozenset()
    units: dict[int, tuple[int, frozenset[int | None]]] | None = None


def _kind(w: Written) -> str:
    if w.level == "outside":
        return _EMPTY
    if w.level in ("district", "none"):
        return _ANY
    if w.level == "town":
        return _TOWN
    return _UNITS


def _unit_tables(geo: Geography) -> tuple[pa.Table, pa.Table, dict[str, int]]:
    """Buildings and village groups as join tables; community names as integer ids."""
    name_id: dict[str, int] = {}
    for name in geo.comm_name:
        name_id.setdefault(name, len(name_id))
    # an estate of phases is also known by its own name (锦绣绿洲 for 锦绣绿洲一期, 二期 …)
    for estate in geo.comm_estate:
        if estate is not None:
            name_id.setdefault(estate, len(name_id))
    comm_ids = np.array([name_id[n] for n in geo.comm_name] + [-1], dtype=np.int64)
    estate_ids = np.array(
        [name_id[e] if e is not None else -1 for e in geo.comm_estate] + [-1], dtype=np.int64
    )
    cm = geo.b_community
    n_b = int(geo.b_road.size)
    estate = estate_ids[cm] if len(geo.comm_estate) == len(geo.comm_name) else np.full(n_b, -1)
    buildings = pa.table(
        {
            "unit": pa.array(np.arange(n_b, dtype=np.int64)),
            "road": pa.array(geo.b_road),
            "lane": pa.array(geo.b_lane, mask=geo.b_lane < 0),
            "number": pa.array(geo.b_number),
            "community": pa.array(comm_ids[cm], mask=cm < 0),
            "estate": pa.array(estate, mask=(cm < 0) | (estate < 0)),
            "committee": pa.array(geo.b_committee),
            "street": pa.array(geo.com_street[geo.b_committee]),
            "has_room": pa.array(geo.b_has_room),
            "floors": pa.array(geo.b_floors),
            "rooms_per_floor": pa.array(geo.b_rpf),
        }
    )
    rural = geo.d_village >= 0
    key = geo.d_village[rural] * 1000 + geo.d_group[rural]  # a village has < 1000 groups
    keys, inverse = np.unique(key, return_inverse=True)
    houses = np.zeros(keys.size, dtype=np.int64)
    np.maximum.at(houses, inverse, geo.d_number[rural])
    village = keys // 1000
    committee = np.asarray(geo.vil_committee, dtype=np.int64)[village]
    groups = pa.table(
        {
            "unit": pa.array(n_b + np.arange(keys.size, dtype=np.int64)),
            "village": pa.array(village),
            "group_no": pa.array(keys % 1000),
            "houses": pa.array(houses),
            "committee": pa.array(committee),
            "street": pa.array(geo.com_street[committee]),
        }
    )
    return buildings, groups, name_id


_TEXT_COLUMNS = (
    "text_id",
    "lane",
    "number",
    "room",
    "community",
    "street",
    "group_no",
    "has_road",
    "is_village",
)


def _text_tables(
    geo: Geography, texts: Sequence[Written], name_id: dict[str, int]
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The written parts (texts), and the roads/villages each spelling may mean, with the
    reading's rank: 0 the name as written, 1 a name one character away."""
    cols: dict[str, list] = {k: [] for k in _TEXT_COLUMNS}
    roads: list[tuple[int, int, int]] = []
    villages: list[tuple[int, int, int]] = []
    for tid, w in enumerate(texts):
        for key, value in (
            ("text_id", tid),
            ("lane", w.lane),
            ("number", w.number),
            ("room", w.room),
            ("community", None if w.community is None else name_id.get(w.community, -2)),
            ("street", w.street),
            ("group_no", w.group),
            ("has_road", w.road is not None),
            ("is_village", w.level == "village"),
        ):
            cols[key].append(value)
        if w.road is not None:
            exact = geo.road_by_name.get(w.road)
            roads += [(tid, 0, exact)] if exact is not None else []
            roads += [(tid, 1, r) for r in geo.near_roads(w.road)]
            # 某康 (路 left out): every road it completes to, like a name one character away
            roads += [(tid, 1, r) for r in geo.completed_roads(w.road)]
        if w.level == "village":
            stem = w.village or ""
            villages += [(tid, 0, v) for v in geo.vil_by_stem.get(stem, [])]
            villages += [(tid, 1, v) for v in geo.near_villages(stem)]
    flags = ("has_road", "is_village")
    text_table = pa.table(
        {k: pa.array(v, pa.bool_() if k in flags else pa.int64()) for k, v in cols.items()}
    )

    def readings(rows: list[tuple[int, int, int]], name: str) -> pa.Table:
        a = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        return pa.table({"text_id": a[:, 0], "reading": a[:, 1], name: a[:, 2]})

    return text_table, readings(roads, "road"), readings(villages, "village")


def _resolve_units(
    geo: Geography, texts: Sequence[Written], with_units: Sequence[bool]
) -> list[_Text]:
    """Per text: the committees of the registry units consistent with all its parts (one
    DuckDB query), and the units themselves where `with_units` (records of several texts)."""
    buildings, groups, name_id = _unit_tables(geo)
    text_table, road_readings, village_readings = _text_tables(geo, texts, name_id)
    con = connect()
    try:
        for name, table in (
            ("texts", text_table),
            ("road_readings", road_readings),
            ("village_readings", village_readings),
            ("buildings", buildings),
            ("village_groups", groups),
            ("unit_texts", pa.table({"text_id": np.flatnonzero(with_units)})),
        ):
            con.register(f"{name}_arrow", table)
            sql.run(con, _SQL, "copy_arrow", table=name, arrow=f"{name}_arrow")
            con.unregister(f"{name}_arrow")
        sql.run(con, _SQL, "placeable_matches")
        coms = sql.run(con, _SQL, "committees_per_text").fetchall()
        rows = sql.run(con, _SQL, "units_per_text").fetchall()
    finally:
        con.close()
    committees: list[frozenset[int]] = [frozenset()] * len(texts)
    for tid, c in coms:
        committees[tid] = frozenset(c)
    units: dict[int, dict[int, tuple[int, set[int | None]]]] = {
        tid: {} for tid in np.flatnonzero(with_units).tolist()
    }
    for tid, unit, sub, com in rows:
        units[tid].setdefault(unit, (com, set()))[1].add(None if sub < 0 else sub)
    return [
        _Text(
            _UNITS,
            committees[tid],
            {u: (c, frozenset(subs)) for u, (c, subs) in units[tid].items()}
            if tid in units
            else None,
        )
        for tid in range(len(texts))
    ]


def _resolve(geo: Geography, records: Sequence[Sequence[Written]]) -> list[list[_Text]]:
    everything = frozenset(range(len(geo.com_code)))
    by_street: dict[int, set[int]] = {}
    for c, s in enumerate(geo.com_street.tolist()):
        by_street.setdefault(s, set()).add(c)
    registry_texts: list[Written] = []
    with_units: list[bool] = []  # units are compared only between texts of one record
    for texts in records:
        mine = [w for w in texts if _kind(w) == _UNITS]
        registry_texts += mine
        with_units += [len(mine) > 1] * len(mine)
    resolved = iter(_resolve_units(geo, registry_texts, with_units) if registry_texts else [])
    out = []
    for texts in records:
        row = []
        for w in texts:
            kind = _kind(w)
            if kind == _ANY:
                row.append(_Text(_ANY, everything))
            elif kind == _TOWN:
                town = -1 if w.street is None else w.street
                row.append(_Text(_TOWN, frozenset(by_street.get(town, set()))))
            elif kind == _EMPTY:
                row.append(_Text(_EMPTY))
            else:
                row.append(next(resolved))
        out.append(row)
    return out


def _compatible(a: frozenset[int | None], b: frozenset[int | None]) -> frozenset[int | None]:
    """Subs (rooms, house numbers) two texts allow together; None: the text wrote none."""
    if None in a:
        return b
    if None in b:
        return a
    return a & b


def _combine(texts: list[_Text]) -> Candidates:
    """Committees consistent with every text of a record. A text that constrains nothing,
    or that fits nothing in the registry, is set aside."""
    used = [t for t in texts if t.kind != _ANY and t.committees]
    if not used:
        return Candidates(next((t.committees for t in texts if t.kind == _ANY), frozenset()))
    if len(used) == 1:
        return Candidates(used[0].committees)
    units: dict[int, tuple[int, frozenset[int | None]]] | None = None
    committees: frozenset[int] | None = None
    for t in used:
        if t.units is None:
            committees = t.committees if committees is None else committees & t.committees
        elif units is None:
            units = dict(t.units)
        else:  # the same building or village group, with rooms/house numbers that agree
            both = {}
            for u in units.keys() & t.units.keys():
                subs = _compatible(units[u][1], t.units[u][1])
                if subs:
                    both[u] = (units[u][0], subs)
            units = both
    if units is not None:
        from_units = frozenset(com for com, _ in units.values())
        committees = from_units if committees is None else committees & from_units
    if committees:
        return Candidates(committees)
    return Candidates(frozenset().union(*(t.committees for t in used)), contradict=True)


def candidate_committees(geo: Geography, records: Sequence[Sequence[Written]]) -> list[Candidates]:
    """Per record (the list of its address texts): the committees of the registry units
    consistent with every written part."""
    return [_combine(texts) for texts in _resolve(geo, records)]


def committees_for(geo: Geography, w: Written) -> frozenset[int]:
    """The committees one address text allows (empty: it fits nothing in the registry)."""
    return _resolve(geo, [[w]])[0][0].committees


def _placeable(case: Case, found: Candidates, com_street: np.ndarray) -> bool:
    true = case.true_committee
    cands = found.committees
    if true < 0:
        return False
    if not found.contradict:
        if len(cands) > 1 and case.hint_street is not None:
            # The street field is often blank or wrong: it settles a choice only when it
            # leaves exactly one committee.
            narrowed = frozenset(c for c in cands if com_street[c] == case.hint_street)
            if len(narrowed) == 1:
                cands = narrowed
        if cands == {true}:
            return True
        if len(cands) == 1:
            return False  # the writing points to another committee
    # several candidates, none, or texts that disagree: only the person can settle it
    return case.id_committee == true and (not cands or true in cands)


def decide(geo: Geography, cases: Sequence[Case]) -> list[bool]:
    """Placeable or not, for each case (all cases of a night at once)."""
    found = candidate_committees(geo, [c.texts for c in cases])
    out = [_placeable(c, f, geo.com_street) for c, f in zip(cases, found)]
    log.info("placeable: %d of %d cases", sum(out), len(out))
    return out
