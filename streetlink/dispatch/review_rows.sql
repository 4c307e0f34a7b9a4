-- Records that need a human (decision review) or were refused (rejected), with their source
-- fields and the standardised address. $records_std may name an empty stand-in (see review.py).
WITH no_records_std AS (
    SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS address_clean WHERE false
)
SELECT
    d.record_id,
    d.source,
    d.decision,
    d.reason,
    d.explanation,
    d.candidates_json,
    s.source_file,
    s.source_row,
    s.event_time,
    s.event_time_raw,
    s.name,
    s.id_type,
    s.id_number,
    s.phone,
    s.address,
    s.address_context,
    s.street_hint,
    s.details,
    r.address_clean
FROM $decisions AS d
LEFT JOIN $staged AS s USING (record_id)
LEFT JOIN $records_std AS r USING (record_id)
WHERE d.decision = ?
ORDER BY d.reason, d.source, d.record_id
