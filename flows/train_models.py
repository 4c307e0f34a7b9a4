"""Training flow: standardise one night against the registries and train both models.

Writes ``address_model.json``, ``person_model.json``, ``decision.json`` and ``MODEL_CARD.md``
into a hidden temporary folder beside the target, then swaps the complete set in as the
target folder (``streetlink.link.models.install_models``): a run that stops halfway leaves
the old set as it was, and no temporary folder behind. Given the night's ground truth
(synthetic data), the decision thresholds are chosen on it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows.nightly import (
    engine_config,
    ingest_inbox,
    refresh_registry,
    standardise_records,
    step_task,
)
from streetlink import nightly
from streetlink.config import RunConfig
from streetlink.link.models import install_models
from streetlink.link.training import train_on_workspace


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
    models: str,
    work: str = "outputs/training",
    truth: str | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    """Train on `date`'s records and install the new set as the folder `models`."""
    logger = get_run_logger()
    config = RunConfig(date=dt.date.fromisoformat(date), inbox=Path(inbox), registry=Path(registry),
                       out=Path(work), reports=Path(work) / "reports", engine=engine_config(memory_limit, threads))
    target = Path(models)
    target.parent.mkdir(parents=True, exist_ok=True)
    ws = nightly.prepare_workspace(config)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        refresh_registry(ws)
        ingest_inbox(ws)
        standardise_records(ws)
        result = train(ws, str(staging), truth)
        install_models(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after the swap: the previous set
        nightly.discard_workspace(ws)
    for info in result["models"].values():
        info["path"] = str(target / Path(info["path"]).name)
    result["decision"] = str(target / Path(result["decision"]).name)
    result["model_card"] = str(target / Path(result["model_card"]).name)
    result.pop("info", None)  # paths inside the temporary folder
    logger.info("trained and installed in %s: %s", target, {k: v["version"] for k, v in result["models"].items()})
    return result
