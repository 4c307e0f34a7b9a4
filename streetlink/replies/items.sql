-- What tonight publishes, in the shape the ledger keeps (PUBLISHED_ITEMS, REVIEW_ITEMS).

-- name: items_no_cases
CREATE OR REPLACE TEMP TABLE {{out}} (
    case_id VARCHAR, record_id VARCHAR, priority VARCHAR, rules VARCHAR, deadline TIMESTAMP);

-- name: items_published
-- New dispatches (tonight's decisions, with their case, priority and deadline) and tonight's
-- transfers and manual dispatches. A record both decided anew and moved by a reply tonight
-- goes where the people said.
CREATE OR REPLACE TABLE {{out}} AS
WITH streets AS (SELECT DISTINCT street_code, street_name FROM {{admin}}),
moved AS (
    SELECT t.record_id, t.source, t.street_code, t.committee_code, t.house_id, t.person_id,
           CASE t.kind WHEN 'manual' THEN 'clerk' END AS rule, NULL AS basis, t.case_id,
           coalesce(t.case_id, t.record_id) AS item_id, t.priority, t.rules,
           $published_at::TIMESTAMP + to_seconds(CAST($hours * 3600 AS BIGINT)) AS deadline,
           t.kind, t.transferred_from_street, t.original_night,
           t.name, t.phone, t.address, coalesce(t.corrected_address, t.resolved_address) AS resolved_address
    FROM {{transfers}} AS t
),
new AS (
    SELECT d.record_id, d.source, d.street_code, d.committee_code, d.house_id, d.person_id,
           {{rule:sql}} AS rule, d.basis, c.case_id, coalesce(c.case_id, d.record_id) AS item_id,
           c.priority, c.rules,
           coalesce(c.deadline, $published_at::TIMESTAMP + to_seconds(CAST($hours * 3600 AS BIGINT))) AS deadline,
           'new' AS kind, NULL AS transferred_from_street, NULL::DATE AS original_night,
           s.name, s.phone, s.address, d.resolved_address
    FROM {{decisions}} AS d
    LEFT JOIN {{staged}} AS s USING (record_id)
    LEFT JOIN {{cases}} AS c USING (record_id)
    WHERE d.decision = 'dispatched' AND d.record_id NOT IN (SELECT record_id FROM moved)
      AND d.record_id NOT IN (SELECT record_id FROM {{exclude}})
)
SELECT i.record_id, i.source, i.street_code, i.committee_code, i.house_id, i.person_id, i.rule, i.basis,
       i.case_id, i.item_id, i.priority, i.rules, i.deadline,
       i.street_code || '_' || st.street_name || '.xlsx' AS packet_file,
       i.kind, i.transferred_from_street, i.original_night, i.name, i.phone, i.address, i.resolved_address
FROM (SELECT * FROM new UNION ALL BY NAME SELECT * FROM moved) AS i
LEFT JOIN streets AS st USING (street_code)
ORDER BY i.street_code, i.committee_code, i.record_id;

-- name: items_review
CREATE OR REPLACE TABLE {{out}} AS
WITH queue AS (
    SELECT d.record_id, d.source, d.reason, d.house_id, d.person_id, s.name, s.phone, s.address,
           d.resolved_address, 1 AS pick
    FROM {{decisions}} AS d LEFT JOIN {{staged}} AS s USING (record_id)
    WHERE d.decision = 'review'
    UNION ALL
    SELECT record_id, source, reason, house_id, person_id, name, phone, address, resolved_address, 2 AS pick
    FROM {{transfer_review}}
)
SELECT record_id, source, reason, house_id, person_id, name, phone, address, resolved_address
FROM queue
QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY pick) = 1
ORDER BY record_id;

-- name: items_empty
CREATE OR REPLACE TEMP TABLE {{out}} ({{columns:sql}});

-- name: items_columns
SELECT column_name FROM (DESCRIBE SELECT * FROM {{table}});
