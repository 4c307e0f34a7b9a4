"""The nightly run's steps, in order, free of Prefect.

    prepare_workspace → refresh_registry → ingest_inbox → standardise_records → link_records
    → decide_records → write_outputs → write_report → publish_outputs

Each step takes the run's ``RunWorkspace`` (paths only), opens the run's DuckDB file
itself, does one thing and returns a small JSON-able summary, which it also keeps in
``<work>/steps/<step>.json`` so that later steps (the report) can read what earlier steps
saw. ``flows/nightly.py`` wires the same steps as Prefect tasks; ``run_night`` runs them
in-process (benchmarks, tests).

Everything for a date is written under temporary folders and swapped in whole by
``publish_outputs``: a crash never leaves half a night behind, and a run that fails is
``abandon``-ed: its temporary folders are removed (the scratch folder is kept only when
the configuration asks, for debugging). Times people read are Beijing time.

Listeners (``add_listener``) hear each step start and end: the command line draws its
progress display from them on a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from streetlink.config import RunConfig, connect, shanghai_now
from streetlink.errors import StreetlinkError

__all__ = [
    "STEPS",
    "RunResult",
    "RunWorkspace",
    "abandon",
    "add_listener",
    "check_inbox",
    "decide_records",
    "discard_workspace",
    "finish",
    "ingest_inbox",
    "link_records",
    "prepare_workspace",
    "publish_outputs",
    "refresh_registry",
    "run_night",
    "standardise_records",
    "write_outputs",
    "write_report",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunWorkspace:
    config: RunConfig
    work_dir: Path  # scratch: the run database and step summaries; removed after success
    output_tmp: Path  # becomes <out>/<date>/
    report_tmp: Path  # becomes <reports>/<date>/
    started_at: str

    @property
    def run_db(self) -> Path:
        return self.work_dir / "run.duckdb"

    def connect(self) -> duckdb.DuckDBPyConnection:
        """The run database, with the standardised registries attached read-only as `wh`."""
        from streetlink import sql

        con = connect(self.run_db, self.config.engine)
        sql.run(con, "streetlink.engine", "attach_read_only", path=self.config.warehouse_path, alias="wh")
        return con

    @property
    def on_spark(self) -> bool:
        return self.config.engine.kind == "spark"

    def connect_stages(self) -> Any:
        """Where standardise → link → decide run: the run database, or the run's Spark session
        (see streetlink/engine/night.py); either answers the same SQL."""
        if not self.on_spark:
            return self.connect()
        from streetlink.engine.night import spark_engine

        return spark_engine(self.work_dir, self.config.warehouse_path, self.run_db,
                            self.config.engine.spark_master)

    def save_step(self, name: str, summary: dict[str, Any]) -> dict[str, Any]:
        steps = self.work_dir / "steps"
        steps.mkdir(parents=True, exist_ok=True)
        (steps / f"{name}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str),
                                            encoding="utf-8")
        return summary

    def load_step(self, name: str) -> dict[str, Any]:
        path = self.work_dir / "steps" / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


# (step name, "start" | "done" | "failed", position 1…, number of steps)
Listener = Callable[[str, str, int, int], None]
_LISTENERS: list[Listener] = []


def add_listener(listener: Listener) -> Callable[[], None]:
    """Call `listener` as each step starts and ends; returns the function that removes it."""
    _LISTENERS.append(listener)
    return lambda: _LISTENERS.remove(listener) if listener in _LISTENERS else None


def _tell(name: str, event: str) -> None:
    names = [s.__name__ for s in STEPS]
    position = names.index(name) + 1 if name in names else 0
    for listener in _LISTENERS:
        listener(name, event, position, len(names))


def _timed(name: str):
    """Record the step's wall time in its summary and keep the summary on disk."""

    def wrap(fn: Callable[[RunWorkspace], dict[str, Any]]):
        def step(ws: RunWorkspace) -> dict[str, Any]:
            t0 = time.perf_counter()
            log.info("%s: started", name)
            _tell(name, "start")
            try:
                summary = fn(ws)
            except BaseException:
                _tell(name, "failed")
                raise
            summary["seconds"] = round(time.perf_counter() - t0, 3)
            log.info("%s: done in %.1f s", name, summary["seconds"])
            _tell(name, "done")
            return ws.save_step(name, summary)

        step.__name__ = fn.__name__
        step.__doc__ = fn.__doc__
        step.__wrapped__ = fn  # type: ignore[attr-defined]
        return step

    return wrap


