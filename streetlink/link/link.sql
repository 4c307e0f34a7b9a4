-- Scoring a night (link/__init__.py) and the registry-side tables made at refresh.
-- The feature queries themselves are in features.sql; `query` below is one of them.

-- name: create_table_as
CREATE OR REPLACE TABLE {{table}} AS {{query:sql}};

-- name: create_temp_table_as
CREATE OR REPLACE TEMP TABLE {{table}} AS {{query:sql}};

-- name: create_registry_u
CREATE OR REPLACE TABLE registry_u (model VARCHAR, comparison VARCHAR, level VARCHAR, u DOUBLE);

-- name: insert_registry_u
INSERT INTO registry_u VALUES (?, ?, ?, ?);

-- name: registry_u_of_model
SELECT comparison, level, u FROM {{registry_u}} WHERE model = ? AND u IS NOT NULL ORDER BY comparison, level;

-- name: registry_rows
SELECT rows_json FROM {{registry_meta}};

-- name: count_rows
SELECT count(*) FROM {{table}};

-- name: empty_pairs
-- A night without records (replies only): the pairs table with the same columns, no rows.
-- `sides`: every feature column of both sides (…_l, …_r); `scores`: gamma_/mw_ per comparison.
CREATE OR REPLACE TABLE {{out}} AS
SELECT {{sides:sql}}, {{scores:sql}}, NULL::DOUBLE AS match_weight,
       NULL::DOUBLE AS match_probability, NULL::VARCHAR AS explanation
FROM (SELECT * FROM {{records}} LIMIT 0) l, (SELECT * FROM {{registry}} LIMIT 0) r;

-- name: explained_pairs
-- Splink's pairs with the evidence in words (`explanation`: built from the model's levels).
CREATE OR REPLACE TABLE {{out}} AS SELECT *, {{explanation:sql}} AS explanation FROM {{raw}};

-- name: drop_table
DROP TABLE IF EXISTS {{table}};

-- name: address_candidates
-- Each record's dwelling candidates with their odds (2^match_weight, Splink's weight
-- includes the prior λ) and the summed odds of the record, the candidate's building and
-- its committee, in a fixed order (a rerun then gives the same sums to the last bit).
-- Probabilities are computed in the decide stage, which owns the prior odds of no match.
WITH s AS (
    SELECT unique_id_l AS record_id, unique_id_r AS house_id, committee_code_r AS committee_code,
           road_r AS road,
           concat_ws('|', coalesce(road_r, village_r), lane_r, group_no_r, number_r) AS building_key,
           match_weight, pow(2.0, least(match_weight, 200)) AS odds, explanation
    FROM {{pairs}}
)
SELECT *, substr(committee_code, 1, 9) AS street_code,
       count(*) OVER (PARTITION BY record_id) AS n_candidates,
       sum(odds ORDER BY house_id) OVER (PARTITION BY record_id) AS total_odds,
       sum(odds ORDER BY house_id) OVER (PARTITION BY record_id, building_key) AS building_odds,
       sum(odds ORDER BY house_id) OVER (PARTITION BY record_id, committee_code) AS committee_odds,
       row_number() OVER (PARTITION BY record_id ORDER BY match_weight DESC, house_id) AS rank
FROM s

-- name: person_candidates
-- Each record's person candidates with their odds and the record's summed odds.
WITH s AS (
    SELECT unique_id_l AS record_id, unique_id_r AS person_id, house_id_r AS house_id,
           committee_code_r AS committee_code, match_weight,
           pow(2.0, least(match_weight, 200)) AS odds, explanation, identity_conflict
    FROM {{pairs}}
)
SELECT *, count(*) OVER (PARTITION BY record_id) AS n_candidates,
       sum(odds ORDER BY person_id) OVER (PARTITION BY record_id) AS total_odds,
       row_number() OVER (PARTITION BY record_id ORDER BY match_weight DESC, person_id) AS rank
FROM s

-- name: add_identity_conflict
ALTER TABLE person_pairs ADD COLUMN identity_conflict BOOLEAN;

-- name: set_identity_conflict
-- `conflict`: the gamma levels of CONFLICT_LEVELS, as a condition (built from the model).
UPDATE person_pairs SET identity_conflict = {{conflict:sql}};

-- name: night_tf
-- The term frequencies the night needs, out of the (attached) warehouse.
CREATE OR REPLACE TEMP TABLE {{table}} AS
SELECT * FROM {{source}} WHERE {{column}} IN (SELECT {{column}} FROM {{records}});

-- name: link_counts
SELECT (SELECT count(*) FROM address_records), (SELECT count(DISTINCT record_id) FROM address_candidates),
       (SELECT count(*) FROM person_records), (SELECT count(DISTINCT record_id) FROM person_candidates);

-- The Splink calls (splink_engine.py): one DuckDB thread while training, the scored pairs.

-- name: current_threads
SELECT current_setting('threads');

-- name: registry_as_records
-- The registry's rows posing as records, for u sampled from pairs of the registry itself.
CREATE OR REPLACE TEMP VIEW {{view}} AS SELECT * REPLACE ({{records_dataset:literal}} AS source_dataset) FROM {{registry}};

-- name: rule_pairs
SELECT count(*), count(DISTINCT l.unique_id) FROM {{records}} l JOIN {{registry}} r ON {{rule:sql}};

-- name: copy_of
CREATE OR REPLACE TABLE {{table}} AS SELECT * FROM {{source}};

-- name: pairs_flipped
SELECT count(*) FROM {{table}} WHERE source_dataset_l <> {{records_dataset:literal}};

-- name: label_pairs_view
CREATE OR REPLACE TEMP VIEW m_labels_pairs AS
SELECT {{records_dataset:literal}} AS source_dataset_l, unique_id_l, {{registry_dataset:literal}} AS source_dataset_r,
       unique_id_r
FROM {{labels}};
