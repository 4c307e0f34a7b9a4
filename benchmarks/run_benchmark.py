"""Measure streetlink at Pudong scale on one machine: refresh, nightly runs, baseline, accuracy.

Goal: the figures of the scale issue, from one command anyone can run, each measured in a
fresh process so that its peak memory is its own:

    registry refresh  ``ensure_warehouse(force=True)`` on the profile's registries
    night100k         ``streetlink.nightly.run_night`` on the generated 100 K-record night
    night10k          the same on a 10 K night: a deterministic 10 % of each source's records
    baseline          ``streetlink.evaluate.runner.run_baseline`` on both nights, and the
                      registry rows its exact look-ups touch (its "candidate pairs")
    medium            the medium profile's night (refresh + run), the accuracy yardstick
    prefect           ``streetlink run`` end to end on the 10 K night (Prefect's start-up cost)
    accuracy          ``streetlink.evaluate.evaluate`` of every run above against the truth

Input → output: ``--profile`` and ``--seed`` → synthetic data generated once into
``--cache`` (reused while its manifest matches profile, seed and generator version) →
a table on screen and ``<out>/<timestamp>.json`` (plus per-step logs and the evaluation
JSONs in ``<out>/<timestamp>/``). Missed targets are printed, never an exit status: this
is a measurement, not a test.

    python benchmarks/run_benchmark.py [--profile pudong] [--seed 7] [--cache benchmarks/cache]
        [--out benchmarks/results] [--skip-generate]
        [--steps refresh,night100k,night10k,baseline,medium,prefect,accuracy]
        [--no-snapshot | --code <out>/<timestamp>/code]

Each step runs as ``run_benchmark.py --child STEP``: the child times its work and reports
``ru_maxrss`` of itself; the parent times the whole process and reads the child's
resource usage again from ``os.wait4`` (which also covers a child that crashed). Every
child imports streetlink from a copy of the code, reference data and models taken at the
start, so that edits to the checkout during a run cannot mix versions (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.markup import escape

log = logging.getLogger("benchmarks.run_benchmark")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SCHEMA = "streetlink.benchmark/1"
SUBSET_VERSION = "1"
SUBSET_SHARE = 0.10
ALL_STEPS = ("refresh", "night100k", "night10k", "baseline", "medium", "prefect", "accuracy")
ACCURACY_PROFILE = "medium"  # the yardstick: pudong accuracy within 0.2 points of it
ACCURACY_TOLERANCE_PP = 0.2
# One medium night has 10 K records: its dispatch rate alone varies by about ±0.14 points
# (binomial s.e.), as much as the tolerance. Its several nights, pooled, halve that.
ACCURACY_NIGHTS = 4
ACCURACY_COMPARED = ("dispatch_rate", "correct_placement_rate", "committee_precision")
ACCURACY_SHOWN = ("dispatch_rate", "correct_placement_rate", "committee_precision",
                  "street_precision", "wrong_placements", "outside_pudong_dispatched",
                  "dwelling_accuracy", "dwelling_recall", "person_precision", "person_recall",
                  "person_recall_identifiable", "review_rate", "reject_rate")
GB = 1024 ** 3

# The "done when" figures (2 cores, 24 GB).
TARGETS = {
    "refresh_seconds": 600.0,
    "night100k_seconds": 300.0,
    "night10k_seconds": 60.0,
    "peak_rss_bytes": 8 * GB,
    "scaling_ratio": 12.0,
}


# =========================================================================== the data


def dataset_dir(cache: Path, profile: str, seed: int) -> Path:
    return cache / f"{profile}-seed{seed}"


def manifest_matches(data: Path, profile: str, seed: int, nights: int = 1) -> tuple[bool, str]:
    """Is `data` a complete generation of this profile, seed, night count and generator version?"""
    from streetlink.synth import GENERATOR_VERSION

    path = data / "manifest.json"
    if not path.is_file():
        return False, "no manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    wanted = {"profile": profile, "seed": seed, "generator_version": GENERATOR_VERSION,
              "inject_bad_input": False}
    for key, value in wanted.items():
        if manifest.get(key) != value:
            return False, f"manifest {key} is {manifest.get(key)!r}, wanted {value!r}"
    if len(manifest.get("dates", [])) != nights:
        return False, f"manifest has {len(manifest.get('dates', []))} night(s), wanted {nights}"
    missing = [f for f in manifest.get("files", {}) if not (data / f).is_file()]
    if missing:
        return False, f"{len(missing)} generated file(s) missing, e.g. {missing[0]}"
    return True, "manifest matches"


def read_manifest(data: Path) -> dict[str, Any]:
    return json.loads((data / "manifest.json").read_text(encoding="utf-8"))


def _rank_key(record_id: str) -> str:
    return hashlib.sha256(f"streetlink-bench:{record_id}".encode()).hexdigest()


def choose_subset(truth_ids: dict[str, list[str]], share: float) -> set[str]:
    """The same `share` of every source's records, chosen by a hash of the record id."""
    keep: set[str] = set()
    for ids in truth_ids.values():
        ranked = sorted(set(ids), key=_rank_key)
        keep.update(ranked[: round(len(ranked) * share)])
    return keep


def _subset_csv(src: Path, dst: Path, keep: set[str], id_header: str, source: str) -> int:
    raw = src.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "gb18030"
    rows = [r for r in csv.reader(io.StringIO(raw.decode(encoding), newline="")) if r]
    header, body = rows[0], rows[1:]
    at = header.index(id_header)
    kept = [r for r in body if f"{source}:{r[at].strip()}" in keep]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(kept)
    dst.write_bytes(buf.getvalue().encode(encoding))
    return len(kept)


def _subset_xlsx(src: Path, dst: Path, keep: set[str], id_header: str, source: str) -> int:
    import python_calamine
    import xlsxwriter

    from streetlink.ingest.read_xlsx import cell_text

    book = python_calamine.CalamineWorkbook.from_path(str(src))
    sheet_name = book.sheet_names[0]
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    header_at = next(i for i, r in enumerate(rows) if id_header in [cell_text(c) for c in r])
    at = [cell_text(c) for c in rows[header_at]].index(id_header)
    kept = [r for r in rows[header_at + 1:]
            if f"{source}:{(cell_text(r[at]) or '').strip()}" in keep]

    wb = xlsxwriter.Workbook(str(dst), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    wb.set_properties({"author": "12345", "created": dt.datetime(2026, 1, 1)})
    ws = wb.add_worksheet(sheet_name)
    time_fmt = wb.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    # Title rows and the header row stay where they were; records follow the header.
    for r, row in enumerate([*rows[: header_at + 1], *kept]):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, time_fmt)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            else:
                ws.write_string(r, c, str(value))
    wb.close()
    return len(kept)


