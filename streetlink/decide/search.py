"""Choosing the decision thresholds on labelled nights, for the worst of them.

Each *world* is a night whose candidates are in a run database and whose true answers
are known: a synthetic world's ground truth, or (``streetlink train --labels``) what the
streets' replies say. A threshold value is acceptable only if every world meets every
precision target with it; among acceptable values the search takes the one whose
objective (the dispatch rate, or person / dwelling recall for their thresholds) is best
in the *worst* world. Thresholds are moved one at a time in their declared order, two
passes (an early one may only become loosenable once a later one is set). A world the
generator's habits make easy therefore cannot loosen a threshold that a harder world
needs tight. On the streets' answers the worlds are the labelled nights, still judged by
the worst of them: pooling their counts instead was measured and rejected (ninth session:
on three loops it cut night 5's dispatches by 2–16 % for at most one wrong door fewer
than the worst-night search; benchmarks/README.md, ``replies_loop.py``).

A target that no value of the threshold at hand reaches (person precision while only an
address threshold moves) is another threshold's to meet: that threshold must then not make
it worse than its current value does, and is chosen on the targets it can reach. Without
this, one target out of every value's reach made every threshold take its most cautious
value (measured: 84.5 % dispatched where 91 % was possible at the same precision).

A world-wide precision hides what a looser value adds: a hundred more placements with one
wrong among thousands of right ones keep 99.97 %. So each value must also be precise on its
*bands*, what it dispatches beyond each other value's placements, in every world
(``BAND_PRECISION``, ``_bands``); a current value with a bad band gives way to a tighter
one, which is how answers that find wrong doors make the thresholds stricter.

Metrics are those of ``streetlink evaluate`` (``evaluate.metrics.score_tables``), so a
threshold is chosen by exactly what the evaluation reports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import duckdb

from streetlink import sql
from streetlink.decide import apply_rules, build_evidence
from streetlink.decide.rules import RULES
from streetlink.decide.thresholds import THRESHOLDS, Threshold, validate_thresholds
from streetlink.evaluate.metrics import METRICS, score_tables, wilson_interval

__all__ = ["BAND_PRECISION", "PRECISION_TARGETS", "SearchWorld", "choose_thresholds", "rule_precision"]

log = logging.getLogger(__name__)

# On the training worlds; the targets on unseen worlds are 99.9 / 99.95 / 99.9 %: the
# margin is for what the training worlds do not show.
PRECISION_TARGETS = {"committee_precision": 0.9995, "street_precision": 0.9995,
                     "person_precision": 0.9995, "dwelling_accuracy": 0.98}
# What a threshold value dispatches beyond another value's placements must be right this
# often by itself, in every world (``_bands``): the committee precision target on unseen
# worlds, since such records are what an unseen world may hold more of.
BAND_PRECISION = 0.999
_SQL = "streetlink.decide"


@dataclass(frozen=True)
class SearchWorld:
    """A night ready to be decided: candidates in `con`, registries attached as `warehouse`."""

    name: str
    con: duckdb.DuckDBPyConnection
    warehouse: str
    truth: str  # a table on `con` with the TRUTH columns (record_id, placeable, true_* …)


def _decide(world: SearchWorld, values: dict[str, Any]) -> None:
    build_evidence(world.con, world.warehouse, values)
    apply_rules(world.con, world.warehouse, values)


def _score(world: SearchWorld) -> dict[str, float | None]:
    """The world's rates; a precision with nothing dispatched is met (1.0), any other rate
    with an empty denominator is None: the world says nothing of it (a labelled night whose
    only labels are clerks' 区外转办 has no placeable record, and a dispatch rate of 0 there
    would be the worst world's and pin every threshold to its most cautious value)."""
    rates = score_tables(world.con, "decisions", world.truth).get(None)  # None: no labelled record decided
    return {m.name: (r.rate if (r := (rates or {}).get(m.name)) is not None and r.rate is not None
                     else (1.0 if "precision" in m.name or "accuracy" in m.name else None))
            for m in METRICS}


def _worst(per_world: dict[str, dict[str, float | None]]) -> dict[str, float]:
    """Per rate, the lowest value of the worlds that measure it (0.0 when none does)."""
    keys = next(iter(per_world.values()))
    return {k: min((s[k] for s in per_world.values() if s[k] is not None), default=0.0) for k in keys}


def _rule_records(world: SearchWorld) -> dict[str, tuple[int, int]]:
    """Per rule, the labelled (truth) records it decides in the world's current decisions and,
    of those it dispatches, how many went to another committee than the truth's."""
    return {rule: (n, wrong) for rule, n, wrong in sql.run(
        world.con, _SQL, "rule_records", decisions="decisions", truth=world.truth).fetchall()}


_TRIALS = "search_trials"


def _band_rows(worlds: list[SearchWorld], n_values: int) -> list[tuple[str, list[tuple[int, int, int, int, int]]]]:
    """Per world: (trial, over, records, labelled, wrong) of every non-empty band."""
    return [(world.name, sql.run(world.con, _SQL, "bands", {"n": n_values}, trials=_TRIALS).fetchall())
            for world in worlds]


def _judged(records: int, labelled: int, answered_share: float) -> bool:
    """A band says something only when enough of it is answered (``_bands``)."""
    return labelled > 0 and labelled >= answered_share * records


def _bands(rows: list[tuple[str, list[tuple[int, int, int, int, int]]]], n_values: int, precision: float,
           answered_share: float = 1.0, current: int | None = None) -> list[dict[str, Any]]:
    """Per trial value: the worst *band* over any other value of the same threshold, in any
    world. A value's band over another is what it dispatches that the other does not send to
    the same committee. The world-wide precision hides a band: a looser value that adds 96
    placements with one wrong among 7,400 right ones keeps 99.97 %, yet that band itself is
    wrong once in a hundred, and on a world where such records are common it is what the
    streets see. So every band a value adds must meet `precision` on its labelled records
    (empty bands pass). The most cautious value adds nothing over the others and always
    passes; a current value whose band over a tighter one is wrong too often fails, so the
    search can tighten as well as loosen.

    A band is judged only if at least `answered_share` of its records are labelled. On the
    streets' answers, what a looser value adds is mostly what the current one sent to review,
    and a review record nobody decided says nothing of where it belongs: counted as empty,
    such a band let a looser value pass on no evidence at all (measured on the independent
    world's five labelled nights: label-trained 99.69 % committee precision against 99.92 %
    for the committed thresholds). An unjudged band fails: precision comes first, and the
    value waits for answers. Synthetic truth labels every record, so there it changes nothing.

    Given `current` (the value in force), only a band over the current value fails for want
    of answers: that is what the value would newly dispatch. A band between two other values
    (what 0.95 sends elsewhere than 0.5 does, neither in force) mostly holds records the
    night's model never dispatched, so nobody could answer them; failing it made every
    value of committee_min fail on three such records and the search fall back to noise
    (measured: a deliberately loose model on the independent world, trained on its answers,
    moved committee_min looser, 0.8 → 0.7). Unjudged, such a band says nothing either way."""
    out = [{"ok": True, "precision": None, "records": 0, "labelled": 0, "wrong": 0, "over": None, "world": None}
           for _ in range(n_values)]
    rank = [2.0] * n_values  # the worst band so far: its precision, -1 when unjudged
    for world_name, world_rows in rows:
        for trial, over, records, labelled, wrong in world_rows:
            judged = _judged(records, labelled, answered_share)
            if not judged and current is not None and over != current:
                continue
            rate = (labelled - wrong) / labelled if judged else -1.0
            if rate < rank[trial]:
                rank[trial] = rate
                out[trial] = {"ok": judged and rate >= precision,
                              "precision": round(rate, 5) if judged else None,
                              "records": records, "labelled": labelled, "wrong": wrong,
                              "over": over, "world": world_name}
    return out


def _proofs(rows: list[tuple[str, list[tuple[int, int, int, int, int]]]], n_values: int, current: int,
            precision: float, answered_share: float, z: float) -> list[dict[str, Any]]:
    """Per trial value: is what it dispatches beyond the *current* value's placements proven
    right often enough, on all labelled nights together? Proven means the Wilson lower bound
    of the band's answered precision reaches `precision` (and enough of it is answered).

    ``_bands`` compares point estimates night by night. On the streets' answers a night's
    band is a few hundred records, and "none of 155 answers wrong" passes 99.9 % although it
    cannot tell 99.9 % from 99 %: measured on the independent world, the registered-home band
    had no wrong answer in 562 over four nights, and the fifth night's truth then showed 2
    stale homes in 172 (all five nights: 99.75 %). The nights of one district are one
    population, so their answers are pooled, and a value may only move away from the current
    one on what the answers prove. The current value itself is never asked for proof (it
    adds nothing over itself): tightening stays ``_bands``' business, on the answers that
    show wrong doors. A value adding nothing over the current one is proven trivially."""
    pooled: dict[int, list[int]] = {}
    for _, world_rows in rows:
        for trial, over, records, labelled, wrong in world_rows:
            if over == current:
                acc = pooled.setdefault(trial, [0, 0, 0])
                acc[0] += records
                acc[1] += labelled
                acc[2] += wrong
    out = []
    for trial in range(n_values):
        records, labelled, wrong = pooled.get(trial, (0, 0, 0))
        bounds = wilson_interval(labelled - wrong, labelled, z)
        low = bounds[0] if bounds else None
        out.append({"ok": records == 0 or (_judged(records, labelled, answered_share) and low >= precision),
                    "records": records, "labelled": labelled, "wrong": wrong,
                    "low": None if low is None else round(low, 5)})
    return out


def _backed(threshold: str, counts: dict[str, tuple[int, int]], min_records: int,
            precision: float | None = None, floor: dict[str, float] | None = None) -> bool:
    """Every dispatching rule reading `threshold` decides none or >= min_records labelled
    records and, given `precision`, places at least that share of them right. On labels the
    world-wide precision is not enough: a rule that is wrong once in a hundred (a registered
    home stale once in a hundred) hides among thousands of right address placements.

    `floor`: per rule, the precision to hold instead, for a rule no value of this threshold
    brings to `precision` (its wrong doors are another threshold's, or no threshold's, to
    close): the value must then not make that rule less precise than the current value does
    (``_rule_floors``), the way ``_acceptable`` treats a target out of reach. Without it, a
    rule below the target under every value (the address rules on answers that find wrong
    doors) left no value of any threshold it reads acceptable."""
    readers = {r.name for r in RULES if r.decision == "dispatched" and threshold in r.thresholds}
    floor = floor or {}

    def precise(rule: str, n: int, wrong: int) -> bool:
        need = floor.get(rule, precision)
        return need is None or (n - wrong) / n >= need - 1e-12

    return all(n == 0 or (n >= min_records and precise(rule, n, wrong))
               for rule, (n, wrong) in counts.items() if rule in readers)


def _rule_floors(threshold: str, per_value: list[dict[str, tuple[int, int]]], current: int, min_records: int,
                 precision: float) -> dict[str, float]:
    """Per dispatching rule reading `threshold` that no value of it (deciding enough records)
    brings to `precision`: the rule's precision under the current value, which no value may
    lower (``_backed``'s `floor`)."""
    readers = {r.name for r in RULES if r.decision == "dispatched" and threshold in r.thresholds}
    floors = {}
    for rule in readers:
        # a value under which the rule decides nothing reaches the target (``_backed``: n == 0
        # passes): switching the rule off is how a stale registered home is fixed
        rates = [(n - w) / n if n else 1.0 for counts in per_value
                 for n, w in [counts.get(rule, (0, 0))] if n == 0 or n >= min_records]
        if rates and max(rates) < precision:
            n, w = per_value[current].get(rule, (0, 0))
            floors[rule] = (n - w) / n if n else 0.0
    return floors


def choose_thresholds(worlds: list[SearchWorld], start: dict[str, Any] | None = None,
                      targets: dict[str, float] | None = None, passes: int = 2,
                      evidence: str = "truth", names: tuple[str, ...] | None = None,
                      min_records_per_rule: int | None = None,
                      band_precision: float | None = BAND_PRECISION,
                      band_answered_share: float = 1.0,
                      band_proof_z: float | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Coordinate search under the precision targets on every world (see module doc).

    `evidence`: 'truth' (synthetic ground truth) searches the thresholds that truth may
    set; 'labels' (the streets' replies) also those kept for labels (``learned_from``).
    `names`: search only these thresholds (the others keep their start values).
    `min_records_per_rule`: a value is acceptable only if each dispatching rule that reads
    the threshold decides none, or at least this many, of the worlds' labelled records
    (labels are few: a rule's precision must rest on enough answers), and meets the
    committee precision target on them by itself.
    `band_precision`: a value is acceptable only if what it dispatches beyond each other
    value's placements meets this committee precision in every world (``_bands``; None: off).
    `band_answered_share`: a band is judged only when at least this share of its records is
    labelled, and an unjudged band fails (``_bands``); synthetic truth labels all of them.
    `band_proof_z`: on answers, a value other than the current one is acceptable only if
    what it dispatches beyond the current value's placements, pooled over the worlds, has a
    Wilson lower bound (this normal quantile) of at least `band_precision` (``_proofs``);
    None: off (synthetic truth, whose worlds are different habits, not one population).
    """
    if not worlds:
        raise ValueError("no world to choose thresholds on")
    targets = targets or PRECISION_TARGETS
    values = validate_thresholds(start or {})
    trace: list[dict[str, Any]] = []
    for n_pass in range(1, passes + 1):
        for name, threshold in THRESHOLDS.items():
            if not threshold.grid or (threshold.learned_from == "labels" and evidence != "labels"):
                continue
            if names is not None and name not in names:
                continue
            scored = []
            if band_precision is not None:
                for world in worlds:
                    sql.run(world.con, _SQL, "create_trials", trials=_TRIALS)
            grid = list(threshold.grid)
            if values[name] not in grid:  # the current value is the yardstick of what may not get worse
                grid.append(values[name])
            rule_counts: list[dict[str, tuple[int, int]]] = []
            for i, value in enumerate(grid):
                trial = {**values, name: value}
                per_world = {}
                counts: dict[str, tuple[int, int]] = {}
                for world in worlds:
                    _decide(world, trial)
                    per_world[world.name] = _score(world)
                    if band_precision is not None:
                        sql.run(world.con, _SQL, "add_trial", {"trial": i}, trials=_TRIALS,
                                decisions="decisions", truth=world.truth)
                    if min_records_per_rule:
                        for rule, (n, wrong) in _rule_records(world).items():
                            n0, w0 = counts.get(rule, (0, 0))
                            counts[rule] = (n0 + n, w0 + wrong)
                rule_counts.append(counts)
                worst = _worst(per_world)
                scored.append((True, value, worst))
                trace.append({"pass": n_pass, "threshold": name, "value": value,
                              "worst": {k: round(v, 5) for k, v in worst.items() if k in _TRACED},
                              "worlds": {w: {k: (None if v is None else round(v, 5)) for k, v in s.items()
                                             if k in _TRACED}
                                         for w, s in per_world.items()}})
            current = grid.index(values[name])
            if min_records_per_rule:
                precision = targets.get("committee_precision")
                floors = (_rule_floors(name, rule_counts, current, min_records_per_rule, precision)
                          if precision is not None else {})
                scored = [(_backed(name, counts, min_records_per_rule, precision, floors), value, worst)
                          for counts, (_, value, worst) in zip(rule_counts, scored)]
            for entry, (backed, _, _) in zip(trace[-len(scored):], scored):
                entry["backed"] = backed
            if band_precision is not None:
                rows = _band_rows(worlds, len(grid))
                for world in worlds:
                    sql.run(world.con, _SQL, "drop_table", table=_TRIALS)
                bands = _bands(rows, len(grid), band_precision, band_answered_share,
                               current if evidence == "labels" else None)
                proofs = (_proofs(rows, len(grid), current, band_precision,
                                  band_answered_share, band_proof_z)
                          if band_proof_z is not None else [None] * len(grid))
                scored = [(backed and band["ok"] and (proof is None or proof["ok"]), value, worst)
                          for (backed, value, worst), band, proof in zip(scored, bands, proofs)]
                for entry, band, proof in zip(trace[-len(scored):], bands, proofs):
                    entry["band"] = {**band, "over": None if band["over"] is None else grid[band["over"]]}
                    if proof is not None:
                        entry["proof"] = proof
            ok = _acceptable(scored, values[name], targets)
            for entry, accepted in zip(trace[-len(scored):], ok):
                entry["ok"] = accepted
            goal = threshold.objective
            meeting = [(s[goal], s["dispatch_rate"], s["committee_precision"], i)
                       for i, (_, _, s) in enumerate(scored) if ok[i]]
            best = max(meeting)[-1] if meeting else _fallback(threshold, grid, scored, current, evidence)
            values[name] = scored[best][1]
            log.info("pass %d: %s = %s", n_pass, name, values[name])
    for world in worlds:
        _decide(world, values)
    return values, trace


def _fallback(threshold: Threshold, grid: list[Any], scored: list[tuple[bool, Any, dict[str, float]]],
              current: int, evidence: str) -> int:
    """The value to take when none is acceptable: the most precise one. On the answers, never
    a value looser than the one in force (a failure to prove is no proof), and the current
    one on a tie: measured, a deliberately loose model trained on its answers took
    committee_min 0.7 over the current 0.8 for a difference of 1e-5 in the answers' precision."""
    if evidence != "labels":
        return max((s["committee_precision"], s["dispatch_rate"], i) for i, (_, _, s) in enumerate(scored))[-1]
    floor = _position(threshold, grid[current])
    cautious = [i for i in range(len(grid)) if _position(threshold, grid[i]) >= floor]
    return max((scored[i][2]["committee_precision"], i == current, i) for i in cautious)[-1]


def _position(threshold: Threshold, value: Any) -> int:
    """A value's place in its threshold's grid, loosest first (off the grid: the loosest)."""
    return threshold.grid.index(value) if value in threshold.grid else 0


def _acceptable(scored: list[tuple[bool, Any, dict[str, float]]], current: Any,
                targets: dict[str, float]) -> list[bool]:
    """Which values of one threshold are acceptable (module doc): backed by enough records,
    meeting every target some value of it reaches, and worsening none of the others."""
    reachable = {k: v for k, v in targets.items() if any(s[k] >= v for _, _, s in scored)}
    now = next(s for _, value, s in scored if value == current)
    return [backed
            and all(s[k] >= v for k, v in reachable.items())
            and all(s[k] >= now[k] for k in targets if k not in reachable)
            for backed, _, s in scored]


_TRACED = ("dispatch_rate", "committee_precision", "street_precision", "person_precision",
           "person_recall", "dwelling_accuracy", "dwelling_recall")


def rule_precision(worlds: list[SearchWorld], values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per rule and world: records decided, and for dispatching rules the committee precision."""
    out: dict[str, dict[str, Any]] = {r.name: {"decision": r.decision, "worlds": {}} for r in RULES}
    for world in worlds:
        _decide(world, values)
        for rule, rates in score_tables(world.con, "decisions", world.truth, group_by="rule").items():
            entry = {"records": rates["dispatched_share"].of}
            if out[rule]["decision"] == "dispatched":
                entry["committee_precision"] = rates["committee_precision"].rate
                entry["wrong"] = rates["wrong_placements"].count
            out[rule]["worlds"][world.name] = entry
    for entry in out.values():
        rows = entry["worlds"].values()
        entry["records"] = sum(r["records"] for r in rows)
        if entry["decision"] == "dispatched":
            dispatched = entry["records"]
            wrong = sum(r.get("wrong", 0) for r in rows)
            entry["wrong"] = wrong
            entry["committee_precision"] = (dispatched - wrong) / dispatched if dispatched else None
    return out
