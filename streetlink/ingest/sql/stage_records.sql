-- One row per record: the three sources stacked, repeated source ids collapsed to the
-- copy from the last file in name order (last row), event time parsed, and the reason a
-- record is rejected at ingest (a reader error, no source id, an unparseable time).
CREATE OR REPLACE TABLE staged_records AS
WITH entered AS (
    SELECT * FROM ingest_stage_checkpoint
    UNION ALL BY NAME
    SELECT * FROM ingest_stage_hotline
    UNION ALL BY NAME
    SELECT * FROM ingest_stage_healthcloud
),
keyed AS (
    SELECT
        *,
        -- A line the reader could not trust, or one without an id, is its own record,
        -- named by where it sits.
        CASE
            WHEN reader_error IS NULL AND source_id IS NOT NULL THEN source || ':' || source_id
            ELSE source || ':' || source_file || '#' || CAST(source_row AS VARCHAR)
        END AS record_id
    FROM entered
),
collapsed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY record_id) AS n_copies,
        row_number() OVER (
            PARTITION BY record_id ORDER BY source_file DESC, source_row DESC
        ) AS copy_rank
    FROM keyed
),
kept AS (
    SELECT *, ingest_time_parts(event_time_raw) AS time_parts
    FROM collapsed
    WHERE copy_rank = 1
),
timed AS (
    SELECT *, ingest_event_time(event_time_raw, time_parts) AS event_time
    FROM kept
)
SELECT
    record_id,
    source,
    source_id,
    source_file,
    CAST(source_row AS BIGINT) AS source_row,
    CAST(n_copies AS INTEGER) AS n_copies,
    CAST(event_time AS TIMESTAMP) AS event_time,
    event_time_raw,
    name,
    id_type,
    id_number,
    phone,
    address,
    address_context,
    street_hint,
    details,
    CASE
        WHEN reader_error IS NOT NULL THEN reader_error
        WHEN source_id IS NULL THEN 'missing_source_id'
        WHEN event_time_raw IS NOT NULL AND event_time IS NULL THEN 'unparseable_time'
    END AS reject_reason
FROM timed
ORDER BY source, source_file, source_row;