def _subset_jsonl(src: Path, dst: Path, keep: set[str], id_header: str, source: str) -> int:
    kept = []
    for line in src.read_bytes().split(b"\n"):  # \n only: U+2028 may sit inside strings
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue  # a bad line's id is its line number, which a subset cannot keep
        if isinstance(obj, dict) and f"{source}:{str(obj.get(id_header, '')).strip()}" in keep:
            kept.append(line)
    dst.write_bytes(b"\n".join(kept) + b"\n")
    return len(kept)


_SUBSETTERS: dict[str, Callable[[Path, Path, set[str], str, str], int]] = {
    "csv": _subset_csv, "xlsx": _subset_xlsx, "jsonl": _subset_jsonl,
}


def build_subset(src: Path, dst: Path, date: str, share: float) -> dict[str, Any]:
    """Write `share` of `src`'s night `date` (inbox files in their formats + truth) to `dst`."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from streetlink.contracts import SOURCES, source_for_file

    truth = pq.read_table(src / "truth" / f"{date}.parquet")
    ids: dict[str, list[str]] = {}
    for record_id, source in zip(truth["record_id"].to_pylist(), truth["source"].to_pylist()):
        ids.setdefault(source, []).append(record_id)
    keep = choose_subset(ids, share)

    if dst.exists():
        shutil.rmtree(dst)
    day = dst / "inbox" / date
    day.mkdir(parents=True)
    written: dict[str, int] = {}
    for path in sorted((src / "inbox" / date).iterdir()):
        spec = source_for_file(path.name)
        if spec is None:
            continue
        id_header = next(k for k, v in spec.headers.items() if v == spec.id_column)
        written[path.name] = _SUBSETTERS[spec.file_format](path, day / path.name, keep, id_header,
                                                           spec.source)
    subset_truth = truth.filter(pc.is_in(truth["record_id"], value_set=pa.array(sorted(keep))))
    (dst / "truth").mkdir()
    pq.write_table(subset_truth, dst / "truth" / f"{date}.parquet", compression="zstd")
    per_source = {s: sum(1 for r in keep if r.startswith(f"{s}:")) for s in SOURCES}
    return {"records": len(keep), "truth_rows": subset_truth.num_rows, "per_source": per_source,
            "rows_written": written, "of_records": truth.num_rows, "share": share}


def verify_subset(src_day: Path, dst_day: Path) -> dict[str, Any]:
    """Read both nights with streetlink's own readers: every subset record must equal its original."""
    from streetlink.contracts import SOURCES
    from streetlink.ingest import read_inbox
    from streetlink.ingest.raw_records import META_COLUMNS

    original, subset = read_inbox(src_day), read_inbox(dst_day)
    out: dict[str, Any] = {"failed_files": [str(f.path) for f in subset.failed], "sources": {}}
    for source, spec in SOURCES.items():
        id_header = next(k for k, v in spec.headers.items() if v == spec.id_column)

        def rows(table) -> dict[str, dict]:
            cols = [c for c in table.column_names if c not in META_COLUMNS]
            return {r[id_header]: r for r in table.select(cols).to_pylist()}

        before, after = rows(original.tables[source]), rows(subset.tables[source])
        differing = [k for k, v in after.items() if before.get(k) != v]
        out["sources"][source] = {"records": len(after), "differing": len(differing),
                                  "differing_sample": differing[:5]}
    out["identical"] = not out["failed_files"] and all(
        s["differing"] == 0 for s in out["sources"].values())
    return out


# =========================================================================== child steps
# Each runs in its own process, takes JSON-able params, returns a JSON-able dict.


def _engine_dict() -> dict[str, Any]:
    from streetlink.config import EngineConfig

    e = EngineConfig()
    return {"memory_limit": e.memory_limit, "threads": e.threads}


def child_generate(p: dict[str, Any]) -> dict[str, Any]:
    from streetlink.synth import generate

    data = Path(p["data"])
    if data.exists():
        shutil.rmtree(data)

    def progress(stage: str, done: int, total: int) -> None:
        log.info("generate %s: %s (%d/%d)", p["profile"], stage, done, total)

    summary = generate(p["profile"], int(p["seed"]), data, nights=int(p.get("nights", 1)),
                       progress=progress)
    return {"profile": summary.profile, "seed": summary.seed, "dwellings": summary.dwellings,
            "persons": summary.persons, "records": summary.records,
            "dates": [d.isoformat() for d in summary.dates], "seconds": round(summary.seconds, 2)}


