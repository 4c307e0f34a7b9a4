"""Generate a synthetic Pudong: registries, K nights of inbox files, and their ground truth.

Input: a profile name, a seed, an output folder. Output: the files listed in
``streetlink.synth.writers`` and a ``GenerationSummary``. The same seed gives
byte-identical files; random streams are split per stage (numpy ``SeedSequence``), so a
change in one stage does not reshuffle the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from streetlink.errors import StreetlinkError
from streetlink.synth.geography import build_geography
from streetlink.synth.night import World, generate_night
from streetlink.synth.people import build_people, id_keys
from streetlink.synth.profiles import get_profile
from streetlink.synth.registry_dirt import dirty_registry
from streetlink.synth.travel import make_key_areas
from streetlink.synth.variations import Habits, habits_for
from streetlink.synth.writers import (
    write_key_areas,
    write_manifest,
    write_night,
    write_registry,
)

__all__ = ["GENERATOR_VERSION", "GenerationSummary", "generate"]

log = logging.getLogger(__name__)

GENERATOR_VERSION = "1.3"  # 1.1: truth carries the true committee whether or not placeable;
# 1.2: truth says whether the written identity finds the true person (person_identifiable);
# 1.3: world variations, the thorough clerk, travel/symptom truth columns (base inbox and
# registry files unchanged)
Progress = Callable[[str, int, int], None]
CLERKS = ("basic", "thorough")


@dataclass(frozen=True)
class GenerationSummary:
    profile: str
    seed: int
    out_dir: Path
    dates: tuple[dt.date, ...]
    streets: int
    committees: int
    dwellings: int
    persons: int
    records: dict[str, dict[str, int]]  # date -> source -> records
    files: tuple[str, ...]  # relative to out_dir
    seconds: float
    variation: str = "base"  # Habits.label: 'base', 'sloppy', 'sloppy+movers' …


def _movers(
    rng: np.random.Generator,
    house: np.ndarray,
    n_dwellings: int,
    habits: Habits,
) -> tuple[np.ndarray, np.ndarray]:
    """Who lives somewhere other than the registry says (target dwelling), who left Pudong."""
    n = house.size
    housed = house >= 0
    mover = (housed & (rng.random(n) < habits.mover_share)) | ~housed
    target = np.full(n, -1, np.int64)
    idx = np.flatnonzero(mover)
    target[idx] = rng.integers(0, n_dwellings, idx.size)
    # Some moves stay in the same building or the next one (a bigger flat, next door).
    near = idx[housed[idx] & (rng.random(idx.size) < 0.15)]
    target[near] = np.clip(house[near] + rng.integers(1, 40, near.size), 0, n_dwellings - 1)
    same = target[idx] == house[idx]
    target[idx[same]] = (target[idx[same]] + 1) % n_dwellings
    outmover = housed & ~mover & (rng.random(n) < habits.outmover_share)
    return target, outmover


def generate(
    profile: str,
    seed: int,
    out_dir: Path,
    nights: int = 1,
    start_date: dt.date = dt.date(2026, 11, 24),
    progress: Progress | None = None,
    inject_bad_input: bool = False,
    variation: str | tuple[str, ...] | list[str] | None = None,
    clerk: str | None = None,
) -> GenerationSummary:
    """Write a synthetic Pudong for `profile` ('tiny', 'small', 'medium', 'pudong') to `out_dir`.

    `variation`: world variations to apply ('sloppy', 'sloppy,movers', …; None or 'base':
    the base world), see ``streetlink.synth.variations``. `clerk`: whose reasoning the
    truth's ``person_identifiable`` and ``placeable`` follow, 'basic' (generator 1.2) or
    'thorough' (1.3: ``streetlink.synth.clerk``, the default: the person links now do what
    that clerk does, so every world's truth follows the same reasoning)."""
    started = time.perf_counter()
    habits = habits_for(variation)
    clerk = clerk or "thorough"
    if clerk not in CLERKS:
        raise StreetlinkError(f"unknown clerk {clerk!r}; choose one of {', '.join(CLERKS)}")
    spec = get_profile(profile)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda stage, done, total: None)
    total_steps = 3 + nights
    seeds = np.random.SeedSequence(seed).spawn(4)

    report("geography", 0, total_steps)
    geo = build_geography(spec, np.random.default_rng(seeds[0]), habits, seed)
    report("population", 1, total_steps)
    people = build_people(geo, spec.residents, np.random.default_rng(seeds[1]), habits)
    target, outmover = _movers(
        np.random.default_rng(seeds[2]), people.house, geo.n_dwellings, habits
    )
    world = World(
        geo=geo,
        people=people,
        mover_target=target,
        outmover=outmover,
        id_keys=id_keys(people.id_number),
        seed=seed,
        habits=habits,
        thorough_clerk=clerk == "thorough",
    )
    report("registry files", 2, total_steps)
    housing, population = geo.housing_table(), people.population_table(geo)
    if habits.has("dirty_registry"):
        housing, population, world.dirt = dirty_registry(
            geo,
            people,
            housing,
            population,
            habits.of("dirty_registry"),
            np.random.default_rng([seed, 7002]),
        )
    files = write_registry(out_dir, geo.admin_rows(), housing, population)
    if habits.has("travel"):
        world.key_areas = make_key_areas(
            random.Random(f"{seed}:key_areas"), start_date, habits.of("travel")
        )
        files.append(write_key_areas(out_dir, world.key_areas))

    dates = tuple(start_date + dt.timedelta(days=i) for i in range(nights))
    records: dict[str, dict[str, int]] = {}
    for i, date in enumerate(dates):
        report(f"night {date.isoformat()}", 3 + i, total_steps)
        night = generate_night(world, date, i, spec.records_per_night, inject_bad_input)
        files += write_night(out_dir, night)
        records[date.isoformat()] = dict(night.counts)
    manifest = {
        "generator": "streetlink.synth",
        "generator_version": GENERATOR_VERSION,
        "profile": profile,
        "seed": seed,
        "variation": habits.label,
        "clerk": clerk,
        "dates": [d.isoformat() for d in dates],
        "inject_bad_input": inject_bad_input,
        "counts": {
            "streets": len(geo.streets),
            "committees": len(geo.com_code),
            "roads": len(geo.road_name),
            "communities": len(geo.comm_name),
            "dwellings": geo.n_dwellings,
            "persons": people.n,
            "records": records,
        },
    }
    files.append(write_manifest(out_dir, manifest, files))
    report("done", total_steps, total_steps)
    seconds = time.perf_counter() - started
    log.info(
        "generated profile %s seed %d: %d dwellings, %d persons, %d nights in %.1f s",
        profile,
        seed,
        geo.n_dwellings,
        people.n,
        nights,
        seconds,
    )
    return GenerationSummary(
        profile=profile,
        seed=seed,
        out_dir=out_dir,
        dates=dates,
        streets=len(geo.streets),
        committees=len(geo.com_code),
        dwellings=geo.n_dwellings,
        persons=people.n,
        records=records,
        files=tuple(p.relative_to(out_dir).as_posix() for p in files),
        seconds=seconds,
        variation=habits.label,
    )
