"""The decision thresholds: what each one means, its default, its search grid, and the file.

Every number the decide stage compares against lives here as a declared threshold and,
once trained, in ``linkage_models/decision.json`` — none in the SQL. A threshold is
either a *number* (bound as ``$name`` in the rules' SQL; ``None`` switches its clause
off) or a *choice* between named behaviours (rendered into the rules' SQL as the
fragment the choice names). The training flow's search (``streetlink.decide.search``)
moves them over their grids; ``decision.json`` records the values, why, the search
trace and the model versions they were chosen with.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streetlink.errors import ModelError

__all__ = [
    "DECISION_FILE",
    "THRESHOLDS",
    "Threshold",
    "choice_fragment",
    "default_thresholds",
    "load_decision",
    "load_thresholds",
    "save_decision",
    "validate_thresholds",
]

DECISION_FILE = "decision.json"
FORMAT_VERSION = 2


@dataclass(frozen=True)
class Threshold:
    name: str
    default: Any
    description: str
    grid: tuple[Any, ...] = ()  # values the search tries, loosest first
    # a choice: value name -> SQL fragment (over the evidence columns) it stands for
    choices: dict[str, str] = field(default_factory=dict)
    objective: str = "dispatch_rate"  # what loosening it buys (search)
    # what may choose it: 'truth' (synthetic ground truth or labels) or 'labels' only (the
    # streets' replies: a standing decision keeps it at its default until replies measure it)
    learned_from: str = "truth"

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)


_T = Threshold
THRESHOLDS: dict[str, Threshold] = {t.name: t for t in (
    # -- turning pair weights into per-record posteriors (see streetlink/link/__init__.py)
    _T("address_no_match_odds", 0.1,
       "prior odds that a record's address has no dwelling in the registry at all",
       (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)),
    _T("person_no_match_odds", 0.3,
       "prior odds that a record's identity has no person in the registry at all",
       (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0), objective="person_recall"),
    # -- links
    _T("person_min", 0.95, "a person is linked when P(person) is at least this",
       (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999), objective="person_recall"),
    _T("dwelling_min", 0.80, "a dispatched record names its dwelling when P(dwelling) is at least this",
       (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99), objective="dwelling_recall"),
    # A caller named only in part (surname and title, or the first part of a name), from a
    # phone the registry gives to a household in which exactly one holder fits (decide.sql,
    # phone_household): registry evidence the pair score of a bare surname undersells.
    # Measured 2026-12-02 on the first nights of 24 evaluation worlds (both generators):
    # through the phone itself 154 links P(person) alone did not make, none wrong (23 on
    # streetlink's 19 worlds, 131 on the 5 independent ones); through a phone one digit off
    # (seven worlds) 16, one of them wrong (a caller the registry does not hold, whose phone
    # happened to be one digit from a namesake's; likelier the larger the registry): off.
    _T("household_phone_person", "phone",
       "a caller known by surname and title (王先生), or by the first part of a name the registry writes "
       "whole (亚森 for 亚森卡德尔), is linked to the one registry person who fits among the holders of the "
       "caller's phone ('phone'; by surname and title only, also among those whose phone is one digit off "
       "when nobody holds it: 'phone_or_one_digit'), when that person is the best person candidate, "
       "whatever P(person) says; 'off': P(person) alone",
       ("phone_or_one_digit", "phone", "off"),
       choices={"phone_or_one_digit": "(person_by_household OR person_by_near_phone)",
                "phone": "person_by_household", "off": "false"}, objective="person_recall"),
    # -- the address alone
    _T("committee_min", 0.95, "the address alone places the committee when P(committee) is at least this",
       (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)),
    _T("top_majority", 0.5,
       "for the margin rule the best dwelling must be at least this likely (more than all others together)",
       ()),
    _T("address_margin_bits", None,
       "log2 of how much likelier the best dwelling must be than the second to place its committee although "
       "P(committee) < committee_min (a lane split between committees); None: never",
       (6, 7, 8, 9, 10, 12, None)),
    _T("ambiguity_min", 0.05,
       "a second committee at least this likely makes an unplaced address ambiguous rather than low-confidence",
       ()),
    _T("road_elsewhere_distance", 1,
       "a road none of Pudong's that meets its dwelling only on a road more than this many characters away "
       "is another district's road", ()),
    # -- address and person together
    _T("committee_supported_min", 0.30,
       "a certain person's registered committee is placed when the address gives it at least this",
       (0.1, 0.2, 0.3, 0.5, 0.7, 0.9)),
    _T("home_fit_bits", 1.0,
       "the registered dwelling fits the address when its address weight is within this of the best candidate's",
       (12, 8, 5, 3, 2, 1, 0)),
    _T("exact_address_single", "off",
       "a record whose standardised address only one dwelling of the registry agrees with (every part it "
       "gives, door and room included) goes there although the pair scores leave it below committee_min",
       ("on", "off"),
       choices={"on": "true", "off": "false"}),
    # A place split between streets, named without a door: does the record's street pick
    # the committee? Streetlink's generator says yes, the independent one says no (a matter
    # at 巨峰家苑门口 may lie in either part: 3 of m1's 8 wrong committees). Precision first:
    # never, until the streets' replies measure it (``streetlink train --labels``).
    _T("place_part_by_street", "never",
       "a place (community, lane, village) split between streets, named without a door, goes to its one "
       "committee in the record's street (written in the address or the source's street field); "
       "'never': to review",
       ("street", "never"),
       choices={"street": "true", "never": "false"}, learned_from="labels"),
    # -- the registered home alone (vague addresses)
    _T("person_home_min", 0.99, "P(person) needed before a vague address goes to the registered home",
       (0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)),
    # Standing decision: a record whose only place evidence is the registered home goes to
    # review with that home suggested, until the streets' replies measure how often such
    # homes are stale (``streetlink train --labels``); synthetic truth never loosens it.
    _T("person_home_evidence", "off",
       "what a vague address must share with the certain person's registered home before the record is "
       "dispatched there ('off': never, review with the home suggested)",
       ("none", "street", "road", "off"),
       choices={
           "none": "true",  # only not contradict it
           "street": "home_agreement >= 1",  # the street/town, or a road running through it
           "road": "home_agreement >= 2",  # the road, community or village
           "off": "false",  # never: the record goes to review with the home suggested
       }, learned_from="labels"),
    _T("hotline_place_via_caller", "never",
       "a hotline place in several committees goes to the caller's registered one",
       ("always", "single_in_home_street", "never"),
       choices={
           "always": "true",
           # a community name repeated in other towns, not one community split in two
           "single_in_home_street": "place_single_in_home_street",
           "never": "false",
       }),
)}

# decision.json format 1 stored choices as floats; their meaning, for reading old files
_LEGACY_CHOICES = {
    "person_home_evidence": {0: "none", 1: "street", 2: "road"},
    "hotline_place_via_caller": {0: "never", 1: "single_in_home_street", 2: "always"},
}


def default_thresholds() -> dict[str, Any]:
    return {name: t.default for name, t in THRESHOLDS.items()}


def validate_thresholds(values: dict[str, Any], where: str = "thresholds") -> dict[str, Any]:
    """A complete, checked set: unknown names and values outside a choice's list fail."""
    unknown = sorted(set(values) - set(THRESHOLDS))
    if unknown:
        raise ModelError(f"{where}: unknown thresholds {unknown}")
    out = default_thresholds()
    for name, value in values.items():
        t = THRESHOLDS[name]
        if t.is_choice:
            if value not in t.choices:
                raise ModelError(f"{where}: {name} = {value!r}, expected one of {sorted(t.choices)}")
        elif value is not None and not isinstance(value, (int, float)):
            raise ModelError(f"{where}: {name} = {value!r} is not a number")
        out[name] = value
    return out


