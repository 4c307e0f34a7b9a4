"""Accuracy of a night's ``links.parquet`` against the synthetic ground truth.

Goal: say, in counts and rates, how many records were placed on the right committee, how
many were placed on a wrong one, and where (source, category, kind of messiness, night)
the pipeline is weak, so a change to any stage can be judged before and after.

Input → output:
    truth files (contract TRUTH; a directory holds ``<date>.parquet``) +
    links files (contract LINKS; a directory is ``<out>`` holding ``<date>/links.parquet``,
    or one ``<out>/<date>``)
    → ``Evaluation`` (in memory) → ``format_table`` / ``compare`` text, ``write_json`` file.

Records are matched on ``record_id`` within a night. The night is the date in a file's
name (truth ``<date>.parquet``, links ``<date>/links.parquet``); when some file carries
no date, records are matched on ``record_id`` alone, which must then be unique across
all files. Every truth record must have a links row: if any is missing the evaluation
fails (``CoverageError``). Links rows with no truth record ("extra"), and records whose
source differs between the two, are counted and sampled in ``coverage``, never dropped
silently; extra rows cannot be scored and are left out of every metric below.

Flags computed per matched record (every flag is true or false, never null):
    placeable          truth ``placeable``
    is_dispatched      decision = 'dispatched'   (is_review, is_rejected likewise)
    is_outside_pudong  category = 'outside_pudong'
    committee_ok       committee_code = true_committee_code (false if either is null)
    street_ok          street_code = true_street_code (false if either is null)
    has_house          house_id is set;   has_true_house: true_house_id is set
    house_ok           house_id = true_house_id (both set)
    has_person         person_id is set;  has_true_person: true_person_id is set
    identifiable       truth ``person_identifiable`` (null counts as false)
    person_ok          person_id = true_person_id (both set)

Metrics (each a count, the denominator ``of``, and rate = count / of; null when of = 0):
    dispatch_rate              placeable AND is_dispatched / placeable
    correct_placement_rate     placeable AND is_dispatched AND committee_ok / placeable
                               ("placed correctly", the headline)
    committee_precision        is_dispatched AND committee_ok / is_dispatched: every
                               dispatched record counts, placeable or not. The truth gives
                               the true committee of non-placeable records too, so one
                               dispatched to its true committee is a correct placement; one
                               dispatched elsewhere, or having no true committee (outside
                               Pudong, a split community, an unknown place), is wrong
    street_precision           is_dispatched AND street_ok / is_dispatched
    wrong_placements           is_dispatched AND NOT committee_ok / is_dispatched
                               (= 1 - committee_precision, shown as a count)
    outside_pudong_dispatched  is_outside_pudong AND is_dispatched / is_outside_pudong:
                               out-of-district records wrongly sent to a Pudong street
    unplaceable_dispatched     NOT placeable AND is_dispatched / NOT placeable
    dwelling_accuracy          has_house AND has_true_house AND house_ok
                               / has_house AND has_true_house (whatever the decision)
    dwelling_recall            placeable AND has_true_house AND house_ok
                               / placeable AND has_true_house
    person_precision           has_person AND person_ok / has_person
    person_recall              has_true_person AND person_ok / has_true_person
    person_recall_identifiable has_true_person AND identifiable AND person_ok
                               / has_true_person AND identifiable: recall where the record's
                               ID, name and phone could find the person at all
    dispatched_share           is_dispatched / all records
    review_rate                is_review / all records
    reject_rate                is_rejected / all records
    review_rate_placeable      placeable AND is_review / placeable
    reject_rate_placeable      placeable AND is_rejected / placeable

Groups: every metric is computed overall, per night (when there are several), per
source, per category and per kind of messiness. A record with several kinds of messiness
counts once in each of its kinds; records with none form the group ``messiness:clean``.
Each group carries its size ``n`` so that small groups can be judged. Review and rejected
records are also broken down by reason (all, and placeable only), per group.

Debugging aids: the worst groups (lowest dispatch rate among groups with at least
``min_group_n`` placeable records, default 30) and a sample of wrong placements (record
ids with true vs dispatched street and committee).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb

from streetlink import sql
from streetlink.config import EngineConfig, connect
from streetlink.contracts.schema import Contract, check_table
from streetlink.contracts.sources import SOURCE_NAMES
from streetlink.contracts.tables import CATEGORIES, LINKS, TRUTH, TRUTH_LATER_COLUMNS
from streetlink.errors import ContractViolation, StreetlinkError

__all__ = [
    "wilson_interval",
    "FLAGS",
    "METRICS",
    "Coverage",
    "CoverageError",
    "Evaluation",
    "GroupResult",
    "Metric",
    "Rate",
    "ReasonCount",
    "WrongPlacement",
    "compare",
    "evaluate",
    "format_table",
    "read_json",
    "resolve_links_files",
    "resolve_truth_files",
    "score_tables",
    "write_json",
]

log = logging.getLogger(__name__)

JSON_SCHEMA = "streetlink.evaluation/1"
CLEAN = "clean"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KIND_ORDER = ("overall", "night", "source", "category", "messiness")
_COVERAGE_SAMPLE = 20


class CoverageError(StreetlinkError):
    """Links and truth do not describe the same records (links lack truth records)."""


# Per-record flags the metric conditions are written in (computed by the statement `scored` of metrics.sql).
FLAGS: dict[str, str] = {
    "placeable": "truth placeable",
    "is_dispatched": "decision = 'dispatched'",
    "is_review": "decision = 'review'",
    "is_rejected": "decision = 'rejected'",
    "is_outside_pudong": "category = 'outside_pudong'",
    "committee_ok": "committee_code = true_committee_code (false if either is null)",
    "street_ok": "street_code = true_street_code (false if either is null)",
    "has_house": "house_id is set",
    "has_true_house": "true_house_id is set",
    "house_ok": "house_id = true_house_id (false if either is null)",
    "has_person": "person_id is set",
    "has_true_person": "true_person_id is set",
    "person_ok": "person_id = true_person_id (false if either is null)",
}


@dataclass(frozen=True)
class Metric:
    """One metric as data: SQL conditions over the per-record flags, and its meaning."""

    name: str
    label: str  # for the overall table
    short: str  # column header of the per-group tables
    numerator: str  # SQL boolean over the flags listed in the module docstring
    denominator: str
    definition: str


METRICS: tuple[Metric, ...] = (
    Metric("dispatch_rate", "dispatch rate", "dispatch",
           "placeable AND is_dispatched", "placeable",
           "placeable records dispatched to any committee, among placeable records"),
    Metric("correct_placement_rate", "placed correctly", "placed ok",
           "placeable AND is_dispatched AND committee_ok", "placeable",
           "placeable records dispatched to their true committee, among placeable records"),
    Metric("committee_precision", "committee precision", "comm prec",
           "is_dispatched AND committee_ok", "is_dispatched",
           "dispatched records whose committee is the true one, among all dispatched records, "
           "placeable or not (a non-placeable record dispatched to its true committee is right; "
           "one dispatched elsewhere or with no true committee is wrong)"),
    Metric("street_precision", "street precision", "street prec",
           "is_dispatched AND street_ok", "is_dispatched",
           "dispatched records whose street is the true one, among all dispatched records"),
    Metric("wrong_placements", "wrong placements", "wrong",
           "is_dispatched AND NOT committee_ok", "is_dispatched",
           "dispatched records whose committee is not the true one (or that have none), "
           "among dispatched records"),
    Metric("outside_pudong_dispatched", "out-of-Pudong dispatched", "outside sent",
           "is_outside_pudong AND is_dispatched", "is_outside_pudong",
           "records of category outside_pudong dispatched to a Pudong street, "
           "among outside_pudong records"),
    Metric("unplaceable_dispatched", "non-placeable dispatched", "unplaceable sent",
           "NOT placeable AND is_dispatched", "NOT placeable",
           "non-placeable records dispatched, among non-placeable records"),
    Metric("dwelling_accuracy", "dwelling accuracy", "dwell acc",
           "has_house AND has_true_house AND house_ok", "has_house AND has_true_house",
           "house_id equal to true_house_id, among records with both a house_id and a "
           "true_house_id (any decision)"),
    Metric("dwelling_recall", "dwelling recall", "dwell rec",
           "placeable AND has_true_house AND house_ok", "placeable AND has_true_house",
           "house_id equal to true_house_id, among placeable records with a true_house_id"),
    Metric("person_precision", "person precision", "pers prec",
           "has_person AND person_ok", "has_person",
           "person_id equal to true_person_id, among records with a person_id"),
    Metric("person_recall", "person recall", "pers rec",
           "has_true_person AND person_ok", "has_true_person",
           "person_id equal to true_person_id, among records with a true_person_id"),
    Metric("person_recall_identifiable", "person recall (identifiable)", "rec ident",
           "has_true_person AND identifiable AND person_ok", "has_true_person AND identifiable",
           "person_id equal to true_person_id, among records whose written identity finds "
           "the true person by a clerk's exact rule (truth person_identifiable)"),
    Metric("dispatched_share", "dispatched (all)", "sent all", "is_dispatched", "TRUE",
           "dispatched records among all records"),
    Metric("review_rate", "review (all)", "review", "is_review", "TRUE",
           "review records among all records"),
    Metric("reject_rate", "rejected (all)", "reject", "is_rejected", "TRUE",
           "rejected records among all records"),
    Metric("review_rate_placeable", "review (placeable)", "review pl",
           "placeable AND is_review", "placeable",
           "placeable records sent to review, among placeable records"),
    Metric("reject_rate_placeable", "rejected (placeable)", "reject pl",
           "placeable AND is_rejected", "placeable",
           "placeable records rejected, among placeable records"),
)
_METRIC_BY_NAME = {m.name: m for m in METRICS}


@dataclass(frozen=True)
class Rate:
    count: int
    of: int

    @property
    def rate(self) -> float | None:
        return self.count / self.of if self.of else None


@dataclass(frozen=True)
class ReasonCount:
    decision: str
    reason: str
    count: int
    placeable: int  # of which placeable: records the pipeline should have dispatched


@dataclass(frozen=True)
class GroupResult:
    kind: str  # overall | night | source | category | messiness
    name: str
    n: int
    metrics: dict[str, Rate]
    reasons: tuple[ReasonCount, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class Coverage:
    truth_records: int
    links_records: int
    matched: int
    missing_from_links: int
    extra_in_links: int
    source_mismatch: int
    missing_sample: tuple[str, ...] = ()
    extra_sample: tuple[str, ...] = ()
    source_mismatch_sample: tuple[str, ...] = ()


@dataclass(frozen=True)
class WrongPlacement:
    night: str
    record_id: str
    source: str
    category: str
    messiness: tuple[str, ...]
    true_street_code: str | None
    true_committee_code: str | None
    street_code: str | None
    committee_code: str | None
    true_house_id: str | None
    house_id: str | None


@dataclass(frozen=True)
class Evaluation:
    label: str
    nights: tuple[str, ...]
    truth_files: tuple[str, ...]
    links_files: tuple[str, ...]
    coverage: Coverage
    groups: tuple[GroupResult, ...]
    wrong_placement_sample: tuple[WrongPlacement, ...] = ()
    input_warnings: tuple[str, ...] = ()
    min_group_n: int = 30

    @property
    def overall(self) -> GroupResult:
        return self.group("overall", "all")

    def group(self, kind: str, name: str) -> GroupResult:
        for g in self.groups:
            if g.kind == kind and g.name == name:
                return g
        raise KeyError(f"no group {kind}:{name} in evaluation {self.label!r}")

    def worst_groups(self, limit: int = 10) -> list[GroupResult]:
        """Groups with the lowest dispatch rate among those with >= min_group_n placeable."""
        eligible = [g for g in self.groups if g.kind != "overall"
                    and g.metrics["dispatch_rate"].of >= max(self.min_group_n, 1)]
        eligible.sort(key=lambda g: (g.metrics["dispatch_rate"].rate, -g.n, g.key))
        return eligible[:limit]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": JSON_SCHEMA,
            "label": self.label,
            "nights": list(self.nights),
            "truth_files": list(self.truth_files),
            "links_files": list(self.links_files),
            "coverage": _coverage_to_dict(self.coverage),
            "input_warnings": list(self.input_warnings),
            "min_group_n": self.min_group_n,
            "flags": FLAGS,
            "definitions": {
                m.name: {"label": m.label, "definition": m.definition,
                         "numerator": m.numerator, "denominator": m.denominator}
                for m in METRICS
            },
            "groups": [_group_to_dict(g) for g in self.groups],
            "worst_groups": [
                {"group": g.key, "n": g.n, "placeable": g.metrics["dispatch_rate"].of,
                 "dispatched": g.metrics["dispatch_rate"].count,
                 "dispatch_rate": g.metrics["dispatch_rate"].rate}
                for g in self.worst_groups()
            ],
            "wrong_placements": {
                "count": self.overall.metrics["wrong_placements"].count,
                "sample": [_wrong_to_dict(w) for w in self.wrong_placement_sample],
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evaluation:
        if data.get("schema") != JSON_SCHEMA:
            raise StreetlinkError(f"not a streetlink evaluation (schema {data.get('schema')!r})")
        cov = data["coverage"]
        return cls(
            label=data["label"],
            nights=tuple(data["nights"]),
            truth_files=tuple(data["truth_files"]),
            links_files=tuple(data["links_files"]),
            coverage=Coverage(**{k: tuple(v) if isinstance(v, list) else v
                                 for k, v in cov.items()}),
            groups=tuple(
                GroupResult(
                    kind=g["kind"], name=g["name"], n=g["n"],
                    metrics={k: Rate(v["count"], v["of"]) for k, v in g["metrics"].items()},
                    reasons=tuple(ReasonCount(**r) for r in g["reasons"]),
                )
                for g in data["groups"]
            ),
            wrong_placement_sample=tuple(
                WrongPlacement(**{**w, "messiness": tuple(w["messiness"])})
                for w in data["wrong_placements"]["sample"]
            ),
            input_warnings=tuple(data["input_warnings"]),
            min_group_n=data["min_group_n"],
        )


def _coverage_to_dict(c: Coverage) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in c.__dict__.items()}


def _group_to_dict(g: GroupResult) -> dict[str, Any]:
    return {
        "kind": g.kind, "name": g.name, "n": g.n,
        "metrics": {k: {"count": r.count, "of": r.of, "rate": r.rate}
                    for k, r in g.metrics.items()},
        "reasons": [r.__dict__.copy() for r in g.reasons],
    }


def _wrong_to_dict(w: WrongPlacement) -> dict[str, Any]:
    return {**w.__dict__, "messiness": list(w.messiness)}


# --------------------------------------------------------------------------- input files


def _as_list(paths: Sequence[Path] | Path | str) -> list[Path]:
    if isinstance(paths, (str, Path)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def resolve_truth_files(paths: Sequence[Path] | Path) -> list[Path]:
    """Truth parquet files: files as given; a directory gives its ``*.parquet``."""
    found: list[Path] = []
    for p in _as_list(paths):
        if p.is_dir():
            inside = sorted(p.glob("*.parquet"))
            if not inside:
                raise StreetlinkError(f"{p}: no truth .parquet files in this folder")
            found.extend(inside)
        elif p.is_file():
            found.append(p)
        else:
            raise StreetlinkError(f"{p}: truth file or folder not found")
    return _unique(found, "truth")


def resolve_links_files(paths: Sequence[Path] | Path) -> list[Path]:
    """Links files: as given; ``<out>/<date>`` gives its links.parquet, ``<out>`` every night's."""
    found: list[Path] = []
    for p in _as_list(paths):
        if p.is_dir():
            inside = [p / "links.parquet"] if (p / "links.parquet").is_file() \
                else sorted(p.glob("*/links.parquet"))
            if not inside:
                raise StreetlinkError(f"{p}: no links.parquet here nor in <date>/ sub-folders")
            found.extend(inside)
        elif p.is_file():
            found.append(p)
        else:
            raise StreetlinkError(f"{p}: links file or folder not found")
    return _unique(found, "links")


