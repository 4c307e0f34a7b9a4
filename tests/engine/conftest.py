"""One local Spark session for the engine tests (started once: it takes 10–30 s)."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def _java_ok() -> bool:
    if shutil.which("java") is None:
        return False
    out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    return any(f'version "{v}' in out for v in ("17", "21"))


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark", reason="the extra .[spark] is not installed")
    if not _java_ok():
        pytest.skip("Spark 4 needs Java 17 or 21")
    from streetlink.engine.spark import SparkSettings, spark_session

    session = spark_session(SparkSettings(master="local[2]", shuffle_partitions=2, driver_memory="2g"))
    yield session
    session.stop()
