"""PeakRss: the peak resident memory of this process (DuckDB's included) while a block runs.

Shared by the single-stage benchmark scripts (``bench_housing.py``, ``bench_identity.py``),
which import it as a sibling module when run as ``python benchmarks/<script>.py``.
"""

from __future__ import annotations

import threading
import time

import psutil

__all__ = ["PeakRss"]


class PeakRss:
    """Samples this process's RSS in the background every ``interval`` seconds."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        proc = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, proc.memory_info().rss)
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> float:
        return self.peak / 2**20
