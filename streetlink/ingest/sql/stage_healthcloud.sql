-- Health-cloud self-reports (健康云自报) in the common staged shape.
CREATE OR REPLACE TEMP VIEW ingest_stage_healthcloud AS
SELECT
    'healthcloud' AS source,
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
    ingest_text(concat_ws(' ',
        ingest_text(residence_province),
        ingest_text(residence_city),
        ingest_text(residence_district))) AS address_context,
    ingest_text(street_hint) AS street_hint,
    CAST(json_object(
        '到达日期', ingest_text(arrival_date),
        '旅居史', ingest_text(ingest_list_text(travel_history)),
        '症状', ingest_text(ingest_list_text(symptoms))) AS VARCHAR) AS details
FROM ingest_renamed_healthcloud;
