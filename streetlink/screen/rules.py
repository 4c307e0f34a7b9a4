"""Screening rules as reviewed data: load ``screening_rules/rules.toml`` and check it whole.

Everything that can be wrong with a rule file is found here, before a night runs:
TOML syntax, missing or misspelt keys, a condition that does not parse (sqlglot, DuckDB
dialect), a condition that reads a field outside ``fields.FIELDS`` or uses a subquery,
an aggregate or a window, a condition DuckDB cannot bind or that is not true/false, and
a key-area file with an unknown place or bad dates. Each failure is one ``RuleError``
line naming the file and the rule.

Why TOML: the data center edits this file by hand. TOML has comments (JSON has none),
multi-line strings for longer conditions, and no implicit typing (YAML reads ``no`` as
false and ``2026-11-25`` as a date); Python reads it without a dependency (``tomllib``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from streetlink import sql
from streetlink.errors import StreetlinkError
from streetlink.paths import PROJECT_ROOT
from streetlink.screen.areas import KeyArea, read_key_areas
from streetlink.screen.fields import FIELDS, NAMESPACES, known_fields, struct_type

__all__ = [
    "PRIORITIES",
    "Parameters",
    "Priority",
    "Rule",
    "RuleError",
    "RuleSet",
    "default_rules_path",
    "read_rules",
]

PRIORITIES = ("urgent", "high", "normal")  # highest first
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
_TOP_KEYS = {"version", "key_areas", "parameters", "priorities", "matters", "rule"}
_RULE_KEYS = {"name", "title", "description", "priority", "condition", "deadline_hours"}
_PARAMETER_KEYS = {"incubation_days", "dispatch_day", "dispatch_time", "no_symptom_words"}
# Constructs a per-record condition has no business with (and that could read other tables).
_FORBIDDEN = (exp.Query, exp.Subquery, exp.AggFunc, exp.Window, exp.Star, exp.Placeholder,
              exp.Parameter, exp.Table, exp.ReadCSV, exp.Command)


class RuleError(StreetlinkError):
    """The screening rule file (or its key-area file) cannot be used; the message names the rule."""


def default_rules_path() -> Path:
    return Path(os.environ.get("STREETLINK_SCREENING_RULES", PROJECT_ROOT / "screening_rules" / "rules.toml"))


@dataclass(frozen=True)
class Priority:
    name: str
    label: str
    deadline_hours: float
    rank: int  # 0 = urgent


@dataclass(frozen=True)
class Parameters:
    incubation_days: int
    dispatch_day: int
    dispatch_time: dt.time
    no_symptom_words: tuple[str, ...]

    def dispatch_at(self, night: dt.date) -> dt.datetime:
        """When the night's packets reach the streets: deadlines count from here."""
        return dt.datetime.combine(night + dt.timedelta(days=self.dispatch_day), self.dispatch_time)


@dataclass(frozen=True)
class Rule:
    order: int  # position in the file, from 1: the order rules are listed in outputs
    name: str
    title: str  # short Chinese name shown to streets (触发规则)
    description: str
    priority: str
    deadline_hours: float
    condition: str
    reads: tuple[str, ...]  # "namespace.field", sorted

    @property
    def second_pass(self) -> bool:
        """Reads household.*, which is known only once the other rules have run."""
        return any(r.startswith("household.") for r in self.reads)


@dataclass(frozen=True)
class RuleSet:
    path: Path
    version: str
    sha256: str
    key_areas_path: Path
    key_areas_sha256: str
    key_areas: tuple[KeyArea, ...]
    parameters: Parameters
    priorities: dict[str, Priority]
    default_matter: str
    hotline_matters: dict[str, str]
    rules: tuple[Rule, ...]

    @cached_property
    def fingerprint(self) -> str:
        """One hash of the rules and the key areas together."""
        return hashlib.sha256(f"{self.sha256}:{self.key_areas_sha256}".encode()).hexdigest()

    def rule(self, name: str) -> Rule:
        for r in self.rules:
            if r.name == name:
                return r
        raise KeyError(name)

    def info(self) -> dict[str, Any]:
        """What the report shows: version, hashes, and each rule."""
        return {
            "version": self.version, "path": str(self.path), "sha256": self.sha256,
            "key_areas_path": str(self.key_areas_path), "key_areas_sha256": self.key_areas_sha256,
            "key_areas": len(self.key_areas), "fingerprint": self.fingerprint,
            "rules": [{"name": r.name, "title": r.title, "priority": r.priority,
                       "deadline_hours": r.deadline_hours, "reads": list(r.reads)} for r in self.rules],
        }


def _fail(path: Path, what: str) -> RuleError:
    return RuleError(f"{path.name}: {what}")


