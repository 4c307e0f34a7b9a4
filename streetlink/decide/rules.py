"""The decision rules: an ordered list, each a name, a condition, an outcome and its thresholds.

The first rule whose condition holds decides a record; its name is carried into
``decisions.rule`` (and from there into packets, the ledger, per-rule precision in the
model card and the report, and per-rule accuracy measured from the streets' replies).
Conditions are SQL over the per-record evidence columns built by ``decide.sql``
(statement ``evidence``; each column is documented there). Numbers are bound thresholds
(``$committee_min``); named choices are written ``{person_home_evidence}`` and rendered
as the fragment the chosen value stands for (``thresholds.THRESHOLDS``).

``render_rules`` turns the list into the SQL the ``decisions`` statement inserts:
the CASE that names the rule, and the CASE that gives the dispatched committee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from streetlink.decide.thresholds import THRESHOLDS, choice_fragment

__all__ = ["RULES", "Rule", "render_rules", "rule_names"]


@dataclass(frozen=True)
class Rule:
    name: str
    decision: str  # dispatched | review | rejected
    condition: str  # SQL over the evidence columns
    description: str
    reason: str | None = None  # review/rejected reason code (None: the staged reject reason)
    committee: str | None = None  # evidence column holding the committee (dispatched)
    # which dwelling a dispatch names: 'address' (the committee's best dwelling when
    # P >= dwelling_min), 'home' (the person's registered one), 'exact' (the one dwelling
    # whose registry address the record's is), None (committee level)
    dwelling: str | None = None
    # what the packet says it went by: 'address' (dwelling, building or village, from what
    # was found), 'place' (community or village named), 'committee' (named), 'home'
    basis: str | None = None

    @property
    def thresholds(self) -> tuple[str, ...]:
        """The thresholds the condition reads, in order of appearance."""
        names = re.findall(r"\$([a-z_]+)|\{([a-z_]+)\}", self.condition)
        seen: list[str] = []
        for number, choice in names:
            name = number or choice
            if name not in seen:
                seen.append(name)
        return tuple(seen)


# A certain person: P(person) high enough, or the registry's household phone naming a
# caller the record names only in part (decide.sql, ``person_by_household``) as far as
# household_phone_person allows.
PERSON_CERTAIN = "(p_person >= $person_min OR {household_phone_person})"

R = Rule
RULES: tuple[Rule, ...] = (
    R("staged_rejected", "rejected", "reject_reason IS NOT NULL",
      "staging could not read the record (bad time, bad JSON line …): its reason"),
    R("outside_pudong", "review", "addr_scope = 'outside'",
      "the place is outside Pudong: never dispatched to a Pudong street", reason="outside_pudong"),
    R("no_address_no_identity", "rejected", "NOT has_address_text AND NOT has_identity AND NOT bad_id",
      "no address and no name, ID or phone", reason="no_address_no_identity"),
    R("unparseable_id_only", "rejected",
      "NOT has_address_text AND bad_id AND name_kind = 'none' AND phone_kind NOT IN ('mobile', 'landline')",
      "no address, and the only identity is an ID that is not one", reason="unparseable_id"),
    # Before the address alone: when the certain person's registered dwelling is itself a
    # reading of the address (among its candidates, nearly as likely as the best), the two
    # pieces of evidence agree, and look-alikes elsewhere (an estate of the same name in
    # another town, the phase left out) are told apart by who lives there.
    R("registered_home_fits_address", "dispatched",
      f"{PERSON_CERTAIN} AND home_fits_address",
      "the certain person's registered dwelling is one of the address's best readings",
      committee="person_committee", dwelling="home", basis="address"),
    R("address_alone", "dispatched",
      "(p_committee >= $committee_min OR top_clear) AND NOT road_elsewhere AND NOT door_elsewhere "
      "AND NOT estate_reading_elsewhere",
      "the address alone places the committee (a certain person registered elsewhere has moved: the "
      "address is the newer evidence), unless that committee lacks the door the record names and "
      "another candidate's has it, or the lane it gives is also the name of an estate that holds the "
      "door elsewhere (浦三路628弄: the estate's 630弄2号504)",
      committee="a_committee", dwelling="address", basis="address"),
    R("address_and_person", "dispatched",
      f"{PERSON_CERTAIN} AND p_home_committee >= $committee_supported_min",
      "the certain person's registered committee is well supported by the address (its best dwelling "
      "there is named)", committee="person_committee", dwelling="address", basis="address"),
    # What the pair scores leave below committee_min although the registry settles it: of
    # Pudong's dwellings (in the record's street when it names one) exactly one agrees with
    # every part the standardised address gives, door and room included (decide.sql,
    # `exact`). The search turns it on only where the worst world keeps its precision.
    R("address_exact_single", "dispatched",
      "exact_committee IS NOT NULL AND NOT estate_reading_elsewhere AND {exact_address_single}",
      "exactly one dwelling of the registry agrees with every part of the standardised address, door "
      "and room included (a part it leaves out may be anything), and no estate named like its lane "
      "holds that door elsewhere",
      committee="exact_committee", dwelling="exact", basis="address"),
    R("road_elsewhere", "review", "road_elsewhere",
      "a road Pudong does not have, nothing saying Pudong, met only through lane/number/room on an "
      "unrelated road: another district's address written without the district",
      reason="address_unresolved"),
    R("place_nearby", "review", "a_committee IS NULL AND place_n >= 1 AND NOT names_door AND near_place",
      "the address puts the record beside a community or village, not in it (附近, 旁边, 对面): which "
      "committee the spot lies in is not said", reason="place_nearby"),
    # A door the place does not have (no dwelling of it has that number) says the place
    # was misread or misremembered — an estate named without its phase, a wrong number:
    # a committee with no dwelling of that number is never the answer.
    # A place split between streets (巨峰家苑, part in 金杨, part in 金桥) has one committee
    # in each: the record's street picks one only as far as the street is right, and a
    # matter at the gate or in the grounds (巨峰家苑门口) may lie in either part.
    R("place_single_committee", "dispatched",
      "a_committee IS NULL AND place_n = 1 AND NOT names_door "
      "AND (place_n_district = 1 OR {place_part_by_street})",
      "the address names only a community, lane or village lying in one committee (of the record's "
      "street when it names one, if place_part_by_street allows), and no door in it",
      committee="place_committee", basis="place"),
    R("place_and_person", "dispatched",
      "a_committee IS NULL AND place_n > 1 AND NOT names_door AND " + PERSON_CERTAIN + " "
      "AND (source <> 'hotline' OR {hotline_place_via_caller}) "
      "AND list_contains(place_committees, person_committee)",
      "a place in several committees, one of them the certain person's registered committee",
      committee="person_committee", basis="place"),
    R("committee_named", "dispatched",
      "a_committee IS NULL AND place_n IS NULL AND committee_code_text IS NOT NULL "
      "AND (record_street IS NULL OR record_street = substr(committee_code_text, 1, 9))",
      "the address names the committee itself (齐河第二居委)", committee="committee_code_text",
      basis="committee"),
    R("person_registered_home", "dispatched",
      "a_committee IS NULL AND place_n IS NULL AND addr_precision IN ('none', 'street', 'road') "
      "AND p_person >= $person_home_min AND person_committee IS NOT NULL AND NOT home_contradicted "
      "AND {person_home_evidence}",
      "a vague address, a certain person, nothing contradicting the registered home and enough shared "
      "with it: the registered home", committee="person_committee", dwelling="home", basis="home"),
    R("conflicting_evidence", "review",
      "p_committee >= $committee_supported_min AND " + PERSON_CERTAIN + " "
      "AND person_committee IS DISTINCT FROM a_committee",
      "a likely address and a certain person point to different committees", reason="conflicting_evidence"),
    R("address_ambiguous", "review", "a_committee IS NOT NULL AND p_committee_2 >= $ambiguity_min",
      "address candidates in several committees", reason="address_ambiguous"),
    R("place_ambiguous", "review", "a_committee IS NULL AND (place_n > 1 OR place_n_district > 1)",
      "the place named lies in several committees", reason="address_ambiguous"),
    R("vague_address", "review", "a_committee IS NULL AND addr_precision IN ('none', 'street', 'road')",
      "nothing to place by (the registered home, if any, is the first candidate)", reason="vague_address"),
    R("address_unresolved", "review", "a_committee IS NULL",
      "an address that finds no dwelling and no place", reason="address_unresolved"),
    R("low_confidence", "review", "true",
      "candidates, none likely enough", reason="low_confidence"),
)


def rule_names() -> tuple[str, ...]:
    return tuple(r.name for r in RULES)


def render_rules(values: dict[str, Any], rules: tuple[Rule, ...] = RULES) -> dict[str, str]:
    """SQL fragments for the decisions statement, with the chosen named behaviours filled in.

    ``rule_case``: the name of the first rule that holds; ``rule_committee``: the committee a
    dispatching rule gives (over a column ``rule``); ``rule_decision`` / ``rule_reason``:
    the rule's outcome; ``person_linked``: whether the record's best person is linked
    (``PERSON_CERTAIN``, the same test the rules use).
    """
    unknown = sorted({t for r in rules for t in r.thresholds} - set(THRESHOLDS))
    if unknown:
        raise ValueError(f"rules read undeclared thresholds: {unknown}")
    if rules[-1].condition != "true":
        raise ValueError("the last rule must catch everything (condition 'true')")

    def condition(rule: Rule) -> str:
        def fill(m: re.Match[str]) -> str:
            return "(" + choice_fragment(m.group(1), values[m.group(1)]) + ")"
        return re.sub(r"\{([a-z_]+)\}", fill, rule.condition)

    def quoted(text: str | None) -> str:
        return "NULL" if text is None else "'" + text.replace("'", "''") + "'"

    person_linked = condition(Rule("person_linked", "review", PERSON_CERTAIN, ""))
    case = "CASE\n" + "\n".join(f"    WHEN coalesce({condition(r)}, false) THEN {quoted(r.name)}"
                                for r in rules[:-1])
    case += f"\n    ELSE {quoted(rules[-1].name)}\nEND"
    dispatching = [r for r in rules if r.decision == "dispatched"]
    committee = "CASE rule " + " ".join(f"WHEN {quoted(r.name)} THEN {r.committee}" for r in dispatching) + " END"
    decision = "CASE rule " + " ".join(f"WHEN {quoted(r.name)} THEN {quoted(r.decision)}" for r in rules) + " END"
    reason = ("CASE rule " + " ".join(f"WHEN {quoted(r.name)} THEN {quoted(r.reason)}"
                                      for r in rules if r.reason) + " WHEN 'staged_rejected' THEN reject_reason END")
    dwelling = ("CASE rule " + " ".join(f"WHEN {quoted(r.name)} THEN {quoted(r.dwelling)}"
                                        for r in dispatching if r.dwelling) + " END")
    basis = ("CASE rule " + " ".join(f"WHEN {quoted(r.name)} THEN {quoted(r.basis)}"
                                     for r in dispatching) + " END")
    return {"rule_case": case, "rule_committee": committee, "rule_decision": decision,
            "rule_reason": reason, "rule_dwelling": dwelling, "rule_basis": basis,
            "person_linked": person_linked}


def used_parameters(sql_text: str, values: dict[str, Any]) -> dict[str, Any]:
    """The numeric thresholds a rendered statement binds (DuckDB refuses unused parameters)."""
    names = set(re.findall(r"\$([a-z_]+)", sql_text))
    return {k: values[k] for k in names}
