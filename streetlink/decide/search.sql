-- name: rule_records
-- Per rule, the labelled (truth) records it decides in the world's current decisions and,
-- of those it dispatches, how many went to another committee than the truth's.
SELECT d.rule, count(*) AS records,
       count(*) FILTER (WHERE d.decision = 'dispatched'
                        AND d.committee_code IS DISTINCT FROM t.true_committee_code) AS wrong
FROM {{decisions}} d JOIN {{truth}} t USING (record_id)
GROUP BY ALL;

-- name: create_trials
-- The records each trial value of one threshold dispatches (filled by add_trial), labelled
-- or not: a band of records nobody answered is unknown, not empty.
CREATE OR REPLACE TEMP TABLE {{trials}} (trial INTEGER, record_id VARCHAR, committee_code VARCHAR,
                                         labelled BOOLEAN, committee_ok BOOLEAN);

-- name: add_trial
-- What trial $trial dispatches, whether the truth holds the record (labelled) and if so
-- whether the committee is the truth's (the evaluation's committee_ok: false when either
-- side is null; null when the record is not labelled).
INSERT INTO {{trials}}
SELECT $trial, d.record_id, d.committee_code, t.record_id IS NOT NULL,
       CASE WHEN t.record_id IS NOT NULL THEN coalesce(d.committee_code = t.true_committee_code, false) END
FROM {{decisions}} d LEFT JOIN {{truth}} t USING (record_id)
WHERE d.decision = 'dispatched';

-- name: bands
-- Per pair of trials (A, B): what A dispatches that B does not send to the same committee,
-- its size, how many of its records are labelled and how many of those placements are
-- wrong (pairs with nothing are left out).
SELECT a.trial, o.trial AS over, count(*) AS records, count(*) FILTER (WHERE a.labelled) AS labelled,
       count(*) FILTER (WHERE a.labelled AND NOT a.committee_ok) AS wrong
FROM {{trials}} a JOIN range($n) o(trial) ON o.trial <> a.trial
LEFT JOIN {{trials}} b ON b.trial = o.trial AND b.record_id = a.record_id AND b.committee_code = a.committee_code
WHERE b.record_id IS NULL
GROUP BY ALL
ORDER BY a.trial, over;  -- a fixed order: of equally poor bands the trace names the first

-- name: drop_table
DROP TABLE IF EXISTS {{table}};