def child_subset(p: dict[str, Any]) -> dict[str, Any]:
    src, dst, date = Path(p["src"]), Path(p["dst"]), p["date"]
    t = time.perf_counter()
    made = build_subset(src, dst, date, float(p["share"]))
    made["build_seconds"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    made["verification"] = verify_subset(src / "inbox" / date, dst / "inbox" / date)
    made["verify_seconds"] = round(time.perf_counter() - t, 2)
    if not made["verification"]["identical"]:
        raise RuntimeError(f"10 K subset differs from its original: {made['verification']}")
    (dst / "subset.json").write_text(json.dumps({**p, **made}, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
    return made


def child_refresh(p: dict[str, Any]) -> dict[str, Any]:
    """ensure_warehouse (force=True when measured), with the standardisation's breakdown captured."""
    from streetlink import standardise
    from streetlink.ingest.warehouse import ensure_warehouse

    captured: dict[str, Any] = {}
    original = standardise.standardise_registry

    def standardise_registry(con):  # ensure_warehouse imports it at call time: this is seen
        captured.update(original(con))
        return captured

    standardise.standardise_registry = standardise_registry
    warehouse = Path(p["warehouse"])
    t = time.perf_counter()
    info = ensure_warehouse(Path(p["registry"]), warehouse, force=bool(p.get("force", True)))
    seconds = time.perf_counter() - t
    return {"seconds": round(seconds, 2), "warehouse": info.as_dict(),
            "standardise_breakdown": captured.get("seconds", {}),
            "warehouse_bytes": warehouse.stat().st_size, "engine": _engine_dict()}


def child_night(p: dict[str, Any]) -> dict[str, Any]:
    """run_night, keeping every step's summary (finish() deletes them with the scratch folder)."""
    from streetlink import nightly
    from streetlink.config import RunConfig

    summaries: dict[str, Any] = {}
    original_finish = nightly.finish

    def finish(ws):  # run_night looks `finish` up in the module at call time
        summaries.update({s.__name__: ws.load_step(s.__name__) for s in nightly.STEPS})
        return original_finish(ws)

    nightly.finish = finish
    config = RunConfig(date=dt.date.fromisoformat(p["date"]), inbox=Path(p["inbox"]),
                       registry=Path(p["registry"]), out=Path(p["out"]),
                       reports=Path(p["reports"]), warehouse=Path(p["warehouse"]))
    t = time.perf_counter()
    result = nightly.run_night(config)
    seconds = time.perf_counter() - t
    ingest = summaries.get("ingest_inbox", {})
    return {
        "seconds": round(seconds, 2),
        "step_seconds": result.step_seconds,
        "records": (result.headline or {}).get("records"),
        "headline": result.headline,
        "partial": result.partial,
        "failed_files": result.failed_files,
        "links": str(result.output_dir / "links.parquet"),
        "link_summary": summaries.get("link_records", {}),
        "standardise_summary": summaries.get("standardise_records", {}),
        "decide_summary": summaries.get("decide_records", {}),
        "registry_summary": summaries.get("refresh_registry", {}),
        "ingest_staged": ingest.get("staged", {}),
        "engine": _engine_dict(),
    }


def child_baseline(p: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    from streetlink.evaluate.runner import run_baseline

    t = time.perf_counter()
    target = run_baseline(dt.date.fromisoformat(p["date"]), Path(p["inbox"]), Path(p["registry"]),
                          Path(p["out"]))
    seconds = time.perf_counter() - t

    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{target.as_posix()}')").fetchall()[0][0]
    return {"seconds": round(seconds, 2), "records": n, "links": str(target), "engine": _engine_dict()}


def child_baseline_pairs(p: dict[str, Any]) -> dict[str, Any]:
    """The registry rows the baseline's exact look-ups return: its 'candidate pairs'."""
    from streetlink.config import connect
    from streetlink.evaluate.baseline import lookup_counts
    from streetlink.ingest import load_registry, read_inbox, stage_records

    con = connect(":memory:")
    try:
        stage_records(con, read_inbox(Path(p["inbox"]) / p["date"]))
        load_registry(con, Path(p["registry"]))
        counts = lookup_counts(con)
    finally:
        con.close()
    n = counts["records"]

    def per_record(x: int) -> float:
        return round(x / n, 3) if n else 0.0

    return {"records": n, "id_pairs": counts["id_matches"],
            "address_lookups": counts["address_probes"],
            "address_pairs": counts["address_matches"],
            "id_pairs_per_record": per_record(counts["id_matches"]),
            "address_lookups_per_record": per_record(counts["address_probes"]),
            "address_pairs_per_record": per_record(counts["address_matches"])}


def child_evaluate(p: dict[str, Any]) -> dict[str, Any]:
    from streetlink.evaluate import compare, evaluate, write_json

    out: dict[str, Any] = {}
    done = {}
    for item in p["evaluations"]:
        truth, links = item["truth"], item["links"]
        ev = evaluate([Path(t) for t in ([truth] if isinstance(truth, str) else truth)],
                      [Path(x) for x in ([links] if isinstance(links, str) else links)],
                      label=item["label"])
        done[item["label"]] = ev
        write_json(ev, Path(p["json_dir"]) / f"{item['label']}.json")
        overall = ev.overall
        out[item["label"]] = {
            "n": overall.n,
            "metrics": {k: {"count": r.count, "of": r.of, "rate": r.rate}
                        for k, r in overall.metrics.items()},
            "by_source": {g.name: {k: g.metrics[k].rate for k in ACCURACY_COMPARED}
                          for g in ev.groups if g.kind == "source"},
            "coverage": {"truth": ev.coverage.truth_records, "links": ev.coverage.links_records,
                         "extra": ev.coverage.extra_in_links},
            "reasons": [r.__dict__ for r in overall.reasons],
        }
    pairs = [(a, b) for a, b in p.get("compare", []) if a in done and b in done]
    text = "\n".join(compare([done[a], done[b]]) for a, b in pairs)
    (Path(p["json_dir"]) / "compare.txt").write_text(text, encoding="utf-8")
    return out


CHILD_STEPS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "generate": child_generate, "subset": child_subset, "refresh": child_refresh,
    "night": child_night, "baseline": child_baseline, "baseline_pairs": child_baseline_pairs,
    "evaluate": child_evaluate,
}


def child_main(step: str, params_path: Path, result_path: Path) -> int:
    """Run one step in this (fresh) process; write its figures, or its traceback, as JSON."""
    started = time.perf_counter()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    params = json.loads(params_path.read_text(encoding="utf-8"))
    report: dict[str, Any] = {"step": step, "ok": False}
    try:
        import streetlink.config  # (import cost reported apart from the work)

        report["import_seconds"] = round(time.perf_counter() - started, 3)
        report["streetlink_path"] = str(Path(streetlink.config.__file__).parents[1])
        work = time.perf_counter()
        report["result"] = CHILD_STEPS[step](params)
        report["work_seconds"] = round(time.perf_counter() - work, 3)
        report["ok"] = True
    except BaseException as exc:  # a measurement: report any failure with its traceback
        report["error"] = f"{type(exc).__name__}: {exc}"
        report["traceback"] = traceback.format_exc()
        log.error("step %s failed:\n%s", step, report["traceback"])
    report["child_seconds"] = round(time.perf_counter() - started, 3)
    report["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result_path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str),
                           encoding="utf-8")
    return 0 if report["ok"] else 1


# =========================================================================== the parent


class Bench:
    """Runs the children, keeps every figure, rewrites the JSON after each step."""

    def __init__(self, out: Path, stamp: str, console, snapshot: Path | None) -> None:
        self.stamp = stamp
        self.json_path = out / f"{self.stamp}.json"
        self.work = out / self.stamp
        self.work.mkdir(parents=True, exist_ok=True)
        self.console = console
        self.snapshot = snapshot
        self.doc: dict[str, Any] = {"schema": SCHEMA, "started_at": _now(), "steps": {}}

    def save(self) -> None:
        self.json_path.write_text(json.dumps(self.doc, ensure_ascii=False, indent=1, default=str),
                                  encoding="utf-8")

    def run(self, name: str, step: str, params: dict[str, Any]) -> dict[str, Any]:
        """One child step in a fresh process: its figures, the parent's wall time, wait4's RSS."""
        params_path = self.work / f"{name}.params.json"
        result_path = self.work / f"{name}.result.json"
        log_path = self.work / f"{name}.log"
        params_path.write_text(json.dumps(params, ensure_ascii=False, indent=1), encoding="utf-8")
        result_path.unlink(missing_ok=True)
        self.console.print(f"[bold]{name}[/bold] … (log: {log_path})")
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", step,
               "--params", str(params_path), "--result", str(result_path)]
        entry, rc, ru = self._spawn(cmd, log_path)
        entry.update({"step": step, "params": params, "log": str(log_path)})
        if result_path.is_file():
            child = json.loads(result_path.read_text(encoding="utf-8"))
            entry.update({k: v for k, v in child.items() if k != "step"})
        else:
            entry.update({"ok": False, "error": f"child exited with status {rc} and no result "
                          f"(killed? see {log_path})", "traceback": _tail(log_path)})
        entry["peak_rss_bytes_wait4"] = ru.ru_maxrss * 1024 if ru else None
        if self.snapshot is not None and entry.get("streetlink_path") not in (None, str(self.snapshot)):
            self.doc["notes"].append(f"{name}: imported streetlink from {entry['streetlink_path']}, "
                                     f"not from the snapshot {self.snapshot}")
        self.doc["steps"][name] = entry
        self.save()
        status = "[green]ok[/green]" if entry.get("ok") else f"[red]FAILED[/red] {escape(str(entry.get('error')))}"
        self.console.print(f"  {status}  {entry['wall_seconds']:.1f} s, peak RSS "
                           f"{_gb(entry.get('peak_rss_bytes_wait4'))}, CPU {entry['cpu_seconds']:.1f} s "
                           f"(other processes: {entry['other_processes_cpu_seconds']:.1f} CPU s)")
        return entry

    def _spawn(self, cmd: list[str], log_path: Path, env: dict | None = None):
        import psutil

        load = os.getloadavg()
        busy = _busy_cpu_seconds(psutil.cpu_times())
        t = time.perf_counter()
        with log_path.open("wb") as log_file:
            proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT,
                                    cwd=self.snapshot or PROJECT_ROOT, env=self._env(env))
            _, status, ru = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t
        cpu = ru.ru_utime + ru.ru_stime
        # Other processes' CPU during the step: the machine may not have been ours alone.
        others = max(0.0, _busy_cpu_seconds(psutil.cpu_times()) - busy - cpu)
        entry = {"wall_seconds": round(wall, 3), "returncode": proc.returncode,
                 "cpu_seconds": round(cpu, 2), "other_processes_cpu_seconds": round(others, 2),
                 "other_processes_cpu_share": round(others / (wall * (os.cpu_count() or 1)), 3)
                 if wall else None,
                 "loadavg_before": [round(x, 2) for x in load]}
        return entry, proc.returncode, ru

    def _env(self, env: dict | None) -> dict:
        """The children import streetlink from the code snapshot (when there is one)."""
        env = dict(env or os.environ)
        if self.snapshot is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                [str(self.snapshot), *filter(None, [env.get("PYTHONPATH")])])
        return env

    def run_command(self, name: str, cmd: list[str]) -> dict[str, Any]:
        """A whole command (``streetlink run``), timed from outside only."""
        log_path = self.work / f"{name}.log"
        self.console.print(f"[bold]{name}[/bold] … (log: {log_path})")
        env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        entry, rc, ru = self._spawn(cmd, log_path, env)
        entry.update({"cmd": cmd, "log": str(log_path), "ok": rc in (0, 3),
                      "peak_rss_bytes_wait4": ru.ru_maxrss * 1024 if ru else None})
        if rc not in (0, 3):
            entry.update({"error": f"exit status {rc}", "traceback": _tail(log_path)})
        self.doc["steps"][name] = entry
        self.save()
        status = "[green]ok[/green]" if entry["ok"] else f"[red]FAILED[/red] exit {rc}"
        self.console.print(f"  {status}  {entry['wall_seconds']:.1f} s, CPU {entry['cpu_seconds']:.1f} s "
                           f"(other processes: {entry['other_processes_cpu_seconds']:.1f} CPU s)")
        return entry


