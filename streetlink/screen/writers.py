"""The screen stage's files, written into the night's temporary output folder.

    <out>/<date>/cases.parquet                          OUTPUTS.md (contract CASES)
    <out>/<date>/internal/screen_input.parquet          the screening base (contract SCREEN_BASE)
    <out>/<date>/internal/screening_rules/              the rule file and key-area file in force
    <out>/<date>/internal/screen_summary.json           rules in force, funnel, counts per rule

The internal files are what ``streetlink screen --rules NEW --date D`` replays a rule change
on; the summary is what the report's trend reads (``funnel_history``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb

from streetlink import sql
from streetlink.screen.funnel import SUMMARY_FILE
from streetlink.screen.rules import RuleSet

__all__ = ["CASES_FILE", "INPUT_FILE", "RULES_DIR", "write_screen_outputs"]

CASES_FILE = "cases.parquet"
INPUT_FILE = "internal/screen_input.parquet"
RULES_DIR = "internal/screening_rules"


def write_screen_outputs(con: duckdb.DuckDBPyConnection, output_dir: Path, rs: RuleSet,
                         summary: dict[str, Any], *, cases: str = "cases",
                         base: str = "screen_base") -> dict[str, str]:
    """Write the night's screening files under `output_dir` (the night's temporary folder)."""
    paths = {"cases": output_dir / CASES_FILE, "input": output_dir / INPUT_FILE,
             "rules": output_dir / RULES_DIR, "summary": output_dir / SUMMARY_FILE}
    paths["input"].parent.mkdir(parents=True, exist_ok=True)
    sql.run(con, "streetlink.screen", "write_parquet", table=cases, path=paths["cases"])
    sql.run(con, "streetlink.screen", "write_parquet", table=base, path=paths["input"])
    paths["rules"].mkdir(parents=True, exist_ok=True)
    shutil.copyfile(rs.path, paths["rules"] / rs.path.name)
    shutil.copyfile(rs.key_areas_path, paths["rules"] / rs.key_areas_path.name)
    paths["summary"].write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return {k: str(v) for k, v in paths.items()}
