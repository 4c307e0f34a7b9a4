"""The one way the stages load and run their SQL.

Statements live in ``.sql`` files beside the code that runs them. A file holds one or
more *named* statements, each opened by a ``-- name:`` line; a file without such a line
is one statement named after the file::

    -- name: decide_records
    -- The decision rules, as one statement.
    CREATE OR REPLACE TABLE {{decisions}} AS SELECT ... WHERE p >= $committee_min

One placeholder syntax for everything that is not a value:

* ``{{name}}`` — an identifier (a table, a view, an attached schema): substituted only
  after checking it is a plain, optionally schema-qualified name, then quoted. Every
  placeholder of a statement must be given and nothing else (a typo fails loudly).
* ``{{name:literal}}`` — a string literal (a file path where the engine takes no
  parameter: ``ATTACH``, ``COPY … TO``): escaped and single-quoted.
* ``{{name:sql}}`` — a fragment of SQL that *code* built (a rendered rule list, a
  comparison's CASE): inserted as it is; never pass data through it.

Values are bound parameters (``$name`` or ``?``), never pasted in.

``run`` is the one place that knows the engine: today DuckDB. The Spark engine renders
the same statements (see ``streetlink/engine``) so the SQL is written once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "SqlError",
    "Statement",
    "identifier",
    "literal",
    "load",
    "render",
    "run",
    "statements",
]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*(literal|sql|ident)\s*)?\}\}")
_NAME_LINE = re.compile(r"^--\s*name:\s*([A-Za-z_][A-Za-z0-9_]*)\s*$", re.MULTILINE)


class SqlError(ValueError):
    """A statement that cannot be found or rendered as asked (a programming error)."""


def identifier(name: str) -> str:
    """`name` quoted as an identifier; refuses anything but a (schema.)table name."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise SqlError(f"not a table name: {name!r}")
    return ".".join(f'"{part}"' for part in name.split("."))


def literal(value: str | Path) -> str:
    """`value` as a single-quoted SQL string literal (for paths where no parameter is allowed)."""
    text = value.as_posix() if isinstance(value, Path) else str(value)
    if "\x00" in text:
        raise SqlError("a NUL character cannot be part of an SQL literal")
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Statement:
    package: str
    name: str
    text: str
    source: str  # the file it came from, for error messages

    @property
    def placeholders(self) -> dict[str, str]:
        """Placeholder name → kind ('ident', 'literal' or 'sql'), in order of appearance."""
        found: dict[str, str] = {}
        for m in _PLACEHOLDER.finditer(self.text):
            kind = m.group(2) or "ident"
            if found.setdefault(m.group(1), kind) != kind:
                raise SqlError(f"{self.source}:{self.name}: {{{{{m.group(1)}}}}} used as two kinds")
        return found

    def render(self, **values: Any) -> str:
        expected = self.placeholders
        missing = sorted(set(expected) - set(values))
        extra = sorted(set(values) - set(expected))
        if missing or extra:
            raise SqlError(f"{self.source}:{self.name}: missing {missing}, unexpected {extra}")

        def substitute(m: re.Match[str]) -> str:
            name, kind = m.group(1), m.group(2) or "ident"
            value = values[name]
            if kind == "ident":
                return identifier(value)
            if kind == "literal":
                return literal(value)
            return str(value)

        return _PLACEHOLDER.sub(substitute, self.text)


def _split(text: str, default_name: str, source: str) -> dict[str, str]:
    marks = list(_NAME_LINE.finditer(text))
    if not marks:
        return {default_name: text.strip()}
    out: dict[str, str] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = text[m.end():end].strip()
        if m.group(1) in out:
            raise SqlError(f"{source}: statement {m.group(1)!r} defined twice")
        out[m.group(1)] = body
    return out


@cache
def statements(package: str | Path) -> dict[str, Statement]:
    """Every named statement in the ``.sql`` files of `package` (a dotted package name, or a folder)."""
    found: dict[str, Statement] = {}
    root = Path(package) if isinstance(package, Path) else resources.files(package)
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        source = f"{package}/{entry.name}"
        package = str(package)
        for name, body in _split(entry.read_text(encoding="utf-8"), entry.name[:-4], source).items():
            if name in found:
                raise SqlError(f"{source}: statement {name!r} also in {found[name].source}")
            found[name] = Statement(package, name, body, source)
    return found


def load(package: str | Path, name: str) -> Statement:
    """The statement `name` of `package` (e.g. ``load("streetlink.decide", "decide_records")``)."""
    found = statements(package)
    if name not in found:
        raise SqlError(f"no SQL statement {name!r} in {package} (has: {', '.join(sorted(found))})")
    return found[name]


def render(package: str | Path, name: str, **values: Any) -> str:
    return load(package, name).render(**values)


def run(con: Any, package: str | Path, name: str, params: Mapping[str, Any] | list[Any] | None = None,
        **values: Any) -> Any:
    """Render statement `name` of `package` and execute it on `con` with bound `params`."""
    text = render(package, name, **values)
    return con.execute(text, params) if params is not None else con.execute(text)