def _unique(files: list[Path], side: str) -> list[Path]:
    resolved = [f.resolve() for f in files]
    if len(set(resolved)) != len(resolved):
        raise StreetlinkError(f"the same {side} file is given more than once")
    return resolved


def _night_of(path: Path) -> str | None:
    """The night a file belongs to: truth ``<date>.parquet``, links ``<date>/links.parquet``."""
    for part in (path.stem, path.parent.name):
        if _DATE.fullmatch(part):
            return part
    return None


# --------------------------------------------------------------------------- SQL builders


_LINKS_USED = ("record_id", "source", "decision", "street_code", "committee_code", "house_id",
               "person_id", "reason")
# The screening columns of the truth are not scored here (and older truth files lack them).
_TRUTH_USED = tuple(c for c in TRUTH.column_names if c not in TRUTH_LATER_COLUMNS)
_TRUTH_BEFORE_SCREENING = replace(
    TRUTH, columns=tuple(c for c in TRUTH.columns if c.name not in TRUTH_LATER_COLUMNS))


_SQL = "streetlink.evaluate"


def _casts(contract: Contract, columns: Sequence[str]) -> str:
    """The SELECT list that casts a side's columns to the contract's types."""
    return ", ".join(f'CAST(r."{c}" AS {contract.column(c).dtype}) AS "{c}"' for c in columns)


