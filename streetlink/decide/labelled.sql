-- name: label_truth
-- What the streets' and clerks' answers say, in the shape of the synthetic truth, so that the
-- threshold search judges a labelled night with the same metrics as a synthetic one. Only
-- labelled records of the night (its decide inputs' records, whichever night answered) are
-- in it: a record is placeable when its true committee is known (a confirmed dispatch, a
-- transfer to a committee the street named, a clerk's dispatch confirmed); a record the
-- clerks confirmed as outside Pudong is outside Pudong; a record whose answer leaves the
-- item open (其他) is held with no committee (not placeable, its dispatch not right). A record
-- no street has answered but a clerk has decided in the review workbook is labelled by the
-- clerk: a dispatch (人工派发) names its committee; 无法定位结案 and 退回来源单位核实 say that
-- the record as sent places nowhere (no committee, a dispatch of it not right). Without the
-- clerks, what a looser threshold adds (records the current one sends to review) would
-- carry no label at all until the manual dispatch is answered. Person and dwelling
-- columns stay null: replies measure them through person_confirmed / home_stale, not here.
CREATE OR REPLACE TEMP TABLE {{out}} AS
WITH outside AS (
    SELECT DISTINCT record_id FROM {{review_actions}}
    WHERE applied AND action = 'outside_pudong' AND record_id IN (SELECT record_id FROM {{records}})
),
clerk AS (  -- the latest applied decision per record (a record is decided once; latest for safety)
    SELECT record_id, action, committee_code
    FROM {{review_actions}}
    WHERE applied AND action <> 'outside_pudong' AND record_id IN (SELECT record_id FROM {{records}})
    QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY read_at DESC, action, committee_code) = 1
)
SELECT e.record_id, e.source,
       CASE WHEN o.record_id IS NOT NULL THEN 'outside_pudong' ELSE 'resident_at_home' END AS category,
       e.true_committee_code IS NOT NULL AND o.record_id IS NULL AS placeable,
       NULL::VARCHAR AS true_person_id, NULL::BOOLEAN AS person_identifiable,
       NULL::VARCHAR AS true_house_id,
       CASE WHEN o.record_id IS NULL THEN substr(e.true_committee_code, 1, 9) END AS true_street_code,
       CASE WHEN o.record_id IS NULL THEN e.true_committee_code END AS true_committee_code,
       []::VARCHAR[] AS messiness
FROM {{evidence}} e LEFT JOIN outside o USING (record_id)
WHERE e.record_id IN (SELECT record_id FROM {{records}})
  -- a confirmation, or a refutation that names where the record belongs instead: a street
  -- that says 非本辖区 of its own committee, or refutes without a place, may be careless, and
  -- a threshold chosen on careless answers only tightens (the report counts every answer)
  AND (e.committee_confirmed
       OR (NOT e.committee_confirmed AND e.true_committee_code IS NOT NULL
           AND e.true_committee_code <> e.committee_code)
       -- a latest answer that does not close the item (其他: 涉及两个居委, 记录无法核对, not
       -- reached yet; replies settings' closing_results): the street did not confirm the one
       -- committee. It names none, so the record has none here and a dispatch of it counts
       -- as not right: a threshold may loosen on confirmations only, never on answers that
       -- leave the committee open. A later answer that settles it replaces it.
       OR (e.committee_confirmed IS NULL AND NOT list_contains($closing, e.result)))
UNION ALL
SELECT o.record_id, NULL, 'outside_pudong', false, NULL, NULL, NULL, NULL, NULL, []::VARCHAR[]
FROM outside o WHERE o.record_id NOT IN (SELECT record_id FROM {{evidence}})
UNION ALL
SELECT c.record_id, NULL, 'resident_at_home', c.committee_code IS NOT NULL, NULL, NULL, NULL,
       substr(c.committee_code, 1, 9), c.committee_code, []::VARCHAR[]
FROM clerk c
WHERE c.record_id NOT IN (SELECT record_id FROM {{evidence}})
  AND c.record_id NOT IN (SELECT record_id FROM outside)
  -- a dispatch whose committee could not be read (committee_code null) says nothing
  AND (c.committee_code IS NOT NULL OR c.action IN ('close_unlocatable', 'return_to_source'));

-- name: attach_read_only
ATTACH {{path:literal}} AS {{alias}} (READ_ONLY);

-- name: load_parquet
CREATE OR REPLACE TABLE {{out}} AS SELECT * FROM read_parquet({{path:literal}});