def check_inbox(config: RunConfig) -> None:
    """Fail in one line when the night has nothing to read (before anything is written)."""
    from streetlink.ingest import inbox_inputs

    if not config.inbox_day.is_dir():
        raise StreetlinkError(f"no inbox folder for {config.date_str}: {config.inbox_day}")
    if not inbox_inputs(config.inbox_day):
        raise StreetlinkError(
            f"the inbox folder for {config.date_str} holds no extract to read: {config.inbox_day} "
            "(expected checkpoint*.csv, hotline*.xlsx, healthcloud*.jsonl)")


def prepare_workspace(config: RunConfig) -> RunWorkspace:
    """Check the inputs exist and create the run's temporary folders."""
    from streetlink.dispatch import staging_dir_for

    check_inbox(config)
    if not config.registry.is_dir():
        raise StreetlinkError(f"registry folder not found: {config.registry}")
    config.out.mkdir(parents=True, exist_ok=True)
    config.reports_dir.mkdir(parents=True, exist_ok=True)
    started = shanghai_now()
    work_root = config.out / ".work"
    # A killed run of this date leaves its scratch folder; one run per date at a time is
    # assumed (as for the staging folders, see dispatch.swap.recover).
    for stale in sorted(work_root.glob(f"{config.date_str}-*")) if work_root.is_dir() else ():
        log.warning("removing the scratch folder of an earlier run: %s", stale)
        shutil.rmtree(stale, ignore_errors=True)
    work_dir = work_root / f"{config.date_str}-{started:%Y%m%dT%H%M%S}"
    work_dir.mkdir(parents=True)
    output_tmp = staging_dir_for(config.output_day)
    try:
        report_tmp = staging_dir_for(config.report_day)
    except BaseException:
        shutil.rmtree(output_tmp, ignore_errors=True)
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    return RunWorkspace(config=config, work_dir=work_dir, output_tmp=output_tmp, report_tmp=report_tmp,
                        started_at=started.isoformat())


@_timed("refresh_registry")
def refresh_registry(ws: RunWorkspace) -> dict[str, Any]:
    """Standardise the registries into the warehouse, unless the files are unchanged."""
    from streetlink.warehouse import ensure_warehouse

    info = ensure_warehouse(ws.config.registry, ws.config.warehouse_path, ws.config.engine)
    if ws.on_spark:
        from streetlink.engine.night import export_warehouse

        export_warehouse(ws.config.warehouse_path)
    return info.as_dict()


@_timed("ingest_inbox")
def ingest_inbox(ws: RunWorkspace) -> dict[str, Any]:
    """Read the night's files, stage them as `staged_records`, keep the raw layer for audit."""
    from streetlink.ingest import read_inbox, stage_records, write_raw

    batch = read_inbox(ws.config.inbox_day)
    con = ws.connect()
    try:
        staged = stage_records(con, batch)
        raw_files = write_raw(con, ws.output_tmp / "raw")
    finally:
        con.close()
    files = [
        {"path": str(f.path), "source": f.source, "status": f.status, "reason": f.reason,
         "rows_read": f.rows_read, "bad_lines": f.bad_lines}
        for f in batch.files
    ]
    failed = [f for f in files if f["status"] == "failed"]
    for f in failed:
        log.warning("file failed: %s: %s", f["path"], f["reason"])
    return {"files": files, "failed_files": len(failed), "staged": _as_dict(staged),
            "raw_files": [str(p) for p in raw_files]}


@_timed("standardise_records")
def standardise_records(ws: RunWorkspace) -> dict[str, Any]:
    """Names, IDs, phones and addresses of the night's records → `records_std`."""
    from streetlink.standardise import standardise_night

    con = ws.connect_stages()
    try:
        return standardise_night(con, warehouse="wh")
    finally:
        con.close()