def _flag_columns() -> str:
    return sql.render(_SQL, "flag_columns")


def _metric_columns(metrics: Sequence[Metric], named: bool) -> str:
    return ",\n    ".join(
        f"count(*) FILTER (WHERE {m.numerator})" + (f' AS "{m.name}__count"' if named else "") + ", "
        f"count(*) FILTER (WHERE {m.denominator})" + (f' AS "{m.name}__of"' if named else "")
        for m in metrics)


_BY_NIGHT = "UNION ALL\nSELECT 'night', s.night, s.* FROM scored AS s"


# --------------------------------------------------------------------------- evaluate


def evaluate(
    truth_paths: Sequence[Path],
    links_paths: Sequence[Path],
    label: str = "streetlink",
    *,
    engine: EngineConfig | None = None,
    sample_size: int = 50,
    min_group_n: int = 30,
) -> Evaluation:
    """Score links against truth; raise CoverageError if links lack any truth record."""
    truth_files = resolve_truth_files(truth_paths)
    links_files = resolve_links_files(links_paths)
    nights = {f: _night_of(f) for f in truth_files + links_files}
    by_night = all(nights.values())
    if not by_night:
        log.info("some input file names carry no date: matching on record_id alone")

    con = connect(engine=engine)
    try:
        sql.run(con, _SQL, "create_input_files")
        con.executemany(sql.render(_SQL, "insert_input_file"), [
            (side, str(f), nights[f] if by_night else "")
            for side, files in (("truth", truth_files), ("links", links_files)) for f in files
        ])
        warnings = _check_inputs(con, TRUTH, truth_files) + _check_inputs(con, LINKS, links_files)
        for side, contract, files in (("truth", TRUTH, truth_files), ("links", LINKS, links_files)):
            columns = _TRUTH_USED if side == "truth" else _LINKS_USED
            sql.run(con, _SQL, "load_side", {"files": [str(f) for f in files], "side": side},
                    side=side, casts=_casts(contract, columns))
            _refuse_duplicates(con, side)

        coverage = _coverage(con, by_night)
        _log_coverage(coverage, label)
        if coverage.missing_from_links:
            raise CoverageError(
                f"links lack {coverage.missing_from_links} of {coverage.truth_records} truth "
                f"records (e.g. {', '.join(coverage.missing_sample[:5])}): every truth record "
                "must have a links row; pass the links of the same nights as the truth"
            )

        sql.run(con, _SQL, "scored", flag_columns=_flag_columns())
        several_nights = by_night and len(set(nights.values())) > 1
        sql.run(con, _SQL, "membership", clean=CLEAN, by_night=_BY_NIGHT if several_nights else "")
        groups = _groups(con)
        sample = _wrong_sample(con, sample_size)
    finally:
        con.close()

    evaluation = Evaluation(
        label=label,
        nights=tuple(sorted({n for n in nights.values() if n})) if by_night else (),
        truth_files=tuple(str(f) for f in truth_files),
        links_files=tuple(str(f) for f in links_files),
        coverage=coverage,
        groups=groups,
        wrong_placement_sample=sample,
        input_warnings=tuple(warnings),
        min_group_n=min_group_n,
    )
    o = evaluation.overall.metrics
    log.info("%s: %d records, dispatch rate %s, placed correctly %s, wrong placements %d, "
             "out-of-Pudong dispatched %d", label, evaluation.overall.n,
             _pct(o["dispatch_rate"].rate), _pct(o["correct_placement_rate"].rate),
             o["wrong_placements"].count, o["outside_pudong_dispatched"].count)
    return evaluation