SNAPSHOT_PARTS = ("streetlink", "flows", "reference_data", "linkage_models", "screening_rules")


def code_hash(root: Path) -> str:
    """sha256 over the files that decide what a run does: code, SQL, reference data, models."""
    digest = hashlib.sha256()
    for part in SNAPSHOT_PARTS:
        for path in sorted((root / part).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def make_snapshot(target: Path) -> Path:
    """Copy the code, reference data and models: every step then runs the same version,
    even when the checkout is being edited while the benchmark runs."""
    for part in SNAPSHOT_PARTS:
        shutil.copytree(PROJECT_ROOT / part, target / part,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def git_info() -> dict[str, Any]:
    def git(*cmd: str) -> str | None:
        try:
            return subprocess.run(["git", *cmd], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                  timeout=30, check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    status = git("status", "--porcelain")
    return {"head": git("rev-parse", "HEAD"),
            "uncommitted_paths": None if status is None else len(status.splitlines())}


def _busy_cpu_seconds(times) -> float:
    return sum(v for k, v in times._asdict().items() if k not in ("idle", "iowait", "guest", "guest_nice"))


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _tail(path: Path, lines: int = 60) -> str:
    if not path.is_file():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _gb(n: float | None) -> str:
    return "n/a" if n is None else f"{n / GB:.2f} GB"


def machine_info() -> dict[str, Any]:
    import duckdb
    import psutil

    return {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cpu_count_physical": psutil.cpu_count(logical=False),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_bytes": psutil.virtual_memory().total,
        "ram_available_bytes_at_start": psutil.virtual_memory().available,
        "duckdb": duckdb.__version__,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _data_params(data: Path, date: str) -> dict[str, str]:
    return {"date": date, "inbox": str(data / "inbox"), "registry": str(data / "registry")}


def ensure_dataset(bench: Bench, cache: Path, profile: str, seed: int, skip_generate: bool,
                   label: str, nights: int = 1) -> tuple[Path, dict[str, Any]] | None:
    data = dataset_dir(cache, profile, seed)
    ok, why = manifest_matches(data, profile, seed, nights)
    bench.doc.setdefault("data", {})[label] = {"dir": str(data), "cache": why if ok else f"rebuilt: {why}"}
    if not ok:
        if skip_generate:
            bench.console.print(f"[red]{data}: {escape(why)}; --skip-generate given, cannot continue "
                                f"with {profile}[/red]")
            bench.doc["data"][label]["cache"] = f"missing ({why}); --skip-generate"
            return None
        entry = bench.run(f"generate_{label}", "generate",
                          {"profile": profile, "seed": seed, "data": str(data), "nights": nights})
        if not entry.get("ok"):
            return None
    else:
        bench.console.print(f"{label}: using cached {profile} seed {seed} in {data}")
    manifest = read_manifest(data)
    bench.doc["data"][label].update({"profile": profile, "seed": seed,
                                     "generator_version": manifest["generator_version"],
                                     "dates": manifest["dates"], "counts": manifest["counts"]})
    return data, manifest


def ensure_subset(bench: Bench, data: Path, manifest_sha: str, date: str) -> Path | None:
    dst = data / "night10k"
    wanted = {"subset_version": SUBSET_VERSION, "share": SUBSET_SHARE, "date": date,
              "manifest_sha256": manifest_sha}
    meta = dst / "subset.json"
    if meta.is_file():
        have = json.loads(meta.read_text(encoding="utf-8"))
        if all(have.get(k) == v for k, v in wanted.items()):
            bench.console.print(f"10 K night: using cached subset in {dst}")
            bench.doc["data"]["night10k"] = {"dir": str(dst), "cache": "subset matches",
                                             "records": have.get("records"),
                                             "per_source": have.get("per_source")}
            return dst
    entry = bench.run("subset_10k", "subset", {"src": str(data), "dst": str(dst), **wanted})
    if not entry.get("ok"):
        return None
    r = entry["result"]
    bench.doc["data"]["night10k"] = {"dir": str(dst), "cache": "built", "records": r["records"],
                                     "per_source": r["per_source"]}
    return dst


def run_all(args: argparse.Namespace, console) -> dict[str, Any]:
    from streetlink.config import EngineConfig

    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in steps if s not in ALL_STEPS]
    if unknown:
        raise SystemExit(f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(ALL_STEPS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.out, args.stamp, console, args.snapshot)
    engine = EngineConfig()
    bench.doc.update({
        "json_path": str(bench.json_path),
        "code": {"snapshot": str(args.snapshot) if args.snapshot else None,
                 "sha256": args.code_sha256, "git": git_info()},
        "profile": args.profile, "seed": args.seed, "steps_requested": steps,
        "machine": machine_info(),
        "engine": {"memory_limit": engine.memory_limit, "threads": engine.threads,
                   "STREETLINK_MEMORY_LIMIT": os.environ.get("STREETLINK_MEMORY_LIMIT"),
                   "STREETLINK_THREADS": os.environ.get("STREETLINK_THREADS")},
        "targets": {k: v for k, v in TARGETS.items()},
        "notes": [],
    })
    bench.save()
    notes = bench.doc["notes"]

    found = ensure_dataset(bench, args.cache, args.profile, args.seed, args.skip_generate, "main")
    if found is None:
        bench.doc["finished_at"] = _now()
        bench.save()
        return bench.doc
    data, manifest = found
    date = manifest["dates"][0]
    manifest_sha = hashlib.sha256((data / "manifest.json").read_bytes()).hexdigest()
    runs = data / "runs"
    warehouse = data / "warehouse.duckdb"
    night10k_dir = None
    if {"night10k", "baseline", "prefect", "accuracy"} & set(steps):
        night10k_dir = ensure_subset(bench, data, manifest_sha, date)

    if "refresh" in steps:
        bench.run("refresh", "refresh", {"registry": str(data / "registry"),
                                          "warehouse": str(warehouse), "force": True})
    elif {"night100k", "night10k", "prefect"} & set(steps):
        # Not measured: only so that no night includes a rebuild of a stale or missing warehouse.
        entry = bench.run("refresh_if_stale", "refresh", {"registry": str(data / "registry"),
                                                          "warehouse": str(warehouse), "force": False})
        if entry.get("result", {}).get("warehouse", {}).get("refreshed"):
            notes.append("the cached warehouse was missing or stale: rebuilt before the nights "
                         "(step refresh_if_stale; not the measured refresh)")

    def night(name: str, source: Path) -> None:
        shutil.rmtree(runs / name / "out" / date, ignore_errors=True)  # no stale links if it fails
        entry = bench.run(name, "night", {**_data_params(source, date),
                                          "registry": str(data / "registry"),
                                          "out": str(runs / name / "out"),
                                          "reports": str(runs / name / "reports"),
                                          "warehouse": str(warehouse)})
        if entry.get("result", {}).get("registry_summary", {}).get("refreshed"):
            notes.append(f"{name}: run_night rebuilt the warehouse (registry or standardisation "
                         "changed since the refresh): its time includes a refresh")
            bench.save()

    if "night100k" in steps:
        night("night100k", data)
    if "night10k" in steps and night10k_dir is not None:
        night("night10k", night10k_dir)
    if "baseline" in steps:
        for name, source in (("baseline100k", data), ("baseline10k", night10k_dir)):
            if source is None:
                continue
            params = {**_data_params(source, date), "registry": str(data / "registry"),
                      "out": str(runs / name / "out")}
            shutil.rmtree(runs / name / "out" / date, ignore_errors=True)
            bench.run(name, "baseline", params)
            bench.run(f"{name}_pairs", "baseline_pairs", params)

    medium_data = None
    if "medium" in steps:
        medium_data = run_medium(bench, args)
    if "prefect" in steps and night10k_dir is not None:
        run_prefect(bench, runs / "prefect10k", night10k_dir, data, date, warehouse)
    if "accuracy" in steps:
        run_accuracy(bench, args, data, night10k_dir, date, medium_data)
    live = code_hash(PROJECT_ROOT)
    bench.doc["code"]["checkout_sha256_at_end"] = live
    if live != args.code_sha256:
        notes.append(f"the checkout's code now differs from the code the steps ran (the snapshot "
                     f"{args.snapshot})" if args.snapshot else
                     "the checkout changed while the benchmark ran (--no-snapshot): steps may "
                     "have run different code")
    bench.doc["finished_at"] = _now()
    bench.doc["figures"] = figures(bench.doc)
    bench.doc["target_results"] = check_targets(bench.doc)
    bench.save()
    return bench.doc


def run_prefect(bench: Bench, out: Path, night10k_dir: Path, data: Path, date: str,
                warehouse: Path) -> None:
    """`streetlink run` end to end; the flow's own step seconds say what Prefect added."""
    from streetlink.ingest.warehouse import read_meta

    before = (read_meta(warehouse) or {}).get("refreshed_at")
    summary_path = out / "out" / date / "run_summary.json"
    summary_path.unlink(missing_ok=True)
    entry = bench.run_command("prefect10k", [
        sys.executable, "-c", "import sys; from streetlink.cli import main; sys.exit(main())",
        "run", "--date", date, "--inbox", str(night10k_dir / "inbox"),
        "--registry", str(data / "registry"), "--out", str(out / "out"),
        "--reports", str(out / "reports"), "--warehouse", str(warehouse)])
    after = (read_meta(warehouse) or {}).get("refreshed_at")
    entry["warehouse_rebuilt"] = before != after
    if summary_path.is_file():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        entry["stage_seconds"] = summary.get("stage_seconds", {})
    if entry["warehouse_rebuilt"]:
        bench.doc["notes"].append("prefect10k: the flow rebuilt the warehouse (its registry "
                                  "fingerprint or schema version differed)")
    bench.save()


def run_medium(bench: Bench, args: argparse.Namespace) -> tuple[Path, list[str]] | None:
    """The yardstick profile: its nights (one refresh, ACCURACY_NIGHTS runs), for the
    accuracy comparison. The first night's run is the timed ``medium_night`` step."""
    if args.profile == ACCURACY_PROFILE:
        return None
    found = ensure_dataset(bench, args.cache, ACCURACY_PROFILE, args.seed, args.skip_generate,
                           ACCURACY_PROFILE, nights=ACCURACY_NIGHTS)
    if found is None:
        return None
    data, manifest = found
    dates = list(manifest["dates"])
    warehouse = data / "warehouse.duckdb"
    bench.run(f"{ACCURACY_PROFILE}_refresh", "refresh",
              {"registry": str(data / "registry"), "warehouse": str(warehouse), "force": True})
    runs = data / "runs" / "night"
    for i, date in enumerate(dates):
        shutil.rmtree(runs / "out" / date, ignore_errors=True)
        bench.run(f"{ACCURACY_PROFILE}_night" + (f"_{i + 1}" if i else ""), "night", {
            **_data_params(data, date), "out": str(runs / "out"), "reports": str(runs / "reports"),
            "warehouse": str(warehouse)})
    return data, dates


def run_accuracy(bench: Bench, args: argparse.Namespace, data: Path, night10k_dir: Path | None,
                 date: str, medium: tuple[Path, list[str]] | None) -> None:
    runs = data / "runs"
    candidates = [
        ("streetlink_100k", data / "truth" / f"{date}.parquet",
         runs / "night100k" / "out" / date / "links.parquet"),
        ("baseline_100k", data / "truth" / f"{date}.parquet",
         runs / "baseline100k" / "out" / date / "baseline_links.parquet"),
    ]
    if night10k_dir is not None:
        candidates += [
            ("streetlink_10k", night10k_dir / "truth" / f"{date}.parquet",
             runs / "night10k" / "out" / date / "links.parquet"),
            ("baseline_10k", night10k_dir / "truth" / f"{date}.parquet",
             runs / "baseline10k" / "out" / date / "baseline_links.parquet"),
        ]
    if medium is None and args.profile != ACCURACY_PROFILE:
        mdata = dataset_dir(args.cache, ACCURACY_PROFILE, args.seed)
        if (mdata / "manifest.json").is_file():
            medium = mdata, list(read_manifest(mdata)["dates"])
    evaluations = []
    started = dt.datetime.fromisoformat(bench.doc["started_at"]).timestamp()

    def add(label: str, pairs: list[tuple[Path, Path]]) -> None:
        missing = [str(links) for truth, links in pairs if not (truth.is_file() and links.is_file())]
        if missing:
            bench.doc["notes"].append(f"accuracy: {label} not evaluated ({missing[0]} missing)")
            return
        evaluations.append({"label": label, "truth": [str(t) for t, _ in pairs],
                            "links": [str(x) for _, x in pairs]})
        old = [str(x) for _, x in pairs if x.stat().st_mtime < started]
        if old:
            bench.doc["notes"].append(f"accuracy: {label} scores links of an earlier run "
                                      f"({old[0]}), not of this one")

    for label, truth, links in candidates:
        add(label, [(truth, links)])
    if medium is not None:
        mdata, mdates = medium
        add(f"{ACCURACY_PROFILE}_streetlink",
            [(mdata / "truth" / f"{d}.parquet", mdata / "runs" / "night" / "out" / d / "links.parquet")
             for d in mdates])
    if not evaluations:
        return
    bench.run("accuracy", "evaluate", {
        "evaluations": evaluations, "json_dir": str(bench.work / "evaluations"),
        "compare": [["baseline_100k", "streetlink_100k"], ["baseline_10k", "streetlink_10k"],
                    [f"{ACCURACY_PROFILE}_streetlink", "streetlink_100k"]]})


# --------------------------------------------------------------------------- figures and targets


def _step(doc: dict[str, Any], name: str) -> dict[str, Any]:
    s = doc["steps"].get(name) or {}
    return s if s.get("ok") else {}


def _process_figures(s: dict[str, Any], records: int, run_seconds: float) -> dict[str, Any]:
    """What every timed process reports: wall and CPU time, start-up, throughput, peak RSS."""
    return {
        "records": records,
        "wall_seconds": s["wall_seconds"],
        "cpu_seconds": s.get("cpu_seconds"),
        "other_processes_cpu_seconds": s.get("other_processes_cpu_seconds"),
        "startup_seconds": round(s["wall_seconds"] - run_seconds, 3),
        "records_per_second": round(records / run_seconds, 1) if run_seconds else None,
        "records_per_second_wall": round(records / s["wall_seconds"], 1),
        "peak_rss_bytes": s.get("peak_rss_bytes_wait4") or s.get("peak_rss_bytes"),
    }


def _night_figures(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    s = _step(doc, name)
    if not s:
        return None
    r = s["result"]
    steps = r.get("step_seconds", {})
    fixed = float(steps.get("refresh_registry") or 0.0)
    link = r.get("link_summary", {})
    records = r.get("records") or 0
    return {
        **_process_figures(s, records, r["seconds"]),
        "run_night_seconds": r["seconds"],
        "registry_check_seconds": fixed,
        "variable_seconds": round(r["seconds"] - fixed, 3),
        "address_pairs_per_record": link.get("address_pairs_per_record"),
        "person_pairs_per_record": link.get("person_pairs_per_record"),
        "address_pairs": link.get("address_pairs"),
        "person_pairs": link.get("person_pairs"),
        # link_night divides by the records that have an address / an identity to link
        "address_records": link.get("address_records"),
        "person_records": link.get("person_records"),
        "address_pairs_per_input_record": round(link["address_pairs"] / records, 2)
        if records and link.get("address_pairs") is not None else None,
        "person_pairs_per_input_record": round(link["person_pairs"] / records, 2)
        if records and link.get("person_pairs") is not None else None,
        "standardise_seconds_by_part": r.get("standardise_summary", {}).get("seconds_by_part", {}),
        "step_seconds": steps,
        "registry_rebuilt_during_night": bool(r.get("registry_summary", {}).get("refreshed")),
    }


def _baseline_figures(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    s = _step(doc, name)
    if not s:
        return None
    r = s["result"]
    pairs = _step(doc, f"{name}_pairs").get("result", {})
    records = r.get("records") or 0
    return {
        **_process_figures(s, records, r["seconds"]),
        "run_seconds": r["seconds"],
        "id_pairs_per_record": pairs.get("id_pairs_per_record"),
        "address_lookups_per_record": pairs.get("address_lookups_per_record"),
        "address_pairs_per_record": pairs.get("address_pairs_per_record"),
        "pairs_per_record": (round(pairs["id_pairs_per_record"] + pairs["address_pairs_per_record"], 3)
                             if pairs else None),
    }


def figures(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    refresh = _step(doc, "refresh")
    if refresh:
        r = refresh["result"]
        out["refresh"] = {
            "wall_seconds": refresh["wall_seconds"], "ensure_warehouse_seconds": r["seconds"],
            "cpu_seconds": refresh.get("cpu_seconds"),
            "other_processes_cpu_seconds": refresh.get("other_processes_cpu_seconds"),
            "breakdown": r["warehouse"]["seconds"], "standardise_breakdown": r["standardise_breakdown"],
            "rows": r["warehouse"]["rows"], "warehouse_bytes": r["warehouse_bytes"],
            "peak_rss_bytes": refresh.get("peak_rss_bytes_wait4") or refresh.get("peak_rss_bytes"),
        }
    for name in ("night100k", "night10k", f"{ACCURACY_PROFILE}_night"):
        f = _night_figures(doc, name)
        if f:
            out[name] = f
    for name in ("baseline100k", "baseline10k"):
        f = _baseline_figures(doc, name)
        if f:
            out[name] = f
    a, b = out.get("night100k"), out.get("night10k")
    if a and b:
        out["scaling"] = {
            "records_ratio": round(a["records"] / b["records"], 3) if b["records"] else None,
            "wall_ratio": round(a["wall_seconds"] / b["wall_seconds"], 3),
            "run_night_ratio": round(a["run_night_seconds"] / b["run_night_seconds"], 3),
            "variable_ratio": round(a["variable_seconds"] / b["variable_seconds"], 3)
            if b["variable_seconds"] else None,
            "definition": "variable = run_night seconds minus the refresh_registry step (the "
                          "registry fingerprint check, a fixed cost); process start-up and "
                          "imports are outside run_night",
        }
    prefect = _step(doc, "prefect10k")
    if prefect:
        inside = sum(v for v in prefect.get("stage_seconds", {}).values() if v)
        out["prefect10k"] = {
            "wall_seconds": prefect["wall_seconds"],
            "flow_step_seconds": prefect.get("stage_seconds", {}),
            "flow_steps_total_seconds": round(inside, 2),
            # write_report and publish_outputs (about a second) are not in run_summary.json
            "prefect_overhead_seconds": round(prefect["wall_seconds"] - inside, 2),
            "warehouse_rebuilt": prefect.get("warehouse_rebuilt"),
            "run_night_wall_seconds": b["wall_seconds"] if b else None,
        }
    acc = _step(doc, "accuracy")
    if acc:
        out["accuracy"] = {label: {k: v["rate"] for k, v in e["metrics"].items()}
                           for label, e in acc["result"].items()}
    return out


def check_targets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    f = doc.get("figures", {})
    rows: list[dict[str, Any]] = []

    def add(name: str, measured: float | None, limit: float, unit: str, how: str) -> None:
        rows.append({"target": name, "measured": measured, "limit": limit, "unit": unit,
                     "pass": None if measured is None else measured <= limit, "how": how})

    add("registry refresh (5.7 M + 2.3 M) ≤ 10 min", f.get("refresh", {}).get("wall_seconds"),
        TARGETS["refresh_seconds"], "s", "wall time of the refresh process")
    add("100 K-record night ≤ 5 min after refresh", f.get("night100k", {}).get("wall_seconds"),
        TARGETS["night100k_seconds"], "s", "wall time of the night's process (start-up included)")
    add("10 K-record night ≤ 1 min", f.get("night10k", {}).get("wall_seconds"),
        TARGETS["night10k_seconds"], "s", "wall time of the night's process (start-up included)")
    peaks = [f[k]["peak_rss_bytes"] for k in ("refresh", "night100k", "night10k")
             if k in f and f[k].get("peak_rss_bytes")]
    add("peak RSS ≤ 8 GB (refresh, nights)", max(peaks) if peaks else None,
        TARGETS["peak_rss_bytes"], "bytes", "largest peak RSS of the refresh and night processes")
    add("100 K ≤ 12 × 10 K (fixed start-up aside)", f.get("scaling", {}).get("variable_ratio"),
        TARGETS["scaling_ratio"], "×", f.get("scaling", {}).get("definition", ""))
    acc = f.get("accuracy", {})
    big, yard = acc.get("streetlink_100k"), acc.get(f"{ACCURACY_PROFILE}_streetlink")
    if big and yard:
        deltas = {k: None if big.get(k) is None or yard.get(k) is None
                  else round(100 * (big[k] - yard[k]), 3) for k in ACCURACY_COMPARED}
        worst = max((abs(d) for d in deltas.values() if d is not None), default=None)
        add(f"accuracy within {ACCURACY_TOLERANCE_PP} points of {ACCURACY_PROFILE}", worst,
            ACCURACY_TOLERANCE_PP, "pp",
            f"largest |pudong − {ACCURACY_PROFILE} ({ACCURACY_NIGHTS} nights pooled)| over "
            f"{', '.join(ACCURACY_COMPARED)}: {deltas}")
    else:
        add(f"accuracy within {ACCURACY_TOLERANCE_PP} points of {ACCURACY_PROFILE}", None,
            ACCURACY_TOLERANCE_PP, "pp", "not measured")
    return rows


# --------------------------------------------------------------------------- on screen


def _fmt(value: Any, kind: str = "") -> str:
    if value is None:
        return "–"
    if kind == "s":
        return f"{value:,.1f} s"
    if kind == "gb":
        return f"{value / GB:.2f} GB"
    if kind == "pct":
        return f"{100 * value:.2f}%"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(doc: dict[str, Any], console) -> None:
    from rich.table import Table

    f = doc.get("figures", {})
    m, e = doc["machine"], doc["engine"]
    console.print(f"\n[bold]streetlink benchmark[/bold] profile {doc['profile']} seed {doc['seed']} — "
                  f"{m['cpu_count']} CPUs, {m['ram_bytes'] / GB:.1f} GB RAM, DuckDB {m['duckdb']} "
                  f"(memory_limit {e['memory_limit']}, threads {e['threads']})")

    cols = [("streetlink 100K", f.get("night100k")), ("streetlink 10K", f.get("night10k")),
            ("baseline 100K", f.get("baseline100k")), ("baseline 10K", f.get("baseline10k"))]
    if not any(fig for _, fig in cols):
        cols = []
    t = Table(title="Nightly runs (each in a fresh process)")
    t.add_column("figure")
    for label, _ in cols:
        t.add_column(label, justify="right")
    rows = [
        ("records", "records", ""),
        ("wall time (process)", "wall_seconds", "s"),
        ("  of which start-up + imports", "startup_seconds", "s"),
        ("  run (run_night / run_baseline)", None, "s"),
        ("CPU time (process)", "cpu_seconds", "s"),
        ("CPU time of other processes meanwhile", "other_processes_cpu_seconds", "s"),
        ("records / s (run)", "records_per_second", ""),
        ("records / s (wall)", "records_per_second_wall", ""),
        ("peak RSS", "peak_rss_bytes", "gb"),
        ("address pairs / address record", "address_pairs_per_record", ""),
        ("person pairs / person record", "person_pairs_per_record", ""),
        ("address pairs / input record", "address_pairs_per_input_record", ""),
        ("person pairs / input record", "person_pairs_per_input_record", ""),
        ("baseline ID matches / record", "id_pairs_per_record", ""),
        ("baseline address probes / record", "address_lookups_per_record", ""),
    ]
    for label, key, kind in rows:
        cells = []
        for _, fig in cols:
            if fig is None:
                cells.append("–")
            elif key is None:
                cells.append(_fmt(fig.get("run_night_seconds", fig.get("run_seconds")), kind))
            else:
                cells.append(_fmt(fig.get(key), kind))
        t.add_row(label, *cells)
    if cols:
        console.print(t)

    steps = [(n, f[n]) for n in ("night100k", "night10k", f"{ACCURACY_PROFILE}_night") if n in f]
    if steps:
        t = Table(title="Where a night's time goes (run_night step seconds)")
        t.add_column("step")
        for n, _ in steps:
            t.add_column(n, justify="right")
        names = list(dict.fromkeys(k for _, fig in steps for k in fig["step_seconds"]))
        for k in names:
            t.add_row(k, *(_fmt(fig["step_seconds"].get(k), "s") for _, fig in steps))
            if k == "standardise_records":
                parts = list(dict.fromkeys(p for _, fig in steps for p in fig["standardise_seconds_by_part"]))
                for part in parts:
                    t.add_row(f"  {part}", *(_fmt(fig["standardise_seconds_by_part"].get(part), "s")
                                             for _, fig in steps))
        console.print(t)

    if "refresh" in f:
        r = f["refresh"]
        t = Table(title="Registry refresh (ensure_warehouse force=True)")
        t.add_column("part")
        t.add_column("seconds", justify="right")
        t.add_row("wall time (process)", _fmt(r["wall_seconds"], "s"))
        t.add_row("CPU time (process)", _fmt(r["cpu_seconds"], "s"))
        t.add_row("CPU time of other processes meanwhile", _fmt(r["other_processes_cpu_seconds"], "s"))
        for k, v in r["breakdown"].items():
            t.add_row(k, _fmt(v, "s"))
        for k, v in r["standardise_breakdown"].items():
            t.add_row(f"  standardise: {k}", _fmt(v, "s"))
        t.add_row("peak RSS", _fmt(r["peak_rss_bytes"], "gb"))
        t.add_row("rows", ", ".join(f"{k} {v:,}" for k, v in r["rows"].items()))
        console.print(t)

    acc = f.get("accuracy")
    if acc:
        t = Table(title=f"Accuracy against the synthetic truth ({ACCURACY_PROFILE}_streetlink: "
                        f"{ACCURACY_NIGHTS} {ACCURACY_PROFILE} nights pooled)")
        t.add_column("metric")
        labels = list(acc)
        for label in labels:
            t.add_column(label, justify="right")
        for k in ACCURACY_SHOWN:
            t.add_row(k, *(_fmt(acc[label].get(k), "pct") for label in labels))
        console.print(t)

    if "prefect10k" in f:
        p = f["prefect10k"]
        console.print(
            f"Prefect: `streetlink run` on the 10 K night took {p['wall_seconds']:.1f} s end to end; "
            f"its steps took {p['flow_steps_total_seconds']:.1f} s, so process start-up, the "
            f"temporary server and the flow machinery took ≈ {p['prefect_overhead_seconds']:.1f} s"
            + (" (the flow also REBUILT the warehouse)" if p.get("warehouse_rebuilt") else "")
            + (f"; run_night in a fresh process: {p['run_night_wall_seconds']:.1f} s."
               if p.get("run_night_wall_seconds") else "."))

    t = Table(title="Targets (2 cores, 24 GB) — a measurement: a miss never fails the script")
    t.add_column("target")
    t.add_column("measured", justify="right")
    t.add_column("limit", justify="right")
    t.add_column("result")
    for row in doc.get("target_results", []):
        kind = {"s": "s", "bytes": "gb"}.get(row["unit"], "")
        measured = _fmt(row["measured"], kind) + ("" if kind or row["measured"] is None else f" {row['unit']}")
        limit = _fmt(row["limit"], kind) + ("" if kind else f" {row['unit']}")
        verdict = {True: "[green]PASS[/green]", False: "[red]FAIL[/red]", None: "[yellow]not measured[/yellow]"}
        t.add_row(row["target"], measured, limit, verdict[row["pass"]])
    console.print(t)

    failed = {n: s for n, s in doc["steps"].items() if not s.get("ok")}
    for name, s in failed.items():
        console.print(f"[red]step {name} failed[/red]: "
                      + escape(f"{s.get('error')}\n{s.get('traceback', '')}"))
    for note in doc.get("notes", []):
        console.print("note: " + escape(note))
    console.print(f"\nJSON: {doc.get('json_path', '')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="pudong", help="synthetic profile (default: pudong)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=PROJECT_ROOT / "benchmarks" / "cache",
                        help="generated data, warehouses and run outputs (reused)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "benchmarks" / "results",
                        help="where <timestamp>.json and the step logs go")
    parser.add_argument("--skip-generate", action="store_true",
                        help="never generate: use the cache or stop")
    parser.add_argument("--steps", default=",".join(ALL_STEPS),
                        help=f"comma-separated subset of {','.join(ALL_STEPS)} (default: all)")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="run the live checkout instead of a copy of its code taken at the start")
    parser.add_argument("--code", type=Path,
                        help="run this earlier snapshot (<out>/<timestamp>/code) instead of taking one")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--params", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child, args.params, args.result)

    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal:  # piped into a log: wide enough for the tables
        console = Console(highlight=False, width=150)
    args.cache, args.out = args.cache.resolve(), args.out.resolve()
    args.stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    args.snapshot = None
    if args.code is not None:
        args.snapshot = args.code.resolve()
        if not all((args.snapshot / part).is_dir() for part in SNAPSHOT_PARTS):
            parser.error(f"--code {args.code}: not a snapshot (needs {', '.join(SNAPSHOT_PARTS)})")
    elif not args.no_snapshot:
        args.snapshot = make_snapshot(args.out / args.stamp / "code")
    if args.snapshot is not None:
        sys.path.insert(0, str(args.snapshot))  # this process too reads the snapshot's code
    args.code_sha256 = code_hash(args.snapshot or PROJECT_ROOT)
    doc = run_all(args, console)
    if "figures" in doc:
        render(doc, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
