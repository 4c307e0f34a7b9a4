-- name: write_parquet
COPY (SELECT * FROM {{table}}) TO {{path:literal}} (FORMAT parquet, COMPRESSION zstd);