def score_tables(con: duckdb.DuckDBPyConnection, links: str, truth: str,
                 group_by: str | None = None) -> dict[Any, dict[str, Rate]]:
    """The METRICS of a links-shaped table against a truth-shaped table on `con`, matched
    on record_id: overall (key None), or per value of the links column `group_by` (e.g.
    the decide rule). For the training flow and its threshold search, so that thresholds
    are chosen by exactly the measures `streetlink evaluate` reports."""
    group = f"l.{sql.identifier(group_by)}" if group_by else "NULL"
    rows = sql.run(con, _SQL, "score_tables", truth=truth, links=links, grp=group,
                   flag_columns=_flag_columns(), metric_columns=_metric_columns(METRICS, named=False)).fetchall()
    out: dict[Any, dict[str, Rate]] = {}
    for row in rows:
        values = row[1:]
        out[row[0]] = {m.name: Rate(values[2 * i], values[2 * i + 1]) for i, m in enumerate(METRICS)}
    return out


def _check_inputs(con: duckdb.DuckDBPyConnection, contract: Contract,
                  files: Sequence[Path]) -> list[str]:
    """Missing columns fail; other contract breaks are kept as warnings (they are still scored)."""
    missing: list[str] = []
    warnings: list[str] = []
    for f in files:
        source = f"read_parquet({sql.literal(f)})"
        present = {row[0] for row in sql.run(con, _SQL, "describe_file", path=f).fetchall()}
        checked = contract
        if contract is TRUTH and not set(TRUTH_LATER_COLUMNS) <= present:
            checked = _TRUTH_BEFORE_SCREENING  # a truth file of generator 1.2 or older
        absent = [c for c in checked.column_names if c not in present]
        if absent:
            missing.append(f"{f}: missing column(s) {', '.join(absent)}")
            continue
        try:
            warnings += [f"{f}: {v}" for v in check_table(con, source, checked)]
        except KeyError:
            # check_table's message for allowed values has unescaped braces (schema.py):
            # its only failure mode, so say what it found rather than crash the evaluation.
            warnings.append(f"{f}: a column has value(s) outside its allowed list "
                            "(check incomplete)")
    if missing:
        raise ContractViolation(contract.name, missing)
    for w in warnings:
        log.warning("%s input: %s", contract.name, w)
    return warnings


