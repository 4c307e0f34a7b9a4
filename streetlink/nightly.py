"""The nightly run's steps, in order, free of Prefect.

    prepare_workspace   screening rules loaded and checked, inputs checked, temporary folders
    refresh_registry    standardised registries in the warehouse (when the files changed)
    ingest_inbox        the night's extracts → staged_records (a night may have none)
    read_replies        <inbox>/<date>/replies/ against the ledger → labels, transfers,
                        open and overdue items (streetlink.replies.take_replies)
    standardise_records names, IDs, phones, addresses → records_std
    link_records        Splink candidates (address → dwelling, record → person)
    decide_records      dispatched / review / rejected; decide's inputs kept for training
    screen_records      cases, priorities, deadlines, the funnel (streetlink.screen)
    stage_publication   what tonight publishes: published_items / review_items in the
                        ledger's shape, and packet_rows (cases, transfers, manual dispatches)
    write_outputs       links, cases, replies parquet, packets, review workbook and page
    write_report        the auditors' report
    publish_outputs     swap the night in; then record it in the ledger

Each step takes the run's ``RunWorkspace`` (paths only), opens the run's DuckDB file
itself, does one thing and returns a small JSON-able summary, which it also keeps in
``<work>/steps/<step>.json`` so that later steps (the report) can read what earlier steps
saw. ``flows/nightly.py`` wires the same steps as Prefect tasks; ``run_night`` runs them
in-process (benchmarks, tests).

Everything for a date is written under temporary folders and swapped in whole by
``publish_outputs``: a crash never leaves half a night behind, and a run that fails is
``abandon``-ed: its temporary folders are removed (the scratch folder is kept only when
the configuration asks, for debugging). Times people read are Beijing time.

Publication time: the packets' publication time, which turnaround counts from and
deadlines run from, is the screening rules' ``dispatch_at(night)`` (the morning after the
night, rules.toml ``[parameters]``), not the clock of the run: a rerun or a late run of a
date gives the same deadlines and the same bytes.

Repeats (a record of tonight that repeats an item still open in the same committee,
``streetlink.replies.find_repeats``): it is not sent as a second knock. It stays in
links.parquet and cases.parquet (screening keeps the open case's id) but is in no
packet row and not in the ledger's dispatches; the open item it repeats is listed in
the street's ``逾期未核查`` sheet (overdue or not) with the new sighting in the column
``今晚再次出现``, and is answered there. A repeat placed in ANOTHER committee is sent
there as a new item (another door).

The ledger write (``record_night``) happens after the swap. If it fails, the night is
published but not recorded: a marker ``<out>/ledger_pending_<date>.json`` written
before the swap stays, the run fails with one line saying so, and every later run of
another date refuses to start until that date is rerun (a rerun is idempotent: same
files, the ledger written once). Without the marker rule the next night would treat
the night's dispatches as never sent and refuse their replies.

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

from streetlink import sql
from streetlink.config import RunConfig, connect, shanghai_now
from streetlink.errors import StreetlinkError

__all__ = [
    "DECIDE_INPUTS",
    "STEPS",
    "RunResult",
    "RunWorkspace",
    "abandon",
    "add_listener",
    "check_inbox",
    "check_ledger_pending",
    "decide_records",
    "discard_workspace",
    "finish",
    "ingest_inbox",
    "link_records",
    "prepare_workspace",
    "publish_outputs",
    "read_replies",
    "refresh_registry",
    "run_night",
    "screen_records",
    "stage_publication",
    "standardise_records",
    "write_outputs",
    "write_report",
]

log = logging.getLogger(__name__)

PACKAGE = "streetlink"
# What `streetlink train --labels` needs to re-decide a labelled night: decide's inputs,
# kept as <out>/<date>/internal/decide_inputs/<table>.parquet exactly as decide read them.
DECIDE_INPUTS = ("staged_records", "records_std", "address_records", "person_records", "address_candidates",
                 "person_candidates")
PENDING_MARKER = "ledger_pending_{date}.json"


@dataclass(frozen=True)
class RunWorkspace:
    config: RunConfig
    work_dir: Path  # scratch: the run database and step summaries; removed after success
    output_tmp: Path  # becomes <out>/<date>/
    report_tmp: Path  # becomes <reports>/<date>/
    started_at: str
    rules_path: str = ""  # the screening rules checked by prepare_workspace
    rules_sha256: str = ""
    published_at: str = ""  # when the packets reach the streets (Shanghai wall clock, naive)

    @property
    def run_db(self) -> Path:
        return self.work_dir / "run.duckdb"

    @property
    def publication_time(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.published_at)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """The run database, with the standardised registries attached read-only as `wh`
        and `admin` as a view of the warehouse's (every stage reads it by that name)."""
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

    def rules(self):
        """The screening rules prepare_workspace checked; refuses a file edited since."""
        from streetlink.screen import load_rules

        rs = load_rules(Path(self.rules_path) if self.rules_path else self.config.screening_rules)
        if self.rules_sha256 and rs.sha256 != self.rules_sha256:
            raise StreetlinkError(f"the screening rule file {rs.path} changed during the run; run the night again")
        return rs


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


