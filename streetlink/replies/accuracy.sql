-- Accuracy, turnaround and coverage measured from the streets' answers (labels).
-- Input: a status table (status_items: one row per dispatch with its latest answer).

-- name: accuracy_macros
-- Wilson score interval of k successes in n trials at normal quantile z (null when n = 0).
CREATE OR REPLACE TEMP MACRO replies_wilson_low(k, n, z) AS
    CASE WHEN n > 0 THEN
        ((k / n + z * z / (2 * n)) - z * sqrt(k / n * (1 - k / n) / n + z * z / (4 * n * n))) / (1 + z * z / n)
    END;
CREATE OR REPLACE TEMP MACRO replies_wilson_high(k, n, z) AS
    CASE WHEN n > 0 THEN
        ((k / n + z * z / (2 * n)) + z * sqrt(k / n * (1 - k / n) / n + z * z / (4 * n * n))) / (1 + z * z / n)
    END;

-- name: accuracy_verdicts
-- Per dispatch, what its latest answer says (REPLIES.md): the committee confirmed or
-- refuted, the person link confirmed or refuted, the registered home stale or not.
-- A refutation is a dispute until the record is taken up again, and only then a verdict:
-- * overturned (confirmed after all) when the record was sent to the same committee again
--   (a clerk who looked into the return judged it right) and that dispatch was confirmed:
--   the refuting answer was a slip;
-- * upheld when a later dispatch of the record was answered (at another committee, or
--   refuted again) or a clerk closed it (区外转办, 无法定位结案, 退回来源单位核实);
-- * pending (null, `disputed`) while nothing has followed: the record is in the review
--   queue or its next dispatch is unanswered. Counting it either way would be a guess.
CREATE OR REPLACE TEMP TABLE {{out}} AS
WITH said AS (
    SELECT s.*,
           CASE WHEN list_contains($confirming, s.result) THEN true
                WHEN list_contains($refuting, s.result) THEN false END AS answer_confirms
    FROM {{status}} AS s
),
refuted AS (SELECT record_id, night, committee_code FROM said WHERE answer_confirms = false),
overturned AS (
    SELECT DISTINCT r.record_id, r.night, r.committee_code
    FROM refuted AS r JOIN said AS later
      ON later.record_id = r.record_id AND later.committee_code = r.committee_code AND later.night > r.night
    WHERE later.answer_confirms
),
followed AS (
    SELECT r.record_id, r.night, r.committee_code
    FROM refuted AS r JOIN said AS later ON later.record_id = r.record_id AND later.night > r.night
    WHERE later.answer_confirms IS NOT NULL
    UNION
    SELECT r.record_id, r.night, r.committee_code
    FROM refuted AS r JOIN {{review_actions}} AS a ON a.record_id = r.record_id
    WHERE a.applied AND a.read_night <= $night AND a.review_night >= r.night
      AND a.action IS NOT NULL AND NOT starts_with(a.action, 'dispatch_')
)
SELECT s.* EXCLUDE (answer_confirms),
       CASE WHEN o.record_id IS NOT NULL THEN true
            WHEN s.answer_confirms = false AND f.record_id IS NULL THEN NULL
            ELSE s.answer_confirms END AS committee_confirmed,
       o.record_id IS NOT NULL AS overturned,
       s.answer_confirms = false AND o.record_id IS NULL AND f.record_id IS NULL AS disputed,
       CASE WHEN person_id IS NULL THEN NULL
            WHEN result = 'verified_resident' THEN true
            WHEN result = 'not_found' THEN false END AS person_confirmed,
       list_contains($home_rules, coalesce(rule, basis)) AS home_based,
       CASE WHEN NOT list_contains($home_rules, coalesce(rule, basis)) THEN NULL
            WHEN result = 'verified_moved' THEN true
            WHEN result = 'verified_resident' THEN false END AS home_stale,
       CASE WHEN first_closed_at >= published_at
            THEN epoch(first_closed_at - published_at) / 3600.0 END AS turnaround_hours,
       first_closed_at < published_at AS checked_before_publication
FROM said AS s
LEFT JOIN overturned AS o ON o.record_id = s.record_id AND o.night = s.night AND o.committee_code = s.committee_code
LEFT JOIN followed AS f ON f.record_id = s.record_id AND f.night = s.night AND f.committee_code = s.committee_code;

