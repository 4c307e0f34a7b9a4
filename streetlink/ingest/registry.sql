-- Loading the registry files (registry.py). `table` is admin, housing or population;
-- `staging` the all-text copy of a CSV file before its dates are cast.

-- name: describe_table
DESCRIBE {{table}};

-- name: load_parquet
CREATE OR REPLACE TABLE {{table}} AS SELECT * FROM read_parquet($path);

-- name: load_csv_as_text
CREATE OR REPLACE TEMP TABLE {{staging}} AS
SELECT * FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"');

-- name: count_bad_dates
SELECT count(*) FROM {{staging}} WHERE {{column}} IS NOT NULL AND TRY_CAST({{column}} AS DATE) IS NULL;

-- name: cast_csv
-- `select`: * with the date columns cast (REPLACE), built from the columns present.
CREATE OR REPLACE TABLE {{table}} AS SELECT {{select:sql}} FROM {{staging}};

-- name: drop_table
DROP TABLE IF EXISTS {{table}};

-- name: count_rows
SELECT count(*) FROM {{table}};

-- name: insertion_order
SELECT current_setting('preserve_insertion_order');

-- name: keep_insertion_order
SET preserve_insertion_order = true;

-- name: relax_insertion_order
-- Registry row order means nothing; letting DuckDB drop it makes the load parallel.
SET preserve_insertion_order = false;

-- name: committee_outside_its_street
SELECT count(*) FROM admin WHERE NOT starts_with(committee_code, street_code);

-- name: street_with_two_names
SELECT count(*) FROM (SELECT street_code FROM admin GROUP BY street_code HAVING count(DISTINCT street_name) > 1);

-- name: dwelling_committee_unknown
SELECT count(*) FROM housing h ANTI JOIN admin a USING (committee_code);

-- name: dwelling_street_differs
SELECT count(*) FROM housing h JOIN admin a USING (committee_code) WHERE h.street_code <> a.street_code;

-- name: unknown_houses
SELECT count(*) FROM population p WHERE p.house_id IS NOT NULL
AND NOT EXISTS (SELECT 1 FROM housing h WHERE h.house_id = p.house_id);
