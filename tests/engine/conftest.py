"""One local Spark session for the engine tests (started once: it takes 10–30 s)."""

from __future__ import annotations

import os
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
    # A laptop without Java skips; CI (.ci/run sets STREETLINK_REQUIRE_SPARK) must run them.
    required = bool(os.environ.get("STREETLINK_REQUIRE_SPARK"))
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("the extra .[spark] is not installed, and STREETLINK_REQUIRE_SPARK is set")
        pytest.skip("the extra .[spark] is not installed")
    if not _java_ok():
        if required:
            pytest.fail("Spark 4 needs Java 17 or 21 on the PATH, and STREETLINK_REQUIRE_SPARK is set")
        pytest.skip("Spark 4 needs Java 17 or 21")
    from streetlink.engine.spark import SparkSettings, spark_session

    session = spark_session(SparkSettings(master="local[2]", shuffle_partitions=2, driver_memory="2g"))
    yield session
    session.stop()
