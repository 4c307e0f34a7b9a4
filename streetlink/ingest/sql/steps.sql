-- The plumbing of stage.py around the named steps (one file each, run in order).

-- name: load_raw
-- A source's raw records as read (Chinese headers, extra columns kept), for audit.
CREATE OR REPLACE TABLE {{raw}} AS SELECT * FROM {{arrow}};

-- name: rename_source
-- `columns`: the source's headers → English names, built from the header map (SOURCES).
CREATE OR REPLACE TEMP VIEW {{view}} AS SELECT {{columns:sql}} FROM {{raw}};

-- name: drop_view
DROP VIEW IF EXISTS {{view}};

-- name: count_rows
SELECT count(*) FROM {{table}};

-- name: staged_by_source
SELECT source, count(*), sum(n_copies - 1) FROM staged_records GROUP BY source;

-- name: rejected_by_reason
SELECT source, reject_reason, count(*) FROM staged_records
WHERE reject_reason IS NOT NULL GROUP BY ALL ORDER BY ALL;
