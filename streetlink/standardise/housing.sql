-- housing_std: the set-based stages of HOUSING_STEPS (housing.py). {{src}} and {{out}} are
-- table names. The _hs_* tables are small Arrow tables the Python stages register: each
-- DISTINCT raw value of a part column mapped to its repaired form and the repair kinds
-- (repairs.py, made of the very functions the address parser's normalisers are made of),
-- so that 2.3 M rows cost only a few thousand Python calls. The table is written once;
-- the repairs that need the whole registry (one estate written two ways, a std_address
-- that disagrees with its parts) then update the few rows concerned.

-- name: define_sorted_kinds
-- Repair kinds once each, sorted: the column reads the same however they were collected.
CREATE OR REPLACE TEMP MACRO sorted_kinds(kinds) AS
    array_to_string(list_sort(list_distinct(string_split(kinds, ','))), ',');

-- name: distinct_values
-- Each part column's distinct raw values, in one scan of the registry.
SELECT list(DISTINCT CAST(road AS VARCHAR)), list(DISTINCT CAST(community_name AS VARCHAR)),
       list(DISTINCT CAST(village AS VARCHAR)), list(DISTINCT CAST(lane AS VARCHAR)),
       list(DISTINCT CAST(number AS VARCHAR)), list(DISTINCT CAST(room AS VARCHAR)),
       list(DISTINCT CAST(group_no AS VARCHAR))
FROM {{src}};

-- name: apply_value_repairs
-- Every dwelling with its parts repaired value by value. What a road field held besides the
-- road (an estate, a lane, a number) fills the dwelling's own field only where that is empty;
-- so does a lane or number found inside the number or room field.
CREATE OR REPLACE TABLE {{out}} AS
WITH parts AS (
    SELECT
        h.house_id,
        h.street_code,
        h.committee_code,
        coalesce(c.community, r.community) AS community,
        r.road,
        coalesce(l.lane, n.lane, r.lane) AS lane,
        l.sub_lane,
        coalesce(n.value, rm.number, r.number, trim(h.number)) AS number,
        rm.value AS room,
        v.village,
        g.value AS group_no,
        -- full-width digits and brackets half-width, every space gone (tab, newline, no-break
        -- and ideographic spaces too); the test first, so that clean values cost one scan
        CASE WHEN regexp_matches(h.std_address, '[\s０-９（）－\x{00a0}\x{3000}]')
             THEN replace(translate(trim(h.std_address),
                                    '０１２３４５６７８９（）－' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)
                                        || chr(160) || chr(12288),
                                    '0123456789()-       '), ' ', '')
             ELSE h.std_address
        END AS std_address,
        CASE WHEN c.community IS NOT NULL THEN c.community_base ELSE r.community_base END AS community_base,
        CASE WHEN r.kinds IS NOT NULL OR c.kinds IS NOT NULL OR v.kinds IS NOT NULL OR l.kinds IS NOT NULL
                  OR n.kinds IS NOT NULL OR rm.kinds IS NOT NULL OR g.kinds IS NOT NULL
             THEN sorted_kinds(concat_ws(',', r.kinds, c.kinds, v.kinds, l.kinds, n.kinds, rm.kinds, g.kinds))
        END AS repairs
    FROM {{src}} AS h
    LEFT JOIN _hs_roads AS r ON r.raw = h.road
    LEFT JOIN _hs_communities AS c ON c.raw = h.community_name
    LEFT JOIN _hs_villages AS v ON v.raw = h.village
    LEFT JOIN _hs_lanes AS l ON l.raw = h.lane
    LEFT JOIN _hs_numbers AS n ON n.raw = h.number
    LEFT JOIN _hs_numbers AS rm ON rm.raw = h.room
    LEFT JOIN _hs_numbers AS g ON g.raw = h.group_no
)
SELECT
    house_id, street_code, committee_code, community, road, lane, sub_lane, number, room,
    village, group_no, std_address,
    -- Same rule as addresses.address_key / building_key (and make_key in housing.py).
    CASE
        WHEN road IS NOT NULL THEN road || coalesce(lane || '弄', '') || coalesce(sub_lane || '支弄', '')
            || coalesce(number || '号', '') || coalesce(room || '室', '')
        WHEN village IS NOT NULL THEN village || coalesce(group_no || '组', '')
            || coalesce(number || '号', '') || coalesce(room || '室', '')
        WHEN community IS NOT NULL THEN community || coalesce(number || '号', '') || coalesce(room || '室', '')
    END AS address_key,
    CASE
        WHEN road IS NOT NULL THEN road || coalesce(lane || '弄', '') || coalesce(sub_lane || '支弄', '')
            || coalesce(number || '号', '')
        WHEN village IS NOT NULL THEN village || coalesce(group_no || '组', '') || coalesce(number || '号', '')
        WHEN community IS NOT NULL THEN community || coalesce(number || '号', '')
    END AS building_key,
    community_base,
    repairs
