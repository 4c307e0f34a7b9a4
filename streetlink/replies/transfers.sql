-- Tonight's transfers (转派) and clerks' dispatches (人工派发), from tonight's judged replies; returns
-- nobody can place (非本辖区 without a usable 转派至, 地址错误) go to the review queue.

-- name: transfers_plan
-- Every record tonight's replies move: where to (a committee admin knows) or why not.
CREATE OR REPLACE TABLE {{out}} AS
WITH latest_answer AS (  -- per record, tonight's latest applied answer (latest reply wins)
    SELECT * FROM {{labels}} WHERE applied
    QUALIFY row_number() OVER (PARTITION BY record_id
                               ORDER BY checked_at DESC NULLS LAST, reply_file DESC, sheet DESC, row_number DESC) = 1
),
latest_dispatch AS (
    SELECT record_id, max(night) AS night FROM {{dispatches}} WHERE night < $night GROUP BY ALL
),
refuted AS (  -- committees that already answered that the record is not theirs
    SELECT record_id, committee_code FROM {{ledger_labels}}
    WHERE applied AND read_night < $night AND result IN ('wrong_address', 'not_our_area')
    UNION
    SELECT record_id, committee_code FROM {{labels}}
    WHERE applied AND result IN ('wrong_address', 'not_our_area')
),
returned AS (
    -- the dwelling the record was placed at is the refuted place: the new street starts without it
    SELECT l.record_id, 'transfer' AS kind, l.street_code AS from_street, l.committee_code AS from_committee,
           d.source, NULL::VARCHAR AS house_id, d.person_id, d.case_id, d.priority, d.rules,
           d.name, d.phone, d.address, d.resolved_address,
           coalesce(d.original_night, d.night) AS original_night,
           l.transfer_text, l.corrected_address, l.note AS returned_note, l.checker AS returned_by, l.reply_file,
           a.street_code, a.committee_code,
           -- 地址错误: the committee has no such address, and nobody said where it is; a clerk
           -- decides (with 正确地址 when the street gave it), the record is not dropped
           CASE WHEN l.result = 'wrong_address' THEN 'wrong_address'
                WHEN l.transfer_status = 'empty' THEN 'no_target'
                WHEN l.transfer_status = 'ambiguous' THEN 'ambiguous_name'
                WHEN a.committee_code IS NULL THEN 'unknown_committee'
                WHEN a.committee_code = l.committee_code THEN 'same_committee'
                WHEN EXISTS (SELECT 1 FROM refuted AS f
                             WHERE f.record_id = l.record_id AND f.committee_code = a.committee_code)
                    THEN 'already_refuted'
           END AS why
    FROM latest_answer AS l
    JOIN {{dispatches}} AS d ON d.record_id = l.record_id AND d.night = l.dispatch_night
    -- only an answer to the record's latest dispatch moves it (an old packet answered late does not)
    JOIN latest_dispatch AS ld ON ld.record_id = l.record_id AND ld.night = l.dispatch_night
    LEFT JOIN {{admin}} AS a ON a.committee_code = l.transfer_committee_code
    WHERE l.result IN ('not_our_area', 'wrong_address')
),
latest_action AS (
    SELECT * FROM {{review_actions}} WHERE applied
    QUALIFY row_number() OVER (PARTITION BY record_id
                               ORDER BY handled_at DESC NULLS LAST, reply_file DESC, sheet DESC, row_number DESC) = 1
),
clerked AS (
    SELECT c.record_id, 'manual' AS kind, NULL AS from_street, NULL AS from_committee,
           q.source, NULL::VARCHAR AS house_id, q.person_id, NULL AS case_id, NULL AS priority, NULL AS rules,
           q.name, q.phone, q.address, q.resolved_address,
           c.review_night AS original_night,
           c.code_text AS transfer_text, NULL AS corrected_address, c.note AS returned_note,
           c.handler AS returned_by, c.reply_file,
           a.street_code, a.committee_code,
           CASE WHEN a.committee_code IS NOT NULL THEN NULL
                WHEN c.action = 'dispatch_committee' THEN 'unknown_committee'
                ELSE 'no_candidate_code' END AS why
    FROM latest_action AS c
    JOIN {{reviews}} AS q ON q.record_id = c.record_id AND q.night = c.review_night
    LEFT JOIN {{admin}} AS a ON a.committee_code = c.committee_code
    WHERE c.action LIKE 'dispatch\_%' ESCAPE '\'
)
SELECT * FROM (SELECT * FROM returned UNION ALL BY NAME SELECT * FROM clerked)
-- a clerk's decision is the later human judgement when both speak of one record
QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY kind = 'manual' DESC, why IS NULL DESC) = 1;

-- name: transfers_items
CREATE OR REPLACE TABLE {{out}} AS
SELECT record_id, source, street_code, committee_code, kind,
       from_street AS transferred_from_street, from_committee AS transferred_from_committee,
       original_night, house_id, person_id, case_id, priority, rules, corrected_address,
       returned_note, returned_by, reply_file, name, phone, address, resolved_address
FROM {{plan}} WHERE why IS NULL
ORDER BY street_code, committee_code, record_id;

-- name: transfers_review
CREATE OR REPLACE TABLE {{out}} AS
SELECT record_id, source, 'transfer_unresolved' AS reason, why, from_street AS street_code,
       from_committee AS committee_code, transfer_text, corrected_address, returned_note,
       original_night, reply_file, house_id, person_id, name, phone, address, resolved_address
FROM {{plan}} WHERE why IS NOT NULL
ORDER BY record_id;

-- name: transfers_counts
SELECT kind, coalesce(why, 'dispatched') AS outcome, count(*) FROM {{plan}} GROUP BY ALL ORDER BY ALL;
