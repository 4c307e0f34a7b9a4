-- The record path of address standardisation (records.py, RECORD_STEPS). {{staged}} and
-- {{out}} are table names; _addr_parsed and _addr_hints are Arrow tables the Python
-- steps register (the parsed DISTINCT addresses, the resolved DISTINCT street hints).

-- name: select_distinct_addresses
-- What the parser reads: each (address, context, source, street field) once, however many
-- records share it (the street field only completes a road within the stated street).
CREATE OR REPLACE TEMP TABLE _addr_distinct AS
SELECT row_number() OVER () AS addr_id, address, address_context, source, street_hint
FROM (SELECT DISTINCT address, address_context, source, street_hint FROM {{staged}});

-- name: read_distinct_addresses
SELECT addr_id, address, address_context, source, street_hint FROM _addr_distinct;

-- name: select_distinct_street_hints
SELECT DISTINCT street_hint FROM {{staged}} WHERE street_hint IS NOT NULL;

-- name: join_parts_to_records
-- One row per staged record: its address's parts, and its street field resolved.
CREATE OR REPLACE TABLE {{out}} AS
SELECT s.record_id,
       p.address_clean, p.addr_scope, p.outside_place, p.street_code_text, p.community, p.road,
       p.lane, p.sub_lane, p.number, p.building, p.unit, p.room, p.village, p.group_no,
       p.addr_precision,
       h.street_code_hint,
       p.road_raw, p.committee, p.committee_code_text, p.address_key, p.community_base,
       p.address_notes
FROM {{staged}} AS s
JOIN _addr_distinct AS a
  ON a.address IS NOT DISTINCT FROM s.address
 AND a.address_context IS NOT DISTINCT FROM s.address_context
 AND a.source IS NOT DISTINCT FROM s.source
 AND a.street_hint IS NOT DISTINCT FROM s.street_hint
JOIN _addr_parsed AS p ON p.addr_id = a.addr_id
LEFT JOIN _addr_hints AS h ON h.street_hint = s.street_hint;

-- name: drop_distinct_addresses
DROP TABLE IF EXISTS _addr_distinct;

-- name: count_rows
SELECT count(*) FROM {{table}};
