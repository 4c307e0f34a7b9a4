-- The night's funnel: received → linked → screened → pushed → emergency orders.

-- name: funnel_by_source
-- Per source and decision × priority: every record once, so the cells add up to the
-- night's records and each decision's column to links.parquet's count.
SELECT r.source, r.decision, r.priority,
       count(*) AS records,
       count(*) FILTER (WHERE d.person_id IS NOT NULL OR d.house_id IS NOT NULL OR r.decision = 'dispatched') AS linked,
       count(*) FILTER (WHERE len(r.rules) > 0) AS screened
FROM {{results}} AS r
JOIN {{decisions}} AS d USING (record_id)
GROUP BY ALL
ORDER BY ALL;

-- name: funnel_cases
SELECT
    (SELECT count(DISTINCT case_id) FROM {{results}}) AS cases,
    (SELECT count(DISTINCT case_id) FROM {{results}} WHERE continued) AS continued_cases,
    (SELECT count(DISTINCT case_id) FROM {{results}} WHERE decision = 'dispatched') AS pushed_cases,
    (SELECT count(*) FROM {{case_rows}}) AS case_rows,
    (SELECT count(*) FROM {{case_rows}} WHERE emergency) AS emergency_rows,
    (SELECT count(DISTINCT case_id) FROM {{case_rows}} WHERE emergency) AS emergency_cases,
    (SELECT coalesce(sum(n_records), 0) FROM {{case_rows}} WHERE emergency) AS emergency_records,
    (SELECT count(*) FROM {{case_rows}} WHERE n_records > 1) AS rows_with_several_records,
    (SELECT count(*) FROM (SELECT case_id FROM {{case_rows}} GROUP BY case_id HAVING count(*) > 1)) AS cases_in_several_committees,
    (SELECT count(*) FROM {{results}}) AS results_rows,
    (SELECT count(*) FROM {{decisions}}) AS decision_rows,
    (SELECT count(*) FROM {{results}} r ANTI JOIN {{decisions}} d USING (record_id)) AS results_not_decided;

-- name: funnel_by_rule
-- How often each rule fired: records, dispatched records, cases.
SELECT x.rule, count(*) AS records,
       count(*) FILTER (WHERE x.decision = 'dispatched') AS pushed,
       count(DISTINCT x.case_id) AS cases
FROM (SELECT unnest(rules) AS rule, decision, case_id FROM {{results}}) AS x
GROUP BY x.rule;

-- name: links_counts
-- links.parquet's own counts, per source and decision: what the funnel must reconcile with.
SELECT source, decision, count(*) AS records
FROM read_parquet({{links:literal}})
GROUP BY ALL
ORDER BY ALL;

-- name: emergency_by_source
SELECT s.source, count(*) FROM (SELECT unnest(sources) AS source FROM {{case_rows}} WHERE emergency) AS s
GROUP BY s.source;