def _refuse_duplicates(con: duckdb.DuckDBPyConnection, side: str) -> None:
    dups = sql.run(con, _SQL, "repeated_records", side=side).fetchall()
    if dups:
        shown = ", ".join(_ref(night, rid) for night, rid, _ in dups)
        raise StreetlinkError(
            f"{side}: record_id repeated within a night (e.g. {shown}); each record must appear "
            "once (files of several nights must be named by date to be told apart)"
        )


def _ref(night: str, record_id: str) -> str:
    return f"{night}/{record_id}" if night else record_id


def _coverage(con: duckdb.DuckDBPyConnection, by_night: bool) -> Coverage:
    counts = sql.run(con, _SQL, "coverage").fetchone()

    def sample(condition: str) -> tuple[str, ...]:
        rows = sql.run(con, _SQL, "coverage_sample", {"limit": _COVERAGE_SAMPLE}, condition=condition).fetchall()
        return tuple(_ref(night if by_night else "", rid) for night, rid in rows)

    return Coverage(
        *counts,
        missing_sample=sample("l.record_id IS NULL"),
        extra_sample=sample("t.record_id IS NULL"),
        source_mismatch_sample=sample("t.source <> l.source"),
    )


def _log_coverage(c: Coverage, label: str) -> None:
    if c.extra_in_links:
        log.warning("%s: %d links rows have no truth record and are not scored (e.g. %s)",
                    label, c.extra_in_links, ", ".join(c.extra_sample[:5]))
    if c.source_mismatch:
        log.warning("%s: %d records have a different source in links and truth (e.g. %s)",
                    label, c.source_mismatch, ", ".join(c.source_mismatch_sample[:5]))


