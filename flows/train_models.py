"""Training flow: standardise one night against the registries and train both models.

Writes ``address_model.json``, ``person_model.json``, ``decision.json`` and ``MODEL_CARD.md``
into a hidden temporary folder beside the target, then swaps the complete set in as the
target folder (``streetlink.link.models.install_models``): a run that stops halfway leaves
the old set as it was, and no temporary folder behind. Given ground truth (synthetic data),
the decision thresholds are chosen on it: on the training night and on every further
*world* given (other seeds, other world variations), for the worst of them
(``streetlink.decide.search``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows.nightly import TASKS, engine_config, step_task
from streetlink import nightly
from streetlink.config import EngineConfig, RunConfig
from streetlink.link.models import install_models
from streetlink.link.training import train_on_workspace

# the nightly steps the training flow runs too, as the same generated tasks
refresh_registry = TASKS["refresh_registry"]
ingest_inbox = TASKS["ingest_inbox"]
standardise_records = TASKS["standardise_records"]
link_records = TASKS["link_records"]


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
    models: str,
    work: str = "outputs/training",
    truth: str | None = None,
    worlds: list[str] | None = None,
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
        result = train(ws, str(staging), truth, list(worlds or []), config.engine)
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
