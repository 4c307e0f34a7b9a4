-- For every review record: its top candidate and the street it most likely belongs to
-- (the registry street of the top candidate's committee, else the candidate's street code,
-- else the street named in the address, else the source's street field). Records whose
-- place is outside Pudong belong to no street.
WITH no_records_std AS (
    SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS street_code_text,
           NULL::VARCHAR AS street_code_hint
    WHERE false
),
review AS (
    SELECT record_id, reason, candidates_json FROM $decisions WHERE decision = 'review'
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
                        TRY_CAST(c.value ->> 'probability' AS DOUBLE) DESC NULLS LAST
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
LEFT JOIN $admin AS a ON a.committee_code = c.committee_code
LEFT JOIN $records_std AS s ON s.record_id = r.record_id
