"""Training flow: standardise one night against the registries and train both models.

Writes ``linkage_models/{address_model,person_model,decision}.json`` and ``MODEL_CARD.md``.
Given ground truth (synthetic data), the decision thresholds are chosen on it: on the
training night and on every further *world* given (other seeds, other world variations),
for the worst of them (``streetlink.decide.search``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows.nightly import (
    ingest_inbox,
    link_records,
    refresh_registry,
    standardise_records,
    step_task,
)
from streetlink import nightly
from streetlink.config import EngineConfig, RunConfig
from streetlink.link.training import train_on_workspace
from streetlink.paths import models_dir as default_models_dir


def _description(inbox: Path) -> dict[str, Any]:
    manifest = Path(inbox).parent / "manifest.json"
    if not manifest.exists():
        return {}
    meta = json.loads(manifest.read_text(encoding="utf-8"))  # synthetic data: which world trained it
    return {k: v for k, v in (("profile", meta.get("profile")), ("data_seed", meta.get("seed")),
                              ("variation", meta.get("variation"))) if v is not None}


def world_nights(world: Path) -> list[tuple[dt.date, Path]]:
    """(night, truth file) of a generated world folder: every truth/<date>.parquet."""
    return [(dt.date.fromisoformat(p.stem), p) for p in sorted((Path(world) / "truth").glob("*.parquet"))]


class _Worlds:
    """Links each world's nights with freshly trained models (for the search); cleans up after."""

    def __init__(self, worlds: list[str], work: Path, engine: EngineConfig):
        self.worlds, self.work, self.engine = worlds, work, engine
        self.opened: list[tuple[Any, nightly.RunWorkspace]] = []

    def __call__(self, models_dir: Path) -> list[Any]:
        from streetlink.decide.search import SearchWorld

        prepared = []
        for i, world in enumerate(self.worlds):
            folder = Path(world)
            for date, truth in world_nights(folder):
                config = RunConfig(date=date, inbox=folder / "inbox", registry=folder / "registry",
                                   out=self.work / f"world{i}", reports=self.work / f"world{i}" / "reports",
                                   models=models_dir, engine=self.engine)
                ws = nightly.prepare_workspace(config)
                refresh_registry(ws)
                ingest_inbox(ws)
                standardise_records(ws)
                link_records(ws)
                con = ws.connect()
                self.opened.append((con, ws))
                con.execute("CREATE OR REPLACE TEMP TABLE world_truth AS SELECT * FROM read_parquet(?)",
                            [str(truth)])
                label = "/".join(f"{k}={v}" for k, v in _description(folder / "inbox").items()) or folder.name
                prepared.append(SearchWorld(f"{label} {date.isoformat()}", con, "wh", "world_truth"))
        return prepared

    def close(self) -> None:
        for con, ws in self.opened:
            con.close()
            nightly.discard_workspace(ws)


@step_task
def train(ws: nightly.RunWorkspace, models: str, truth: str | None, worlds: list[str],
          engine: EngineConfig) -> dict[str, Any]:
    prepared = _Worlds(worlds, ws.config.out / "worlds", engine) if worlds else None
    try:
        return train_on_workspace(ws, Path(models), Path(truth) if truth else None,
                                  _description(ws.config.inbox), prepared)
    finally:
        if prepared is not None:
            prepared.close()


@flow(name="streetlink-train-models")
def train_models(
    date: str,
    inbox: str,
    registry: str,
    work: str = "outputs/training",
    models: str | None = None,
    truth: str | None = None,
    worlds: list[str] | None = None,
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
    result = train(ws, models or str(default_models_dir()), truth, list(worlds or []), engine)
    logger.info("trained: %s", {k: v["version"] for k, v in result["models"].items()})
    nightly.discard_workspace(ws)
    return result
