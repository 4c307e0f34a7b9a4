-- 12345 hotline work orders (12345热线工单) in the common staged shape. The caller is not
-- necessarily the person concerned; the order has no ID document.
CREATE OR REPLACE TEMP VIEW ingest_stage_hotline AS
SELECT
    'hotline' AS source,
    ingest_text(source_id) AS source_id,
    source_file,
    source_row,
    reader_error,
    ingest_text(event_time_raw) AS event_time_raw,
    ingest_text(name) AS name,
    CAST(NULL AS VARCHAR) AS id_type,
    CAST(NULL AS VARCHAR) AS id_number,
    ingest_text(phone) AS phone,
    ingest_text(address) AS address,
    ingest_text(content) AS address_context,
    ingest_text(street_hint) AS street_hint,
    CAST(json_object(
        '工单类别', ingest_text(category),
        '诉求内容', ingest_text(content)) AS VARCHAR) AS details
FROM ingest_renamed_hotline;
