-- Per source: staged records (and the copies they collapsed) against decisions.
-- ? = the list of sources to report (every known source, even one with no file tonight).
WITH staged AS (
    SELECT source, count(*) AS records, sum(n_copies) AS copies, sum(n_copies - 1) AS duplicates
    FROM $staged GROUP BY source
),
decided AS (
    SELECT source,
           count(*) AS decided,
           count(*) FILTER (WHERE decision = 'dispatched') AS dispatched,
           count(*) FILTER (WHERE decision = 'review') AS review,
           count(*) FILTER (WHERE decision = 'rejected') AS rejected,
           count(*) FILTER (WHERE decision = 'dispatched' AND house_id IS NOT NULL) AS dispatched_to_dwelling,
           count(*) FILTER (WHERE person_id IS NOT NULL) AS person_linked
    FROM $decisions GROUP BY source
),
undecided AS (
    SELECT s.source, count(*) AS undecided
    FROM $staged AS s ANTI JOIN $decisions AS d USING (record_id) GROUP BY s.source
),
orphans AS (
    SELECT d.source, count(*) AS orphans
    FROM $decisions AS d ANTI JOIN $staged AS s USING (record_id) GROUP BY d.source
),
names AS (
    SELECT unnest(?::VARCHAR[]) AS source
    UNION SELECT source FROM staged
    UNION SELECT source FROM decided
)
SELECT
    n.source,
    coalesce(s.records, 0) AS records,
    coalesce(s.copies, 0) AS copies,
    coalesce(s.duplicates, 0) AS duplicates,
    coalesce(d.decided, 0) AS decided,
    coalesce(d.dispatched, 0) AS dispatched,
    coalesce(d.review, 0) AS review,
    coalesce(d.rejected, 0) AS rejected,
    coalesce(d.dispatched_to_dwelling, 0) AS dispatched_to_dwelling,
    coalesce(d.person_linked, 0) AS person_linked,
    coalesce(u.undecided, 0) AS undecided,
    coalesce(o.orphans, 0) AS orphans
FROM names AS n
LEFT JOIN staged AS s USING (source)
LEFT JOIN decided AS d USING (source)
LEFT JOIN undecided AS u USING (source)
LEFT JOIN orphans AS o USING (source)
ORDER BY n.source