def choice_fragment(name: str, value: str) -> str:
    return THRESHOLDS[name].choices[value]


def _canonical(payload: dict[str, Any]) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def save_decision(models_dir: Path, payload: dict[str, Any]) -> Path:
    """Write decision.json (canonical bytes: the same choice gives the same file and hash)."""
    payload = {**payload, "format_version": FORMAT_VERSION,
               "thresholds": validate_thresholds(payload.get("thresholds", {}))}
    path = Path(models_dir) / DECISION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_canonical(payload))
    return path


def load_decision(models_dir: Path) -> dict[str, Any]:
    """decision.json as stored, with its thresholds completed and checked, and its sha256."""
    path = Path(models_dir) / DECISION_FILE
    if not path.is_file():
        raise ModelError(f"decision thresholds missing: {path} (train with `streetlink train`)")
    data = path.read_bytes()
    try:
        body = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path} is not valid JSON: {exc}") from None
    values = dict(body.get("thresholds", {}))
    if body.get("format_version", 1) == 1:
        for name, meaning in _LEGACY_CHOICES.items():
            if name in values:
                values[name] = meaning[int(values[name])]
        if values.get("address_margin_bits", 0) >= 1000:
            values["address_margin_bits"] = None
    body["thresholds"] = validate_thresholds(values, where=str(path))
    body["sha256"] = hashlib.sha256(data).hexdigest()
    if body.get("address_model") or body.get("person_model"):
        from streetlink.link.models import check_model_set

        check_model_set(Path(models_dir))  # thresholds chosen for other model versions are refused
    return body


def load_thresholds(models_dir: Path) -> dict[str, Any]:
    return load_decision(models_dir)["thresholds"]
