"""Generated worlds shared by the synth tests (each generated once per session)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from streetlink.synth import generate
from streetlink.synth.generate import GenerationSummary

DATE = dt.date(2026, 11, 24)


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    """The small profile, one clean night (3,000 records): for rates and realism."""
    return generate("small", 11, tmp_path_factory.mktemp("small"), nights=1, start_date=DATE)


@pytest.fixture(scope="session")
def tiny_bad(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    """The tiny profile, three nights, with the documented bad input injected."""
    return generate(
        "tiny",
        5,
        tmp_path_factory.mktemp("tiny_bad"),
        nights=3,
        start_date=DATE,
        inject_bad_input=True,
    )


def _load(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    reg = out / "registry"
    con.execute(
        f"CREATE TABLE admin AS SELECT * FROM read_csv('{reg / 'admin.csv'}', all_varchar = true)"
    )
    con.execute(f"CREATE TABLE housing AS SELECT * FROM read_parquet('{reg / 'housing.parquet'}')")
    con.execute(
        f"CREATE TABLE population AS SELECT * FROM read_parquet('{reg / 'population.parquet'}')"
    )
    con.execute(f"CREATE TABLE truth AS SELECT * FROM read_parquet('{out / 'truth'}/*.parquet')")
    return con


@pytest.fixture(scope="session")
def load():
    """A function: generated folder -> DuckDB connection with admin, housing, population, truth."""
    return _load
