"""Re-measure decision.json's per-rule records and committee precision after the rules change.

    .venv/bin/python benchmarks/remeasure_rules.py --worlds /work/data/worlds --work /tmp/remeasure \
        [--models linkage_models] [--date 2026-11-24]

The thresholds and the search trace stay those of the training; only ``rules`` (what the
model card's rule table shows) is measured again, on the same search worlds as the
training (the combined world ``all-s1`` and the five seed-1 variations), each night run
with the shipped models (``run_night``, no Prefect). decision.json and MODEL_CARD.md are
rewritten, with a line saying the figures were re-measured. Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
from pathlib import Path

import duckdb

from streetlink.config import RunConfig
from streetlink.decide import load_decision
from streetlink.decide.search import SearchWorld, rule_precision
from streetlink.decide.thresholds import save_decision
from streetlink.link.models import load_model
from streetlink.link.training import write_model_card
from streetlink.nightly import run_night
from streetlink.paths import models_dir

# the training's search worlds, in decision.json's order
WORLDS = ("all-s1", "base-s1", "phased_estates-s1", "shared_phones-s1", "sloppy-s1", "movers-s1")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=Path, required=True, help="where the seed-1 worlds are")
    ap.add_argument("--work", type=Path, required=True, help="run outputs (reused when present)")
    ap.add_argument("--models", type=Path, default=models_dir())
    ap.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2026, 11, 24))
    ap.add_argument("--why", default="the rules changed", help="what changed, for the model card")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    decision = json.loads((args.models / "decision.json").read_text(encoding="utf-8"))
    if len(decision.get("worlds") or []) != len(WORLDS):
        raise SystemExit(f"decision.json lists {decision.get('worlds')}, expected {len(WORLDS)} search worlds")
    night = args.date.isoformat()
    worlds = []
    for folder, label in zip(WORLDS, decision["worlds"]):
        out = args.work / folder
        if not (out / night / "links.parquet").exists():
            run_night(RunConfig(date=args.date, inbox=args.worlds / folder / "inbox",
                                registry=args.worlds / folder / "registry", out=out,
                                reports=out / "reports", models=args.models))
        con = duckdb.connect(str(args.work / f"{folder}.duckdb"))
        con.execute("ATTACH ? AS wh (READ_ONLY)", [str(out / "warehouse.duckdb")])
        for f in sorted((out / night / "internal" / "decide_inputs").glob("*.parquet")):
            con.execute(f'CREATE OR REPLACE TABLE "{f.stem}" AS SELECT * FROM read_parquet(?)', [str(f)])
        con.execute("CREATE OR REPLACE TABLE truth AS SELECT * FROM read_parquet(?)",
                    [str(args.worlds / folder / "truth" / f"{night}.parquet")])
        worlds.append(SearchWorld(label, con, "wh", "truth"))

    values = load_decision(args.models)["thresholds"]
    decision["rules"] = rule_precision(worlds, values)
    decision["thresholds"] = values
    decision["rules_measured"] = (f"re-measured {dt.date.today().isoformat()} on the same search worlds with these "
                                  f"models and thresholds, after {args.why}; the thresholds and the search trace "
                                  "are those of the training")
    decision.pop("format_version", None)
    save_decision(args.models, decision)
    write_model_card(args.models, load_model(args.models, "address_model"),
                     load_model(args.models, "person_model"), decision)
    for name, entry in decision["rules"].items():
        if entry["decision"] == "dispatched":
            print(f"{name:30s} {entry['records']:7d} wrong {entry.get('wrong', 0)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
