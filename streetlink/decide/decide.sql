-- The decision rules of streetlink/decide/__init__.py, as one statement.
-- {wh} is the attached warehouse; $… are the thresholds from linkage_models/decision.json.
CREATE OR REPLACE TABLE decisions AS
WITH
rec AS (
    SELECT s.record_id, s.source, s.reject_reason,
           coalesce(trim(s.address), '') <> '' AS has_address_text,
           coalesce(r.addr_scope, 'unknown') AS addr_scope,
           coalesce(r.addr_precision, 'none') AS addr_precision,
           r.community, r.road, r.lane, r.village, r.group_no,
           coalesce(r.street_code_text, r.street_code_hint) AS record_street,
           coalesce(r.name_kind, 'none') AS name_kind,
           coalesce(r.id_status, 'missing') AS id_status,
           coalesce(r.phone_kind, 'missing') AS phone_kind
    FROM staged_records s LEFT JOIN records_std r USING (record_id)
),
acomm AS (  -- address evidence per (record, committee)
    SELECT record_id, committee_code, max(p_committee) AS p_committee, max(match_weight) AS best_weight
    FROM address_candidates GROUP BY record_id, committee_code
),
aranked AS (
    SELECT *, row_number() OVER (PARTITION BY record_id
                                 ORDER BY p_committee DESC, best_weight DESC, committee_code) AS rk
    FROM acomm
),
a1 AS (SELECT record_id, committee_code AS a_committee, p_committee FROM aranked WHERE rk = 1),
a2 AS (SELECT record_id, p_committee AS p_committee_2 FROM aranked WHERE rk = 2),
d1 AS (
    SELECT record_id, house_id AS top_house, committee_code AS top_house_committee, p_dwelling,
           explanation AS address_explanation
    FROM address_candidates WHERE rank = 1
),
p1 AS (
    SELECT record_id, person_id AS top_person, house_id AS person_house,
           committee_code AS person_committee, p_person, explanation AS person_explanation
    FROM person_candidates WHERE rank = 1
),
rkeys AS (  -- the most specific place below the building a record names
    SELECT record_id, record_street,
           CASE WHEN road IS NOT NULL AND lane IS NOT NULL THEN 'road_lane'
                WHEN community IS NOT NULL THEN 'community'
                WHEN village IS NOT NULL AND group_no IS NOT NULL THEN 'village_group'
                WHEN village IS NOT NULL THEN 'village' END AS place_kind,
           CASE WHEN road IS NOT NULL AND lane IS NOT NULL THEN road || '|' || lane
                WHEN community IS NOT NULL THEN community
                WHEN village IS NOT NULL AND group_no IS NOT NULL THEN village || '|' || group_no
                WHEN village IS NOT NULL THEN village END AS place_key
    FROM rec WHERE addr_scope <> 'outside'
),
pmatch AS (
    SELECT k.record_id, k.place_kind, k.record_street, pc.street_code, pc.committee_code
    FROM rkeys k JOIN {wh}.place_committees pc
      ON pc.place_kind = k.place_kind AND pc.place_key = k.place_key
),
pstreet AS (  -- does the record's street select among the place's streets?
    SELECT record_id, bool_or(street_code = record_street) AS street_selects FROM pmatch GROUP BY record_id
),
place AS (
    SELECT m.record_id, any_value(m.place_kind) AS place_kind, min(m.committee_code) AS place_committee,
           count(DISTINCT m.committee_code) AS place_n
    FROM pmatch m JOIN pstreet USING (record_id)
    WHERE NOT coalesce(pstreet.street_selects, false) OR m.street_code = m.record_street
    GROUP BY m.record_id
),
ev AS (
    SELECT rec.*, a1.a_committee, coalesce(a1.p_committee, 0) AS p_committee,
           coalesce(a2.p_committee_2, 0) AS p_committee_2,
           d1.top_house, d1.top_house_committee, coalesce(d1.p_dwelling, 0) AS p_dwelling,
           d1.address_explanation,
           p1.top_person, p1.person_house, p1.person_committee, coalesce(p1.p_person, 0) AS p_person,
           p1.person_explanation,
           place.place_kind, place.place_committee, place.place_n,
           (rec.name_kind <> 'none' OR rec.id_status IN ('valid', 'converted_15', 'other_document')
            OR rec.phone_kind IN ('mobile', 'landline')) AS has_identity,
           rec.id_status IN ('bad_checksum', 'bad_date', 'bad_region', 'bad_length') AS bad_id
    FROM rec
    LEFT JOIN a1 USING (record_id) LEFT JOIN a2 USING (record_id) LEFT JOIN d1 USING (record_id)
    LEFT JOIN p1 USING (record_id) LEFT JOIN place USING (record_id)
),
ruled AS (
    SELECT *,
        CASE
            WHEN reject_reason IS NOT NULL THEN 'rejected:' || reject_reason
            WHEN addr_scope = 'outside' THEN 'review:outside_pudong'
            WHEN NOT has_address_text AND NOT has_identity AND NOT bad_id THEN 'rejected:no_address_no_identity'
            WHEN NOT has_address_text AND bad_id AND name_kind = 'none'
                 AND phone_kind NOT IN ('mobile', 'landline') THEN 'rejected:unparseable_id'
            WHEN p_committee >= $committee_min THEN 'dispatched:address'
            WHEN p_committee >= $committee_supported_min AND p_person >= $person_min
                 AND person_committee = a_committee THEN 'dispatched:address'
            WHEN a_committee IS NULL AND place_n = 1 THEN 'dispatched:place'
            WHEN a_committee IS NULL AND place_n IS NULL
                 AND p_person >= $person_home_min AND person_committee IS NOT NULL
                 AND source <> 'hotline'
                 AND (record_street IS NULL OR record_street = substr(person_committee, 1, 9))
                 THEN 'dispatched:person'
            WHEN p_committee >= $committee_supported_min AND p_person >= $person_min
                 AND person_committee IS DISTINCT FROM a_committee THEN 'review:conflicting_evidence'
            WHEN a_committee IS NOT NULL AND p_committee_2 >= 0.05 THEN 'review:address_ambiguous'
            WHEN a_committee IS NULL AND place_n > 1 THEN 'review:address_ambiguous'
            WHEN a_committee IS NULL AND NOT has_address_text AND NOT has_identity THEN 'rejected:no_address_no_identity'
            WHEN a_committee IS NULL AND addr_precision IN ('none', 'street', 'road') THEN 'review:vague_address'
            WHEN a_committee IS NULL THEN 'review:address_unresolved'
            ELSE 'review:low_confidence'
        END AS rule
    FROM ev
),
placed AS (
    SELECT *,
        split_part(rule, ':', 1) AS decision,
        CASE rule WHEN 'dispatched:address' THEN a_committee
                  WHEN 'dispatched:place' THEN place_committee
                  WHEN 'dispatched:person' THEN person_committee END AS committee,
        CASE WHEN rule = 'dispatched:address' AND top_house_committee = a_committee
                  AND p_dwelling >= $dwelling_min THEN top_house
             WHEN rule = 'dispatched:person' THEN person_house END AS house,
        p_person >= $person_min AS person_linked
    FROM ruled
),
acands AS (
    SELECT ac.record_id,
           list(struct_pack(kind := 'address', rank := ac.rank, house_id := ac.house_id,
                            person_id := NULL::VARCHAR, committee_code := ac.committee_code,
                            label := h.std_address, probability := round(ac.p_dwelling, 4),
                            committee_probability := round(ac.p_committee, 4))
                ORDER BY ac.rank) AS items
    FROM address_candidates ac LEFT JOIN {wh}.housing_std h USING (house_id)
    WHERE ac.rank <= 3 GROUP BY ac.record_id
),
pcands AS (
    SELECT pc.record_id,
           list(struct_pack(kind := 'person', rank := pc.rank, house_id := pc.house_id,
                            person_id := pc.person_id, committee_code := pc.committee_code,
                            label := h.std_address, probability := round(pc.p_person, 4),
                            committee_probability := NULL::DOUBLE)
                ORDER BY pc.rank) AS items
    FROM person_candidates pc LEFT JOIN {wh}.housing_std h USING (house_id)
    WHERE pc.rank <= 3 GROUP BY pc.record_id
)
SELECT
    p.record_id,
    p.source,
    p.decision,
    CASE WHEN p.decision = 'dispatched' THEN substr(p.committee, 1, 9) END AS street_code,
    CASE WHEN p.decision = 'dispatched' THEN p.committee END AS committee_code,
    CASE WHEN p.decision = 'dispatched' THEN p.house END AS house_id,
    CASE WHEN p.decision = 'dispatched' AND p.rule = 'dispatched:address'
              THEN CASE WHEN p.house IS NOT NULL THEN p.p_dwelling ELSE p.p_committee END
         WHEN p.decision <> 'dispatched' AND p.a_committee IS NOT NULL THEN p.p_committee
    END::DOUBLE AS address_match_probability,
    CASE WHEN p.person_linked THEN p.top_person END AS person_id,
    CASE WHEN p.person_linked THEN p.p_person END::DOUBLE AS person_match_probability,
    CASE WHEN p.decision <> 'dispatched' THEN split_part(p.rule, ':', 2) END AS reason,
    CASE p.rule
        WHEN 'dispatched:address' THEN
            CASE WHEN p.house IS NOT NULL THEN 'address_dwelling'
                 WHEN p.village IS NOT NULL AND p.road IS NULL THEN 'address_village'
                 ELSE 'address_building' END
        WHEN 'dispatched:place' THEN
            CASE WHEN p.place_kind LIKE 'village%' THEN 'address_village' ELSE 'address_community' END
        WHEN 'dispatched:person' THEN 'person_registered_home'
    END AS basis,
    CASE WHEN p.decision = 'dispatched' THEN
        coalesce(hh.std_address,
                 CASE WHEN p.rule = 'dispatched:address' THEN th.building_label END,
                 adm.street_name || adm.committee_name)
    END AS resolved_address,
    concat_ws(' | ',
        CASE WHEN p.a_committee IS NOT NULL THEN
            '地址→' || p.a_committee || ' P=' || round(p.p_committee, 4) || ' [' || p.address_explanation || ']' END,
        CASE WHEN p.place_committee IS NOT NULL AND p.a_committee IS NULL THEN
            '地点→' || p.place_kind || ' 涉及居村委 ' || p.place_n || ' 个' END,
        CASE WHEN p.top_person IS NOT NULL THEN
            '人员→' || p.top_person || ' P=' || round(p.p_person, 4) || ' [' || p.person_explanation || ']' END
    ) AS explanation,
    CASE WHEN ac.items IS NOT NULL OR pc.items IS NOT NULL THEN
        to_json(list_concat(coalesce(ac.items, []), coalesce(pc.items, [])))::VARCHAR END AS candidates_json
FROM placed p
LEFT JOIN {wh}.housing_std hh ON hh.house_id = p.house
LEFT JOIN (
    SELECT house_id,
           '浦东新区' || CASE WHEN village IS NOT NULL AND road IS NULL
                             THEN village || coalesce(group_no || '组', '') || number || '号'
                             ELSE coalesce(road, community, '') || coalesce(lane || '弄', '') || number || '号' END
               AS building_label
    FROM {wh}.housing_std
) th ON th.house_id = p.top_house AND p.house IS NULL
LEFT JOIN {wh}.admin adm ON adm.committee_code = p.committee
LEFT JOIN acands ac ON ac.record_id = p.record_id
LEFT JOIN pcands pc ON pc.record_id = p.record_id
ORDER BY p.record_id
