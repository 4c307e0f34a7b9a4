"""How a contract is declared: columns as data, checked in one SQL pass.

A contract names every column of a table with its DuckDB type, whether it may be null,
whether it is unique, and optionally the allowed values or a regular expression that
non-null values must match. ``check_table`` reports *every* violation at once so that a
broken extract or a broken stage is diagnosed in one go.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from streetlink.errors import ContractViolation

__all__ = ["Column", "Contract", "check_table", "enforce"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # DuckDB type name as DESCRIBE prints it (VARCHAR, DOUBLE, DATE, ...)
    nullable: bool = True
    unique: bool = False
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None  # full-match regex for non-null values
    header: str | None = None  # the source's (Chinese) header this column is renamed from
    description: str = ""


@dataclass(frozen=True)
class Contract:
    name: str
    grain: str  # what one row is
    columns: tuple[Column, ...]
    # True: the table must have exactly these columns, in this order (published outputs).
    # False: these columns must be present; others may follow (working tables).
    exact: bool = False
    description: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def select_sql(self, table: str) -> str:
        """A SELECT that casts `table` to exactly this contract's columns, in order."""
        cols = ", ".join(f'CAST("{c.name}" AS {c.dtype}) AS "{c.name}"' for c in self.columns)
        return f"SELECT {cols} FROM {table}"


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _normal_type(t: str) -> str:
    t = t.upper()
    aliases = {"TEXT": "VARCHAR", "STRING": "VARCHAR", "FLOAT8": "DOUBLE", "INT64": "BIGINT",
               "INT": "INTEGER", "INT32": "INTEGER", "BOOL": "BOOLEAN"}
    return aliases.get(t, t)


def check_table(con: duckdb.DuckDBPyConnection, table: str, contract: Contract) -> list[str]:
    """Return every way `table` breaks `contract` (empty list: it holds)."""
    described = con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()
    actual = {row[0]: _normal_type(row[1]) for row in described}
    actual_order = [row[0] for row in described]
    violations: list[str] = []

    missing = [c.name for c in contract.columns if c.name not in actual]
    if missing:
        violations.append(f"missing column(s) {', '.join(missing)}")
    if contract.exact:
        extra = [n for n in actual_order if n not in contract.column_names]
        if extra:
            violations.append(f"unexpected column(s) {', '.join(extra)}")
        present = [n for n in actual_order if n in contract.column_names]
        if not missing and present != contract.column_names:
            violations.append("columns out of order: " + ", ".join(present))

    probes: list[tuple[str, str]] = []  # (sql aggregate counting offenders, what they break)
    for c in contract.columns:
        if c.name not in actual:
            continue
        if actual[c.name] != _normal_type(c.dtype):
            violations.append(f"{c.name} is {actual[c.name]}, expected {c.dtype}")
        q = f'"{c.name}"'
        if not c.nullable:
            probes.append((f"count(*) FILTER (WHERE {q} IS NULL)", f"{c.name}: null value(s)"))
        if c.unique:
            probes.append((f"count({q}) - count(DISTINCT {q})", f"{c.name}: duplicate value(s)"))
        if c.allowed is not None:
            allowed = ", ".join(_quote(a) for a in c.allowed)
            probes.append((
                f"count(*) FILTER (WHERE {q} IS NOT NULL AND CAST({q} AS VARCHAR) NOT IN ({allowed}))",
                f"{c.name}: value(s) outside {{{', '.join(c.allowed)}}}",
            ))
        if c.pattern is not None:
            probes.append((
                f"count(*) FILTER (WHERE {q} IS NOT NULL AND NOT regexp_full_match("
                f"CAST({q} AS VARCHAR), {_quote(c.pattern)}))",
                f"{c.name}: value(s) not matching {c.pattern}",
            ))
    if probes:
        # fetchall, not fetchone: duckdb ≥ 2.0 keeps a half-read result open on the connection.
        row = con.execute(
            "SELECT " + ", ".join(p[0] for p in probes) + f" FROM {table}"
        ).fetchall()[0]
        for (_, message), n in zip(probes, row):
            if n:
                violations.append(f"{message} ×{n}")
    return violations


def enforce(con: duckdb.DuckDBPyConnection, table: str, contract: Contract) -> None:
    """Raise ContractViolation listing every violation, if there is any."""
    violations = check_table(con, table, contract)
    if violations:
        raise ContractViolation(contract.name, violations)
