"""Training flow: standardise one night against the registries and train both models.

Writes ``linkage_models/{address_model,person_model,decision}.json`` and ``MODEL_CARD.md``.
Given the night's ground truth (synthetic data), the decision thresholds are chosen on it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows.nightly import ingest_inbox, refresh_registry, standardise_records, step_task
from streetlink import nightly
from streetlink.config import EngineConfig, RunConfig
from streetlink.link.training import train_on_workspace
from streetlink.paths import models_dir as default_models_dir


@step_task
def train(ws: nightly.RunWorkspace, models: str, truth: str | None) -> dict[str, Any]:
    description = {}
    manifest = Path(ws.config.inbox).parent / "manifest.json"
    if manifest.exists():  # synthetic data: record which profile and seed trained the model
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        description = {"profile": meta.get("profile"), "data_seed": meta.get("seed")}
    return train_on_workspace(ws, Path(models), Path(truth) if truth else None, description)


@flow(name="streetlink-train-models")
def train_models(
    date: str,
    inbox: str,
    registry: str,
    work: str = "outputs/training",
    models: str | None = None,
    truth: str | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    logger = get_run_logger()
    engine = EngineConfig(**{k: v for k, v in (("memory_limit", memory_limit), ("threads", threads)) if v})
    config = RunConfig(date=dt.date.fromisoformat(date), inbox=Path(inbox), registry=Path(registry),
                       out=Path(work), reports=Path(work) / "reports", engine=engine)
    ws = nightly.prepare_workspace(config)
    refresh_registry(ws)
    ingest_inbox(ws)
    standardise_records(ws)
    result = train(ws, models or str(default_models_dir()), truth)
    logger.info("trained: %s", {k: v["version"] for k, v in result["models"].items()})
    nightly.discard_workspace(ws)
    return result
