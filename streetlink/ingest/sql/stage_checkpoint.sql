-- Checkpoint registrations (公安道口登记) in the common staged shape.
CREATE OR REPLACE TEMP VIEW ingest_stage_checkpoint AS
SELECT
    'checkpoint' AS source,
    ingest_text(source_id) AS source_id,
    source_file,
    source_row,
    reader_error,
    ingest_text(event_time_raw) AS event_time_raw,
    ingest_text(name) AS name,
    ingest_text(id_type) AS id_type,
    ingest_text(id_number) AS id_number,
    ingest_text(phone) AS phone,
    ingest_text(address) AS address,
    CAST(NULL AS VARCHAR) AS address_context,
    CAST(NULL AS VARCHAR) AS street_hint,
    CAST(json_object(
        '道口名称', ingest_text(checkpoint_name),
        '车牌号码', ingest_text(plate),
        '出发地', ingest_text(origin),
        '来沪事由', ingest_text(purpose)) AS VARCHAR) AS details
FROM ingest_renamed_checkpoint;
