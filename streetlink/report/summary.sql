-- name: sources
-- Per source: staged records (and the copies they collapsed) against decisions.
-- $sources = the list of sources to report (every known source, even one with no file tonight).
WITH staged AS (
    SELECT source, count(*) AS records, sum(n_copies) AS copies, sum(n_copies - 1) AS duplicates
    FROM {{staged}} GROUP BY source
),
decided AS (
    SELECT source,
           count(*) AS decided,
           count(*) FILTER (WHERE decision = 'dispatched') AS dispatched,
           count(*) FILTER (WHERE decision = 'review') AS review,
           count(*) FILTER (WHERE decision = 'rejected') AS rejected,
           count(*) FILTER (WHERE decision = 'dispatched' AND house_id IS NOT NULL) AS dispatched_to_dwelling,
           count(*) FILTER (WHERE person_id IS NOT NULL) AS person_linked,
           count(*) FILTER (WHERE reason = 'outside_pudong') AS outside_pudong
    FROM {{decisions}} GROUP BY source
),
undecided AS (
    SELECT s.source, count(*) AS undecided
    FROM {{staged}} AS s ANTI JOIN {{decisions}} AS d USING (record_id) GROUP BY s.source
),
orphans AS (
    SELECT d.source, count(*) AS orphans
    FROM {{decisions}} AS d ANTI JOIN {{staged}} AS s USING (record_id) GROUP BY d.source
),
names AS (
    SELECT unnest($sources::VARCHAR[]) AS source
    UNION SELECT source FROM staged
    UNION SELECT source FROM decided
)
SELECT
    n.source,
    coalesce(s.records, 0) AS records,
    coalesce(s.copies, 0) AS copies,
    coalesce(s.duplicates, 0) AS duplicates,
    coalesce(d.decided, 0) AS decided,
    coalesce(d.dispatched, 0) AS dispatched,
    coalesce(d.review, 0) AS review,
    coalesce(d.rejected, 0) AS rejected,
    coalesce(d.dispatched_to_dwelling, 0) AS dispatched_to_dwelling,
    coalesce(d.person_linked, 0) AS person_linked,
    coalesce(d.outside_pudong, 0) AS outside_pudong,
    coalesce(u.undecided, 0) AS undecided,
    coalesce(o.orphans, 0) AS orphans
FROM names AS n
LEFT JOIN staged AS s USING (source)
LEFT JOIN decided AS d USING (source)
LEFT JOIN undecided AS u USING (source)
LEFT JOIN orphans AS o USING (source)
ORDER BY n.source;

-- name: review_attribution
-- For every review record: its top candidate and the street it most likely belongs to
-- (the registry street of the top candidate's committee, else the candidate's street code,
-- else the street named in the address, else the source's street field). Records whose
-- place is outside Pudong belong to no street.
CREATE OR REPLACE TEMP TABLE {{attribution}} AS
WITH review AS (
    SELECT record_id, reason, candidates_json FROM {{decisions}} WHERE decision = 'review'
),
parsable AS (
    SELECT * FROM review WHERE json_valid(candidates_json) AND json_type(candidates_json) = 'ARRAY'
),
candidates AS (
    SELECT p.record_id,
           c.value ->> 'committee_code' AS committee_code,
           c.value ->> 'street_code' AS street_code,
           TRY_CAST(c.value ->> 'probability' AS DOUBLE) AS probability,
           row_number() OVER (
               PARTITION BY p.record_id
               ORDER BY TRY_CAST(c.value ->> 'rank' AS DOUBLE) NULLS LAST,
                        TRY_CAST(c.value ->> 'probability' AS DOUBLE) DESC NULLS LAST,
                        c.value ->> 'committee_code'
           ) AS k
    FROM parsable AS p, json_each(p.candidates_json) AS c
    WHERE json_type(c.value) = 'OBJECT'
)
SELECT
    r.record_id,
    r.reason,
    c.committee_code AS top_committee_code,
    c.probability AS top_probability,
    CASE WHEN r.reason = 'outside_pudong' THEN NULL
         ELSE coalesce(a.street_code, c.street_code, s.street_code_text, s.street_code_hint)
    END AS street_code
FROM review AS r
LEFT JOIN candidates AS c ON c.record_id = r.record_id AND c.k = 1
LEFT JOIN {{admin}} AS a ON a.committee_code = c.committee_code
LEFT JOIN {{records_std}} AS s ON s.record_id = r.record_id;

-- name: streets
-- Every registry street with what was dispatched to it and the review records likely its.
WITH attributed AS (
    SELECT street_code, decision, committee_code FROM {{decisions}}
    WHERE decision = 'dispatched'
    UNION ALL
    SELECT street_code, 'review', NULL FROM {{attribution}}
),
streets AS (
    SELECT street_code, min(street_name) AS street_name, count(*) AS committees
    FROM {{admin}} GROUP BY street_code
)
SELECT s.street_code, s.street_name, s.committees,
       count(x.decision) FILTER (WHERE x.decision = 'dispatched') AS dispatched,
       count(x.decision) FILTER (WHERE x.decision = 'review') AS review,
       count(DISTINCT x.committee_code) AS committees_reached
FROM streets AS s LEFT JOIN attributed AS x USING (street_code)
GROUP BY ALL ORDER BY s.street_code;

-- name: reasons
SELECT decision, reason, count(*) AS n FROM {{decisions}}
WHERE decision IN ('review', 'rejected') GROUP BY ALL
ORDER BY decision, n DESC, reason;

-- name: bases
SELECT basis, count(*) AS n FROM {{decisions}}
WHERE decision = 'dispatched' GROUP BY basis ORDER BY n DESC, basis;

-- name: review_sample
-- A few review records per reason, for the report (masked in summary.py).
SELECT d.record_id, d.source, d.reason, st.name, st.id_number, st.phone,
       nullif(concat_ws(' ', s.community, s.road, s.village), '') AS place, s.addr_precision AS precision,
       a.street_name, a.committee_name, t.top_probability
FROM {{attribution}} AS t
JOIN {{decisions}} AS d USING (record_id)
LEFT JOIN {{staged}} AS st USING (record_id)
LEFT JOIN {{records_std}} AS s USING (record_id)
LEFT JOIN {{admin}} AS a ON a.committee_code = t.top_committee_code
QUALIFY row_number() OVER (PARTITION BY d.reason ORDER BY d.record_id) <= $per_reason
ORDER BY d.reason, d.record_id
LIMIT $size;
