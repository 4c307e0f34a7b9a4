-- name: rule_records
-- Per rule, the labelled (truth) records it decides in the world's current decisions and,
-- of those it dispatches, how many went to another committee than the truth's.
SELECT d.rule, count(*) AS records,
       count(*) FILTER (WHERE d.decision = 'dispatched'
                        AND d.committee_code IS DISTINCT FROM t.true_committee_code) AS wrong
FROM {{decisions}} d JOIN {{truth}} t USING (record_id)
GROUP BY ALL;

-- name: create_trials
-- The labelled records each trial value of one threshold dispatches (filled by add_trial).
CREATE OR REPLACE TEMP TABLE {{trials}} (trial INTEGER, record_id VARCHAR, committee_code VARCHAR,
                                         committee_ok BOOLEAN);

-- name: add_trial
-- What trial $trial dispatches, with whether the committee is the truth's (the evaluation's
-- committee_ok: false when either side is null).
INSERT INTO {{trials}}
SELECT $trial, d.record_id, d.committee_code, coalesce(d.committee_code = t.true_committee_code, false)
FROM {{decisions}} d JOIN {{truth}} t USING (record_id)
WHERE d.decision = 'dispatched';

-- name: bands
-- Per pair of trials (A, B): what A dispatches that B does not send to the same committee,
-- its size and how many of those placements are wrong (pairs with nothing are left out).
SELECT a.trial, o.trial AS over, count(*) AS records, count(*) FILTER (WHERE NOT a.committee_ok) AS wrong
FROM {{trials}} a JOIN range($n) o(trial) ON o.trial <> a.trial
LEFT JOIN {{trials}} b ON b.trial = o.trial AND b.record_id = a.record_id AND b.committee_code = a.committee_code
WHERE b.record_id IS NULL
GROUP BY ALL
ORDER BY a.trial, over;  -- a fixed order: of equally poor bands the trace names the first

-- name: drop_table
DROP TABLE IF EXISTS {{table}};