def _admin(con: duckdb.DuckDBPyConnection) -> None:
    sql.run(con, PACKAGE, "admin_view")


def check_inbox(config: RunConfig) -> None:
    """Fail in one line when the night has nothing to read (before anything is written).

    A night with returned workbooks in ``replies/`` and no extract is a valid night."""
    from streetlink.ingest import inbox_inputs

    if not config.inbox_day.is_dir():
        raise StreetlinkError(f"no inbox folder for {config.date_str}: {config.inbox_day}")
    if not inbox_inputs(config.inbox_day):
        raise StreetlinkError(
            f"the inbox folder for {config.date_str} holds no extract and no reply to read: {config.inbox_day} "
            "(expected checkpoint*.csv, hotline*.xlsx, healthcloud*.jsonl or replies/*.xlsx)")


def check_ledger_pending(config: RunConfig) -> None:
    """Refuse to run while another published night is missing from the ledger (see the module doc)."""
    if not config.out.is_dir():
        return
    stuck = sorted(p.name[len("ledger_pending_"):-len(".json")] for p in config.out.glob("ledger_pending_*.json"))
    others = [d for d in stuck if d != config.date_str]
    if others:
        raise StreetlinkError(
            f"night {others[0]} was published but not recorded in the ledger {config.ledger_path}: "
            f"run `streetlink run --date {others[0]}` again first (a rerun is safe)")


def prepare_workspace(config: RunConfig) -> RunWorkspace:
    """Check the screening rules and the inputs, then create the run's temporary folders."""
    from streetlink.dispatch import staging_dir_for
    from streetlink.screen import load_rules

    rules = load_rules(config.screening_rules)  # a bad rule file fails here, naming the rule
    check_inbox(config)
    if not config.registry.is_dir():
        raise StreetlinkError(f"registry folder not found: {config.registry}")
    check_ledger_pending(config)
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
                        started_at=started.isoformat(), rules_path=str(rules.path), rules_sha256=rules.sha256,
                        published_at=rules.parameters.dispatch_at(config.date).isoformat())


@_timed("refresh_registry")
def refresh_registry(ws: RunWorkspace) -> dict[str, Any]:
    """Standardise the registries into the warehouse, unless the files are unchanged."""
    from streetlink.ingest.warehouse import ensure_warehouse

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


def _replies_settings(config: RunConfig):
    from streetlink.replies import load_settings

    return load_settings().with_overrides(default_deadline_hours=config.deadline_hours)


@_timed("read_replies")
def read_replies(ws: RunWorkspace) -> dict[str, Any]:
    """Returned packets and review workbooks against the ledger: labels, transfers, open items."""
    from streetlink.replies import attached_ledger, overdue_items, take_replies

    con = ws.connect()
    try:
        _admin(con)
        summary = take_replies(con, ws.config.inbox_day / "replies", ws.config.ledger_path, ws.config.date,
                               read_at=_naive(ws.started_at), settings=_replies_settings(ws.config))
        # Every open item with what a street needs to knock: a repeat's open item is
        # printed on the 逾期未核查 sheet even before its deadline.
        with attached_ledger(con, ws.config.ledger_path):
            overdue_items(con, ws.config.date, as_of=dt.datetime(9999, 1, 1), settings=_replies_settings(ws.config),
                          out="open_item_details")
    finally:
        con.close()
    return summary


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


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(sql.run(con, PACKAGE, "count_rows", table=table).fetchone()[0])


