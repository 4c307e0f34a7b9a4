"""What a rule change would do: replay a changed rule file on a published night.

``diff_rules(<out>/<date>, NEW)`` reads what the night kept (internal/screen_input.parquet
and the rule and key-area files in force, internal/screening_rules/), applies both the
rules in force and NEW to it in an in-memory database, and compares: priorities of
records and dispatched records, emergency orders, counts per rule, and the cases whose
priority, rules or deadline would change. It writes nothing. As a check, the replay of the
rules in force is compared with the published cases.parquet (they differ only if the
code changed since that night).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from streetlink import sql
from streetlink.contracts.screen import PRIORITY_VALUES
from streetlink.errors import StreetlinkError
from streetlink.screen.evaluate import PACKAGE, evaluate_base
from streetlink.screen.night import build_case_outputs, load_rules
from streetlink.screen.rules import RuleSet
from streetlink.screen.writers import CASES_FILE, INPUT_FILE, RULES_DIR

__all__ = ["RuleDiff", "diff_rules", "format_diff"]

log = logging.getLogger(__name__)


@dataclass
class RuleDiff:
    night: str
    in_force: dict[str, Any]
    new: dict[str, Any]
    rule_changes: list[str]
    records: dict[str, dict[str, int]]  # old/new → priority → records
    pushed: dict[str, dict[str, int]]  # old/new → priority → dispatched records
    emergency_orders: dict[str, int]  # old/new → urgent case rows
    transitions: list[tuple[str, str, int]]  # (old priority, new priority, records) where they differ
    by_rule: list[dict[str, Any]]  # rule, title, old, new (records fired)
    changed_cases: int
    examples: list[dict[str, Any]]
    deadline_changes: int
    published_mismatches: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.transitions or self.changed_cases or self.deadline_changes)


def _in_force_rules(output_day: Path) -> RuleSet:
    folder = output_day / RULES_DIR
    found = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if len(found) != 1:
        raise StreetlinkError(f"{output_day}: the rules in force were not kept ({folder}); "
                              "was the night run before screening existed?")
    return load_rules(found[0])


def _rule_changes(old: RuleSet, new: RuleSet) -> list[str]:
    changes = []
    olds = {r.name: r for r in old.rules}
    news = {r.name: r for r in new.rules}
    for name in news.keys() - olds.keys():
        r = news[name]
        changes.append(f"+ {name} ({r.title}): {r.priority}, {r.deadline_hours:g} h: {r.condition}")
    for name in olds.keys() - news.keys():
        changes.append(f"- {name} ({olds[name].title})")
    for name in sorted(olds.keys() & news.keys(), key=lambda n: news[n].order):
        a, b = olds[name], news[name]
        for what in ("condition", "priority", "deadline_hours", "title"):
            if getattr(a, what) != getattr(b, what):
                changes.append(f"~ {name}: {what} {getattr(a, what)!r} → {getattr(b, what)!r}")
    if old.key_areas_sha256 != new.key_areas_sha256:
        was = {(a.label, a.from_date, a.to_date) for a in old.key_areas}
        now = {(a.label, a.from_date, a.to_date) for a in new.key_areas}
        for label, start, end in sorted(now - was):
            changes.append(f"+ key area {label} {start}…{end}")
        for label, start, end in sorted(was - now):
            changes.append(f"- key area {label} {start}…{end}")
    for what in ("incubation_days", "dispatch_day", "dispatch_time", "no_symptom_words"):
        a, b = getattr(old.parameters, what), getattr(new.parameters, what)
        if a != b:
            changes.append(f"~ parameter {what}: {a!r} → {b!r}")
    for name in PRIORITY_VALUES:
        a, b = old.priorities[name].deadline_hours, new.priorities[name].deadline_hours
        if a != b:
            changes.append(f"~ {name} deadline: {a:g} h → {b:g} h")
    if (old.default_matter, old.hotline_matters) != (new.default_matter, new.hotline_matters):
        changes.append("~ [matters] changed: cases are grouped as on the night (the kept case ids); "
                       "the new matters apply from the next night")
    return changes


def diff_rules(output_day: Path, new_rules: Path | RuleSet, examples: int = 20) -> RuleDiff:
    """Compare the rules in force on the night in `output_day` (<out>/<date>) with `new_rules`."""
    base_file = output_day / INPUT_FILE
    if not base_file.is_file():
        raise StreetlinkError(f"no screening input kept for {output_day.name}: {base_file} is missing")
    old = _in_force_rules(output_day)
    new = new_rules if isinstance(new_rules, RuleSet) else load_rules(new_rules)
    con = duckdb.connect()
    try:
        sql.run(con, PACKAGE, "read_parquet_table", target="screen_base", path=base_file)
        night = sql.run(con, PACKAGE, "diff_night", base="screen_base").fetchall()[0][0] or output_day.name
        for tag, rs in (("old", old), ("new", new)):
            evaluate_base(con, rs, results=f"{tag}_results", check=False)
            build_case_outputs(con, results=f"{tag}_results", cases=f"{tag}_cases", case_rows=f"{tag}_case_rows")
        records, pushed = {}, {}
        for tag in ("old", "new"):
            rows = {p: (n, d) for p, n, d in sql.run(con, PACKAGE, "diff_priorities",
                                                     results=f"{tag}_results").fetchall()}
            records[tag] = {p: int(rows.get(p, (0, 0))[0]) for p in PRIORITY_VALUES}
            pushed[tag] = {p: int(rows.get(p, (0, 0))[1]) for p in PRIORITY_VALUES}
        emergency = {t: int(sql.run(con, PACKAGE, "count_emergency", case_rows=f"{t}_case_rows").fetchall()[0][0])
                     for t in ("old", "new")}
        pair = {"old": "old_results", "new": "new_results"}
        transitions = [(a, b, int(n)) for a, b, n in sql.run(con, PACKAGE, "diff_transitions", **pair).fetchall()]
        fired: dict[str, dict[str, int]] = {}
        for tag in ("old", "new"):
            for rule, n in sql.run(con, PACKAGE, "diff_fired", results=f"{tag}_results").fetchall():
                fired.setdefault(rule, {})[tag] = int(n)
        titles = {r.name: r.title for r in old.rules} | {r.name: r.title for r in new.rules}
        new_names = [r.name for r in new.rules]
        order = new_names + [r.name for r in old.rules if r.name not in new_names]
        by_rule = [{"rule": n, "title": titles[n], "old": fired.get(n, {}).get("old", 0),
                    "new": fired.get(n, {}).get("new", 0)} for n in order]
        cur = sql.run(con, PACKAGE, "diff_changed", **pair)
        names = [c[0] for c in cur.description]
        changed = [dict(zip(names, row)) for row in cur.fetchall()]
        mismatches, notes = 0, []
        published = output_day / CASES_FILE
        if published.is_file():
            mismatches = int(sql.run(con, PACKAGE, "diff_published", published=published,
                                     cases="old_cases").fetchall()[0][0])
            if mismatches:
                notes.append(f"the rules in force, replayed, differ from the published {CASES_FILE} on "
                             f"{mismatches} record(s): the code changed since that night")
        else:
            notes.append(f"no published {CASES_FILE} to check the replay against")
    finally:
        con.close()
    return RuleDiff(
        night=night, in_force=old.info(), new=new.info(), rule_changes=_rule_changes(old, new),
        records=records, pushed=pushed, emergency_orders=emergency, transitions=transitions,
        by_rule=by_rule, changed_cases=len(changed), examples=changed[:examples],
        deadline_changes=sum(int(c["deadline_changes"]) for c in changed), published_mismatches=mismatches,
        notes=notes)


def _row(label: str, old: int, new: int) -> str:
    delta = new - old
    return f"  {label:<36}{old:>8}{new:>8}{delta:>+8}" if delta else f"  {label:<36}{old:>8}{new:>8}{'':>8}"


def format_diff(d: RuleDiff) -> str:
    """The difference as text for the terminal."""
    out = [f"Screening rules replayed on {d.night}",
           f"  in force  {d.in_force['version']}  rules {d.in_force['sha256'][:12]}  "
           f"key areas {d.in_force['key_areas_sha256'][:12]}",
           f"  new       {d.new['version']}  rules {d.new['sha256'][:12]}  "
           f"key areas {d.new['key_areas_sha256'][:12]}", ""]
    out.append("Changes in the rule file:" if d.rule_changes else "No change in the rules themselves.")
    out += [f"  {c}" for c in d.rule_changes]
    out += ["", f"  {'':<36}{'in force':>8}{'new':>8}{'change':>8}"]
    for p in PRIORITY_VALUES:
        out.append(_row(f"records {p}", d.records["old"][p], d.records["new"][p]))
    for p in PRIORITY_VALUES:
        out.append(_row(f"dispatched {p}", d.pushed["old"][p], d.pushed["new"][p]))
    out.append(_row("emergency orders (应急派单)", d.emergency_orders["old"], d.emergency_orders["new"]))
    out += ["", "Records per rule fired:"]
    for r in d.by_rule:
        out.append(_row(f"{r['rule']}", r["old"], r["new"]) + f"  {r['title']}")
    if d.transitions:
        out += ["", "Records changing priority:"]
        out += [f"  {a} → {b}: {n}" for a, b, n in d.transitions]
    out += ["", f"Cases whose priority, rules or deadline change: {d.changed_cases} "
                f"(records with another deadline: {d.deadline_changes})"]
    for e in d.examples:
        out.append(f"  {e['case_id']}  street {e['street_code'] or '-'}  {e['old_priority']} → {e['new_priority']}"
                   f"  ({e['records']} record(s))  rules {','.join(e['old_rules']) or '-'} → "
                   f"{','.join(e['new_rules']) or '-'}")
    if not d.changes_anything:
        out.append("  The new rules would change nothing on this night.")
    out += [f"Note: {n}" for n in d.notes]
    return "\n".join(out)

