"""Registry refresh flow: load and standardise the registries into the warehouse.

Scheduled weekly in ``prefect.yaml``; the nightly flow also refreshes on its own when the
registry files have changed, so this flow only moves the work out of the night.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from streetlink.config import EngineConfig
from streetlink.ingest.warehouse import ensure_warehouse

# Relative paths are relative to the working directory ($STREETLINK_HOME in a deployment).


@task(cache_policy=NO_CACHE)
def standardise_registry(registry: str, warehouse: str, force: bool, engine: EngineConfig) -> dict[str, Any]:
    return ensure_warehouse(Path(registry), Path(warehouse), engine, force=force).as_dict()


@flow(name="streetlink-refresh-registry")
def refresh_registry(
    registry: str = "registry",
    warehouse: str = "outputs/warehouse.duckdb",
    force: bool = False,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    engine = EngineConfig(**{k: v for k, v in (("memory_limit", memory_limit), ("threads", threads)) if v})
    info = standardise_registry(registry, warehouse, force, engine)
    get_run_logger().info("warehouse %s: %s", "rebuilt" if info["refreshed"] else "unchanged", info["rows"])
    return info
