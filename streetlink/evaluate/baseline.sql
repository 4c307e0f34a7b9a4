-- The naive "before" baseline (baseline.py): exact look-ups only. {{staged}}, {{housing}}
-- and {{population}} are table names; $prefixes the exact prefixes a clerk tried.

-- name: typed_lookups
-- The look-ups' common part (WITH …): the staged values as typed, and the address variants
-- tried. Rendered once and placed at the head of the two statements below.
WITH staged AS (
    SELECT record_id, source, reject_reason,
           nullif(trim(id_number), '') AS id_typed,
           nullif(trim(address), '') AS addr
    FROM {{staged}}
),
-- registry persons by ID: only an ID held by exactly one person, who has a dwelling
unique_ids AS (
    SELECT id_number FROM {{population}} WHERE id_number IS NOT NULL
    GROUP BY id_number HAVING count(*) = 1
),
by_id AS (
    SELECT p.id_number, p.person_id, h.street_code, h.committee_code
    FROM {{population}} p
    JOIN unique_ids u ON u.id_number = p.id_number
    JOIN {{housing}} h ON h.house_id = p.house_id
),
prefixes(p) AS (SELECT unnest($prefixes)),
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

-- name: naive_links
-- One row per staged record, with the columns of LINKS (cast to them by the caller).
{{typed_lookups:sql}},
by_address AS (
    SELECT v.record_id, min(h.house_id) AS house_id,
           min(h.street_code) AS street_code, min(h.committee_code) AS committee_code,
           count(DISTINCT h.house_id) AS n
    FROM variants v JOIN {{housing}} h ON h.std_address = v.candidate
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
LEFT JOIN by_address a ON a.record_id = s.record_id AND a.n = 1;

-- name: lookup_counts
-- How much the clerk looked up (the baseline's equivalent of candidate pairs).
{{typed_lookups:sql}}
SELECT (SELECT count(*) FROM staged) AS records,
       (SELECT count(*) FROM staged s JOIN {{population}} p ON p.id_number = s.id_typed) AS id_matches,
       (SELECT count(*) FROM variants) AS address_probes,
       (SELECT count(*) FROM variants v JOIN {{housing}} h ON h.std_address = v.candidate) AS address_matches;