FROM parts;

-- name: community_forms
-- Each community name with its street and dwellings: the input of the 小区 unification.
SELECT street_code, community, count(*) AS dwellings
FROM {{out}} WHERE community IS NOT NULL GROUP BY ALL;

-- name: unify_community_forms
-- 齐河 → 齐河小区 (or back) where _hs_forms says so; a community-only key follows the name.
UPDATE {{out}} AS t
SET community = f.community,
    community_base = f.community_base,
    address_key = CASE WHEN t.road IS NULL AND t.village IS NULL
                       THEN f.community || coalesce(t.number || '号', '') || coalesce(t.room || '室', '')
                       ELSE t.address_key END,
    building_key = CASE WHEN t.road IS NULL AND t.village IS NULL
                        THEN f.community || coalesce(t.number || '号', '') ELSE t.building_key END,
    repairs = sorted_kinds(concat_ws(',', t.repairs, 'community_form'))
FROM _hs_forms AS f
WHERE t.street_code = f.street_code AND t.community = f.raw;

-- name: std_address_candidates
-- Dwellings whose std_address does not end with their key, and dwellings with neither road
-- nor village. Most registries write std_address as 浦东新区 + the parts, so the exact test
-- settles nearly every row; the rest are compared again without the unit word after a
-- number and without leading zeros (3号楼, 0602 or a missing 室 is the same dwelling). What
-- follows the road (or village) in std_address is then read here when it has the plain
-- registry form (88弄2支弄3号602室 / 5组12号); only the rest is read in Python.
CREATE OR REPLACE TEMP TABLE _hs_std_cand AS
WITH candidates AS (
    SELECT house_id, street_code, std_address, road, lane, sub_lane, number, room, village, group_no,
           community, repairs,
           CASE WHEN road IS NOT NULL AND strpos(std_address, road) > 0
                    THEN substr(std_address, strpos(std_address, road) + length(road))
                WHEN road IS NULL AND village IS NOT NULL AND strpos(std_address, village) > 0
                    THEN substr(std_address, strpos(std_address, village) + length(village))
           END AS tail
    FROM {{out}}
    WHERE std_address IS NOT NULL
      AND CASE WHEN road IS NULL AND village IS NULL THEN true
               WHEN ends_with(std_address, address_key) THEN false  -- the tolerant test runs only on the rest
               ELSE NOT ends_with(
                   regexp_replace(
                       regexp_replace(std_address, '([0-9A-Z])(?:支弄|号楼|弄|号|室|组|队|栋|幢|楼|#|-)', '\1', 'g'),
                       '(^|[^0-9])0+([0-9])', '\1\2', 'g'),
                   regexp_replace(address_key, '([0-9A-Z])(?:支弄|号楼|弄|号|室|组|队|栋|幢|楼|#|-)', '\1', 'g'))
          END
),
read AS (
    SELECT *,
           CASE WHEN road IS NOT NULL
                THEN regexp_extract(tail, '^(?:([0-9]+)弄)?(?:([0-9]+)支弄)?(?:([0-9A-Z]+(?:-[0-9A-Z]+)*)号)?(?:([0-9A-Z]+)室)?$',
                                    ['lane', 'sub_lane', 'number', 'room'])
           END AS u,
           CASE WHEN road IS NULL
                THEN regexp_extract(tail, '^(?:([0-9]+)组)?(?:([0-9A-Z]+(?:-[0-9A-Z]+)*)号)?(?:([0-9A-Z]+)室)?$',
                                    ['group_no', 'number', 'room'])
           END AS v,
           tail IS NOT NULL AND tail <> '' AND (
               (road IS NOT NULL AND regexp_full_match(tail,
                   '(?:[0-9]+弄)?(?:[0-9]+支弄)?(?:[0-9A-Z]+(?:-[0-9A-Z]+)*号)?(?:[0-9A-Z]+室)?'))
               OR (road IS NULL AND regexp_full_match(tail, '(?:[0-9]+组)?(?:[0-9A-Z]+(?:-[0-9A-Z]+)*号)?(?:[0-9A-Z]+室)?'))
           ) AS readable
    FROM candidates
)
SELECT house_id, street_code, std_address, road, lane, sub_lane, number, room, village, group_no,
       community, repairs, readable,
       -- the std_address's own parts, without leading zeros ('' → NULL)
       nullif(ltrim(u.lane, '0'), '') AS s_lane, nullif(ltrim(u.sub_lane, '0'), '') AS s_sub_lane,
       nullif(ltrim(coalesce(u.number, v.number), '0'), '') AS s_number,
       nullif(ltrim(coalesce(u.room, v.room), '0'), '') AS s_room,
       nullif(ltrim(v.group_no, '0'), '') AS s_group_no
