"""Decide: combine address and person evidence into dispatch / review / reject.

Input:  `staged_records`, `records_std`, `address_candidates`, `person_candidates` (run
        database); `admin`, `housing_std`, `place_committees` (warehouse); the thresholds
        in ``linkage_models/decision.json``.
Output: `decisions` (contract DECISIONS): one row per staged record.

The rules, in order (``decide.sql`` implements them; the reason codes are in
``streetlink.contracts.REASONS``):
 1. a record staging already rejected stays rejected (its reason);
 2. a place outside Pudong is never dispatched: review `outside_pudong`;
 3. no address and no identity: rejected (`no_address_no_identity`, or `unparseable_id`
    when the only identity was an ID that is not one);
 4. the address alone places the committee (P ≥ committee_min, or its best dwelling is
    more likely than all else together and 2^address_margin_bits times likelier than the
    next one): dispatch there — a certain person registered elsewhere has moved, the
    address is the newer evidence —
    unless its road is none of Pudong's, nothing in it says Pudong, and it meets the
    dwelling only through lane, number and room on a road more than one character away
    (延长中路509弄14号2203室 and 灵石路509弄14号2203室): that is another district's
    address written without the district, and goes to review (`address_unresolved`) when
    rule 5 does not place it;
 5. the person is certain and the address gives the person's registered committee at
    least P ≥ committee_supported_min, or the registered dwelling fits the address as
    well as any candidate does (possibly not the address's first choice: the same
    community, number and room in several towns, or a village name repeated in seven, are
    told apart by who lives there): dispatch there;
 6. the address names only a community, a lane or a village that lies in one committee
    (of the record's street when it names one), or names the committee itself
    (齐河第二居委): dispatch at committee level; a place in several committees, one of
    which is the certain person's registered committee: dispatch there (for the hotline
    only as hotline_place_via_caller allows: a community-wide matter is not the caller's
    flat, and a community split between two committees has no single right one);
 7. the address is vague (no building, lane, community or village to find), the person is
    certain (P ≥ person_home_min) and has a registered dwelling, nothing in the address or
    the street fields contradicts that home, and the address shares enough with it
    (person_home_evidence: the street, or the road): dispatch to the registered home. For
    the hotline the person is the caller, whose matters are mostly at or near home; the
    training night's truth decides whether that holds (the threshold search); An unresolved *precise* address (a road and number that no
    Pudong dwelling has) is never replaced by the registered home: it is often a place in
    another district written without the district;
 8. everything else goes to review: `conflicting_evidence` (a likely address and a
    certain person disagree), `address_ambiguous` (candidates in several committees),
    `vague_address` (nothing to place by), `address_unresolved`, `low_confidence`.
The street hints (health-cloud drop-down, hotline 所属街镇) are evidence inside the
address model and a veto in rule 7, never the answer on their own.

At most one dwelling and one person per record: the top candidate, and only when it is
clearly ahead (P ≥ dwelling_min / person_min).
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from streetlink.contracts import DECISIONS, enforce
from streetlink.link.models import load_decision

__all__ = ["DEFAULT_THRESHOLDS", "decide_night", "decide_sql"]

log = logging.getLogger(__name__)

DEFAULT_THRESHOLDS: dict[str, float] = {
    # prior odds that a record's address / identity has no match in the registry at all
    # (the "none of these candidates" hypothesis of the normalisation)
    "address_no_match_odds": 0.1,
    "person_no_match_odds": 0.3,
    "dwelling_min": 0.80,
    "committee_min": 0.95,
    "committee_supported_min": 0.30,
    "person_min": 0.95,
    "person_home_min": 0.99,
    # what a vague address must share with the registered home: 0 nothing (only not
    # contradict it), 1 the street/town, 2 the road, community or village
    "person_home_evidence": 1,
    # a hotline place in several committees goes to the caller's registered one (the
    # matter is usually at or near the caller's home): 2 always; 1 only when the place
    # has no other committee in the caller's street (a community name repeated in other
    # towns, not one community split in two); 0 never (review)
    "hotline_place_via_caller": 0,
    # log2 of how much likelier the best dwelling must be than the second for the address
    # to place its committee although P(committee) < committee_min (1000: never)
    "address_margin_bits": 1000,
}


def decide_sql(warehouse: str) -> str:
    sql = resources.files("streetlink.decide").joinpath("decide.sql").read_text(encoding="utf-8")
    return sql.replace("{wh}", warehouse)


def decide_night(con: duckdb.DuckDBPyConnection, warehouse: str, models_dir: Path,
                 thresholds: dict[str, float] | None = None) -> dict[str, Any]:
    """Create `decisions` from the night's candidates; return counts by decision and reason."""
    if thresholds is None:
        thresholds = {**DEFAULT_THRESHOLDS, **load_decision(models_dir).get("thresholds", {})}
    params = {k: float(thresholds[k]) for k in DEFAULT_THRESHOLDS}
    con.execute(decide_sql(warehouse), params)
    enforce(con, "decisions", DECISIONS)
    rows = con.execute(
        "SELECT decision, coalesce(reason, basis) AS why, count(*) FROM decisions GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    counts: dict[str, Any] = {"dispatched": 0, "review": 0, "rejected": 0, "by_reason": {}}
    for decision, why, n in rows:
        counts[decision] += n
        counts["by_reason"][f"{decision}:{why}"] = n
    counts["records"] = counts["dispatched"] + counts["review"] + counts["rejected"]
    counts["thresholds"] = params
    log.info("decided %s records: %s dispatched, %s review, %s rejected", counts["records"],
             counts["dispatched"], counts["review"], counts["rejected"])
    return counts
