"""The naive "before" baseline: what a clerk did by hand in Excel before streetlink.

Goal: a floor to measure streetlink against. Only exact look-ups, no cleaning:

1. the ID number exactly as typed (only trimmed) equals a registry ``id_number`` of exactly
   one person who has a dwelling → dispatch to that dwelling's committee (person link);
2. else the address exactly as typed (trimmed) equals a housing ``std_address``, or equals it
   after adding, removing or swapping one of the exact prefixes 上海市 / 浦东新区 /
   上海市浦东新区 → dispatch to that dwelling's committee (address link);
3. else review with reason ``address_unresolved``.

A record that staging already rejected (``reject_reason`` set) stays rejected with that
reason: the clerk never saw it as a usable row.

Input → output: a table shaped per STAGED_RECORDS plus the raw registry tables HOUSING
and POPULATION (DuckDB table or view names) → a relation shaped exactly per LINKS.
Set-based: one SQL statement, no Python per row.
"""

from __future__ import annotations

import duckdb

from streetlink.contracts import LINKS

__all__ = ["PREFIXES", "lookup_counts", "naive_links"]

PREFIXES = ("上海市浦东新区", "上海市", "浦东新区")

# The look-ups' common part: the staged values as typed, and the address variants tried.
_TYPED = """
WITH staged AS (
    SELECT record_id, source, reject_reason,
           nullif(trim(id_number), '') AS id_typed,
           nullif(trim(address), '') AS addr
    FROM {staged}
),
-- registry persons by ID: only an ID held by exactly one person, who has a dwelling
unique_ids AS (
    SELECT id_number FROM {population} WHERE id_number IS NOT NULL
    GROUP BY id_number HAVING count(*) = 1
),
by_id AS (
    SELECT p.id_number, p.person_id, h.street_code, h.committee_code
    FROM {population} p
    JOIN unique_ids u ON u.id_number = p.id_number
    JOIN {housing} h ON h.house_id = p.house_id
),
prefixes(p) AS (SELECT unnest({prefixes})),
-- the address as typed, with one exact prefix removed or not, then one added or not
stripped AS (
    SELECT record_id, addr AS body FROM staged WHERE addr IS NOT NULL
    UNION
    SELECT s.record_id, substr(s.addr, length(x.p) + 1)
    FROM staged s JOIN prefixes x ON starts_with(s.addr, x.p)
),
variants AS (
    SELECT record_id, body AS candidate FROM stripped
    UNION
    SELECT s.record_id, x.p || s.body FROM stripped s CROSS JOIN prefixes x
)
"""

_SQL = _TYPED + """,
by_address AS (
    SELECT v.record_id, min(h.house_id) AS house_id,
           min(h.street_code) AS street_code, min(h.committee_code) AS committee_code,
           count(DISTINCT h.house_id) AS n
    FROM variants v JOIN {housing} h ON h.std_address = v.candidate
    GROUP BY v.record_id
)
SELECT
    s.record_id,
    s.source,
    CASE WHEN s.reject_reason IS NOT NULL THEN 'rejected'
         WHEN i.committee_code IS NOT NULL OR a.committee_code IS NOT NULL THEN 'dispatched'
         ELSE 'review' END AS decision,
    CASE WHEN s.reject_reason IS NULL
         THEN coalesce(i.street_code, a.street_code) END AS street_code,
    CASE WHEN s.reject_reason IS NULL
         THEN coalesce(i.committee_code, a.committee_code) END AS committee_code,
    CASE WHEN s.reject_reason IS NULL AND i.committee_code IS NULL THEN a.house_id END AS house_id,
    CASE WHEN s.reject_reason IS NULL AND i.committee_code IS NULL AND a.house_id IS NOT NULL
         THEN 1.0 END AS address_match_probability,
    CASE WHEN s.reject_reason IS NULL THEN i.person_id END AS person_id,
    CASE WHEN s.reject_reason IS NULL AND i.person_id IS NOT NULL
         THEN 1.0 END AS person_match_probability,
    CASE WHEN s.reject_reason IS NOT NULL THEN s.reject_reason
         WHEN i.committee_code IS NULL AND a.committee_code IS NULL THEN 'address_unresolved'
         END AS reason
FROM staged s
LEFT JOIN by_id i ON i.id_number = s.id_typed
LEFT JOIN by_address a ON a.record_id = s.record_id AND a.n = 1
"""


_COUNTS_SQL = _TYPED + """
SELECT (SELECT count(*) FROM staged) AS records,
       (SELECT count(*) FROM staged s JOIN {population} p ON p.id_number = s.id_typed) AS id_matches,
       (SELECT count(*) FROM variants) AS address_probes,
       (SELECT count(*) FROM variants v JOIN {housing} h ON h.std_address = v.candidate) AS address_matches
"""


def _format(sql: str, staged: str, housing: str, population: str) -> str:
    prefixes = "[" + ", ".join(f"'{p}'" for p in PREFIXES) + "]"
    return sql.format(staged=staged, housing=housing, population=population, prefixes=prefixes)


def lookup_counts(con: duckdb.DuckDBPyConnection, staged: str = "staged_records",
                  housing: str = "housing", population: str = "population") -> dict[str, int]:
    """How much the clerk looked up: records, ID hits, address variants tried, address hits
    (the baseline's equivalent of candidate pairs, for the benchmark)."""
    cur = con.execute(_format(_COUNTS_SQL, staged, housing, population))
    names = [c[0] for c in cur.description]
    return dict(zip(names, cur.fetchall()[0]))


def naive_links(
    con: duckdb.DuckDBPyConnection,
    staged: str = "staged_records",
    housing: str = "housing",
    population: str = "population",
) -> duckdb.DuckDBPyRelation:
    """Exact-lookup links for every staged record, shaped exactly per LINKS."""
    rel = con.sql(_format(_SQL, staged, housing, population))
    cols = ", ".join(f'CAST("{c.name}" AS {c.dtype}) AS "{c.name}"' for c in LINKS.columns)
    return rel.query("naive", f"SELECT {cols} FROM naive ORDER BY record_id")