def _groups(con: duckdb.DuckDBPyConnection) -> tuple[GroupResult, ...]:
    reasons: dict[tuple[str, str], list[ReasonCount]] = {}
    for kind, name, decision, reason, n, n_placeable in sql.run(con, _SQL, "reasons").fetchall():
        reasons.setdefault((kind, name), []).append(ReasonCount(decision, reason, n, n_placeable))

    cursor = sql.run(con, _SQL, "group_metrics", metric_columns=_metric_columns(METRICS, named=True))
    names = [d[0] for d in cursor.description]
    groups = []
    for row in cursor.fetchall():
        values = dict(zip(names, row))
        groups.append(GroupResult(
            kind=values["kind"], name=values["name"], n=values["n"],
            metrics={m.name: Rate(values[f"{m.name}__count"], values[f"{m.name}__of"])
                     for m in METRICS},
            reasons=tuple(reasons.get((values["kind"], values["name"]), ())),
        ))
    if not any(g.kind == "overall" for g in groups):  # no matched record at all
        groups.append(GroupResult("overall", "all", 0, {m.name: Rate(0, 0) for m in METRICS}))
    return tuple(sorted(groups, key=_group_order))


def _group_order(g: GroupResult) -> tuple[int, int, str]:
    known = {"source": SOURCE_NAMES, "category": CATEGORIES, "messiness": (CLEAN,)}.get(g.kind, ())
    rank = known.index(g.name) if g.name in known else len(known)
    return _KIND_ORDER.index(g.kind), rank, g.name


