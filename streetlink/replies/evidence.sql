-- Labels as evidence for learning: what the answers say about each record's first dispatch.

-- name: evidence_records
CREATE OR REPLACE TABLE {{out}} AS
WITH ordered AS (
    SELECT *, row_number() OVER (PARTITION BY record_id ORDER BY night) AS nth
    FROM {{verdicts}}
),
later_confirmed AS (  -- where a later dispatch of the record was confirmed (a transfer, a clerk's)
    SELECT o.record_id, arg_max(o.committee_code, o.night) AS committee_code
    FROM ordered AS o WHERE o.nth > 1 AND o.committee_confirmed
    GROUP BY ALL
)
SELECT f.record_id, f.source, f.night, f.kind, f.street_code, f.committee_code,
       coalesce(f.rule, f.basis) AS rule, f.basis, f.house_id, f.person_id, f.model_version,
       f.result, f.committee_confirmed,
       CASE WHEN f.committee_confirmed THEN f.committee_code
            WHEN f.result = 'not_our_area' THEN coalesce(lc.committee_code, f.answer_transfer_code)
            WHEN f.result = 'wrong_address' THEN lc.committee_code
       END AS true_committee_code,
       f.person_confirmed, f.home_stale, f.answer_read_night AS labelled_night
FROM ordered AS f LEFT JOIN later_confirmed AS lc USING (record_id)
WHERE f.nth = 1 AND f.result IS NOT NULL
ORDER BY f.record_id;

-- name: evidence_rule_counts
-- Per decide rule, the answers that speak to the committee, and whether they are enough
-- to choose the rule's thresholds from labels.
CREATE OR REPLACE TABLE {{out}} AS
SELECT coalesce(rule, 'unknown') AS rule,
       count(*) AS labelled,
       count(committee_confirmed) AS answered,
       count(*) FILTER (WHERE committee_confirmed) AS confirmed,
       count(*) FILTER (WHERE NOT committee_confirmed) AS refuted,
       count(committee_confirmed) >= $min_answers AS enough
FROM {{evidence}}
WHERE kind = 'new'
GROUP BY ALL
ORDER BY rule;
