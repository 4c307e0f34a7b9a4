"""Write ``links.parquet``: the machine-readable truth of a night, one row per input record.

Input: the ``decisions`` table (contract DECISIONS) and, for the coverage check, the
``staged_records`` table. Output: a Parquet file with exactly the LINKS columns, in order,
with the contract types, sorted by record_id. Nothing is written unless the contract and
the OUTPUTS.md rules hold; every violation is reported at once (ContractViolation).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

from streetlink.contracts import LINKS, REASONS, check_table
from streetlink.errors import ContractViolation
from streetlink.sql import identifier as table_ref

__all__ = ["check_links", "write_links"]

log = logging.getLogger(__name__)

_EXAMPLES = 3

# (condition on one links row, what it breaks). Each is counted with a few example ids.
_RULES: tuple[tuple[str, str], ...] = (
    ("decision = 'dispatched' AND (street_code IS NULL OR committee_code IS NULL)",
     "dispatched without street_code/committee_code"),
    ("decision <> 'dispatched' AND (street_code IS NOT NULL OR committee_code IS NOT NULL)",
     "street_code/committee_code set on a record that is not dispatched"),
    ("decision IN ('review', 'rejected') AND reason IS NULL",
     "review/rejected without a reason"),
    ("decision = 'dispatched' AND reason IS NOT NULL",
     "reason set on a dispatched record"),
    ("decision = 'review' AND list_contains($rejected_reasons, reason)",
     "review record carrying a rejection reason"),
    ("decision = 'rejected' AND list_contains($review_reasons, reason)",
     "rejected record carrying a review reason"),
    ("NOT (TRY_CAST(address_match_probability AS DOUBLE) BETWEEN 0 AND 1)",
     "address_match_probability outside [0, 1] (or NaN)"),
    ("NOT (TRY_CAST(person_match_probability AS DOUBLE) BETWEEN 0 AND 1)",
     "person_match_probability outside [0, 1] (or NaN)"),
    ("record_id IS NOT NULL AND source IS NOT NULL AND NOT starts_with(record_id, source || ':')",
     "record_id does not start with '<source>:'"),
)


def _links_select(decisions: str) -> str:
    cols = ", ".join(f'"{c}"' for c in LINKS.column_names)
    return f"SELECT {cols} FROM {table_ref(decisions)}"


def _rule_violations(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    probes = []
    for condition, _ in _RULES:
        probes.append(f"count(*) FILTER (WHERE {condition})")
        probes.append(f"(list(record_id ORDER BY record_id) FILTER (WHERE {condition}))[1:{_EXAMPLES}]")
    params = {
        "review_reasons": [k for k, (d, _) in REASONS.items() if d == "review"],
        "rejected_reasons": [k for k, (d, _) in REASONS.items() if d == "rejected"],
    }
    row = con.execute(f"SELECT {', '.join(probes)} FROM {relation}", params).fetchone()
    violations = []
    for i, (_, message) in enumerate(_RULES):
        n, examples = row[2 * i], row[2 * i + 1]
        if n:
            violations.append(f"{message}: {n} row(s), e.g. {', '.join(map(str, examples or []))}")
    return violations


def _coverage_violations(con: duckdb.DuckDBPyConnection, select: str, staged: str) -> list[str]:
    """Every staged record has a decision and every decision belongs to a staged record."""
    staged_ref = table_ref(staged)
    relation = f"({select})"
    row = con.execute(f"""
        SELECT
          (SELECT count(*) FROM {staged_ref} s ANTI JOIN {relation} l USING (record_id)),
          (SELECT list(record_id ORDER BY record_id)[1:{_EXAMPLES}]
             FROM {staged_ref} s ANTI JOIN {relation} l USING (record_id)),
          (SELECT count(*) FROM {relation} l ANTI JOIN {staged_ref} s USING (record_id)),
          (SELECT list(record_id ORDER BY record_id)[1:{_EXAMPLES}]
             FROM {relation} l ANTI JOIN {staged_ref} s USING (record_id))
    """).fetchone()
    violations = []
    if row[0]:
        violations.append(f"{row[0]} staged record(s) without a decision, e.g. {', '.join(row[1])}")
    if row[2]:
        violations.append(f"{row[2]} decision(s) for records never staged, e.g. {', '.join(row[3])}")
    return violations


def check_links(
    con: duckdb.DuckDBPyConnection, decisions: str = "decisions", staged: str | None = "staged_records"
) -> list[str]:
    """Every way the links view of `decisions` breaks the LINKS contract and rules (empty: fine)."""
    present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {table_ref(decisions)}").fetchall()}
    missing = [c for c in LINKS.column_names if c not in present]
    if missing:
        # Without the columns nothing else can be checked.
        return [f"missing column(s) {', '.join(missing)}"]
    select = _links_select(decisions)
    relation = f"({select}) AS links_out"
    violations = check_table(con, relation, LINKS)
    violations += _rule_violations(con, relation)
    if staged is not None:
        violations += _coverage_violations(con, select, staged)
    return violations


def write_links(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    decisions: str = "decisions",
    staged: str | None = "staged_records",
) -> int:
    """Write links.parquet from `decisions`; return its row count.

    Refuses (ContractViolation listing every problem) when the table breaks the LINKS
    contract, the decision/street/reason rules, or — when `staged` is given — does not
    hold every staged record exactly once.
    """
    violations = check_links(con, decisions, staged)
    if violations:
        raise ContractViolation(LINKS.name, violations)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    target = str(partial).replace("'", "''")
    con.execute(
        f"COPY ({_links_select(decisions)} ORDER BY record_id) TO '{target}' "
        "(FORMAT parquet, COMPRESSION zstd)"
    )
    os.replace(partial, path)
    n = con.execute(f"SELECT count(*) FROM {table_ref(decisions)}").fetchone()[0]
    log.info("wrote %s: %d record(s)", path, n)
    return int(n)
