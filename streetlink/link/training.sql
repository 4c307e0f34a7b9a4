-- Training (training.py): the training tables, and the labelled nights' records and pairs.

-- name: view_of
CREATE OR REPLACE TEMP VIEW {{view}} AS SELECT * FROM {{source}};

-- name: temp_copy_of
CREATE OR REPLACE TEMP TABLE {{table}} AS SELECT * FROM {{source}};

-- name: registry_fingerprint
SELECT fingerprint, rows_json FROM {{registry_meta}};

-- name: training_truth
CREATE OR REPLACE TEMP TABLE training_truth AS SELECT * FROM read_parquet(?);

-- name: labelled_night_records
-- One table of decide's inputs over every labelled night (each kept internal/decide_inputs/).
CREATE OR REPLACE TABLE {{table}} AS SELECT * FROM read_parquet($paths, union_by_name = true);

-- name: address_label_pairs
-- a confirmed dwelling: the person was found there, or the address was right and they moved
CREATE OR REPLACE TABLE address_label_pairs AS
SELECT DISTINCT e.record_id AS unique_id_l, e.house_id AS unique_id_r FROM label_evidence e
WHERE e.result IN ('verified_resident', 'verified_moved') AND e.house_id IS NOT NULL
  AND e.record_id IN (SELECT unique_id FROM address_records);

-- name: person_label_pairs
CREATE OR REPLACE TABLE person_label_pairs AS
SELECT DISTINCT e.record_id AS unique_id_l, e.person_id AS unique_id_r FROM label_evidence e
WHERE e.person_confirmed AND e.person_id IS NOT NULL
  AND e.record_id IN (SELECT unique_id FROM person_records);
