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
