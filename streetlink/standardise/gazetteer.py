"""Gazetteer: the registry's own roads, communities, villages and committees.

Goal: let the address parser recognise names it could never guess — a community written
without a road (世茂湖滨花园7号304室), a village written without 村 (南塘3组7, 双店四号), a
committee typed as 居委/居民区/社区 — and correct a road typed with one wrong character or a
homophone (其河路 → 齐河路) when exactly one known road is that close; villages and
communities likewise, but only for homophones and look-alike characters (擒劳村 → 勤劳村).

Input → output:
    ``build_gazetteer(con, housing, admin)``: housing_std + admin tables → DuckDB tables
        gaz_roads (road × street × committee), gaz_road_doors (road × street × lane, or
        number where no lane), gaz_communities (community × its base × committee × road ×
        lane), gaz_villages (village × committee), gaz_committees (committee × alias form),
        gaz_names (every surface form → kind, canonical name); all set-based SQL
        (gazetteer.sql, ``GAZETTEER_STATEMENTS`` in order).
    ``Gazetteer.load(con)``: those tables → an in-memory, read-only ``Gazetteer``.

Everything here comes from the registry at refresh time; general knowledge (street names,
old names, divisions) lives in reference_data/ and ``places.py``.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb
import pyarrow as pa
from pypinyin import lazy_pinyin

from streetlink import sql
from streetlink.errors import StreetlinkError
from streetlink.reference import read_reference
from streetlink.standardise.places import street_forms

__all__ = ["GAZETTEER_TABLES", "GazMatch", "Gazetteer", "build_gazetteer"]

log = logging.getLogger(__name__)

_SQL = "streetlink.standardise"

GAZETTEER_TABLES = ("gaz_roads", "gaz_road_doors", "gaz_communities", "gaz_villages", "gaz_committees",
                    "gaz_names")
# gazetteer.sql's statements, in the order they run (gaz_names reads the others).
GAZETTEER_STATEMENTS = GAZETTEER_TABLES
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ROAD_SUFFIX = re.compile(r"(大道|公路|大街|支路|路|街)$")
_ROAD_TYPES = ("路", "公路", "大道", "街", "大街", "支路")


def build_gazetteer(
    con: duckdb.DuckDBPyConnection, housing: str = "housing_std", admin: str = "admin"
) -> None:
    """Create the gaz_* tables from the standardised housing registry and the admin table."""
    words = pa.table({"surface": pa.array(sorted(street_forms()), pa.string())})
    for name in (housing, admin):
        try:
            sql.identifier(name)  # a bad name fails before any work is done
        except sql.SqlError as e:
            raise StreetlinkError(str(e)) from None
    con.register("_gaz_street_words", words)
    try:
        for name in GAZETTEER_STATEMENTS:
            placeholders = sql.load(_SQL, name).placeholders
            sql.run(con, _SQL, name, **{k: v for k, v in (("housing", housing), ("admin", admin))
                                        if k in placeholders})
    finally:
        con.unregister("_gaz_street_words")
    counts = {t: sql.run(con, _SQL, "count_rows", table=t).fetchall()[0][0]
              for t in GAZETTEER_TABLES}
    log.info("gazetteer built: %s", ", ".join(f"{t}={n}" for t, n in counts.items()))


@dataclass(frozen=True)
class GazMatch:
    """A surface form found in text: what it can mean, and whether it is a derived alias."""

    surface: str
    end: int
    # (kind, canonical); a committee's canonical is its code; None: ambiguous
    meanings: tuple[tuple[str, str | None], ...]
    is_alias: bool

    def canonical(self, kind: str) -> str | None:
        for k, c in self.meanings:
            if k == kind:
                return c
        return None

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(k for k, _ in self.meanings)


@dataclass(frozen=True)
class _Committee:
    code: str
    name: str
    street_code: str


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


_VARIANT_CHARS = set("东南西北中上下内外前后新老大小一二三四五六七八九十")


def _differs_by_variant(a: str, b: str) -> bool:
    """True when a and b differ only by adding, dropping or swapping a direction/ordinal."""
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        return all(x in _VARIANT_CHARS and y in _VARIANT_CHARS for x, y in diff)
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1:] == short:
            return long_[i] in _VARIANT_CHARS
    return False


@lru_cache(maxsize=100_000)
def _pinyin_key(text: str) -> str:
    return "".join(lazy_pinyin(text))


@lru_cache(maxsize=1)
def _lookalikes() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for row in read_reference("lookalike_chars.csv"):
        for ch in row["chars"]:
            groups[ch] |= set(row["chars"]) - {ch}
    return {ch: frozenset(others) for ch, others in groups.items()}


def _lookalike_swap(a: str, b: str) -> bool:
    """a and b differ in exactly one character, and those two characters look alike."""
    if len(a) != len(b):
        return False
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    return len(diff) == 1 and diff[0][1] in _lookalikes().get(diff[0][0], frozenset())


@dataclass(frozen=True)
class _NameIndex:
    """Known names of one kind, indexed for "the one name this typo could be"."""

    by_pinyin: Mapping[str, frozenset[str]]
    by_delete: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, names: Iterable[str]) -> _NameIndex:
        pinyin: dict[str, set[str]] = defaultdict(set)
        deletes: dict[str, set[str]] = defaultdict(set)
        for name in names:
            pinyin[_pinyin_key(name)].add(name)
            for key in _deletes(name) | {name}:
                deletes[key].add(name)
        return cls({k: frozenset(v) for k, v in pinyin.items()},
                   {k: frozenset(v) for k, v in deletes.items()})

    def correct(self, typed: str, suffix: str, any_edit: bool) -> str | None:
        """Homophones first, then one look-alike character (or any one edit if allowed).

        ``suffix``: the type word the candidate must end with (路, 支路, 村, or "").
        Exactly one candidate, or None.
        """
        def fits(candidate: str) -> bool:
            if suffix == "":
                return candidate != typed
            if suffix == "村":
                return candidate != typed and candidate.endswith("村")
            m = _ROAD_SUFFIX.search(candidate)
            return candidate != typed and m is not None and m.group(1) == suffix

        # The whole name sounds the same, type word included (观澜弓路 → 观澜公路).
        homophones = set(self.by_pinyin.get(_pinyin_key(typed), frozenset())) - {typed}
        if len(homophones) > 1:  # 筋乡路: 金乡路 (one character off) rather than 金湘路
            homophones = {c for c in homophones if _within_one_edit(typed, c)}
        if homophones:
            return next(iter(homophones)) if len(homophones) == 1 else None
        near: set[str] = set()
        for key in _deletes(typed) | {typed}:
            near |= self.by_delete.get(key, frozenset())
        # Never a direction or an ordinal (杨高南路/杨高北路, 金桥一村/金桥二村).
        near = {c for c in near if fits(c) and _within_one_edit(typed, c)
                and not _differs_by_variant(typed, c)
                and (any_edit or _lookalike_swap(typed, c))}
        return next(iter(near)) if len(near) == 1 else None


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """In-memory gazetteer used by ``parse_address``; build with ``Gazetteer.load``.

    Hashable by identity so that it can key caches; treat every mapping as read-only.
    """

    names: Mapping[str, tuple[tuple[tuple[str, str | None], ...], bool]]
    roads: Mapping[str, frozenset[str]]  # road → street codes it crosses
    communities: Mapping[str, frozenset[str]]  # community → committee codes
    community_lanes: Mapping[str, frozenset[tuple[str, str | None]]]  # community → (road, lane)
    villages: Mapping[str, frozenset[str]]  # village → committee codes
    committees: Mapping[str, _Committee]  # code → committee
    # estate base (community_base) → the communities sharing it (菱翔苑 → 一期, 三期)
    community_bases: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # road → street → the lanes it has there, and the numbers of buildings without a lane
    road_doors: Mapping[str, Mapping[str, tuple[frozenset[str], frozenset[str]]]] = field(
        default_factory=dict)
    _lengths: Mapping[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _road_index: _NameIndex = field(default=None, repr=False)  # type: ignore[assignment]
    _village_index: _NameIndex = field(default=None, repr=False)  # type: ignore[assignment]
    _community_index: _NameIndex = field(default=None, repr=False)  # type: ignore[assignment]

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> Gazetteer:
        """Read the gaz_* tables (made by ``build_gazetteer``) into memory."""
        missing = [t for t in GAZETTEER_TABLES if not _table_exists(con, t)]
        if missing:
            raise StreetlinkError(
                f"gazetteer not built: missing {', '.join(missing)}; run build_gazetteer")
        by_kind: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        alias_flags: dict[str, bool] = {}
        for surface, kind, canonical, is_alias in con.execute(
            "SELECT surface, kind, canonical, is_alias FROM gaz_names"
        ).fetchall():
            by_kind[surface][kind].add(canonical)
            alias_flags[surface] = bool(is_alias)
        # Two committees typed the same way (东沟居委 in two streets): the form still says
        # "a committee", but not which one.
        names = {
            surface: tuple(sorted(
                (kind, next(iter(c)) if len(c) == 1 else None) for kind, c in kinds.items()))
            for surface, kinds in by_kind.items()
        }
        roads: dict[str, set[str]] = defaultdict(set)
        road_rows = con.execute("SELECT DISTINCT road, street_code FROM gaz_roads").fetchall()
        for road, street in road_rows:
            roads[road].add(street)
        communities: dict[str, set[str]] = defaultdict(set)
        lanes: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
        bases: dict[str, set[str]] = defaultdict(set)
        for community, base, committee, road, lane in con.execute(
            "SELECT DISTINCT community, community_base, committee_code, road, lane FROM gaz_communities"
        ).fetchall():
            communities[community].add(committee)
            if base is not None:
                bases[base].add(community)
            if road is not None:
                lanes[community].add((road, lane))
        doors: dict[str, dict[str, tuple[set[str], set[str]]]] = defaultdict(dict)
        for road, street, lane, number in con.execute(
            "SELECT road, street_code, lane, number FROM gaz_road_doors"
        ).fetchall():
            held = doors[road].setdefault(street, (set(), set()))
            if lane is not None:
                held[0].add(lane)
            elif number is not None:
                held[1].add(number)
        villages: dict[str, set[str]] = defaultdict(set)
        for village, committee in con.execute(
            "SELECT DISTINCT village, committee_code FROM gaz_villages"
        ).fetchall():
            villages[village].add(committee)
        committees = {
            code: _Committee(code, name, street)
            for code, name, street in con.execute(
                "SELECT DISTINCT committee_code, committee_name, street_code FROM gaz_committees"
            ).fetchall()
        }
        gaz = cls.from_parts(
            names={s: (m, alias_flags[s]) for s, m in names.items()},
            roads={r: frozenset(s) for r, s in roads.items()},
            communities={c: frozenset(s) for c, s in communities.items()},
            community_lanes={c: frozenset(s) for c, s in lanes.items()},
            villages={v: frozenset(s) for v, s in villages.items()},
            committees=committees,
            community_bases={b: frozenset(c) for b, c in bases.items()},
            road_doors={r: {st: (frozenset(h[0]), frozenset(h[1])) for st, h in by_street.items()}
                        for r, by_street in doors.items()},
        )
        log.info("gazetteer loaded: %d surface forms, %d roads, %d communities, %d villages",
                 len(gaz.names), len(gaz.roads), len(gaz.communities), len(gaz.villages))
        return gaz

    @classmethod
    def from_parts(
        cls,
        names: Mapping[str, tuple[tuple[tuple[str, str | None], ...], bool]],
        roads: Mapping[str, frozenset[str]],
        communities: Mapping[str, frozenset[str]],
        community_lanes: Mapping[str, frozenset[tuple[str, str | None]]],
        villages: Mapping[str, frozenset[str]],
        committees: Mapping[str, _Committee],
        community_bases: Mapping[str, frozenset[str]] | None = None,
        road_doors: Mapping[str, Mapping[str, tuple[frozenset[str], frozenset[str]]]] | None = None,
    ) -> Gazetteer:
        lengths: dict[str, set[int]] = defaultdict(set)
        for surface in names:
            lengths[surface[0]].add(len(surface))
        return cls(
            names=names,
            roads=roads,
            communities=communities,
            community_lanes=community_lanes,
            villages=villages,
            committees=committees,
            community_bases=community_bases or {},
            road_doors=road_doors or {},
            _lengths={ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()},
            _road_index=_NameIndex.of(roads),
            _village_index=_NameIndex.of(villages),
            _community_index=_NameIndex.of(communities),
        )

    def match_at(self, text: str, pos: int) -> GazMatch | None:
        """The longest known surface form starting at ``pos``.

        A derived alias (a name without its 村/小区/花园) counts only where the name ends:
        not when another Chinese character follows (永盛 in 永盛路 is not the village).
        """
        for length in self._lengths.get(text[pos] if pos < len(text) else "", ()):
            end = pos + length
            if end > len(text):
                continue
            entry = self.names.get(text[pos:end])
            if entry is None:
                continue
            meanings, is_alias = entry
            if is_alias and end < len(text) and _CJK.match(text[end]):
                continue
            return GazMatch(text[pos:end], end, meanings, is_alias)
        return None

    def resolve(self, kind: str, name: str | None) -> str | None:
        """Canonical name (committee: code) of ``name`` as ``kind``, exact or alias."""
        if not name:
            return None
        entry = self.names.get(name)
        if entry is None:
            return None
        for k, canonical in entry[0]:
            if k == kind:
                return canonical
        return None

    def correct_road(self, typed: str) -> str | None:
        """The one known road ``typed`` is a typo of, or None.

        A homophone of the whole name (其河路 → 齐河路, 观澜弓路 → 观澜公路), else one wrong
        character: any character in a name of three or more characters (花园百桥路 →
        花园石桥路), only a look-alike in a two-character name (太团支路 → 大团支路; 民同路 is
        not 大同路) or in the type word (商城犬道 → 商城大道). Never a direction or an ordinal
        (杨高北路 is not 杨高南路); otherwise the road type (路/街/大道/公路/支路) must agree.
        None when ``typed`` is known, when nothing is that close, or when two roads are:
        a guess between two roads is a wrong door waiting to happen.
        """
        if typed in self.roads or len(typed) < 3:
            return None
        suffix = _ROAD_SUFFIX.search(typed)
        if suffix is None:  # the type word itself mistyped (商城犬道): look-alikes only
            return self._road_index.correct(typed, "", any_edit=False)
        road_type = suffix.group(1)
        return self._road_index.correct(typed, road_type, any_edit=len(typed) - len(road_type) >= 3)

    def correct_village(self, typed: str) -> str | None:
        """The one known village ``typed`` is a homophone or look-alike typo of (擒劳村 → 勤劳村)."""
        if typed in self.villages or not typed.endswith("村") or len(typed) < 3:
            return None
        return self._village_index.correct(typed, "村", any_edit=False)

    def correct_community(self, typed: str) -> str | None:
        """The one known community ``typed`` is a homophone or look-alike typo of."""
        if typed in self.communities or len(typed) < 3:
            return None
        return self._community_index.correct(typed, "", any_edit=False)

    def committee(self, code: str) -> _Committee | None:
        return self.committees.get(code)

    def holds(self, road: str, street: str | None, lane: str | None, number: str | None) -> bool:
        """The road has that lane (or, without a lane, that building number) — in ``street`` if given."""
        by_street = self.road_doors.get(road, {})
        held = [by_street[street]] if street is not None and street in by_street else (
            [] if street is not None else list(by_street.values()))
        if lane is not None:
            return any(lane in lanes for lanes, _ in held)
        if number is not None:
            return any(number in numbers for _, numbers in held)
        return False

    def complete_road(
        self, typed: str, street: str | None, lane: str | None, number: str | None
    ) -> str | None:
        """The one known road that ``typed`` is, written without its road type (锦康 → 锦康路)
        or with one wrong character (拱方路 → 拱为路, any character, when a street is given).

        Within ``street`` (the street named in the address or the source's street field)
        one road there with that stem is enough; several, or a wrong character, need the
        one road holding the lane (or, without a lane, the building number). Without a
        street only a stem is completed, and only to the one road of Pudong holding that
        lane or number. None otherwise: a guess between roads is a wrong door.
        """
        if typed in self.roads or len(typed) < 2:
            return None
        suffix = _ROAD_SUFFIX.search(typed)
        if suffix is None:
            candidates = {typed + t for t in _ROAD_TYPES if typed + t in self.roads}
        elif street is not None and len(typed) >= 3:
            road_type = suffix.group(1)
            near: set[str] = set()
            for key in _deletes(typed) | {typed}:
                near |= self._road_index.by_delete.get(key, frozenset())
            candidates = {c for c in near if c != typed and _within_one_edit(typed, c)
                          and not _differs_by_variant(typed, c)
                          and (m := _ROAD_SUFFIX.search(c)) is not None and m.group(1) == road_type}
        else:
            return None
        if street is not None:
            candidates = {c for c in candidates if street in self.roads.get(c, frozenset())}
            if suffix is None and len(candidates) == 1:
                return next(iter(candidates))
        # a wrong character is believed only where the door is there
        holding = {c for c in candidates if self.holds(c, street, lane, number)}
        return next(iter(holding)) if len(holding) == 1 else None


def _table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    from streetlink import engine

    return engine.of(con).table_exists(table)