@_timed("decide_records")
def decide_records(ws: RunWorkspace) -> dict[str, Any]:
    """Combine address and person evidence into dispatch / review / reject; keep decide's inputs."""
    from streetlink.decide import decide_night

    con = ws.connect_stages()
    try:
        if not ws.on_spark:
            kept = _keep_decide_inputs(con, ws.output_tmp / "internal" / "decide_inputs")
        summary = decide_night(con, warehouse="wh", models_dir=ws.config.models)
    finally:
        con.close()
    if ws.on_spark:  # the decided night goes to the driver: outputs are written from it there
        from streetlink.engine.night import hand_back

        run = ws.connect()
        try:
            hand_back(ws.connect_stages(), run)
            # decide's inputs as it read them (it changes none of them)
            kept = _keep_decide_inputs(run, ws.output_tmp / "internal" / "decide_inputs")
        finally:
            run.close()
    return {**summary, "decide_inputs": kept}


def _keep_decide_inputs(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Parquet copies of decide's input tables, written before decide runs (as it read them)."""
    from streetlink.dispatch.tables import table_exists

    folder.mkdir(parents=True, exist_ok=True)
    kept = {}
    for table in DECIDE_INPUTS:
        if table_exists(con, table):
            sql.run(con, PACKAGE, "copy_to_parquet", table=table, path=folder / f"{table}.parquet")
            kept[table] = _count(con, table)
    return kept


@_timed("screen_records")
def screen_records(ws: RunWorkspace) -> dict[str, Any]:
    """Cases, priorities and deadlines of the decided records (open items keep their case)."""
    from streetlink.screen import screen_night

    con = ws.connect()
    try:
        return screen_night(con, ws.config.date, ws.rules(), warehouse="wh", open_items="open_items")
    finally:
        con.close()


@_timed("stage_publication")
def stage_publication(ws: RunWorkspace) -> dict[str, Any]:
    """What tonight publishes, in the run database: packet_rows, published_items, review_items."""
    from streetlink.dispatch import align_published_items, build_packet_rows, build_packet_open_items
    from streetlink.replies import stage_publication as stage_replies

    rs = ws.rules()
    published = ws.publication_time
    con = ws.connect()
    try:
        _admin(con)
        staged = stage_replies(con, published_at=published, cases="cases", skip_repeats=False,
                               settings=_replies_settings(ws.config))
        hours = {name: p.deadline_hours for name, p in rs.priorities.items()}
        n_items = build_packet_rows(con, published, deadline_hours=ws.config.deadline_hours,
                                    housing="wh.housing_std", population="wh.population_std",
                                    case_rows="case_rows", transfers="transfer_items", repeats="repeats",
                                    priority_hours=hours)
        aligned = align_published_items(con)
        n_open = build_packet_open_items(con)
    finally:
        con.close()
    return {**staged, **aligned, "packet_items": n_items, "packet_open_items": n_open,
            "published_at": published.isoformat(), "model_version": _model_version(ws.config)}


@_timed("write_outputs")
def write_outputs(ws: RunWorkspace) -> dict[str, Any]:
    """links, cases and replies parquet, packets, the review workbook and page (into the temporary folder)."""
    from streetlink.dispatch import write_links, write_packets, write_review, write_review_page
    from streetlink.replies import write_replies_parquet
    from streetlink.screen import write_screen_outputs

    published = ws.publication_time
    review_dir = ws.output_tmp / "review"
    screen = ws.load_step("screen_records")
    con = ws.connect()
    try:
        _admin(con)
        n_links = write_links(con, ws.output_tmp / "links.parquet")
        screen_files = write_screen_outputs(con, ws.output_tmp, ws.rules(),
                                            {k: v for k, v in screen.items() if k != "seconds"})
        n_replies = write_replies_parquet(con, ws.output_tmp / "replies.parquet")
        sql.run(con, PACKAGE, "copy_to_parquet", table="repeats", path=ws.output_tmp / "internal" / "repeats.parquet")
        packets = write_packets(con, ws.output_tmp / "dispatch", ws.config.date, published_at=published,
                                overdue="packet_open_items")
        n_review = write_review(con, review_dir / f"review_{ws.config.date_str}.xlsx", ws.config.date,
                                transfer_review="transfer_review")
        write_review_page(con, review_dir / f"review_{ws.config.date_str}.html", ws.config.date,
                          generated_at=published)
    finally:
        con.close()
    return {"links": n_links, "replies_rows": n_replies, "packets": [p.name for p in packets],
            "review_rows": n_review, "screen_files": screen_files}


@_timed("write_report")
def write_report(ws: RunWorkspace) -> dict[str, Any]:
    """The auditors' match-rate report and summary.json (into the temporary folder)."""
    from streetlink.replies import attached_ledger, measure_from_labels
    from streetlink.report import load_history, render_match_rate, summarise_run
    from streetlink.report.loop import decide_rule_rows, refused_rows, replies_section, screening_section

    run_info = build_run_info(ws)
    con = ws.connect()
    try:
        _admin(con)
        summary = summarise_run(con, run_info)
        with attached_ledger(con, ws.config.ledger_path):
            measured = measure_from_labels(con, ws.config.date, pending_labels="reply_labels",
                                           settings=_replies_settings(ws.config))
        refused = refused_rows(con)
    finally:
        con.close()
    summary["replies"] = replies_section(measured, ws.load_step("read_replies"), ws.load_step("stage_publication"),
                                         refused)
    summary["screening"] = screening_section(ws.load_step("screen_records"), ws.output_tmp / "links.parquet",
                                             ws.config.out, ws.config.date)
    summary["decide_rules"] = decide_rule_rows(ws.load_step("decide_records"), ws.config.models)
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


def _model_version(config: RunConfig) -> str:
    from streetlink.link.models import model_info

    info = model_info(config.models)
    return "+".join(str(info[name]["version"]) for name in ("address_model", "person_model") if name in info)


@_timed("publish_outputs")
def publish_outputs(ws: RunWorkspace) -> dict[str, Any]:
    """Swap outputs and report in whole, then record the night in the ledger (see the module doc)."""
    from streetlink.dispatch import apply_mode, publish
    from streetlink.replies import record_night

    for tmp in (ws.output_tmp, ws.report_tmp):
        apply_mode(tmp, ws.config.output_mode)
    marker = ws.config.out / PENDING_MARKER.format(date=ws.config.date_str)
    marker.write_text(json.dumps({"night": ws.config.date_str, "started_at": ws.started_at}), encoding="utf-8")
    publish(ws.output_tmp, ws.config.output_day)
    publish(ws.report_tmp, ws.config.report_day)
    con = connect(ws.run_db, ws.config.engine)  # record_night reads the run database's tables only
    try:
        recorded = record_night(con, ws.config.ledger_path, ws.config.date, published_at=ws.publication_time,
                                model_version=ws.load_step("stage_publication").get("model_version"))
    except Exception as exc:
        raise StreetlinkError(
            f"night {ws.config.date_str} is published but the ledger {ws.config.ledger_path} could not record it "
            f"({exc}); run the same date again before any other night") from exc
    finally:
        con.close()
    marker.unlink()
    return {"output_dir": str(ws.config.output_day), "report_dir": str(ws.config.report_day),
            "ledger": recorded}


STEPS: tuple[Callable[[RunWorkspace], dict[str, Any]], ...] = (
    refresh_registry, ingest_inbox, read_replies, standardise_records, link_records, decide_records,
    screen_records, stage_publication, write_outputs, write_report, publish_outputs,
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
    replies = ws.load_step("read_replies")
    report = ws.load_step("write_report")
    seconds = {s.__name__: ws.load_step(s.__name__).get("seconds", 0.0) for s in STEPS}
    failed = [f for f in ingest.get("files", []) if f["status"] == "failed"]
    failed += [{"path": f.get("reply_file"), "source": "replies", "status": "failed", "reason": f.get("reason")}
               for f in replies.get("files", []) if f.get("status") == "failed"]
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


def _naive(iso: str) -> dt.datetime:
    """An ISO time with offset → the same Shanghai wall-clock time without it (as the ledger keeps times)."""
    from streetlink.config import to_shanghai

    return to_shanghai(dt.datetime.fromisoformat(iso)).replace(tzinfo=None)


def _as_dict(obj: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    return asdict(obj) if is_dataclass(obj) else obj


def _headline(summary: dict[str, Any]) -> dict[str, Any]:
    totals = summary.get("totals", {})
    head = {k: totals.get(k) for k in ("records", "dispatched", "review", "rejected", "in_district_rate",
                                       "match_rate", "reconciled")}
    head["partial"] = summary.get("partial")
    replies = summary.get("replies") or {}
    head["reply_rows_applied"] = replies.get("rows_applied")
    head["reply_rows_refused"] = replies.get("rows_refused")
    return head
