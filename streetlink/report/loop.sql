-- name: refused_reply_rows
-- Reply rows read tonight and refused, with where they came from (no personal data).
SELECT reply_file, sheet, row_number, record_id, refused_reason
FROM {{table}}
WHERE NOT applied
ORDER BY refused_reason, reply_file, sheet, row_number, record_id;
