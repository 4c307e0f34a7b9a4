-- The two sides of each model (features.py renders these; it builds no other SQL).
-- `registry_dataset` / `records_dataset` name the sides for Splink (splink_engine.py);
-- place_pinyin is a Python function the connection provides (register_place_pinyin).

-- name: dwelling_features
-- One row per dwelling: housing_std + road pinyin, in a stable order (u sampling and EM
-- sums then repeat to the last bit).
WITH roads AS (
    SELECT road, place_pinyin(road) AS road_py
    FROM (SELECT DISTINCT road FROM {{housing_std}} WHERE road IS NOT NULL)
),
villages AS (
    SELECT village, place_pinyin(village) AS village_py
    FROM (SELECT DISTINCT village FROM {{housing_std}} WHERE village IS NOT NULL)
)
SELECT {{registry_dataset:literal}} AS source_dataset, h.house_id AS unique_id, h.street_code,
       h.street_code AS street_text, h.street_code AS street_hint,
       h.community, coalesce(h.community_base, h.community) AS community_base, h.road, roads.road_py, h.road IS NOT NULL AS road_known, h.lane, h.number,
       h.room, h.village, villages.village_py, h.group_no, h.committee_code
FROM {{housing_std}} h LEFT JOIN roads USING (road) LEFT JOIN villages USING (village)
ORDER BY h.house_id

-- name: person_features
-- One row per person: population_std + the registered dwelling's parts (a stable order).
SELECT {{registry_dataset:literal}} AS source_dataset, p.person_id AS unique_id,
       p.name_clean, p.name_pinyin AS name_py, p.surname_pinyin AS surname_py, p.gender,
       p.id_number AS id_key, strftime(p.birth_date, '%Y%m%d') AS id_birth,
       right(p.id_number, 4) AS id_tail, CAST(NULL AS VARCHAR) AS id_holder_house,
       p.gender AS title_gender,
       p.phone, right(p.phone, 4) AS phone_tail, left(p.phone, 7) AS phone_head,
       CAST(NULL AS BOOLEAN) AS caller, CAST(NULL AS DATE) AS event_date, p.birth_date,
       h.street_code, h.community, coalesce(h.community_base, h.community) AS community_base,
       h.road, h.lane, h.number, h.room, h.village, h.group_no,
       p.house_id, h.committee_code
FROM {{population_std}} p LEFT JOIN {{housing_std}} h USING (house_id)
ORDER BY p.person_id

-- name: term_frequencies
-- How common a name (or phone) is among the registry's persons.
SELECT {{column}}, count(*) / sum(count(*)) OVER () AS {{tf_column}}
FROM {{population_std}} WHERE {{column}} IS NOT NULL GROUP BY {{column}}

-- name: place_committees_part
-- One kind of place below the building (`place_key`: its key expression, from
-- features.PLACE_KEYS): the committees it spans and their dwellings.
SELECT {{kind:literal}} AS place_kind, {{place_key:sql}} AS place_key, street_code, committee_code, count(*) AS dwellings FROM {{housing_std}} WHERE ({{place_key:sql}}) IS NOT NULL GROUP BY ALL

-- name: address_records
-- Records with an in-Pudong address that names something a dwelling can be found by.
WITH r AS (
    SELECT record_id, coalesce(street_code_text, street_code_hint) AS street_code, street_code_text AS street_text,
           street_code_hint AS street_hint, community,
           coalesce(community_base, community) AS community_base, road, lane,
           coalesce(number, building) AS number, room, village, group_no
    FROM {{records_std}}
    WHERE addr_scope <> 'outside'
      AND (road IS NOT NULL OR community IS NOT NULL OR village IS NOT NULL)
),
roads AS (
    SELECT road, place_pinyin(road) AS road_py
    FROM (SELECT DISTINCT road FROM r WHERE road IS NOT NULL)
),
villages AS (
    SELECT village, place_pinyin(village) AS village_py
    FROM (SELECT DISTINCT village FROM r WHERE village IS NOT NULL)
)
SELECT {{records_dataset:literal}} AS source_dataset, r.record_id AS unique_id, r.street_code,
       r.street_text, r.street_hint,
       r.community, r.community_base, r.road, roads.road_py,
       r.road IN (SELECT road FROM {{registry}} WHERE road IS NOT NULL) AS road_known,
       r.lane, r.number, r.room, r.village, villages.village_py, r.group_no,
       CAST(NULL AS VARCHAR) AS committee_code
