"""Accuracy on every world variation × seed: the table of docs/evaluation.md.

    .venv/bin/python benchmarks/variation_matrix.py --data /work/data/worlds --out /tmp/matrix \
        [--seeds 2 3 4] [--variations base sloppy ...] [--profile medium] [--models DIR] [--extra DIR ...]

For each (variation, seed) it generates the world under ``--data`` unless it is there
already (``<variation>-s<seed>``), runs the nightly steps in-process on its first night
(no Prefect), scores ``links.parquet`` with ``streetlink evaluate``'s metrics and prints a
Markdown table, the worst value of each column last; ``--extra`` adds worlds built by
other generators (a folder with inbox/, registry/, truth/). Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from pathlib import Path

from streetlink.config import RunConfig
from streetlink.evaluate import evaluate
from streetlink.nightly import run_night
from streetlink.paths import models_dir
from streetlink.synth import generate
from streetlink.synth.rates import VARIATIONS

COLUMNS = (
    ("correct_placement_rate", "right committee"),
    ("dispatch_rate", "dispatched"),
    ("committee_precision", "committee precision"),
    ("street_precision", "street precision"),
    ("person_precision", "person precision"),
    ("person_recall_identifiable", "person recall (identifiable)"),
)


def _first_night(world: Path) -> dt.date:
    return min(dt.date.fromisoformat(p.stem) for p in (world / "truth").glob("*.parquet"))


def measure(world: Path, out: Path, models: Path) -> dict:
    date = _first_night(world)
    config = RunConfig(date=date, inbox=world / "inbox", registry=world / "registry", out=out,
                       reports=out / "reports", models=models)
    started = time.perf_counter()
    run_night(config)
    ev = evaluate([world / "truth" / f"{date.isoformat()}.parquet"], [out / date.isoformat() / "links.parquet"],
                  label=world.name)
    o = ev.overall.metrics
    row = {name: o[name].rate for name, _ in COLUMNS}
    row["wrong"] = o["wrong_placements"].count
    row["outside_dispatched"] = o["outside_pudong_dispatched"].count
    hotline = ev.group("source", "hotline").metrics["person_recall_identifiable"].rate
    row["hotline_recall_identifiable"] = hotline
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="where the generated worlds are (or go)")
    ap.add_argument("--out", type=Path, required=True, help="run outputs and matrix.json")
    ap.add_argument("--seeds", type=int, nargs="+", default=[2, 3, 4])
    ap.add_argument("--variations", nargs="+", default=["base", *sorted(v for v in VARIATIONS if v != "travel")])
    ap.add_argument("--profile", default="medium")
    ap.add_argument("--models", type=Path, default=models_dir())
    ap.add_argument("--extra", type=Path, nargs="*", default=[], help="worlds from other generators")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    rows: list[tuple[str, dict]] = []
    worlds = [(f"{v}-s{s}", v, s) for v in args.variations for s in args.seeds]
    worlds += [(p.name, None, None) for p in args.extra]
    for name, variation, seed in worlds:
        folder = args.data / name if variation else next(p for p in args.extra if p.name == name)
        if variation and not (folder / "manifest.json").exists():
            generate(args.profile, seed, folder, variation=None if variation == "base" else variation)
        row = measure(folder, args.out / name, args.models)
        rows.append((name, row))
        print(name, json.dumps({k: round(v, 5) if isinstance(v, float) else v for k, v in row.items()}),
              file=sys.stderr, flush=True)

    header = ["world", *(label for _, label in COLUMNS), "hotline recall (ident.)", "wrong", "outside sent"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]

    def pct(v: float | None) -> str:
        return "–" if v is None else f"{v:.2%}"

    for name, row in rows:
        cells = [name, *(pct(row[k]) for k, _ in COLUMNS), pct(row["hotline_recall_identifiable"]),
                 str(row["wrong"]), str(row["outside_dispatched"])]
        lines.append("| " + " | ".join(cells) + " |")
    worst = ["**worst**", *(pct(min((r[k] for _, r in rows if r[k] is not None), default=None))
                            for k, _ in COLUMNS),
             pct(min((r["hotline_recall_identifiable"] for _, r in rows
                      if r["hotline_recall_identifiable"] is not None), default=None)),
             str(max(r["wrong"] for _, r in rows)), str(max(r["outside_dispatched"] for _, r in rows))]
    lines.append("| " + " | ".join(worst) + " |")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "matrix.json").write_text(json.dumps(dict(rows), indent=1), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
