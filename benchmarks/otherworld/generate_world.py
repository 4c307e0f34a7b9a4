"""Generate an independent synthetic Pudong ("otherworld") for measuring streetlink.

    .venv/bin/python benchmarks/otherworld/generate_world.py --seed 1 --out /work/data/otherworld/m1 \
        [--nights 1] [--size small|medium] [--habits default|sloppy|dirty_registry|movers, or several: sloppy,movers]

Writes DIR/registry/, DIR/inbox/<date>/, DIR/truth/<date>.parquet (TRUTH contract) and
DIR/truth_detail/<date>.parquet (how the careful clerk read each record; for inspection).
Reads the public reference data at run time (../shared/reference); never writes into the
repository. Written without reading streetlink's parsers, linkers or generator.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import logging
import random
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from owgen.people import build_people  # noqa: E402
from owgen.places import build_places  # noqa: E402
from owgen.records import NightMaker, records_for_night  # noqa: E402
from owgen.reference import find_reference, load_reference  # noqa: E402
from owgen import writers  # noqa: E402

log = logging.getLogger("otherworld")
SIZES = {"small": (60_000, 25_000, 3_000), "medium": (600_000, 250_000, 10_000)}
GENERATOR_VERSION = "otherworld-1"


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in ("urban_forms", "roles", "category",
                                                                             "caller_name", "caller_name_neighbour",
                                                                             "sources"):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load_habits(name: str) -> dict:
    """A preset, or several joined by commas (``sloppy,movers``), each a deep override of
    the base applied in the order given."""
    presets = json.loads((HERE / "habits.json").read_text(encoding="utf-8"))
    out = presets["default"]
    for part in name.split(","):
        if part not in presets or part.startswith("_"):
            raise SystemExit(f"otherworld: unknown habits preset {part!r}; known: "
                             + ", ".join(k for k in presets if not k.startswith("_")))
        if part != "default":
            out = _merge(out, presets[part])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True, help="output folder (outside the repository)")
    ap.add_argument("--nights", type=int, default=1)
    ap.add_argument("--size", choices=sorted(SIZES), default="medium")
    ap.add_argument("--habits", default="default")
    ap.add_argument("--start", default="2026-12-01", help="first night, YYYY-MM-DD")
    ap.add_argument("--records", type=int, help="records a night (default: by size)")
    ap.add_argument("--reference", help="reference folder (default: ../shared/reference)")
    ap.add_argument("--force", action="store_true", help="replace an existing output folder")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    out = Path(args.out).resolve()
    repo = HERE.parent.parent
    if out == repo or repo in out.parents:
        raise SystemExit(f"otherworld: refusing to write generated data inside the repository ({out})")
    if out.exists() and any(out.iterdir()):
        if not args.force:
            raise SystemExit(f"otherworld: {out} is not empty (use --force to replace it)")
        shutil.rmtree(out)
    habits = load_habits(args.habits)
    ref = load_reference(find_reference(args.reference))
    n_res, n_dw, n_rec = SIZES[args.size]
    n_rec = args.records or n_rec
    rng = random.Random(args.seed)
    t0 = time.time()

    places = build_places(ref, habits, n_dw, rng)
    people, builder = build_people(ref, habits, places, n_res, rng)
    admin = [(s, places.streets[s], c, n) for c, (s, n) in sorted(places.committees.items())]
    writers.write_registry(out, admin, places.registry_rows, people.registry_rows)
    log.info("registry written (%.1fs)", time.time() - t0)

    maker = NightMaker(ref, habits, places, people, builder, rng)
    start = dt.date.fromisoformat(args.start)
    rec_h = habits["records"]
    dates = []
    for k in range(args.nights):
        date = start + dt.timedelta(days=k)
        dates.append(date.isoformat())
        night = records_for_night(maker, date, n_rec, rng)
        inbox = out / "inbox" / date.isoformat()
        inbox.mkdir(parents=True, exist_ok=True)
        cp_rows, cp_truth, cp_detail = night["checkpoint"]
        writers.write_checkpoint(inbox / f"checkpoint_{date}.csv", cp_rows,
                                 bom=rng.random() < rec_h["bom_night"], dup_rate=rec_h["duplicate_rows"], rng=rng)
        hl_rows, hl_truth, hl_detail = night["hotline"]
        writers.write_hotline(inbox / f"hotline_{date}.xlsx", hl_rows, date, rec_h["xlsx"], rng)
        hc_rows, hc_truth, hc_detail = night["healthcloud"]
        writers.write_healthcloud(inbox / f"healthcloud_{date}.jsonl", hc_rows)
        writers.write_truth(out / "truth" / f"{date}.parquet", cp_truth + hl_truth + hc_truth)
        writers.write_detail(out / "truth_detail" / f"{date}.parquet", cp_detail + hl_detail + hc_detail)
        log.info("night %s: %d records (%.1fs)", date, len(cp_rows) + len(hl_rows) + len(hc_rows), time.time() - t0)

    manifest = {"generator": GENERATOR_VERSION, "seed": args.seed, "size": args.size, "habits": args.habits,
                "nights": dates, "records_per_night": n_rec, "dwellings": len(places.dwellings),
                "registry_persons": len(people.registry_rows), "reference": str(ref.root),
                "seconds": round(time.time() - t0, 1)}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    log.info("done in %.1fs: %s", time.time() - t0, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
