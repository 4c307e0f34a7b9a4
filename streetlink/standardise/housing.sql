-- housing_std: one row per dwelling, parts normalised with the same rules as parsed record
-- addresses. {src} and {out} are table names checked by housing.py. The _hs_* tables map
-- each DISTINCT raw value to its normalised form; they are made in Python by the very
-- functions the address parser uses (normalise_name, normalise_village, split_lane,
-- normalise_number) and registered by the caller, so 2.3 M rows cost only a few
-- thousand Python calls.
CREATE OR REPLACE TABLE {out} AS
WITH parts AS (
    SELECT
        h.house_id,
        h.street_code,
        h.committee_code,
        c.norm AS community,
        r.norm AS road,
        l.lane,
        l.sub_lane,
        coalesce(n.norm, trim(h.number)) AS number,
        rm.norm AS room,
        v.norm AS village,
        g.norm AS group_no,
        regexp_replace(translate(trim(h.std_address), '０１２３４５６７８９（）－', '0123456789()-'), '\s+', '', 'g')
            AS std_address
    FROM {src} AS h
    LEFT JOIN _hs_names AS c ON c.raw = h.community_name
    LEFT JOIN _hs_names AS r ON r.raw = h.road
    LEFT JOIN _hs_lanes AS l ON l.raw = h.lane
    LEFT JOIN _hs_numbers AS n ON n.raw = h.number
    LEFT JOIN _hs_numbers AS rm ON rm.raw = h.room
    LEFT JOIN _hs_villages AS v ON v.raw = h.village
    LEFT JOIN _hs_numbers AS g ON g.raw = h.group_no
)
SELECT
    *,
    -- Same rule as addresses.address_key / building_key.
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
    END AS building_key
FROM parts;
