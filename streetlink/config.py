"""Typed configuration of a nightly run, with defaults a user would expect.

Every value can come from the command line; the DuckDB resource limits can also come from
the environment (``STREETLINK_MEMORY_LIMIT``, ``STREETLINK_THREADS``) so that a Prefect
deployment sets them per machine in ``prefect.yaml``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from streetlink.paths import models_dir

__all__ = ["EngineConfig", "RunConfig", "connect"]


@dataclass(frozen=True)
class EngineConfig:
    """DuckDB resources: explicit, so a 100 K-record night cannot take the machine down."""

    memory_limit: str = field(default_factory=lambda: os.environ.get("STREETLINK_MEMORY_LIMIT", "6GB"))
    threads: int = field(default_factory=lambda: int(os.environ.get("STREETLINK_THREADS", "2")))
    temp_dir: Path | None = None  # spill directory; default: beside the database file


def connect(
    database: Path | str = ":memory:",
    engine: EngineConfig | None = None,
    read_only: bool = False,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the memory limit, thread count and spill folder set."""
    engine = engine or EngineConfig()
    con = duckdb.connect(str(database), read_only=read_only)
    con.execute(f"SET memory_limit = '{engine.memory_limit}'")
    con.execute(f"SET threads = {int(engine.threads)}")
    temp_dir = engine.temp_dir
    if temp_dir is None and str(database) not in (":memory:", ""):
        temp_dir = Path(str(database) + ".tmp")
    if temp_dir is not None:
        Path(temp_dir).mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{Path(temp_dir).as_posix()}'")
    # Progress bars from DuckDB would interleave with ours.
    con.execute("SET enable_progress_bar = false")
    return con


@dataclass(frozen=True)
class RunConfig:
    """One nightly run: which date, where the inputs are, where everything goes."""

    date: dt.date
    inbox: Path
    registry: Path
    out: Path
    reports: Path = Path("reports")
    warehouse: Path | None = None  # default: <out>/warehouse.duckdb
    models: Path = field(default_factory=models_dir)
    engine: EngineConfig = field(default_factory=EngineConfig)

    @property
    def date_str(self) -> str:
        return self.date.isoformat()

    @property
    def inbox_day(self) -> Path:
        return self.inbox / self.date_str

    @property
    def warehouse_path(self) -> Path:
        return self.warehouse or (self.out / "warehouse.duckdb")

    @property
    def output_day(self) -> Path:
        return self.out / self.date_str

    @property
    def report_day(self) -> Path:
        return self.reports / self.date_str
