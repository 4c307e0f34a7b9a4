-- Where every published item stands: answered or not, closed or open, due when.

-- name: status_labels
-- Every applied answer known as of $night: the ledger's, and tonight's pending ones when
-- given (then the ledger's own copy of tonight, from an earlier run, is left out).
CREATE OR REPLACE TEMP TABLE {{out}} AS
SELECT record_id, street_code, dispatch_night, result, transfer_committee_code, checked_at, read_night,
       reply_file, sheet, row_number
FROM {{ledger_labels}}
WHERE applied AND (read_night < $night OR (read_night = $night AND NOT $pending_given))
UNION ALL
SELECT record_id, street_code, dispatch_night, result, transfer_committee_code, checked_at, read_night,
       reply_file, sheet, row_number
FROM {{pending}}
WHERE applied;

-- name: status_items
-- One row per dispatch published before $dispatch_before: its latest answer (the latest
-- reply wins), when it was first closed, and whether it is still open.
CREATE OR REPLACE TEMP TABLE {{out}} AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY record_id, street_code, dispatch_night
                                 ORDER BY read_night DESC, checked_at DESC NULLS LAST, reply_file DESC,
                                          sheet DESC, row_number DESC) AS recency
    FROM {{labels}}
    WHERE dispatch_night IS NOT NULL
),
latest AS (
    SELECT * FROM ranked WHERE recency = 1
),
first_closed AS (
    SELECT record_id, street_code, dispatch_night, min(checked_at) AS first_closed_at,
           min(read_night) AS first_closed_night
    FROM {{labels}}
    WHERE dispatch_night IS NOT NULL AND list_contains($closing, result)
    GROUP BY ALL
)
SELECT d.*,
       CASE d.kind WHEN 'new' THEN coalesce(d.rule, d.basis, 'unknown') ELSE d.kind END AS rule_key,
       l.result, l.transfer_committee_code AS answer_transfer_code, l.checked_at AS answered_at,
       l.read_night AS answer_read_night,
       f.first_closed_at, f.first_closed_night,
       l.result IS NULL OR NOT list_contains($closing, l.result) AS is_open
FROM {{dispatches}} AS d
LEFT JOIN latest AS l ON l.record_id = d.record_id AND l.street_code = d.street_code AND l.dispatch_night = d.night
LEFT JOIN first_closed AS f ON f.record_id = d.record_id AND f.street_code = d.street_code
                           AND f.dispatch_night = d.night
WHERE d.night < $dispatch_before;

-- name: status_open_items
CREATE OR REPLACE TABLE {{out}} AS
SELECT record_id, night, case_id, person_id, house_id, street_code, committee_code, priority, deadline, rules
FROM {{status}}
WHERE is_open
ORDER BY street_code, committee_code, night, record_id;

-- name: status_overdue_items
-- Open items past their deadline, with what the street needs to knock (OVERDUE_ITEMS).
CREATE OR REPLACE TABLE {{out}} AS
SELECT street_code, committee_code, record_id, night, deadline, resolved_address, name, phone,
       source, kind, case_id, priority, result AS last_result,
       round(epoch($as_of::TIMESTAMP - deadline) / 3600.0, 1) AS hours_overdue
FROM {{status}}
WHERE is_open AND deadline < $as_of
ORDER BY street_code, committee_code, deadline, record_id;

-- name: status_repeats
-- Tonight's dispatched records that repeat an item still open: the same record, the same
-- person, or the same dwelling from the same source. The most specific, most recent match.
CREATE OR REPLACE TABLE {{out}} AS
WITH tonight AS (
    SELECT record_id, source, person_id, house_id, committee_code
    FROM {{decisions}} WHERE decision = 'dispatched'
),
matches AS (
    SELECT t.record_id, o.record_id AS open_record_id, o.night AS open_night, o.street_code, o.committee_code,
           o.case_id, 'same_record' AS match, 1 AS strength, t.committee_code = o.committee_code AS same_committee
    FROM tonight AS t JOIN {{open_items}} AS o ON o.record_id = t.record_id
    UNION ALL
    SELECT t.record_id, o.record_id, o.night, o.street_code, o.committee_code, o.case_id, 'same_person', 2,
           t.committee_code = o.committee_code
    FROM tonight AS t JOIN {{open_items}} AS o ON o.person_id = t.person_id AND o.record_id <> t.record_id
    UNION ALL
    SELECT t.record_id, o.record_id, o.night, o.street_code, o.committee_code, o.case_id, 'same_dwelling_source', 3,
           t.committee_code = o.committee_code
    FROM tonight AS t JOIN {{open_items}} AS o
      ON o.house_id = t.house_id AND split_part(o.record_id, ':', 1) = t.source AND o.record_id <> t.record_id
)
SELECT record_id, open_record_id, open_night, street_code, committee_code, case_id, match, same_committee
FROM matches
QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY strength, open_night DESC, open_record_id) = 1
ORDER BY record_id;