def _expect(path: Path, value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _fail(path, f"{where} must be {names}, got {value!r}")
    return value


def _positive_hours(path: Path, value: Any, where: str) -> float:
    hours = _expect(path, value, (int, float), where)
    if not 0 < hours <= 24 * 60:
        raise _fail(path, f"{where} must be between 0 and {24 * 60} hours, got {hours}")
    return float(hours)


def _parameters(path: Path, raw: Any) -> Parameters:
    raw = _expect(path, raw if raw is not None else {}, dict, "[parameters]")
    unknown = sorted(set(raw) - _PARAMETER_KEYS)
    if unknown:
        raise _fail(path, f"[parameters] has unknown key(s) {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(_PARAMETER_KEYS))})")
    missing = sorted(_PARAMETER_KEYS - set(raw))
    if missing:
        raise _fail(path, f"[parameters] lacks {', '.join(missing)}")
    days = _expect(path, raw["incubation_days"], int, "parameters.incubation_days")
    day = _expect(path, raw["dispatch_day"], int, "parameters.dispatch_day")
    if not 0 <= days <= 60 or not 0 <= day <= 7:
        raise _fail(path, "parameters.incubation_days must be 0..60 and dispatch_day 0..7")
    try:
        at = dt.time.fromisoformat(_expect(path, raw["dispatch_time"], str, "parameters.dispatch_time"))
    except ValueError:
        raise _fail(path, f"parameters.dispatch_time must be HH:MM, got {raw['dispatch_time']!r}") from None
    words = _expect(path, raw["no_symptom_words"], list, "parameters.no_symptom_words")
    return Parameters(days, day, at, tuple(_expect(path, w, str, "a no_symptom_words entry") for w in words))


def _priorities(path: Path, raw: Any) -> dict[str, Priority]:
    raw = _expect(path, raw, dict, "[priorities]")
    if set(raw) != set(PRIORITIES):
        raise _fail(path, f"[priorities] must define exactly {', '.join(PRIORITIES)}, got {', '.join(raw)}")
    out = {}
    for rank, name in enumerate(PRIORITIES):
        p = _expect(path, raw[name], dict, f"[priorities.{name}]")
        if set(p) != {"label", "deadline_hours"}:
            raise _fail(path, f"[priorities.{name}] must have exactly label and deadline_hours")
        out[name] = Priority(name, _expect(path, p["label"], str, f"priorities.{name}.label"),
                             _positive_hours(path, p["deadline_hours"], f"priorities.{name}.deadline_hours"),
                             rank)
    return out


def _matters(path: Path, raw: Any) -> tuple[str, dict[str, str]]:
    raw = _expect(path, raw, dict, "[matters]")
    if set(raw) - {"default", "hotline_category"} or "default" not in raw:
        raise _fail(path, "[matters] must have default and may have hotline_category")
    default = _expect(path, raw["default"], str, "matters.default")
    mapping = _expect(path, raw.get("hotline_category", {}), dict, "[matters.hotline_category]")
    for k, v in mapping.items():
        _expect(path, v, str, f"matters.hotline_category.{k}")
    return default, dict(mapping)


def check_condition(path: Path, name: str, condition: str) -> tuple[str, ...]:
    """Parse `condition` and return the fields it reads; fail naming the rule otherwise."""
    where = f"rule {name!r}"
    try:
        parsed = sqlglot.parse(condition, read="duckdb")
    except sqlglot.errors.SqlglotError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fail(path, f"{where}: the condition does not parse: {first}") from None
    if len(parsed) != 1 or parsed[0] is None:
        raise _fail(path, f"{where}: the condition must be one expression (no ';')")
    tree = parsed[0]
    for node in tree.walk():
        if isinstance(node, _FORBIDDEN):
            raise _fail(path, f"{where}: the condition may not use {node.key.upper()} "
                              "(a rule reads one record's fields; counts are fields of history.*/dwelling.*)")
    fields = known_fields()
    reads = set()
    for column in tree.find_all(exp.Column):
        namespace, field = column.table, column.name
        if column.args.get("db") or column.args.get("catalog"):
            raise _fail(path, f"{where}: {column.sql()} is not a field (write namespace.field)")
        if not namespace:
            raise _fail(path, f"{where}: {field!r} needs its namespace "
                              f"({', '.join(ns for ns in NAMESPACES if field in fields[ns]) or 'record'}.{field}?)")
        if namespace not in fields:
            raise _fail(path, f"{where}: unknown namespace {namespace!r} in {namespace}.{field} "
                              f"(known: {', '.join(NAMESPACES)})")
        if field not in fields[namespace]:
            raise _fail(path, f"{where}: unknown field {namespace}.{field} "
                              f"(known {namespace} fields: {', '.join(fields[namespace])})")
        reads.add(f"{namespace}.{field}")
    if not reads:
        raise _fail(path, f"{where}: the condition reads no field (it would fire for every record or none)")
    return tuple(sorted(reads))


def _bind_checker() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    sql.run(con, "streetlink.screen", "bind_table",
            columns=", ".join(f'NULL::{struct_type(ns)} AS "{ns}"' for ns in FIELDS))
    return con


def check_binds(path: Path, rules: list[Rule]) -> None:
    """DuckDB binds each condition on an empty table of the declared fields, as true/false."""
    con = _bind_checker()
    try:
        for rule in rules:
            try:
                kind = sql.run(con, "streetlink.screen", "bind_condition", condition=wrap(rule.condition)).fetchall()
            except duckdb.Error as exc:
                first = str(exc).splitlines()[0]
                raise _fail(path, f"rule {rule.name!r}: DuckDB cannot evaluate the condition: {first}") from None
            if kind[0][1] != "BOOLEAN":
                raise _fail(path, f"rule {rule.name!r}: the condition gives {kind[0][1]}, not true/false")
    finally:
        con.close()


def wrap(condition: str) -> str:
    """A condition as it enters SQL: on its own lines, so a trailing -- comment stays inside."""
    return f"(\n{condition}\n)"


def _rules(path: Path, raw: Any, priorities: dict[str, Priority]) -> list[Rule]:
    raw = _expect(path, raw, list, "[[rule]]")
    if not raw:
        raise _fail(path, "no [[rule]]")
    rules: list[Rule] = []
    seen: set[str] = set()
    for order, r in enumerate(raw, start=1):
        r = _expect(path, r, dict, f"[[rule]] #{order}")
        name = r.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise _fail(path, f"[[rule]] #{order}: name must be lower_snake_case, got {name!r}")
        where = f"rule {name!r}"
        if name in seen:
            raise _fail(path, f"{where}: defined twice")
        seen.add(name)
        unknown = sorted(set(r) - _RULE_KEYS)
        if unknown:
            raise _fail(path, f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_RULE_KEYS))})")
        missing = sorted({"title", "description", "priority", "condition"} - set(r))
        if missing:
            raise _fail(path, f"{where}: lacks {', '.join(missing)}")
        for key in ("title", "description", "condition"):
            if not _expect(path, r[key], str, f"{where}: {key}").strip():
                raise _fail(path, f"{where}: {key} is empty")
        if r["priority"] not in priorities:
            raise _fail(path, f"{where}: priority must be one of {', '.join(PRIORITIES)}, got {r['priority']!r}")
        hours = (_positive_hours(path, r["deadline_hours"], f"{where}: deadline_hours")
                 if "deadline_hours" in r else priorities[r["priority"]].deadline_hours)
        condition = r["condition"].strip()
        rules.append(Rule(order, name, r["title"].strip(), r["description"].strip(), r["priority"], hours,
                          condition, check_condition(path, name, condition)))
    return rules