FROM read;

-- name: std_address_unreadable
SELECT house_id, street_code, std_address, road, lane, sub_lane, number, room, village, group_no,
       community, repairs
FROM _hs_std_cand WHERE NOT readable;

-- name: std_address_fixes
-- Readable std_address values: a part the dwelling lacks is filled from it; where both say
-- something and differ, the parts win and std_address is rebuilt from them (the registry's
-- own form: urban 浦东新区齐河路88弄3号602室, rural with the town). _hs_std holds what Python
-- made of the unreadable ones, in the same columns.
CREATE OR REPLACE TEMP TABLE _hs_std_fix AS
WITH judged AS (
    SELECT c.*,
           coalesce(lane, s_lane) AS m_lane, coalesce(sub_lane, s_sub_lane) AS m_sub_lane,
           coalesce(number, s_number) AS m_number, coalesce(room, s_room) AS m_room,
           coalesce(group_no, s_group_no) AS m_group_no,
           (lane IS NULL AND s_lane IS NOT NULL) OR (sub_lane IS NULL AND s_sub_lane IS NOT NULL)
               OR (number IS NULL AND s_number IS NOT NULL) OR (room IS NULL AND s_room IS NOT NULL)
               OR (group_no IS NULL AND s_group_no IS NOT NULL) AS filled,
           lane <> s_lane OR sub_lane <> s_sub_lane OR number <> s_number OR room <> s_room
               OR group_no <> s_group_no AS disagrees
    FROM _hs_std_cand AS c
    WHERE readable
),
fixed AS (
    SELECT house_id, road, m_lane AS lane, m_sub_lane AS sub_lane, m_number AS number, m_room AS room,
           village, m_group_no AS group_no, community, street_code, std_address, repairs,
           coalesce(filled, false) AS filled, coalesce(disagrees, false) AS disagrees
    FROM judged
),
keyed AS (
    SELECT *,
           CASE
               WHEN road IS NOT NULL THEN road || coalesce(lane || '弄', '') || coalesce(sub_lane || '支弄', '')
                   || coalesce(number || '号', '') || coalesce(room || '室', '')
               ELSE village || coalesce(group_no || '组', '') || coalesce(number || '号', '') || coalesce(room || '室', '')
           END AS address_key,
           CASE
               WHEN road IS NOT NULL THEN road || coalesce(lane || '弄', '') || coalesce(sub_lane || '支弄', '')
                   || coalesce(number || '号', '')
               ELSE village || coalesce(group_no || '组', '') || coalesce(number || '号', '')
           END AS building_key
    FROM fixed
    WHERE filled OR disagrees
)
SELECT k.house_id, k.road, k.lane, k.sub_lane, k.number, k.room, k.village, k.group_no,
       CASE WHEN k.disagrees THEN '浦东新区' || CASE WHEN k.road IS NULL THEN coalesce(n.street_name, '') ELSE '' END
                                   || k.address_key
            ELSE k.std_address END AS std_address,
       k.address_key, k.building_key,
       sorted_kinds(concat_ws(',', k.repairs, CASE WHEN k.filled THEN 'part_from_std_address' END,
                              CASE WHEN k.disagrees THEN 'std_address_rebuilt' END)) AS repairs
FROM keyed AS k
LEFT JOIN _hs_street_names AS n USING (street_code)
UNION ALL
SELECT house_id, road, lane, sub_lane, number, room, village, group_no, std_address, address_key,
       building_key, sorted_kinds(repairs)
FROM _hs_std;

-- name: fix_std_addresses
-- The rows _hs_std_fix names: parts filled, std_address rebuilt, keys recomputed.
UPDATE {{out}} AS t
SET road = s.road, lane = s.lane, sub_lane = s.sub_lane, number = s.number, room = s.room,
    village = s.village, group_no = s.group_no, std_address = s.std_address,
    address_key = s.address_key, building_key = s.building_key, repairs = s.repairs
FROM _hs_std_fix AS s
WHERE t.house_id = s.house_id;

-- name: drop_std_candidates
DROP TABLE IF EXISTS _hs_std_cand;

-- name: drop_std_fixes
DROP TABLE IF EXISTS _hs_std_fix;

-- name: count_repairs
-- Dwellings repaired, by kind: kept beside housing_std for the refresh log and registry_meta.
CREATE OR REPLACE TABLE housing_repairs AS
SELECT kind, count(*) AS dwellings
FROM (SELECT unnest(string_split(repairs, ',')) AS kind FROM {{out}} WHERE repairs IS NOT NULL)
GROUP BY kind ORDER BY kind;

-- name: read_repairs
SELECT kind, dwellings FROM housing_repairs;
