"""Decide: combine address and person evidence into dispatch / review / reject.

Input:  `staged_records`, `records_std`, `address_candidates`, `person_candidates` (run
        database); `admin`, `housing_std`, `place_committees` (warehouse); the thresholds
        in ``linkage_models/decision.json``.
Output: `decisions` (contract DECISIONS): one row per staged record, with the name of
        the rule that decided it (`rule`).

How: ``decide.sql`` (statement ``evidence``) gathers, per record, every fact a rule may
test — the posterior probabilities of its address candidates per dwelling and committee,
its best person, the place it names and how many committees that place spans, what its
address shares with the person's registered home. ``rules.RULES`` is the ordered list of
named rules; the first whose condition holds decides (``render_rules`` makes it SQL; the
``decisions`` statement applies it). Thresholds are declared in ``thresholds.THRESHOLDS``
and stored in ``decision.json``; ``search`` chooses them on labelled nights.

The street hints (health-cloud drop-down, hotline 所属街镇) are evidence inside the
address model and a veto on the registered home, never the answer on their own. At most
one dwelling and one person per record: the top candidate, and only when it is clearly
ahead (P ≥ dwelling_min / person_min).
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from streetlink import sql
from streetlink.contracts import DECISIONS, enforce
from streetlink.decide.rules import RULES, Rule, render_rules, rule_names, used_parameters
from streetlink.decide.thresholds import (
    THRESHOLDS,
    default_thresholds,
    load_decision,
    load_thresholds,
    save_decision,
    validate_thresholds,
)
from streetlink.reference import read_reference

__all__ = [
    "RULES",
    "THRESHOLDS",
    "Rule",
    "apply_rules",
    "decide_night",
    "default_thresholds",
    "load_decision",
    "load_thresholds",
    "rule_names",
    "save_decision",
    "validate_thresholds",
]

log = logging.getLogger(__name__)

PACKAGE = "streetlink.decide"


def _tables(warehouse: str) -> dict[str, str]:
    return {
        "staged_records": "staged_records", "records_std": "records_std",
        "address_candidates": "address_candidates", "person_candidates": "person_candidates",
        "housing_std": f"{warehouse}.housing_std", "place_committees": f"{warehouse}.place_committees",
        "population_std": f"{warehouse}.population_std",
    }


@cache
def beside_pattern() -> str:
    """The words that put a matter beside a place, not in it (对面, 附近), as one pattern:
    ``reference_data/address_noise.csv``, column ``beside`` (the list the cleaning removes)."""
    words = sorted((r["word"] for r in read_reference("address_noise.csv") if r.get("beside") == "1"),
                   key=len, reverse=True)
    return "(" + "|".join(map(re.escape, words)) + ")"


def build_evidence(con: duckdb.DuckDBPyConnection, warehouse: str, thresholds: dict[str, Any]) -> None:
    """`decide_evidence`: what the rules test, per record (the thresholds it needs bound)."""
    stmt = sql.load(PACKAGE, "evidence")
    text = stmt.render(**_tables(warehouse))
    con.execute(text, used_parameters(text, {**thresholds, "beside_pattern": beside_pattern()}))


def apply_rules(con: duckdb.DuckDBPyConnection, warehouse: str, thresholds: dict[str, Any],
                out: str = "decisions", rules: tuple[Rule, ...] = RULES) -> None:
    """`out` from `decide_evidence`: the first rule that holds, per record."""
    tables = _tables(warehouse)
    text = sql.render(PACKAGE, "decisions", decisions=out, admin=f"{warehouse}.admin",
                      address_candidates=tables["address_candidates"],
                      person_candidates=tables["person_candidates"], housing_std=tables["housing_std"],
                      **render_rules(thresholds, rules))
    con.execute(text, used_parameters(text, thresholds))


def decide_night(con: duckdb.DuckDBPyConnection, warehouse: str, models_dir: Path,
                 thresholds: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create `decisions` from the night's candidates; return counts by decision and rule."""
    values = validate_thresholds(thresholds if thresholds is not None else load_thresholds(models_dir))
    build_evidence(con, warehouse, values)
    apply_rules(con, warehouse, values)
    enforce(con, "decisions", DECISIONS)
    rows = con.execute(
        "SELECT decision, rule, count(*) FROM decisions GROUP BY ALL ORDER BY ALL").fetchall()
    counts: dict[str, Any] = {"dispatched": 0, "review": 0, "rejected": 0, "by_rule": {}}
    for decision, rule, n in rows:
        counts[decision] += n
        counts["by_rule"][rule] = n
    counts["records"] = counts["dispatched"] + counts["review"] + counts["rejected"]
    counts["thresholds"] = values
    log.info("decided %s records: %s dispatched, %s review, %s rejected", counts["records"],
             counts["dispatched"], counts["review"], counts["rejected"])
    return counts