def read_rules(path: Path | None = None) -> RuleSet:
    """Load and check a rule file and its key-area file; raise RuleError on the first problem."""
    path = Path(path) if path is not None else default_rules_path()
    if not path.is_file():
        raise RuleError(f"screening rules not found: {path}")
    data = path.read_bytes()
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _fail(path, f"not valid TOML: {exc}") from None
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise _fail(path, f"unknown top-level key(s) {', '.join(unknown)} (known: {', '.join(sorted(_TOP_KEYS))})")
    version = _expect(path, raw.get("version"), str, "version")
    areas_name = _expect(path, raw.get("key_areas"), str, "key_areas")
    if Path(areas_name).name != areas_name:
        # kept beside the rules, so that a night keeps both as one folder (writers.py)
        raise _fail(path, f"key_areas must name a file beside the rules file, got {areas_name!r}")
    priorities = _priorities(path, raw.get("priorities"))
    parameters = _parameters(path, raw.get("parameters"))
    default_matter, hotline_matters = _matters(path, raw.get("matters", {"default": "疫情防控"}))
    rules = _rules(path, raw.get("rule"), priorities)
    check_binds(path, rules)
    areas_path = path.resolve().parent / areas_name
    areas, areas_sha = read_key_areas(areas_path)
    return RuleSet(path=path.resolve(), version=version, sha256=hashlib.sha256(data).hexdigest(),
                   key_areas_path=areas_path, key_areas_sha256=areas_sha, key_areas=areas,
                   parameters=parameters, priorities=priorities, default_matter=default_matter,
                   hotline_matters=hotline_matters, rules=tuple(rules))
