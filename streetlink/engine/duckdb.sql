-- DuckDB connection settings (config.connect) and the few statements of the engine helpers.

-- name: set_memory_limit
SET memory_limit = {{limit:literal}};

-- name: set_threads
-- `threads`: an integer (checked by the caller).
SET threads = {{threads:sql}};

-- name: set_temp_directory
SET temp_directory = {{path:literal}};

-- name: no_progress_bar
-- Progress bars from DuckDB would interleave with ours.
SET enable_progress_bar = false;

-- name: attach_read_only
ATTACH {{path:literal}} AS {{alias}} (READ_ONLY);

-- name: select_all
SELECT * FROM {{table}};

-- name: describe
DESCRIBE SELECT * FROM {{table}};

-- name: copy_to_parquet
COPY {{table}} TO {{path:literal}} (FORMAT parquet);

-- name: count_rows
SELECT count(*) FROM {{table}};

-- name: table_from
CREATE OR REPLACE TABLE {{table}} AS SELECT * FROM {{source}};

-- name: table_from_parquet
-- A table the Spark engine wrote as a folder of Parquet parts, read back where it lies.
CREATE OR REPLACE TABLE {{table}} AS SELECT * FROM read_parquet({{path:literal}});

-- name: registry_stamp
SELECT fingerprint, schema_version FROM registry_meta;

-- name: tables_of_database
SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY table_name;
