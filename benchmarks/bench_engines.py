"""One night on DuckDB and on Spark (local mode), side by side: seconds per step, peak memory.

    .venv/bin/python benchmarks/bench_engines.py --world DIR [--date 2026-11-24]
        [--engines duckdb,spark] [--models DIR] [--out DIR] [--spark-master local[2]]

`DIR` is a generated world (``streetlink generate``). Each engine runs the whole night
(``streetlink.nightly.run_night``, no Prefect) in a fresh process, after one unmeasured
registry refresh into a shared warehouse (so both read the same standardised registry and
neither pays for the refresh). Peak memory is the largest resident set of the process
*tree*, sampled every 0.5 s: the Spark run's JVM is a child process. The figures go to
``<out>/engines-<world>-<timestamp>.json``; the load average before and after is kept,
since a shared machine skews timings.

A measurement, not a test: nothing fails because a figure is high.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(world: Path, date: str, out: Path, models: Path, engine: str, master: str | None) -> None:
    import dataclasses

    from streetlink import nightly
    from streetlink.config import EngineConfig, RunConfig

    config = RunConfig(date=dt.date.fromisoformat(date), inbox=world / "inbox", registry=world / "registry",
                       out=out / engine, models=models, warehouse=out / "warehouse.duckdb",
                       engine=dataclasses.replace(EngineConfig(), kind=engine, spark_master=master))
    seen: dict[str, dict] = {}
    finish = nightly.finish

    def keep_summaries(ws):  # finish removes the step summaries: read them first
        for step in nightly.STEPS:
            seen[step.__name__] = ws.load_step(step.__name__)
        return finish(ws)

    nightly.finish = keep_summaries
    t0 = time.perf_counter()
    if engine == "spark":  # the session's start is part of the engine's cost: timed apart
        from streetlink.engine.spark import SparkSettings, spark_session

        spark_session(SparkSettings.from_env(master))
    started = time.perf_counter() - t0
    t1 = time.perf_counter()
    nightly.run_night(config)
    wall = time.perf_counter() - t1
    link = seen.get("link_records", {})
    result = {
        "engine": engine, "session_start_seconds": round(started, 1), "night_seconds": round(wall, 1),
        "steps": {k: v.get("seconds") for k, v in seen.items()},
        "records": seen.get("decide_records", {}).get("records"),
        "address_pairs": link.get("address_pairs"), "person_pairs": link.get("person_pairs"),
        "decisions": {k: seen.get("decide_records", {}).get(k) for k in ("dispatched", "review", "rejected")},
    }
    print("RESULT " + json.dumps(result), flush=True)


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
    except psutil.Error:
        return 0


def _measure(args: argparse.Namespace, engine: str) -> dict:
    cmd = [sys.executable, __file__, "--child", engine, "--world", str(args.world), "--date", args.date,
           "--out", str(args.out), "--models", str(args.models)]
    if args.spark_master:
        cmd += ["--spark-master", args.spark_master]
    log = (args.out / f"{engine}.log").open("w")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.5)
    out = proc.stdout.read()
    log.close()
    if proc.returncode != 0:
        raise SystemExit(f"{engine} run failed (see {args.out / (engine + '.log')})")
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    result["peak_rss_mb"] = round(peak / 2**20)
    return result


def _refresh(args: argparse.Namespace) -> float:
    from streetlink.ingest.warehouse import ensure_warehouse

    t = time.perf_counter()
    ensure_warehouse(args.world / "registry", args.out / "warehouse.duckdb")
    return round(time.perf_counter() - t, 1)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--world", type=Path, required=True)
    p.add_argument("--date", default="2026-11-24")
    p.add_argument("--engines", default="duckdb,spark")
    p.add_argument("--models", type=Path, default=ROOT / "linkage_models")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "engines")
    p.add_argument("--spark-master")
    p.add_argument("--child")
    args = p.parse_args()
    if args.child:
        _child(args.world, args.date, args.out, args.models, args.child, args.spark_master)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    report = {"world": str(args.world), "date": args.date, "load_before": os.getloadavg(),
              "refresh_seconds_unmeasured_engine": _refresh(args), "runs": []}
    for engine in args.engines.split(","):
        report["runs"].append(_measure(args, engine))
        print(json.dumps(report["runs"][-1], ensure_ascii=False))
    report["load_after"] = os.getloadavg()
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = args.out / f"engines-{args.world.name}-{stamp}.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
