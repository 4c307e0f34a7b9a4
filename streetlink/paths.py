"""Where the project's own data lives: reference data and linkage models.

Both are top-level folders of the checkout (``reference_data/``, ``linkage_models/``);
an environment variable may point elsewhere (a deployment that ships them separately).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PROJECT_ROOT", "models_dir", "reference_dir"]

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def reference_dir() -> Path:
    return Path(os.environ.get("STREETLINK_REFERENCE_DATA", PROJECT_ROOT / "reference_data"))


def models_dir() -> Path:
    return Path(os.environ.get("STREETLINK_MODELS", PROJECT_ROOT / "linkage_models"))
