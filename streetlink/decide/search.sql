-- name: rule_records
-- Per rule, the labelled (truth) records it decides in the world's current decisions and,
-- of those it dispatches, how many went to another committee than the truth's.
SELECT d.rule, count(*) AS records,
       count(*) FILTER (WHERE d.decision = 'dispatched'
                        AND d.committee_code IS DISTINCT FROM t.true_committee_code) AS wrong
FROM {{decisions}} d JOIN {{truth}} t USING (record_id)
GROUP BY ALL;

-- name: dispatched_snapshot
-- The labelled records one trial value dispatches, with whether the committee is the
-- truth's (the evaluation's committee_ok: false when either side is null).
CREATE OR REPLACE TEMP TABLE {{out}} AS
SELECT d.record_id, d.committee_code,
       coalesce(d.committee_code = t.true_committee_code, false) AS committee_ok
FROM {{decisions}} d JOIN {{truth}} t USING (record_id)
WHERE d.decision = 'dispatched';

-- name: band_over
-- What value A dispatches that value B does not dispatch to the same committee: its size
-- and how many of those placements are wrong.
SELECT count(*) AS records, count(*) FILTER (WHERE NOT a.committee_ok) AS wrong
FROM {{a}} a LEFT JOIN {{b}} b ON b.record_id = a.record_id AND b.committee_code = a.committee_code
WHERE b.record_id IS NULL;

-- name: drop_snapshot
DROP TABLE IF EXISTS {{table}};
