-- The few statements streetlink/nightly.py runs itself (the stages run their own).

-- name: admin_view
-- Every stage reads the registry's committees as `admin`.
CREATE OR REPLACE TEMP VIEW admin AS SELECT * FROM wh.admin;

-- name: copy_to_parquet
COPY (SELECT * FROM {{table}}) TO {{path:literal}} (FORMAT parquet, COMPRESSION zstd);

-- name: count_rows
SELECT count(*) FROM {{table}};
