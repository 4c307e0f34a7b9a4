-- name: check_dispatched
-- Dispatched records the packets could not place: not staged, a committee unknown to the
-- registry, or a committee of another street than the decision names.
SELECT
    count(*) FILTER (WHERE s.record_id IS NULL) AS not_staged,
    (list(d.record_id ORDER BY d.record_id) FILTER (WHERE s.record_id IS NULL))[1:3] AS not_staged_ids,
    count(*) FILTER (WHERE a.committee_code IS NULL) AS unknown_committee,
    (list(d.record_id ORDER BY d.record_id) FILTER (WHERE a.committee_code IS NULL))[1:3] AS unknown_committee_ids,
    count(*) FILTER (WHERE a.committee_code IS NOT NULL AND a.street_code IS DISTINCT FROM d.street_code)
        AS other_street,
    (list(d.record_id ORDER BY d.record_id)
        FILTER (WHERE a.committee_code IS NOT NULL AND a.street_code IS DISTINCT FROM d.street_code))[1:3]
        AS other_street_ids
FROM {{decisions}} AS d
LEFT JOIN {{staged}} AS s USING (record_id)
LEFT JOIN {{admin}} AS a ON a.committee_code = d.committee_code
WHERE d.decision = 'dispatched';

-- name: packet_rows_from_decisions
-- Tonight's dispatched records, one item each (contract PACKET_ROWS). Only what the visit
-- needs reaches the row: the source details minus the keys in $hidden_detail_keys (the
-- licence plate), and a hotline caller's name and phone only when the caller is
-- registered at the very dwelling the matter was placed at (or the matter was placed at
-- the caller's registered home): otherwise the caller may be a neighbour, and the street
-- calls back through the hotline with the order number instead.
-- The rule fragment is d.rule once DECISIONS carries it, else NULL (see packets.py).
CREATE OR REPLACE TABLE {{packet_rows}} AS
WITH dispatched AS (
    SELECT d.*, {{rule:sql}} AS rule_name
    FROM {{decisions}} AS d
    WHERE d.decision = 'dispatched'
),
detail_lines AS (
    SELECT s.record_id,
           string_agg(
               j.key || '：' || CASE WHEN j.type = 'ARRAY'
                                    THEN array_to_string(json_extract_string(j.value, '$[*]'), '、')
                                    ELSE j.value ->> '$' END,
               chr(10) ORDER BY j.id) AS lines
    FROM {{staged}} AS s, json_each(s.details) AS j
    WHERE s.record_id IN (SELECT record_id FROM dispatched)
      AND json_valid(s.details) AND json_type(s.details) = 'OBJECT'
      AND NOT list_contains($hidden_detail_keys, j.key)
      AND CASE j.type WHEN 'NULL' THEN false
                      WHEN 'VARCHAR' THEN (j.value ->> '$') <> ''
                      WHEN 'ARRAY' THEN json_array_length(j.value) > 0
                      WHEN 'OBJECT' THEN j.value::VARCHAR <> '{}'
                      ELSE true END
    GROUP BY s.record_id
),
placed AS (
    SELECT d.*,
           s.source_id, s.event_time, s.event_time_raw, s.name, s.id_number, s.phone, s.address,
           s.address_context, s.details AS details_json, dl.lines AS detail_text,
           a.street_name, a.committee_name,
           h.house_id IS NOT NULL AS from_dwelling,
           CASE WHEN h.house_id IS NOT NULL THEN h.road ELSE r.road END AS p_road,
           CASE WHEN h.house_id IS NOT NULL THEN h.community ELSE r.community END AS p_community,
           CASE WHEN h.house_id IS NOT NULL THEN h.lane ELSE r.lane END AS p_lane,
           CASE WHEN h.house_id IS NOT NULL THEN h.number ELSE r.number END AS p_number,
           CASE WHEN h.house_id IS NOT NULL THEN h.room ELSE r.room END AS p_room,
           CASE WHEN h.house_id IS NOT NULL THEN h.village ELSE r.village END AS p_village,
           CASE WHEN h.house_id IS NOT NULL THEN h.group_no ELSE r.group_no END AS p_group,
           (d.basis = 'person_registered_home'
            OR (d.person_id IS NOT NULL AND p.house_id IS NOT NULL AND p.house_id = d.house_id))
               AS person_at_place
    FROM dispatched AS d
    JOIN {{staged}} AS s USING (record_id)
    JOIN {{admin}} AS a ON a.committee_code = d.committee_code
    LEFT JOIN detail_lines AS dl USING (record_id)
    LEFT JOIN {{records_std}} AS r USING (record_id)
    LEFT JOIN {{housing}} AS h ON h.house_id = d.house_id
    LEFT JOIN {{population}} AS p ON p.person_id = d.person_id
),
reasoned AS (
    SELECT pl.*,
           coalesce(rb.text, rr.text, bb.text, $default_reason) AS reason_text,
           pl.source = 'hotline' AND NOT pl.person_at_place AS withhold_caller
    FROM placed AS pl
    LEFT JOIN {{reasons}} AS rb ON rb.rule = pl.rule_name AND rb.basis = pl.basis
    LEFT JOIN {{reasons}} AS rr ON rr.rule = pl.rule_name AND rr.basis IS NULL
    LEFT JOIN {{reasons}} AS bb ON bb.rule IS NULL AND bb.basis = pl.basis
)
SELECT
    street_code,
    street_name,
    committee_code,
    committee_name,
    record_id AS item_id,
    [record_id] AS record_ids,
    [source] AS sources,
    'normal' AS priority,
    CAST($published_at AS TIMESTAMP) + to_minutes(CAST(round($deadline_hours * 60) AS BIGINT)) AS deadline,
    'new' AS kind,
    NULL::VARCHAR AS transferred_from,
    event_time,
    CASE WHEN event_time IS NULL THEN event_time_raw END AS event_time_raw,
    CASE WHEN withhold_caller THEN NULL ELSE name END AS person_name,
    CASE WHEN withhold_caller THEN NULL ELSE id_number END AS person_id_number,
    CASE WHEN withhold_caller THEN NULL ELSE phone END AS person_phone,
    CASE WHEN withhold_caller THEN $withheld_note END AS contact_note,
    address,
    resolved_address,
    reason_text,
    CASE WHEN detail_text IS NOT NULL THEN detail_text
         WHEN json_valid(details_json) THEN NULL
         ELSE details_json END AS details,
    CASE WHEN p_village IS NOT NULL AND p_road IS NULL THEN p_village ELSE coalesce(p_road, p_community) END
        AS walk_place,
    CASE WHEN p_village IS NOT NULL AND p_road IS NULL THEN p_group ELSE p_lane END AS walk_block,
    p_number AS walk_number,
    p_room AS walk_room
FROM reasoned
ORDER BY street_code, committee_code, item_id;

-- name: packet_rows_from_cases
-- One item per screening case row (case × committee, CASE_ROWS), built on the per-record
-- rows of packet_rows_from_decisions ({{records}}): the row shows the case's own record (its
-- first) and lists every record id it answers for, with its sources, the case's priority,
-- deadline and the screening rules that fired. Records in {{exclude}} (repeats of an open
-- item in the same committee, records a reply moved tonight) are left out of the rows.
CREATE OR REPLACE TABLE {{packet_rows}} AS
WITH members AS (
    SELECT c.case_id, c.street_code, c.committee_code, c.priority, c.deadline, c.rules_text,
           unnest(c.record_ids) AS record_id, unnest(generate_series(1, len(c.record_ids))) AS pos
    FROM {{case_rows}} AS c
),
kept AS (
    SELECT m.*, r.sources[1] AS source, r.details AS record_details, r.event_time AS record_time,
           r.event_time_raw AS record_time_raw,
           row_number() OVER (PARTITION BY m.case_id, m.committee_code ORDER BY m.pos) AS k
    FROM members AS m
    JOIN {{records}} AS r ON r.item_id = m.record_id
    WHERE m.record_id NOT IN (SELECT record_id FROM {{exclude}})
),
grouped AS (
    SELECT case_id, committee_code,
           list(record_id ORDER BY k) AS record_ids,
           list(source ORDER BY k) AS sources,
           string_agg(
               '另一记录（' || CASE source WHEN 'checkpoint' THEN '道口登记' WHEN 'hotline' THEN '12345热线'
                                          WHEN 'healthcloud' THEN '健康云自报' ELSE source END
               || coalesce(' ' || strftime(record_time, '%m-%d %H:%M'), ' ' || record_time_raw, '') || '）'
               || coalesce('：' || replace(record_details, chr(10), '；'), ''),
               chr(10) ORDER BY k) FILTER (WHERE k > 1) AS more_details
    FROM kept GROUP BY case_id, committee_code
)
SELECT r.street_code, r.street_name, r.committee_code, r.committee_name,
       g.record_ids[1] AS item_id, g.record_ids, g.sources,
       c.priority, c.deadline, 'new' AS kind, NULL::VARCHAR AS transferred_from,
       r.event_time, r.event_time_raw, r.person_name, r.person_id_number, r.person_phone, r.contact_note,
       r.address, r.resolved_address,
       r.reason_text || coalesce(chr(10) || '筛查：' || c.rules_text, '') AS reason_text,
       CASE WHEN r.details IS NULL THEN g.more_details
            WHEN g.more_details IS NULL THEN r.details
            ELSE r.details || chr(10) || g.more_details END AS details,
       r.walk_place, r.walk_block, r.walk_number, r.walk_room