-- name: accuracy_committee
-- Share of answered dispatches whose committee was confirmed, over the answers that say
-- (confirm or refute; duplicate and other say nothing), with Wilson intervals.
CREATE OR REPLACE TABLE {{out}} AS
SELECT CASE WHEN grouping(street_code) = 0 THEN 'street' WHEN grouping(source) = 0 THEN 'source'
            WHEN grouping(rule_key) = 0 THEN 'rule' WHEN grouping(night) = 0 THEN 'night'
            ELSE 'overall' END AS dimension,
       CASE WHEN grouping(street_code) = 0 THEN street_code WHEN grouping(source) = 0 THEN source
            WHEN grouping(rule_key) = 0 THEN rule_key WHEN grouping(night) = 0 THEN CAST(night AS VARCHAR)
            ELSE 'all' END AS key,
       count(*) AS dispatched,
       count(result) AS answered,
       count(committee_confirmed) AS judged,
       count(*) FILTER (WHERE committee_confirmed) AS confirmed,
       count(*) FILTER (WHERE overturned) AS overturned,
       count(*) FILTER (WHERE disputed) AS disputed,
       count(*) FILTER (WHERE committee_confirmed) / nullif(count(committee_confirmed), 0) AS share,
       replies_wilson_low(count(*) FILTER (WHERE committee_confirmed), count(committee_confirmed), $z) AS low,
       replies_wilson_high(count(*) FILTER (WHERE committee_confirmed), count(committee_confirmed), $z) AS high,
       count(result) / count(*) AS coverage
FROM {{verdicts}}
GROUP BY GROUPING SETS ((), (street_code), (source), (rule_key), (night))
ORDER BY dimension, key;

-- name: accuracy_rates
-- Person-link precision (verified_resident among person-linked dispatches answered at the
-- door: resident vs not found) and home staleness (verified_moved among home-based
-- placements answered resident or moved), overall and per source / street.
CREATE OR REPLACE TABLE {{out}} AS
SELECT 'person_link' AS measure,
       CASE WHEN grouping(source) = 0 THEN 'source' WHEN grouping(rule_key) = 0 THEN 'rule' ELSE 'overall' END
           AS dimension,
       CASE WHEN grouping(source) = 0 THEN source WHEN grouping(rule_key) = 0 THEN rule_key ELSE 'all' END AS key,
       count(person_confirmed) AS n, count(*) FILTER (WHERE person_confirmed) AS k
FROM {{verdicts}} WHERE person_id IS NOT NULL
GROUP BY GROUPING SETS ((), (source), (rule_key))
UNION ALL
SELECT 'home_stale',
       CASE WHEN grouping(street_code) = 0 THEN 'street' WHEN grouping(source) = 0 THEN 'source' ELSE 'overall' END,
       CASE WHEN grouping(street_code) = 0 THEN street_code WHEN grouping(source) = 0 THEN source ELSE 'all' END,
       count(home_stale), count(*) FILTER (WHERE home_stale)
FROM {{verdicts}} WHERE home_based
GROUP BY GROUPING SETS ((), (street_code), (source));

-- name: accuracy_rates_intervals
CREATE OR REPLACE TABLE {{out}} AS
SELECT measure, dimension, key, n, k, k / nullif(n, 0) AS share,
       replies_wilson_low(k, n, $z) AS low, replies_wilson_high(k, n, $z) AS high
FROM {{rates}}
ORDER BY measure, dimension, key;

-- name: accuracy_turnaround
-- Hours from publication to the first answer that closed the item (its 核查时间), per
-- street, committee and night: median and 90th percentile (linear interpolation).
CREATE OR REPLACE TABLE {{out}} AS
SELECT CASE WHEN grouping(committee_code) = 0 THEN 'committee'
            WHEN grouping(street_code) = 0 AND grouping(night) = 0 THEN 'street_night'
            WHEN grouping(street_code) = 0 THEN 'street'
            WHEN grouping(night) = 0 THEN 'night' ELSE 'overall' END AS dimension,
       street_code, committee_code, night,
       count(turnaround_hours) AS n,
       quantile_cont(turnaround_hours, 0.5) AS median_hours,
       quantile_cont(turnaround_hours, 0.9) AS p90_hours,
       count(*) FILTER (WHERE first_closed_at IS NULL AND first_closed_night IS NOT NULL) AS closed_without_time,
       count(*) FILTER (WHERE checked_before_publication) AS checked_before_publication
FROM {{verdicts}}
GROUP BY GROUPING SETS ((), (street_code), (street_code, committee_code), (night), (street_code, night))
ORDER BY dimension, street_code, committee_code, night;

-- name: accuracy_open_overdue
CREATE OR REPLACE TABLE {{out}} AS
SELECT street_code, count(*) FILTER (WHERE is_open) AS open,
       count(*) FILTER (WHERE is_open AND deadline < $as_of) AS overdue,
       count(*) AS dispatched, count(result) AS answered
FROM {{verdicts}}
GROUP BY ALL
ORDER BY street_code;

-- name: accuracy_street_names
SELECT DISTINCT street_code, street_name FROM {{admin}};

-- name: accuracy_fetch
SELECT * FROM {{table}};