@_timed("link_records")
def link_records(ws: RunWorkspace) -> dict[str, Any]:
    """Score records against dwellings and persons with the trained Splink models."""
    from streetlink.link import link_night

    con = ws.connect_stages()
    try:
        return link_night(con, warehouse="wh", models_dir=ws.config.models)
    finally:
        con.close()


@_timed("decide_records")
def decide_records(ws: RunWorkspace) -> dict[str, Any]:
    """Combine address and person evidence into dispatch / review / reject."""
    from streetlink.decide import decide_night

    con = ws.connect_stages()
    try:
        counts = decide_night(con, warehouse="wh", models_dir=ws.config.models)
    finally:
        con.close()
    if ws.on_spark:  # the decided night goes to the driver: outputs are written from it there
        from streetlink.engine.night import hand_back

        run = ws.connect()
        try:
            hand_back(ws.connect_stages(), run)
        finally:
            run.close()
    return counts


@_timed("write_outputs")
def write_outputs(ws: RunWorkspace) -> dict[str, Any]:
    """links.parquet, one packet per street, the review workbook and page (into the temporary folder)."""
    from streetlink.dispatch import (
        build_packet_rows,
        write_links,
        write_packets,
        write_review,
        write_review_page,
    )

    published = dt.datetime.fromisoformat(ws.started_at)
    review_dir = ws.output_tmp / "review"
    con = ws.connect()
    try:
        con.execute("CREATE OR REPLACE TEMP VIEW admin AS SELECT * FROM wh.admin")
        n_links = write_links(con, ws.output_tmp / "links.parquet")
        n_items = build_packet_rows(con, published, deadline_hours=ws.config.deadline_hours,
                                    housing="wh.housing_std", population="wh.population_std")
        packets = write_packets(con, ws.output_tmp / "dispatch", ws.config.date, published_at=published)
        n_review = write_review(con, review_dir / f"review_{ws.config.date_str}.xlsx", ws.config.date)
        write_review_page(con, review_dir / f"review_{ws.config.date_str}.html", ws.config.date,
                          generated_at=published)
    finally:
        con.close()
    return {"links": n_links, "packet_items": n_items, "packets": [p.name for p in packets],
            "review_rows": n_review}


