-- One row per dispatched record, with what a street worker needs to find the person and
-- the door. admin_street_code is the committee's street in the registry: it must equal the
-- decision's street (checked before any packet is written).
SELECT
    d.record_id,
    d.source,
    d.street_code,
    a.street_name,
    d.committee_code,
    a.committee_name,
    a.street_code AS admin_street_code,
    s.record_id IS NOT NULL AS staged,
    s.event_time,
    s.event_time_raw,
    s.name,
    s.id_number,
    s.phone,
    s.address,
    s.address_context,
    s.details,
    d.basis,
    d.explanation,
    d.address_match_probability,
    d.person_match_probability,
    d.resolved_address
FROM $decisions AS d
LEFT JOIN $staged AS s USING (record_id)
LEFT JOIN $admin AS a ON a.committee_code = d.committee_code
WHERE d.decision = 'dispatched'
