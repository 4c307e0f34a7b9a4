"""The nightly run as a Prefect flow: one task per step of ``streetlink.nightly``.

Tasks pass a ``RunWorkspace`` (paths), never tables: the data stays in the run's DuckDB
file. Deployed by ``prefect.yaml`` (cron 02:00 Asia/Shanghai, concurrency 1); run locally
by ``streetlink run`` on Prefect's temporary server.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from streetlink import nightly
from streetlink.config import EngineConfig, RunConfig
from streetlink.paths import models_dir

# Steps hold DuckDB files, not values: caching or retrying them blindly would be wrong.
step_task = task(cache_policy=NO_CACHE, retries=0)


@step_task
def refresh_registry(ws: nightly.RunWorkspace) -> dict[str, Any]:
    return nightly.refresh_registry(ws)


@step_task
def ingest_inbox(ws: nightly.RunWorkspace) -> dict[str, Any]:
    return nightly.ingest_inbox(ws)


@step_task
def standardise_records(ws: nightly.RunWorkspace) -> dict[str, Any]:
    return nightly.standardise_records(ws)


@step_task
def link_records(ws: nightly.RunWorkspace) -> dict[str, Any]:
    return nightly.link_records(ws)


@step_task
def decide_records(ws: nightly.RunWorkspace) -> dict[str, Any]:
    return nightly.decide_records(ws)


@step_task
def write_outputs(ws: nightly.RunWorkspace) -> dict[str, Any]:
    return nightly.write_outputs(ws)


@step_task
def write_report(ws: nightly.RunWorkspace) -> dict[str, Any]:
    return nightly.write_report(ws)


@step_task
def publish_outputs(ws: nightly.RunWorkspace) -> dict[str, Any]:
    return nightly.publish_outputs(ws)


def _yesterday() -> str:
    # The 02:00 run handles the day that has just ended (Asia/Shanghai wall clock).
    return (dt.date.today() - dt.timedelta(days=1)).isoformat()


@flow(name="streetlink-nightly", log_prints=False)
def nightly_run(
    date: str | None = None,
    inbox: str = "inbox",
    registry: str = "registry",
    out: str = "outputs",
    reports: str = "reports",
    warehouse: str | None = None,
    models: str | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    """Ingest → standardise → link → decide → dispatch → report, for one date."""
    logger = get_run_logger()
    engine = EngineConfig(**{k: v for k, v in (("memory_limit", memory_limit), ("threads", threads)) if v})
    config = RunConfig(
        date=dt.date.fromisoformat(date or _yesterday()), inbox=Path(inbox), registry=Path(registry),
        out=Path(out), reports=Path(reports), warehouse=Path(warehouse) if warehouse else None,
        models=Path(models) if models else models_dir(), engine=engine,
    )
    ws = nightly.prepare_workspace(config)
    logger.info("run %s: inbox %s", config.date_str, config.inbox_day)

    refresh_registry(ws)
    ingested = ingest_inbox(ws)
    logger.info("ingested: %s", ingested["staged"])
    standardise_records(ws)
    link_records(ws)
    decided = decide_records(ws)
    logger.info("decided: %s", {k: v for k, v in decided.items() if k != "seconds"})
    write_outputs(ws)
    write_report(ws)
    publish_outputs(ws)

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
        "| records | dispatched | review | rejected | match rate |",
        "|---|---|---|---|---|",
        f"| {head.get('records', '')} | {head.get('dispatched', '')} | {head.get('review', '')} "
        f"| {head.get('rejected', '')} | {head.get('match_rate', '')} |",
        "",
        f"Report: [{result.report_path}](file://{Path(result.report_path).resolve()})",
    ]
    for f in result.failed_files:
        lines.append(f"- failed file `{f['path']}`: {f['reason']}")
    create_markdown_artifact(markdown="\n".join(lines), key="streetlink-nightly-summary",
                             description=f"streetlink nightly run {config.date_str}")
