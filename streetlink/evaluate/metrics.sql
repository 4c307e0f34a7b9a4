-- The accuracy of links against the truth (metrics.py). Temporary tables `truth`,
-- `links`, `scored` and the view `membership` live in evaluate()'s own connection.

-- name: create_input_files
CREATE TEMP TABLE input_files (side VARCHAR, path VARCHAR, night VARCHAR);

-- name: insert_input_file
INSERT INTO input_files VALUES (?, ?, ?);

-- name: describe_file
DESCRIBE SELECT * FROM read_parquet({{path:literal}});

-- name: load_side
-- Every file of one side, cast to the contract's types (`casts`), tagged with its night.
CREATE TEMP TABLE {{side}} AS
SELECT f.night, {{casts:sql}}
FROM read_parquet($files, union_by_name = true, filename = true) AS r
JOIN input_files AS f ON f.side = $side AND f.path = r.filename;

-- name: repeated_records
SELECT night, record_id, count(*) FROM {{side}} GROUP BY ALL HAVING count(*) > 1 ORDER BY 1, 2 LIMIT 5;

-- name: coverage
SELECT
    count(t.record_id)                                                    AS truth_records,
    count(l.record_id)                                                    AS links_records,
    count(*) FILTER (WHERE t.record_id IS NOT NULL AND l.record_id IS NOT NULL) AS matched,
    count(*) FILTER (WHERE l.record_id IS NULL)                           AS missing_from_links,
    count(*) FILTER (WHERE t.record_id IS NULL)                           AS extra_in_links,
    count(*) FILTER (WHERE t.source <> l.source)                          AS source_mismatch
FROM truth AS t FULL OUTER JOIN links AS l ON t.night = l.night AND t.record_id = l.record_id;

-- name: coverage_sample
-- `condition`: one of the three fixed conditions of _coverage (code, not data).
SELECT coalesce(t.night, l.night), coalesce(t.record_id, l.record_id)
FROM truth AS t FULL OUTER JOIN links AS l ON t.night = l.night AND t.record_id = l.record_id
WHERE {{condition:sql}} ORDER BY 1, 2 LIMIT $limit;

-- name: flag_columns
-- The per-record flags the metric conditions (METRICS) are written in: a fragment of the
-- SELECT list over truth t and links l, shared by `scored` and `score_tables`.
    coalesce(t.placeable, false)                                       AS placeable,
    list_sort(list_distinct(coalesce(t.messiness, []::VARCHAR[])))     AS messiness,
    l.decision, l.reason,
    l.street_code, l.committee_code, l.house_id, l.person_id,
    t.true_street_code, t.true_committee_code, t.true_house_id, t.true_person_id,
    l.decision = 'dispatched'                                           AS is_dispatched,
    l.decision = 'review'                                               AS is_review,
    l.decision = 'rejected'                                             AS is_rejected,
    t.category = 'outside_pudong'                                       AS is_outside_pudong,
    coalesce(l.committee_code = t.true_committee_code, false)          AS committee_ok,
    coalesce(l.street_code = t.true_street_code, false)                AS street_ok,
    l.house_id IS NOT NULL                                              AS has_house,
    t.true_house_id IS NOT NULL                                         AS has_true_house,
    coalesce(l.house_id = t.true_house_id, false)                      AS house_ok,
    l.person_id IS NOT NULL                                             AS has_person,
    t.true_person_id IS NOT NULL                                        AS has_true_person,
    coalesce(t.person_identifiable, false)                             AS identifiable,
    coalesce(l.person_id = t.true_person_id, false)                    AS person_ok

-- name: scored
CREATE TEMP TABLE scored AS
SELECT
    t.night, t.record_id, t.source, t.category,
{{flag_columns:sql}}
FROM truth AS t JOIN links AS l ON t.night = l.night AND t.record_id = l.record_id;

-- name: membership
-- One row per (group, record): a record sits in one group per kind, several messiness
-- ones. `by_night`: the night's group, when the files span several nights (or nothing).
CREATE TEMP VIEW membership AS
SELECT 'overall' AS kind, 'all' AS name, s.* FROM scored AS s
{{by_night:sql}}
UNION ALL
SELECT 'source', s.source, s.* FROM scored AS s
UNION ALL
SELECT 'category', s.category, s.* FROM scored AS s
UNION ALL
SELECT 'messiness', unnest(s.messiness), s.* FROM scored AS s
UNION ALL
SELECT 'messiness', {{clean:literal}}, s.* FROM scored AS s WHERE len(s.messiness) = 0;

-- name: group_metrics
-- `metric_columns`: two counts per metric of METRICS (its numerator and denominator).
SELECT kind, name, count(*) AS n,
    {{metric_columns:sql}}
FROM membership GROUP BY kind, name;

-- name: reasons
SELECT kind, name, decision, coalesce(reason, '(none)') AS reason,
       count(*) AS n, count(*) FILTER (WHERE placeable) AS n_placeable
FROM membership
WHERE decision IN ('review', 'rejected')
GROUP BY ALL
ORDER BY kind, name, n DESC, decision, reason;

-- name: wrong_sample
SELECT night, record_id, source, category, messiness,
       true_street_code, true_committee_code, street_code, committee_code,
       true_house_id, house_id
FROM scored
WHERE is_dispatched AND NOT committee_ok
ORDER BY hash(night, record_id), night, record_id
LIMIT $limit;

-- name: score_tables
-- The METRICS of a links-shaped table against a truth-shaped one, per `grp` (a links
-- column, or NULL for one overall row).
WITH s AS (SELECT {{grp:sql}} AS grp, {{flag_columns:sql}}
           FROM {{truth}} AS t JOIN {{links}} AS l USING (record_id))
SELECT grp, {{metric_columns:sql}} FROM s GROUP BY grp ORDER BY grp;
