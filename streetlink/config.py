"""Typed configuration of a nightly run, with defaults a user would expect.

Every value can come from the command line; the per-machine ones can also come from the
environment so that a Prefect deployment sets them in ``prefect.yaml``:

    STREETLINK_MEMORY_LIMIT, STREETLINK_THREADS   DuckDB resources (6GB, 2)
    STREETLINK_OUTPUT_MODE                        permission mode of published files, octal
                                                  (e.g. 0640: group-readable); folders get
                                                  the same bits plus x where r is set.
                                                  Default: what the umask allows (0666/0777
                                                  minus the umask), as for any new file.
    STREETLINK_DEADLINE_HOURS                     hours a street has to answer an item that
                                                  screening gave no deadline (24; in practice
                                                  every item has one: rules.toml's priorities)
    STREETLINK_SCREENING_RULES                    the screening rule file in force
                                                  (default screening_rules/rules.toml)
    STREETLINK_ENGINE, SPARK_MASTER, SPARK_REMOTE the engine of the night's stages (duckdb;
                                                  spark: see streetlink/engine)
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from streetlink import sql
from streetlink.errors import StreetlinkError
from streetlink.paths import models_dir

# The demo's world (`streetlink demo`, `make demo`): one home, read by the command line and
# the commands it runs.
DEMO_PROFILE = "small"
DEMO_SEED = 20261124
DEMO_DATE = dt.date(2026, 11, 24)

# Exit codes of `streetlink`: documented in the README.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3

__all__ = [
    "SHANGHAI", "EngineConfig", "RunConfig", "connect", "night_for_start", "output_mode_from_env",
    "parse_mode", "shanghai_now", "to_shanghai",
]

# Every time a person reads (reports, packets, deadlines) is Beijing time, whatever the
# machine's clock says.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def to_shanghai(moment: dt.datetime) -> dt.datetime:
    """`moment` on the Shanghai wall clock (a naive time is taken to be UTC, as servers keep it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(SHANGHAI)


def shanghai_now() -> dt.datetime:
    return dt.datetime.now(SHANGHAI).replace(microsecond=0)


def night_for_start(start: dt.datetime) -> dt.date:
    """The night a run starting at `start` handles: the Shanghai day before the start.

    02:00 Shanghai is 18:00 UTC of the day before, so the date must come from the Shanghai
    wall clock, and from the *scheduled* start: a run queued past midnight keeps its night.
    """
    return to_shanghai(start).date() - dt.timedelta(days=1)


@dataclass(frozen=True)
class EngineConfig:
    """DuckDB resources: explicit, so a 100 K-record night cannot take the machine down."""

    memory_limit: str = field(default_factory=lambda: os.environ.get("STREETLINK_MEMORY_LIMIT", "6GB"))
    threads: int = field(default_factory=lambda: int(os.environ.get("STREETLINK_THREADS", "2")))
    temp_dir: Path | None = None  # spill directory; default: beside the database file
    # The engine of standardise → link → decide: "duckdb" (embedded) or "spark" (a Spark
    # session: local mode, or the cluster spark_master / SPARK_REMOTE names).
    kind: str = field(default_factory=lambda: os.environ.get("STREETLINK_ENGINE", "duckdb"))
    spark_master: str | None = field(default_factory=lambda: os.environ.get("SPARK_MASTER") or None)

    def __post_init__(self) -> None:
        if self.kind not in ("duckdb", "spark"):
            raise StreetlinkError(f"unknown engine {self.kind!r} (duckdb or spark)")


def connect(
    database: Path | str = ":memory:",
    engine: EngineConfig | None = None,
    read_only: bool = False,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the memory limit, thread count and spill folder set."""
    engine = engine or EngineConfig()
    con = duckdb.connect(str(database), read_only=read_only)
    sql.run(con, "streetlink.engine", "set_memory_limit", limit=engine.memory_limit)
    sql.run(con, "streetlink.engine", "set_threads", threads=str(int(engine.threads)))
    temp_dir = engine.temp_dir
    if temp_dir is None and str(database) not in (":memory:", ""):
        temp_dir = Path(str(database) + ".tmp")
    if temp_dir is not None:
        # Not created here: DuckDB makes it when it first spills and removes it on close,
        # so a run that never spills leaves no empty folder behind.
        sql.run(con, "streetlink.engine", "set_temp_directory", path=Path(temp_dir))
    sql.run(con, "streetlink.engine", "no_progress_bar")
    return con


@dataclass(frozen=True)
class RunConfig:
    """One nightly run: which date, where the inputs are, where everything goes."""

    date: dt.date
    inbox: Path
    registry: Path
    out: Path
    reports: Path | None = None  # default: <out>/reports (the trend is then this root's own)
    warehouse: Path | None = None  # default: <out>/warehouse.duckdb
    models: Path = field(default_factory=models_dir)
    engine: EngineConfig = field(default_factory=EngineConfig)
    output_mode: int | None = field(default_factory=lambda: output_mode_from_env())
    deadline_hours: float = field(
        default_factory=lambda: float(os.environ.get("STREETLINK_DEADLINE_HOURS", "24")))
    keep_work: bool = False  # keep the scratch folder of a failed run (debugging)
    screening_rules: Path | None = None  # default: $STREETLINK_SCREENING_RULES or screening_rules/rules.toml

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
    def reports_dir(self) -> Path:
        return self.reports if self.reports is not None else self.out / "reports"

    @property
    def report_day(self) -> Path:
        return self.reports_dir / self.date_str

    @property
    def ledger_path(self) -> Path:
        """The persistent reply ledger (streetlink/replies/ledger.py): never rebuilt."""
        return self.out / "ledger.duckdb"


def parse_mode(text: str) -> int:
    """'0640' / '640' / '0o640' → 0o640; refuses anything that is not a file mode."""
    try:
        mode = int(text.strip().removeprefix("0o"), 8)
    except ValueError:
        raise StreetlinkError(f"not an octal permission mode: {text!r} (e.g. 0640)") from None
    if not 0 <= mode <= 0o777:
        raise StreetlinkError(f"not a permission mode: {text!r} (0000–0777)")
    if not mode & 0o600 == 0o600:
        raise StreetlinkError(f"permission mode {text!r} would lock the owner out (needs 0600)")
    return mode


def output_mode_from_env() -> int | None:
    text = os.environ.get("STREETLINK_OUTPUT_MODE")
    return parse_mode(text) if text else None
