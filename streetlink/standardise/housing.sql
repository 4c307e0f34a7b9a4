-- housing_std: the set-based stages of HOUSING_STEPS (housing.py). {{src}} and {{out}} are
-- table names. The _hs_* tables are small Arrow tables the Python stages register: each
-- DISTINCT raw value of a part column mapped to its repaired form and the repair kinds
-- (repairs.py, made of the very functions the address parser's normalisers are made of),
-- so that 2.3 M rows cost only a few thousand Python calls. The table is written once;
-- the repairs that need the whole registry (one estate written two ways, a std_address
-- that disagrees with its parts) then update the few rows concerned.

-- name: distinct_values
SELECT DISTINCT CAST({{column}} AS VARCHAR) AS v FROM {{src}} WHERE {{column}} IS NOT NULL;

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
        regexp_replace(translate(trim(h.std_address), '０１２３４５６７８９（）－', '0123456789()-'), '\s+', '', 'g')
            AS std_address,
        CASE WHEN c.community IS NOT NULL THEN c.community_base ELSE r.community_base END AS community_base,
        CASE WHEN r.kinds IS NOT NULL OR c.kinds IS NOT NULL OR v.kinds IS NOT NULL OR l.kinds IS NOT NULL
                  OR n.kinds IS NOT NULL OR rm.kinds IS NOT NULL OR g.kinds IS NOT NULL
             THEN concat_ws(',', r.kinds, c.kinds, v.kinds, l.kinds, n.kinds, rm.kinds, g.kinds)
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
    repairs = concat_ws(',', t.repairs, 'community_form')
FROM _hs_forms AS f
WHERE t.street_code = f.street_code AND t.community = f.raw;

-- name: std_address_candidates
-- Dwellings whose std_address does not end with their key, and dwellings with neither road
-- nor village: only these are read in Python. Most registries write std_address as 浦东新区
-- + the parts, so the exact test settles nearly every row; the rest are compared again
-- without the unit word after a number and without leading zeros (3号楼, 0602 or a missing
-- 室 is the same dwelling).
SELECT house_id, street_code, std_address, road, lane, sub_lane, number, room, village, group_no,
       community, repairs
FROM {{out}}
WHERE std_address IS NOT NULL
  AND CASE WHEN road IS NULL AND village IS NULL THEN true
           WHEN ends_with(std_address, address_key) THEN false  -- the tolerant test runs only on the rest
           ELSE NOT ends_with(
               regexp_replace(
                   regexp_replace(std_address, '([0-9A-Z])(?:支弄|号楼|弄|号|室|组|队|栋|幢|楼|#|-)', '\1', 'g'),
                   '(^|[^0-9])0+([0-9])', '\1\2', 'g'),
               regexp_replace(address_key, '([0-9A-Z])(?:支弄|号楼|弄|号|室|组|队|栋|幢|楼|#|-)', '\1', 'g'))
      END;

-- name: fix_std_addresses
-- The rows _hs_std names (Python read their std_address): parts filled, std_address rebuilt,
-- keys recomputed there with the same rule.
UPDATE {{out}} AS t
SET road = s.road, lane = s.lane, sub_lane = s.sub_lane, number = s.number, room = s.room,
    village = s.village, group_no = s.group_no, std_address = s.std_address,
    address_key = s.address_key, building_key = s.building_key, repairs = s.repairs
FROM _hs_std AS s
WHERE t.house_id = s.house_id;

-- name: sort_repairs
-- One entry per kind, sorted: the column reads the same however the kinds were collected.
UPDATE {{out}}
SET repairs = array_to_string(list_sort(list_distinct(string_split(repairs, ','))), ',')
WHERE repairs IS NOT NULL;

-- name: count_repairs
-- Dwellings repaired, by kind: kept beside housing_std for the refresh log and registry_meta.
CREATE OR REPLACE TABLE housing_repairs AS
SELECT kind, count(*) AS dwellings
FROM (SELECT unnest(string_split(repairs, ',')) AS kind FROM {{out}} WHERE repairs IS NOT NULL)
GROUP BY kind ORDER BY kind;

-- name: read_repairs
SELECT kind, dwellings FROM housing_repairs;
