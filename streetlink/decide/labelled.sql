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
),
-- A refutation that names no place (地址错误, 非本辖区 without 转派至) is a dispute; the clerk
-- who takes the returned record up from the review queue settles it for the labels: a
-- dispatch to another committee, a closing (无法定位结案, 退回来源单位核实) or 区外转办 upholds
-- it, the first committee was wrong. Without this a wrong door carries a label only once the
-- clerk's dispatch is answered too, two or three nights later (seventh session, independent
-- world: of 17 wrong dispatches of four labelled nights one carried a label). A clerk sending
-- it back to the same committee leaves it open (a careless street's slip is overturned only
-- by that committee's next answer, accuracy_verdicts).
refuted AS (
    SELECT e.record_id, e.committee_code, e.night FROM {{evidence}} e
    WHERE list_contains($refuting, e.result) AND e.committee_confirmed IS NOT true
      AND (e.true_committee_code IS NULL OR e.true_committee_code = e.committee_code)
),
upheld AS (  -- the clerk's latest decision on a refuted record, taken after its dispatch, if it upholds
    SELECT a.record_id, a.action,
           CASE WHEN starts_with(a.action, 'dispatch_') THEN a.committee_code END AS committee_code
    FROM {{review_actions}} a JOIN refuted r USING (record_id)
    WHERE a.applied AND a.review_night >= r.night
    QUALIFY row_number() OVER (PARTITION BY a.record_id ORDER BY a.read_at DESC, a.action, a.committee_code) = 1
        AND (NOT starts_with(a.action, 'dispatch_')
             OR (a.committee_code IS NOT NULL AND a.committee_code <> r.committee_code))
),
answered AS (
    SELECT e.record_id, e.source,
           -- a registered home found stale (已核实不在住 for a home-based placement): the
           -- committee holds the address, but the person is not there, so the door was wrong
           -- for the record; where the person lives now the answer does not say (REPLIES.md:
           -- verified_moved refutes the registered home). Counted right, the home rule looked
           -- perfect on its answers while the truth found stale homes behind it.
           CASE WHEN u.record_id IS NOT NULL THEN u.committee_code
                WHEN e.home_stale THEN NULL
                ELSE e.true_committee_code END AS true_committee_code,
           o.record_id IS NOT NULL OR u.action IS NOT DISTINCT FROM 'outside_pudong' AS outside
    FROM {{evidence}} e LEFT JOIN outside o USING (record_id) LEFT JOIN upheld u USING (record_id)
    WHERE e.record_id IN (SELECT record_id FROM {{records}})
      -- a confirmation, or a refutation that names where the record belongs instead: a street
      -- that says 非本辖区 of its own committee, or refutes without a place, may be careless, and
      -- a threshold chosen on careless answers only tightens (the report counts every answer)
      AND (e.committee_confirmed OR e.home_stale
           OR (NOT e.committee_confirmed AND e.true_committee_code IS NOT NULL
               AND e.true_committee_code <> e.committee_code)
           -- … or one a clerk upheld (above)
           OR u.record_id IS NOT NULL
           -- a latest answer that does not close the item (其他: 涉及两个居委, 记录无法核对, not
           -- reached yet; replies settings' closing_results): the street did not confirm the one
           -- committee. It names none, so the record has none here and a dispatch of it counts
           -- as not right: a threshold may loosen on confirmations only, never on answers that
           -- leave the committee open. A later answer that settles it replaces it.
           OR (e.committee_confirmed IS NULL AND NOT list_contains($closing, e.result)))
)
SELECT a.record_id, a.source,
       CASE WHEN a.outside THEN 'outside_pudong' ELSE 'resident_at_home' END AS category,
       a.true_committee_code IS NOT NULL AND NOT a.outside AS placeable,
       NULL::VARCHAR AS true_person_id, NULL::BOOLEAN AS person_identifiable,
       NULL::VARCHAR AS true_house_id,
       CASE WHEN NOT a.outside THEN substr(a.true_committee_code, 1, 9) END AS true_street_code,
       CASE WHEN NOT a.outside THEN a.true_committee_code END AS true_committee_code,
       []::VARCHAR[] AS messiness
FROM answered a
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
