"""The nightly run as a Prefect flow: one task per step of ``streetlink.nightly``.

Tasks pass a ``RunWorkspace`` (paths), never tables: the data stays in the run's DuckDB
file. Deployed by ``prefect.yaml`` (cron 02:00 Asia/Shanghai, concurrency 1); run locally
by ``streetlink run`` on Prefect's temporary server.

Without a ``date`` the night is the Shanghai day before the flow run's *scheduled* start
(``streetlink.config.night_for_start``): right on a machine whose clock is UTC, and for a
run that waited in the queue past midnight. A failed run removes what it did not publish.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from streetlink import nightly
from streetlink.config import (
    EngineConfig,
    RunConfig,
    night_for_start,
    output_mode_from_env,
    parse_mode,
)
from streetlink.paths import models_dir

# Steps hold DuckDB files, not values: caching or retrying them blindly would be wrong.
step_task = task(cache_policy=NO_CACHE, retries=0)

# One task per step, generated from the step list: the flow adds no step of its own.
TASKS = {step.__name__: step_task(step) for step in nightly.STEPS}


def _summary_line(name: str, summary: dict[str, Any]) -> str | None:
    """What the flow run's log says after a step (None: nothing beyond Prefect's own line)."""
    if name == "ingest_inbox":
        return f"ingested: {summary['staged']}"
    if name == "read_replies":
        return f"replies: {summary.get('files_read')} files, {summary.get('assessed', {}).get('outcomes')}"
    if name == "decide_records":
        return "decided: " + str({k: v for k, v in summary.items()
                                  if k not in ("seconds", "thresholds", "decide_inputs")})
    if name == "screen_records":
        return f"screened: {summary.get('funnel', {}).get('stages')}"
    if name == "stage_publication":
        return "publication: " + str({k: v for k, v in summary.items() if k != "seconds"})
    return None


def night_of_this_run(date: str | None) -> dt.date:
    """`date` if given, else the night before this flow run's scheduled start (Shanghai)."""
    if date:
        return dt.date.fromisoformat(date)
    from prefect.runtime import flow_run

    return night_for_start(flow_run.scheduled_start_time)


def engine_config(memory_limit: str | None, threads: int | None, engine: str | None = None,
                  spark_master: str | None = None) -> EngineConfig:
    return EngineConfig(**{k: v for k, v in (("memory_limit", memory_limit), ("threads", threads),
                                             ("kind", engine), ("spark_master", spark_master)) if v})


@flow(name="streetlink-nightly", log_prints=False)
def nightly_run(
    date: str | None = None,
    inbox: str = "inbox",
    registry: str = "registry",
    out: str = "outputs",
    reports: str | None = None,
    warehouse: str | None = None,
    models: str | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
    engine: str | None = None,
    spark_master: str | None = None,
    output_mode: str | None = None,
    deadline_hours: float | None = None,
    keep_work: bool = False,
    screening_rules: str | None = None,
) -> dict[str, Any]:
    """Ingest → replies → standardise → link → decide → screen → publication → outputs → report → publish.

    Relative paths are relative to the working directory: the deployment's pull step sets
    it to $STREETLINK_HOME (prefect.yaml). `reports` defaults to <out>/reports.
    """
    logger = get_run_logger()
    optional: dict[str, Any] = {}
    if deadline_hours is not None:
        optional["deadline_hours"] = float(deadline_hours)
    config = RunConfig(
        date=night_of_this_run(date), inbox=Path(inbox), registry=Path(registry),
        out=Path(out), reports=Path(reports) if reports else None,
        warehouse=Path(warehouse) if warehouse else None,
        models=Path(models) if models else models_dir(),
        engine=engine_config(memory_limit, threads, engine, spark_master),
        output_mode=parse_mode(output_mode) if output_mode else output_mode_from_env(),
        keep_work=keep_work, screening_rules=Path(screening_rules) if screening_rules else None, **optional,
    )
    ws = nightly.prepare_workspace(config)
    logger.info("run %s: inbox %s", config.date_str, config.inbox_day)
    try:
        for step in nightly.STEPS:
            line = _summary_line(step.__name__, TASKS[step.__name__](ws))
            if line:
                logger.info(line)
    except BaseException:
        nightly.abandon(ws)
        raise

    result = nightly.finish(ws)
    _publish_artifact(config, result)
    return {
        "output_dir": str(result.output_dir), "report_path": str(result.report_path),
        "partial": result.partial, "failed_files": result.failed_files,
        "headline": result.headline, "step_seconds": result.step_seconds,
    }


def _publish_artifact(config: RunConfig, result: nightly.RunResult) -> None:
    head = result.headline
    lines = [
        f"## streetlink {config.date_str}" + (" — PARTIAL RUN" if result.partial else ""),
        "",
        "| records | dispatched | review | rejected | in-district rate | overall rate |",
        "|---|---|---|---|---|---|",
        (f"| {_n(head.get('records'))} | {_n(head.get('dispatched'))} | {_n(head.get('review'))} "
         f"| {_n(head.get('rejected'))} | {_pct(head.get('in_district_rate'))} | {_pct(head.get('match_rate'))} |"),
        "",
        f"Report: [{result.report_path}](file://{Path(result.report_path).resolve()})",
    ]
    for f in result.failed_files:
        lines.append(f"- failed file `{f['path']}`: {f['reason']}")
    create_markdown_artifact(markdown="\n".join(lines), key="streetlink-nightly-summary",
                             description=f"streetlink nightly run {config.date_str}")


def _n(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "—"


def _pct(value: object) -> str:
    return f"{value:.2%}" if isinstance(value, float) else "—"
