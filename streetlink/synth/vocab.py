"""Vocabulary of the synthetic generator: streets, names, region codes, road and place stems.

Input: ``reference_data/synth_*.csv`` (through ``streetlink.reference``, the one loader) and
the GB 2312 level-1 character set (the 3,755 most common characters, taken from Python's
codec, so no file is needed). Output: small immutable structures, built once and cached.
Homophone groups are built with pypinyin over the common characters; look-alike groups
come from a hand-written list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pypinyin import Style, pinyin

from streetlink.reference import read_reference

__all__ = [
    "GivenNames",
    "IdRegions",
    "Street",
    "Surnames",
    "checkpoints",
    "common_chars",
    "community_parts",
    "given_names",
    "homophones",
    "id_regions",
    "landmarks",
    "lookalike_groups",
    "mobile_segments",
    "name_styles",
    "road_stems",
    "shanghai_places",
    "streets",
    "surnames",
    "village_stems",
]


@dataclass(frozen=True)
class Street:
    code: str
    name: str
    kind: str  # 街道 | 镇
    short: str
    population_k: int
    residential: int
    villages: int
    former: str
    aliases: tuple[str, ...]
    neighbours: tuple[str, ...]  # full street codes


@lru_cache(maxsize=1)
def streets() -> tuple[Street, ...]:
    rows = read_reference("synth_streets.csv")
    out = []
    for r in rows:
        out.append(
            Street(
                code=r["street_code"],
                name=r["street_name"],
                kind=r["kind"],
                short=r["short_name"],
                population_k=int(r["population_k"]),
                residential=int(r["residential"]),
                villages=int(r["villages"]),
                former=r["former"],
                aliases=tuple(r["aliases"].split()),
                neighbours=tuple("310115" + n for n in r["neighbours"].split()),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class Surnames:
    names: tuple[str, ...]
    p_national: np.ndarray
    p_shanghai: np.ndarray


@lru_cache(maxsize=1)
def surnames() -> Surnames:
    rows = read_reference("synth_surnames.csv")
    nat = np.array([float(r["share_national"]) for r in rows])
    sh = np.array([float(r["share_shanghai"]) for r in rows])
    return Surnames(tuple(r["surname"] for r in rows), nat / nat.sum(), sh / sh.sum())


@dataclass(frozen=True)
class GivenNames:
    """Pools keyed by (gender 'm'/'f', era 'old'/'mid'/'young'): (items, Zipf probabilities)."""

    chars: dict[tuple[str, str], tuple[tuple[str, ...], np.ndarray]]
    wholes: dict[tuple[str, str], tuple[tuple[str, ...], np.ndarray]]


def _zipf(n: int, offset: float) -> np.ndarray:
    w = 1.0 / (np.arange(n) + offset)
    return w / w.sum()


@lru_cache(maxsize=1)
def given_names() -> GivenNames:
    rows = read_reference("synth_given_names.csv")
    chars: dict[tuple[str, str], list[tuple[int, str]]] = {}
    wholes: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for r in rows:
        target = chars if r["kind"] == "char" else wholes
        target.setdefault((r["gender"], r["era"]), []).append((int(r["rank"]), r["given"]))

    def pack(d: dict) -> dict:
        out = {}
        for key in sorted(d):
            items = tuple(g for _, g in sorted(d[key]))
            # Offset 4: the top character of a pool takes ~7%, as 伟/芳 do among single names;
            # whole names are flatter (offset 8).
            out[key] = (items, _zipf(len(items), 4.0 if d is chars else 8.0))
        return out

    return GivenNames(pack(chars), pack(wholes))


@dataclass(frozen=True)
class IdRegions:
    code: np.ndarray  # int64 six-digit codes
    province: tuple[str, ...]
    city: tuple[str, ...]
    county: tuple[str, ...]
    kind: tuple[str, ...]
    weight: np.ndarray
    last_year: np.ndarray  # 9999 when current

    def index_of(self, code: int) -> int:
        return int(np.flatnonzero(self.code == code)[0])

    def of_kind(self, kind: str) -> np.ndarray:
        return np.array([i for i, k in enumerate(self.kind) if k == kind], dtype=np.int64)


@lru_cache(maxsize=1)
def id_regions() -> IdRegions:
    rows = read_reference("synth_id_regions.csv")
    return IdRegions(
        code=np.array([int(r["code"]) for r in rows], dtype=np.int64),
        province=tuple(r["province"] for r in rows),
        city=tuple(r["city"] for r in rows),
        county=tuple(r["county"] for r in rows),
        kind=tuple(r["kind"] for r in rows),
        weight=np.array([float(r["weight"]) for r in rows]),
        last_year=np.array([int(r["last_year"]) if r["last_year"] else 9999 for r in rows]),
    )


@lru_cache(maxsize=1)
def road_stems() -> tuple[str, ...]:
    return tuple(r["stem"] for r in read_reference("synth_road_stems.csv"))


@lru_cache(maxsize=1)
def village_stems() -> tuple[str, ...]:
    return tuple(r["stem"] for r in read_reference("synth_village_stems.csv"))


@lru_cache(maxsize=1)
def community_parts() -> tuple[tuple[str, ...], tuple[tuple[str, str, float], ...]]:
    """(stems, suffixes as (suffix, era, weight))."""
    rows = read_reference("synth_community_parts.csv")
    stems = tuple(r["part"] for r in rows if r["kind"] == "stem")
    suffixes = tuple(
        (r["part"], r["era"], float(r["weight"])) for r in rows if r["kind"] == "suffix"
    )
    return stems, suffixes


@lru_cache(maxsize=1)
def lookalike_groups() -> dict[str, tuple[str, ...]]:
    """Character -> the other members of its look-alike group."""
    out: dict[str, list[str]] = {}
    for r in read_reference("synth_lookalike_chars.csv"):
        members = [m for m in r["group"].split() if len(m) == 1]
        for m in members:
            for other in members:
                if other != m and other not in out.setdefault(m, []):
                    out[m].append(other)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def common_chars() -> tuple[str, ...]:
    """GB 2312 level-1 characters (rows 16-55): the 3,755 characters of everyday writing."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return tuple(chars)