FROM grouped AS g
JOIN (SELECT DISTINCT case_id, committee_code, priority, deadline, rules_text FROM {{case_rows}}) AS c
    USING (case_id, committee_code)
JOIN {{records}} AS r ON r.item_id = g.record_ids[1]
ORDER BY r.street_code, r.committee_code, item_id;

-- name: packet_rows_add_transfers
-- Tonight's transfers (转派: a street answered 非本辖区 and named the right committee) and
-- manual dispatches (人工派发: a clerk's decision in the review workbook), from the
-- replies stage's TRANSFER_ITEMS. Their source extract is gone from the run, so the row
-- shows what the ledger kept: name, phone, the address as written and as placed (the
-- returning street's 正确地址 first). A hotline record's person is not printed (the caller
-- may be a neighbour, as for new rows). Priority: the case's when it had one, else normal;
-- deadline: the publication time plus that priority's hours (rules.toml).
INSERT INTO {{packet_rows}} BY NAME
SELECT t.street_code, a.street_name, t.committee_code, a.committee_name,
       t.record_id AS item_id, [t.record_id] AS record_ids, [t.source] AS sources,
       coalesce(t.priority, 'normal') AS priority,
       CAST($published_at AS TIMESTAMP)
           + to_minutes(CAST(round(ph.hours * 60) AS BIGINT)) AS deadline,
       t.kind,
       CASE WHEN t.kind = 'transfer' THEN coalesce(fc.committee_name, fs.street_name, t.transferred_from_street) END
           AS transferred_from,
       NULL::TIMESTAMP AS event_time, NULL::VARCHAR AS event_time_raw,
       CASE WHEN t.source = 'hotline' THEN NULL ELSE t.name END AS person_name,
       NULL::VARCHAR AS person_id_number,
       CASE WHEN t.source = 'hotline' THEN NULL ELSE t.phone END AS person_phone,
       CASE WHEN t.source = 'hotline' THEN $withheld_note END AS contact_note,
       t.address,
       coalesce(t.corrected_address, t.resolved_address) AS resolved_address,
       CASE WHEN t.kind = 'transfer'
            THEN '原居委核查反馈非本辖区，转派本居委'
            ELSE '区城运中心复核后指定派发本居委' END AS reason_text,
       concat_ws(chr(10),
           '原记录日期：' || strftime(t.original_night, '%Y-%m-%d'),
           CASE WHEN t.corrected_address IS NOT NULL AND t.resolved_address IS NOT NULL
                     AND t.corrected_address <> t.resolved_address
                THEN '原派发地址：' || t.resolved_address END,
           '退回说明：' || nullif(t.returned_note, ''),
           CASE WHEN t.kind = 'transfer' THEN '退回核查人：' ELSE '复核人：' END || nullif(t.returned_by, '')) AS details,
       CASE WHEN h.village IS NOT NULL AND h.road IS NULL THEN h.village ELSE coalesce(h.road, h.community) END
           AS walk_place,
       CASE WHEN h.village IS NOT NULL AND h.road IS NULL THEN h.group_no ELSE h.lane END AS walk_block,
       h.number AS walk_number, h.room AS walk_room
FROM {{transfers}} AS t
JOIN {{admin}} AS a ON a.committee_code = t.committee_code
JOIN {{priority_hours}} AS ph ON ph.priority = coalesce(t.priority, 'normal')
LEFT JOIN {{admin}} AS fc ON fc.committee_code = t.transferred_from_committee
LEFT JOIN (SELECT DISTINCT street_code, street_name FROM {{admin}}) AS fs ON fs.street_code = t.transferred_from_street
LEFT JOIN {{housing}} AS h ON h.house_id = t.house_id AND t.corrected_address IS NULL;

-- name: packet_excluded_records
-- Tonight's records that get no packet row of their own: repeats of an item still open
-- in the same committee (marked on that item instead) and records a reply moved tonight.
CREATE OR REPLACE TEMP TABLE {{out}} AS
SELECT record_id FROM {{repeats}} WHERE same_committee
UNION
SELECT record_id FROM {{transfers}};

-- name: align_published_items
-- The ledger keeps what the packets print: each published record's item, priority and
-- deadline are its packet row's; repeats kept out of the packets are not published.
CREATE OR REPLACE TABLE {{items}} AS
WITH rows AS (
    SELECT unnest(record_ids) AS record_id, item_id, priority, deadline FROM {{packet_rows}}
)
SELECT i.* REPLACE (r.item_id AS item_id, r.priority AS priority, r.deadline AS deadline)
FROM {{items}} AS i JOIN rows AS r USING (record_id)
ORDER BY i.street_code, i.committee_code, i.record_id;

-- name: published_vs_packet_rows
-- Records in the packets but not published (or the reverse): must both be empty.
SELECT
    (SELECT list(record_id ORDER BY record_id)[1:5] FROM (
        SELECT unnest(record_ids) AS record_id FROM {{packet_rows}}
        EXCEPT SELECT record_id FROM {{items}})) AS not_published,
    (SELECT list(record_id ORDER BY record_id)[1:5] FROM (
        SELECT record_id FROM {{items}}
        EXCEPT SELECT unnest(record_ids) FROM {{packet_rows}})) AS not_in_packets;

-- name: packet_open_items
-- The 逾期未核查 sheet: open items past their deadline, and open items that a record of
-- tonight repeats (in the same committee) even before their deadline, with the new
-- sightings in seen_again.
CREATE OR REPLACE TABLE {{out}} AS
WITH seen AS (
    SELECT r.open_record_id AS record_id,
           string_agg(
               CASE split_part(r.record_id, ':', 1) WHEN 'checkpoint' THEN '道口登记' WHEN 'hotline' THEN '12345热线'
                    WHEN 'healthcloud' THEN '健康云自报' ELSE split_part(r.record_id, ':', 1) END
               || ' ' || r.record_id, chr(10) ORDER BY r.record_id) AS seen_again
    FROM {{repeats}} AS r WHERE r.same_committee
    GROUP BY r.open_record_id
)
SELECT o.street_code, o.committee_code, o.record_id, o.night, o.deadline, o.resolved_address,
       -- a hotline caller is printed nowhere but beside a matter at their own home
       CASE WHEN o.source = 'hotline' THEN NULL ELSE o.name END AS name,
       CASE WHEN o.source = 'hotline' THEN NULL ELSE o.phone END AS phone,
       s.seen_again
FROM {{open_details}} AS o
LEFT JOIN seen AS s ON s.record_id = o.record_id AND s.record_id IN (
    SELECT open_record_id FROM {{repeats}} AS r WHERE r.same_committee AND r.open_night = o.night)
WHERE EXISTS (SELECT 1 FROM {{overdue}} AS v WHERE v.record_id = o.record_id AND v.night = o.night)
   OR s.record_id IS NOT NULL
ORDER BY o.street_code, o.committee_code, o.deadline, o.record_id;