FROM r LEFT JOIN roads USING (road) LEFT JOIN villages USING (village)
ORDER BY r.record_id

-- name: person_records
-- Records with any identity evidence (name, surname, ID or phone).
WITH r AS (
    SELECT s.*, st.event_time,
           coalesce(s.id_number,
                    CASE WHEN s.id_status IN ('bad_checksum', 'bad_date', 'bad_region')
                         THEN s.id_clean END) AS id_key
    FROM {{records_std}} s LEFT JOIN {{staged}} st USING (record_id)
),
holders AS (
    SELECT id_key, any_value(house_id) AS id_holder_house
    FROM {{population}}
    WHERE id_key IN (SELECT id_key FROM r) AND house_id IS NOT NULL
    GROUP BY id_key
)
SELECT {{records_dataset:literal}} AS source_dataset, record_id AS unique_id,
       -- an honorific (王女士) or a pinyin spelling is not a name to compare letters of
       CASE WHEN name_kind = 'full' THEN name_clean END AS name_clean,
       name_pinyin AS name_py, surname_pinyin AS surname_py,
       -- 先生/女士 is the title's gender, compared on its own (title_gender)
       coalesce(id_gender, CASE WHEN name_kind <> 'honorific' THEN gender_hint END) AS gender,
       r.id_key,
       CASE WHEN length(r.id_key) = 18 THEN substr(r.id_key, 7, 8) END AS id_birth,
       CASE WHEN length(r.id_key) = 18 THEN right(r.id_key, 4) END AS id_tail,
       holders.id_holder_house,
       CASE WHEN name_kind = 'honorific' AND id_gender IS NULL THEN gender_hint END AS title_gender,
       phone, right(phone, 4) AS phone_tail, left(phone, 7) AS phone_head,
       source = 'hotline' AS caller, CAST(event_time AS DATE) AS event_date,
       CAST(NULL AS DATE) AS birth_date,
       CASE WHEN addr_scope <> 'outside' THEN coalesce(street_code_text, street_code_hint) END AS street_code,
       community, coalesce(community_base, community) AS community_base,
       road, lane, coalesce(number, building) AS number, room, village, group_no,
       CAST(NULL AS VARCHAR) AS house_id, CAST(NULL AS VARCHAR) AS committee_code
FROM r LEFT JOIN holders USING (id_key)
WHERE name_pinyin IS NOT NULL OR surname_pinyin IS NOT NULL OR r.id_key IS NOT NULL
   OR phone IS NOT NULL
ORDER BY record_id

-- name: address_training_records
-- The address model's training records, with their identity keys (see address_training_sql).
SELECT a.*,
       CASE WHEN NOT starts_with(a.unique_id, 'hotline:') THEN p.id_key END AS id_key,
       CASE WHEN NOT starts_with(a.unique_id, 'hotline:') THEN p.phone END AS phone
FROM {{address_records}} a LEFT JOIN {{person_records}} p USING (unique_id)
ORDER BY a.unique_id

-- name: address_training_registry
-- The dwellings once per registered resident, with the resident's identity keys.
SELECT d.*, p.id_key, p.phone
FROM {{dwelling_features}} d JOIN {{person_features}} p ON p.house_id = d.unique_id
ORDER BY d.unique_id, p.unique_id

-- name: prefilter_part
-- The ids of the registry rows some record can meet under one blocking rule (`rule`: a
-- spec's rule). Only the ids: a union of whole rows dedups millions of wide rows.
SELECT r.unique_id FROM {{registry}} r WHERE EXISTS (SELECT 1 FROM {{records}} l WHERE {{rule:sql}})

-- name: prefilter_rows
-- The registry rows whose ids one of the rules found (`ids`: the parts, UNION ALL).
SELECT r.* FROM {{registry}} r WHERE r.unique_id IN ({{ids:sql}})