def _wrong_sample(con: duckdb.DuckDBPyConnection, limit: int) -> tuple[WrongPlacement, ...]:
    rows = sql.run(con, _SQL, "wrong_sample", {"limit": limit}).fetchall()
    return tuple(WrongPlacement(*row[:4], tuple(row[4]), *row[5:]) for row in rows)


# --------------------------------------------------------------------------- text output


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.2f}%"


def _rate_cell(r: Rate) -> str:
    return f"{_pct(r.rate)} ({r.count:,}/{r.of:,})"


def _render(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]

    def line(cells: Sequence[str]) -> str:
        first = str(cells[0]).ljust(widths[0])
        rest = [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return "  ".join([first, *rest]).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


_PLACEMENT_COLUMNS = ("dispatch_rate", "correct_placement_rate", "committee_precision",
                      "street_precision", "wrong_placements", "outside_pudong_dispatched")
_LINK_COLUMNS = ("dwelling_accuracy", "dwelling_recall", "person_precision", "person_recall",
                 "person_recall_identifiable",
                 "review_rate", "reject_rate", "review_rate_placeable", "reject_rate_placeable")
_COMPARED_BY_GROUP = ("dispatch_rate", "correct_placement_rate", "committee_precision",
                      "wrong_placements")
_WRONG_SHOWN = 5


def _alarms(e: Evaluation) -> list[str]:
    """The lines nobody may miss: out-of-district and wrong placements, coverage, contracts."""
    o = e.overall.metrics
    out, wrong, c = o["outside_pudong_dispatched"], o["wrong_placements"], e.coverage
    lines = [
        f"{'!!' if out.count else 'ok'} out-of-Pudong records dispatched to a Pudong street: "
        f"{out.count:,} of {out.of:,} ({_pct(out.rate)})",
        f"{'!!' if wrong.count else 'ok'} wrong placements (dispatched to a wrong or no true "
        f"committee): {wrong.count:,} of {wrong.of:,} dispatched ({_pct(wrong.rate)})",
    ]
    if c.extra_in_links or c.source_mismatch:
        lines.append(f"!! coverage: {c.extra_in_links:,} links rows without truth (not scored; "
                     f"e.g. {', '.join(c.extra_sample[:3]) or '-'}), {c.source_mismatch:,} "
                     "source mismatches")
    if e.input_warnings:
        lines.append(f"!! {len(e.input_warnings)} input contract warning(s), first: "
                     f"{e.input_warnings[0]}")
    return lines


def format_table(evaluation: Evaluation) -> str:
    """The on-screen report of one evaluation, plain text (ASCII for ASCII inputs)."""
    e, c, o = evaluation, evaluation.coverage, evaluation.overall.metrics
    out = [
        f"Evaluation '{e.label}': nights {', '.join(e.nights) or '(undated)'}; "
        f"{e.overall.n:,} records scored (truth {c.truth_records:,}, links "
        f"{c.links_records:,}, missing from links {c.missing_from_links:,}, extra in links "
        f"{c.extra_in_links:,})",
        *_alarms(e),
        "",
        "Overall",
        *_render(("metric", "rate", "count", "of"),
                 [(m.label, _pct(o[m.name].rate), f"{o[m.name].count:,}", f"{o[m.name].of:,}")
                  for m in METRICS]),
    ]
    for title, keys in (("Placement by group", _PLACEMENT_COLUMNS),
                        ("Links and decisions by group", _LINK_COLUMNS)):
        out += ["", title, *_render(
            ("group", "n", "placeable", *(_METRIC_BY_NAME[k].short for k in keys)),
            [(g.key, f"{g.n:,}", f"{g.metrics['dispatch_rate'].of:,}",
              *(_pct(g.metrics[k].rate) for k in keys)) for g in e.groups],
        )]

    reasons = e.overall.reasons
    out += ["", "Reasons for review / rejected (overall)", *(_render(
        ("decision", "reason", "count", "of which placeable"),
        [(r.decision, r.reason, f"{r.count:,}", f"{r.placeable:,}") for r in reasons],
    ) if reasons else ["(none)"])]

    worst = e.worst_groups()
    out += ["", f"Worst groups by dispatch rate (placeable >= {e.min_group_n})", *(_render(
        ("group", "placeable", "dispatched", "dispatch rate"),
        [(g.key, f"{g.metrics['dispatch_rate'].of:,}", f"{g.metrics['dispatch_rate'].count:,}",
          _pct(g.metrics["dispatch_rate"].rate)) for g in worst],
    ) if worst else ["(no group large enough)"])]

    shown = e.wrong_placement_sample[:_WRONG_SHOWN]
    if shown:
        out += ["", f"Wrong placements (first {len(shown)} of the sample; all in the JSON)",
                *_render(("record", "category", "true committee", "dispatched to"),
                         [(_ref(w.night, w.record_id), w.category, w.true_committee_code or "-",
                           w.committee_code or "-") for w in shown])]
    return "\n".join(out) + "\n"


def compare(evaluations: Sequence[Evaluation]) -> str:
    """Side-by-side text of several evaluations (e.g. baseline "before", streetlink "after")."""
    if not evaluations:
        raise ValueError("compare() needs at least one evaluation")
    labels = [e.label for e in evaluations]
    delta = len(evaluations) == 2
    out = ["Comparison: " + " vs ".join(f"'{e.label}' ({e.overall.n:,} records)"
                                        for e in evaluations)]
    rows = []
    for m in METRICS:
        rates = [e.overall.metrics[m.name] for e in evaluations]
        change = [_delta(rates[0].rate, rates[1].rate)] if delta else []
        rows.append((m.label, *(_rate_cell(r) for r in rates), *change))
    out += _render(("metric", *labels, *(["change"] if delta else [])), rows)

    keys: dict[tuple[str, str], None] = {}
    for e in evaluations:
        keys.update(((g.kind, g.name), None) for g in e.groups)
    rows = []
    for kind, name in keys:
        found = [next((g for g in e.groups if (g.kind, g.name) == (kind, name)), None)
                 for e in evaluations]
        n = next(g.n for g in found if g is not None)
        rows.append((f"{kind}:{name}", f"{n:,}", *(
            " / ".join(_pct(g.metrics[k].rate) if g else "-" for g in found)
            for k in _COMPARED_BY_GROUP)))
    out += ["", "By group (each cell: " + " / ".join(labels) + ")", *_render(
        ("group", "n", *(_METRIC_BY_NAME[k].short for k in _COMPARED_BY_GROUP)), rows)]
    return "\n".join(out) + "\n"


def _delta(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return "n/a"
    return f"{100 * (after - before):+.2f} pp"


# --------------------------------------------------------------------------- JSON


def write_json(evaluation: Evaluation | Sequence[Evaluation], path: Path) -> Path:
    """One evaluation → its object; several → {"schema", "evaluations": [...]}."""
    path = Path(path)
    if isinstance(evaluation, Evaluation):
        data: dict[str, Any] = evaluation.to_dict()
    else:
        data = {"schema": JSON_SCHEMA, "evaluations": [e.to_dict() for e in evaluation]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log.info("evaluation written to %s", path)
    return path


def read_json(path: Path) -> list[Evaluation]:
    """The evaluations in a file written by write_json (one or several)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    items = data["evaluations"] if "evaluations" in data else [data]
    return [Evaluation.from_dict(d) for d in items]


def wilson_interval(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float] | None:
    """The Wilson score interval of k successes in n trials (None when n = 0)."""
    if n <= 0:
        return None
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return (centre - half) / denominator, (centre + half) / denominator
