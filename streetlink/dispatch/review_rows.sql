-- name: review_rows
-- Records that need a human (decision review) or were refused (rejected), with their source
-- fields and what the standardiser made of the address. {{records_std}} may name an empty
-- stand-in (see review.py).
SELECT
    d.record_id,
    d.source,
    d.decision,
    d.reason,
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
    r.address_clean,
    r.outside_place
FROM {{decisions}} AS d
LEFT JOIN {{staged}} AS s USING (record_id)
LEFT JOIN {{records_std}} AS r USING (record_id)
WHERE d.decision = $decision
ORDER BY d.reason, d.source, d.record_id;

-- name: candidate_weights
-- The per-comparison evidence of every candidate shown for a review record: the pair's
-- match weight and the linkage stage's explanation ("road: road equal (6.5); …"), parsed
-- in review_page.py. Only the top three of each kind are shown.
SELECT c.record_id, 'address' AS kind, c.house_id AS candidate_id, c.rank, CAST(c.match_weight AS DOUBLE), c.explanation
FROM {{address_candidates}} AS c
WHERE c.rank <= 3 AND c.record_id IN (SELECT record_id FROM {{decisions}} WHERE decision = 'review')
UNION ALL
SELECT c.record_id, 'person', c.person_id, c.rank, CAST(c.match_weight AS DOUBLE), c.explanation
FROM {{person_candidates}} AS c
WHERE c.rank <= 3 AND c.record_id IN (SELECT record_id FROM {{decisions}} WHERE decision = 'review')
ORDER BY record_id, kind, rank;
