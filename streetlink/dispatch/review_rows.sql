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

-- name: review_rows_transfers
-- Records a street returned as 非本辖区 without a usable target or as 地址错误 (or a clerk sent back)
-- (TRANSFER_REVIEW, reason transfer_unresolved), in review_rows' shape: what the street
-- wrote goes into the details, the address as found into the standardised address. A
-- record that is also in tonight's own queue appears once (tonight's decision).
SELECT
    t.record_id,
    t.source,
    'review' AS decision,
    t.reason,
    NULL::VARCHAR AS candidates_json,
    NULL::VARCHAR AS source_file,
    NULL::INTEGER AS source_row,
    NULL::TIMESTAMP AS event_time,
    NULL::VARCHAR AS event_time_raw,
    t.name,
    NULL::VARCHAR AS id_type,
    NULL::VARCHAR AS id_number,
    t.phone,
    t.address,
    NULL::VARCHAR AS address_context,
    NULL::VARCHAR AS street_hint,
    CAST(json_object(
        '退回街镇', st.street_name,
        '原派发居村委', coalesce(a.committee_name, t.committee_code),
        '无法转派原因', CASE t.why WHEN 'no_target' THEN '未填写转派至'
                                  WHEN 'ambiguous_name' THEN '转派至的名称对应多个居村委'
                                  WHEN 'unknown_committee' THEN '转派至无法对应浦东新区的居村委'
                                  WHEN 'same_committee' THEN '转派至与原居村委相同'
                                  WHEN 'already_refuted' THEN '转派至的居村委此前已反馈非本辖区'
                                  WHEN 'no_candidate_code' THEN '所选候选没有居村委代码'
                                  WHEN 'wrong_address' THEN '街镇反馈地址错误（本居委无此地址）'
                                  ELSE t.why END,
        '转派至（原文）', t.transfer_text,
        '正确地址', t.corrected_address,
        '备注', t.returned_note,
        '原记录日期', strftime(t.original_night, '%Y-%m-%d')) AS VARCHAR) AS details,
    coalesce(t.corrected_address, t.resolved_address) AS address_clean,
    NULL::VARCHAR AS outside_place
FROM {{transfer_review}} AS t
LEFT JOIN {{admin}} AS a ON a.committee_code = t.committee_code
LEFT JOIN (SELECT DISTINCT street_code, street_name FROM {{admin}}) AS st ON st.street_code = t.street_code
WHERE t.record_id NOT IN (SELECT record_id FROM {{decisions}} WHERE decision = 'review')
ORDER BY t.record_id;
