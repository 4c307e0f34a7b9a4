-- Gazetteer tables, built from the standardised housing registry and the admin table at
-- each registry refresh (GAZETTEER_STEPS in gazetteer.py, run in this order). {{housing}}
-- and {{admin}} are table names; _gaz_street_words (street/town forms from reference_data)
-- is registered by the caller so that no alias shadows a street name.

-- name: gaz_roads
-- Roads with the streets and committees they cross.
CREATE OR REPLACE TABLE gaz_roads AS
SELECT road, street_code, committee_code,
       count(*) AS n_dwellings,
       count(DISTINCT lane) AS n_lanes
FROM {{housing}}
WHERE road IS NOT NULL
GROUP BY road, street_code, committee_code;

-- name: gaz_road_doors
-- The lanes of each road in each street, and the numbers of its buildings that stand
-- without a lane: a road typed without 路 or with a wrong character is completed only to
-- a road that holds the door (addresses/resolve.py).
CREATE OR REPLACE TABLE gaz_road_doors AS
SELECT DISTINCT road, street_code, lane, CASE WHEN lane IS NULL THEN number END AS number
FROM {{housing}}
WHERE road IS NOT NULL AND (lane IS NOT NULL OR number IS NOT NULL);

-- name: gaz_communities
-- Communities (小区) with the committees, roads and lanes they cover, and the estate each
-- belongs to (community_base: the name without phase, zone or 小区).
CREATE OR REPLACE TABLE gaz_communities AS
SELECT community, community_base, street_code, committee_code, road, lane,
       count(*) AS n_dwellings
FROM {{housing}}
WHERE community IS NOT NULL
GROUP BY community, community_base, street_code, committee_code, road, lane;

-- name: gaz_villages
-- Villages with their committee and street.
CREATE OR REPLACE TABLE gaz_villages AS
SELECT village, street_code, committee_code,
       count(*) AS n_dwellings,
       count(DISTINCT group_no) AS n_groups
FROM {{housing}}
WHERE village IS NOT NULL
GROUP BY village, street_code, committee_code;

-- name: gaz_committees
-- Committees with every form residents and operators type:
-- 居委会 / 居民委员会 / 居委 / 居民区 / 社区 and 村委会 / 村民委员会 / 村委.
CREATE OR REPLACE TABLE gaz_committees AS
WITH base AS (
    SELECT committee_code, street_code, committee_name,
           regexp_replace(committee_name, '(居民委员会|村民委员会|居委会|村委会)$', '') AS stem,
           regexp_matches(committee_name, '(村民委员会|村委会)$') AS is_village
    FROM {{admin}}
    WHERE committee_code IS NOT NULL AND committee_name IS NOT NULL
),
forms AS (
    SELECT committee_code, street_code, committee_name, is_village,
           CASE WHEN is_village THEN [
                    committee_name, stem || '村委会', stem || '村民委员会', stem || '村委',
                    regexp_replace(stem, '村$', '') || '村委会',
                    regexp_replace(stem, '村$', '') || '村委']
                ELSE [
                    committee_name, stem || '居委会', stem || '居民委员会', stem || '居委',
                    regexp_replace(stem, '(居民区|社区)$', '') || '居民区',
                    regexp_replace(stem, '(居民区|社区)$', '') || '社区']
           END AS aliases
    FROM base
)
SELECT DISTINCT committee_code, street_code, committee_name, is_village, unnest(aliases) AS alias
FROM forms;

-- name: gaz_names
-- Every surface form the parser looks for in free text, with what it means.
-- Exact names always count; derived aliases only when they point at one thing and do not
-- collide with an exact name or a street/town form.
CREATE OR REPLACE TABLE gaz_names AS
WITH exact AS (
    SELECT DISTINCT road AS surface, 'road' AS kind, road AS canonical FROM gaz_roads
    UNION SELECT DISTINCT community, 'community', community FROM gaz_communities
    UNION SELECT DISTINCT village, 'village', village FROM gaz_villages
    UNION SELECT DISTINCT alias, 'committee', committee_code FROM gaz_committees
),
derived AS (
    -- 世茂湖滨花园 → 世茂湖滨, 菱翔苑三期 → 菱翔苑 (kept only if one community has it)
    SELECT regexp_replace(community, '(小区|花园|公寓|家园|新村|[一二三四五六七八九十]+期)$', '') AS surface,
           'community' AS kind, community AS canonical
    FROM gaz_communities
    WHERE regexp_matches(community, '(小区|花园|公寓|家园|新村|[一二三四五六七八九十]+期)$')
    UNION
    -- 秀枫苑 → 秀枫苑北块, 望江苑 → (西区 and 东区: ambiguous, dropped): the estate's base
    SELECT community_base, 'community', community
    FROM gaz_communities
    WHERE community_base IS NOT NULL AND community_base <> community
    UNION
    -- 东都 → 东都小区, as residents say it
    SELECT community || '小区', 'community', community
    FROM gaz_communities
    WHERE NOT regexp_matches(community, '小区$')
    UNION
    -- 七灶村 → 七灶
    SELECT regexp_replace(village, '村$', ''), 'village', village
    FROM gaz_villages
    WHERE regexp_matches(village, '村$')
),
unambiguous AS (
    SELECT surface, min(kind) AS kind, min(canonical) AS canonical
    FROM derived
    WHERE length(surface) >= 2
    GROUP BY surface
    HAVING count(DISTINCT kind || '|' || canonical) = 1
),
phase_bases AS (
    -- 祝祥苑 for 祝祥苑南区 and 祝祥苑北区: the estate as a whole, read as its base (decide
    -- takes every phase of it); without it the scanner finds 祥苑, another estate, inside
    SELECT community_base AS surface, 'community' AS kind, community_base AS canonical
    FROM gaz_communities
    WHERE community_base IS NOT NULL AND community_base <> community AND length(community_base) >= 2
    GROUP BY community_base
    HAVING count(DISTINCT community) > 1
)
SELECT surface, kind, canonical, false AS is_alias FROM exact
UNION ALL
SELECT u.surface, u.kind, u.canonical, true AS is_alias
FROM unambiguous AS u
ANTI JOIN exact AS e ON e.surface = u.surface
ANTI JOIN _gaz_street_words AS s ON s.surface = u.surface
UNION ALL
SELECT b.surface, b.kind, b.canonical, true AS is_alias
FROM phase_bases AS b
ANTI JOIN exact AS e ON e.surface = b.surface
ANTI JOIN unambiguous AS u ON u.surface = b.surface
ANTI JOIN _gaz_street_words AS s ON s.surface = b.surface;