# pypinyin reads these as their common word reading; as surnames they are said differently.
_SURNAME_READINGS = {
    "曾": "zeng1",
    "单": "shan4",
    "仇": "qiu2",
    "翟": "zhai2",
    "区": "ou1",
    "朴": "piao2",
}


@lru_cache(maxsize=1)
def _by_sound() -> dict[str, tuple[str, ...]]:
    by_sound: dict[str, list[str]] = {}
    chars = common_chars()
    for ch, reading in zip(chars, pinyin(list(chars), style=Style.TONE3, heteronym=False)):
        by_sound.setdefault(reading[0], []).append(ch)
    return {k: tuple(v) for k, v in by_sound.items()}


@lru_cache(maxsize=20_000)
def homophones(ch: str, as_surname: bool = False) -> tuple[str, ...]:
    """Common characters read exactly like `ch` (same syllable and tone)."""
    if as_surname and ch in _SURNAME_READINGS:
        reading = _SURNAME_READINGS[ch]
    else:
        reading = pinyin(ch, style=Style.TONE3, heteronym=False)[0][0]
    return tuple(c for c in _by_sound().get(reading, ()) if c != ch)


@lru_cache(maxsize=1)
def mobile_segments() -> tuple[tuple[int, ...], np.ndarray]:
    rows = read_reference("synth_mobile_segments.csv")
    w = np.array([float(r["weight"]) for r in rows])
    return tuple(int(r["segment"]) for r in rows), w / w.sum()


@lru_cache(maxsize=1)
def name_styles() -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(style, role, gender 'm'/'f'/'u') -> name parts."""
    out: dict[tuple[str, str, str], list[str]] = {}
    for r in read_reference("synth_name_styles.csv"):
        out.setdefault((r["style"], r["role"], r["gender"]), []).append(r["part"])
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def checkpoints() -> tuple[tuple[str, ...], np.ndarray]:
    rows = read_reference("synth_checkpoints.csv")
    w = np.array([float(r["weight"]) for r in rows])
    return tuple(r["name"] for r in rows), w / w.sum()


@lru_cache(maxsize=1)
def shanghai_places() -> dict[str, dict[str, tuple[str, ...]]]:
    """District -> {'street': (...), 'road': (...)}, districts in file order."""
    out: dict[str, dict[str, list[str]]] = {}
    for r in read_reference("synth_shanghai_places.csv"):
        out.setdefault(r["district"], {"street": [], "road": []})[r["kind"]].append(r["name"])
    return {d: {k: tuple(v) for k, v in kinds.items()} for d, kinds in out.items()}


@lru_cache(maxsize=1)
def landmarks() -> tuple[tuple[str, str], ...]:
    return tuple((r["name"], r["street_code"]) for r in read_reference("pudong_landmarks.csv"))