@_timed("write_report")
def write_report(ws: RunWorkspace) -> dict[str, Any]:
    """The auditors' match-rate report and summary.json (into the temporary folder)."""
    from streetlink.report import load_history, render_match_rate, summarise_run

    run_info = build_run_info(ws)
    con = ws.connect()
    try:
        con.execute("CREATE OR REPLACE TEMP VIEW admin AS SELECT * FROM wh.admin")
        summary = summarise_run(con, run_info)
    finally:
        con.close()
    history = load_history(ws.config.reports_dir, before=ws.config.date, out=ws.config.out)
    html = render_match_rate(summary, history, ws.report_tmp / "match_rate.html")
    (ws.output_tmp / "run_summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return {"report": str(ws.config.report_day / html.name), "summary": _headline(summary)}


def build_run_info(ws: RunWorkspace):
    """What the steps saw (their saved summaries), in the report's RunInfo shape."""
    from streetlink.link.models import model_info
    from streetlink.report import FileResult, ModelInfo, RunInfo

    ingest = ws.load_step("ingest_inbox")
    registry = ws.load_step("refresh_registry")
    staged = ingest.get("staged", {})
    models = []
    for name, info in model_info(ws.config.models).items():
        if name == "decision":
            models.append(ModelInfo("decision_thresholds", info["sha256"][:12], info["sha256"],
                                    info.get("thresholds", {})))
        else:
            models.append(ModelInfo(name, info["version"], info["sha256"], {"lambda": info["lambda"]}))
    seconds = {s.__name__: ws.load_step(s.__name__).get("seconds") for s in STEPS}
    return RunInfo(
        run_date=ws.config.date,
        started_at=dt.datetime.fromisoformat(ws.started_at),
        finished_at=shanghai_now(),
        inbox=ws.config.inbox, registry=ws.config.registry, out=ws.config.out, reports=ws.config.reports_dir,
        files=[FileResult(**f) for f in ingest.get("files", [])],
        rows_read=staged.get("rows_read", {}),
        duplicates_collapsed=staged.get("duplicates_collapsed", {}),
        models=models,
        registry_fingerprint=registry.get("fingerprint"),
        registry_rows=registry.get("rows", {}),
        stage_seconds={k: v for k, v in seconds.items() if v is not None},
    )


@_timed("publish_outputs")
def publish_outputs(ws: RunWorkspace) -> dict[str, Any]:
    """Give the night's files their permission mode, then swap outputs and report in whole."""
    from streetlink.dispatch import apply_mode, publish

    for tmp in (ws.output_tmp, ws.report_tmp):
        apply_mode(tmp, ws.config.output_mode)
    publish(ws.output_tmp, ws.config.output_day)
    publish(ws.report_tmp, ws.config.report_day)
    return {"output_dir": str(ws.config.output_day), "report_dir": str(ws.config.report_day)}


STEPS: tuple[Callable[[RunWorkspace], dict[str, Any]], ...] = (
    refresh_registry, ingest_inbox, standardise_records, link_records, decide_records,
    write_outputs, write_report, publish_outputs,
)


@dataclass(frozen=True)
class RunResult:
    output_dir: Path
    report_path: Path
    partial: bool
    failed_files: list[dict[str, Any]]
    headline: dict[str, Any]
    step_seconds: dict[str, float]


def finish(ws: RunWorkspace) -> RunResult:
    """What the run produced, then remove the scratch folder (kept if anything failed)."""
    ingest = ws.load_step("ingest_inbox")
    report = ws.load_step("write_report")
    seconds = {s.__name__: ws.load_step(s.__name__).get("seconds", 0.0) for s in STEPS}
    failed = [f for f in ingest.get("files", []) if f["status"] == "failed"]
    result = RunResult(
        output_dir=ws.config.output_day,
        report_path=ws.config.report_day / "match_rate.html",
        partial=bool(failed),
        failed_files=failed,
        headline=report.get("summary", {}),
        step_seconds=seconds,
    )
    _release_engine(ws)
    _remove_work(ws, keep=False)
    return result


def _release_engine(ws: RunWorkspace) -> None:
    if ws.on_spark:
        from streetlink.engine.night import release

        release(ws.work_dir)


def _remove_work(ws: RunWorkspace, keep: bool) -> None:
    if not keep:
        shutil.rmtree(ws.work_dir, ignore_errors=True)
    try:  # <out>/.work itself, once no run uses it
        ws.work_dir.parent.rmdir()
    except OSError:
        pass


def discard_workspace(ws: RunWorkspace) -> None:
    """Remove a workspace that publishes nothing (training), temporary folders included."""
    for path in (ws.output_tmp, ws.report_tmp):
        shutil.rmtree(path, ignore_errors=True)
    _release_engine(ws)
    _remove_work(ws, keep=False)
    try:  # the reports folder prepare_workspace made, if nothing was ever published there
        ws.config.reports_dir.rmdir()
    except OSError:
        pass


def abandon(ws: RunWorkspace) -> None:
    """After a failure: remove the unpublished night; keep the scratch folder only if asked."""
    for path in (ws.output_tmp, ws.report_tmp):
        shutil.rmtree(path, ignore_errors=True)
    _release_engine(ws)
    _remove_work(ws, keep=ws.config.keep_work)
    if ws.config.keep_work:
        log.warning("run failed: its scratch folder is kept for inspection: %s", ws.work_dir)


def run_night(config: RunConfig) -> RunResult:
    """All steps in-process, without Prefect (benchmarks and tests)."""
    ws = prepare_workspace(config)
    try:
        for step in STEPS:
            step(ws)
    except BaseException:
        abandon(ws)
        raise
    return finish(ws)


def _as_dict(obj: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    return asdict(obj) if is_dataclass(obj) else obj


def _headline(summary: dict[str, Any]) -> dict[str, Any]:
    totals = summary.get("totals", {})
    head = {k: totals.get(k) for k in ("records", "dispatched", "review", "rejected", "in_district_rate",
                                       "match_rate", "reconciled")}
    head["partial"] = summary.get("partial")
    return head
