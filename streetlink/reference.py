"""The one module that loads ``reference_data/`` (general knowledge with provenance).

Every file there is UTF-8 CSV with a header row and is described, with its source, date
and licence, in ``reference_data/README.md``.
"""

from __future__ import annotations

import csv
from functools import cache

from streetlink.errors import StreetlinkError
from streetlink.paths import reference_dir

__all__ = ["read_reference"]


@cache
def read_reference(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``reference_data/<name>`` as dicts (cached; treat as read-only)."""
    path = reference_dir() / name
    if not path.is_file():
        raise StreetlinkError(f"reference data file missing: {path}")
    with path.open(encoding="utf-8", newline="") as f:
        rows = [
            {k: (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(line for line in f if not line.startswith("#"))
        ]
    return tuple(rows)
