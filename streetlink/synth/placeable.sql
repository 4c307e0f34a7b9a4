-- The registry units (buildings, village groups) consistent with EVERY part a written
-- address text still carries, under the best reading of its road or village spelling
-- (streetlink/synth/placeable.py). A part that is not written constrains nothing.
-- Inputs: texts, road_readings, village_readings, buildings, village_groups.
-- name: placeable_matches
CREATE OR REPLACE TEMP TABLE matches AS
WITH reached AS (  -- access paths only; the full test of every part is below
    SELECT r.text_id, r.reading, b.unit
    FROM road_readings r JOIN texts t USING (text_id)
    JOIN buildings b ON b.road = r.road AND b.number = t.number
    UNION ALL
    SELECT r.text_id, r.reading, b.unit  -- a road with no number (a vague "杨高路附近")
    FROM road_readings r JOIN texts t USING (text_id)
    JOIN buildings b ON b.road = r.road
    WHERE t.number IS NULL
    UNION ALL
    SELECT t.text_id, 0 AS reading, b.unit  -- no road written: the community's buildings
    FROM texts t JOIN buildings b ON b.community = t.community
    WHERE NOT t.has_road AND NOT t.is_village
    UNION ALL
    SELECT t.text_id, 0 AS reading, b.unit  -- an estate named without its phase: every phase
    FROM texts t JOIN buildings b ON b.estate = t.community
    WHERE NOT t.has_road AND NOT t.is_village
),
urban AS (
    SELECT x.text_id, x.reading, x.unit, t.room AS sub, b.committee
    FROM reached x JOIN texts t USING (text_id) JOIN buildings b USING (unit)
    WHERE (t.lane IS NULL OR b.lane = t.lane)
      AND (t.number IS NULL OR b.number = t.number)
      AND (t.community IS NULL OR b.community = t.community OR b.estate = t.community)
      AND (t.street IS NULL OR b.street = t.street)
      AND (t.room IS NULL OR (b.has_room
                              AND t.room // 100 BETWEEN 1 AND b.floors
                              AND t.room % 100 BETWEEN 1 AND b.rooms_per_floor))
),
rural AS (
    SELECT v.text_id, v.reading, g.unit, t.number AS sub, g.committee
    FROM village_readings v JOIN texts t USING (text_id)
    JOIN village_groups g ON g.village = v.village
    WHERE (t.group_no IS NULL OR g.group_no = t.group_no)
      AND (t.number IS NULL OR t.number BETWEEN 1 AND g.houses)
      AND (t.street IS NULL OR g.street = t.street)
)
SELECT text_id, unit, sub, committee
FROM (SELECT * FROM urban UNION ALL SELECT * FROM rural)
-- the exact spelling first; the names one character away only when it fits nothing
QUALIFY reading = min(reading) OVER (PARTITION BY text_id);

-- name: copy_arrow
-- Copied into DuckDB: a scan of a registered Arrow table has no statistics, and without
-- them the join order is ~20x slower.
CREATE TEMP TABLE {{table}} AS SELECT * FROM {{arrow}};

-- name: committees_per_text
SELECT text_id, list(DISTINCT committee) AS c FROM matches GROUP BY text_id;

-- name: units_per_text
SELECT DISTINCT text_id, unit, coalesce(sub, -1), committee FROM matches SEMI JOIN unit_texts USING (text_id);
