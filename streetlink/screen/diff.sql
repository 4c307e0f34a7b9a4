-- Comparing the replay of two rule sets on one night ({{old}}, {{new}}: screen_results).

-- name: diff_priorities
-- Records per priority, all and dispatched.
SELECT priority, count(*) AS records, count(*) FILTER (WHERE decision = 'dispatched') AS dispatched
FROM {{results}} GROUP BY priority;

-- name: diff_transitions
SELECT o.priority, n.priority, count(*)
FROM {{old}} AS o JOIN {{new}} AS n USING (record_id)
WHERE o.priority <> n.priority
GROUP BY o.case_rank, o.priority, n.case_rank, n.priority
ORDER BY o.case_rank, n.case_rank;

-- name: diff_fired
SELECT rule, count(*) FROM (SELECT unnest(rules) AS rule FROM {{results}}) GROUP BY rule;

-- name: diff_changed
-- Cases whose priority, rules or deadline change; the most urgent first.
WITH changed AS (
    SELECT o.case_id, o.street_code, o.priority AS old_priority, n.priority AS new_priority,
           o.rules AS old_rules, n.rules AS new_rules, least(o.case_rank, n.case_rank) AS rank,
           o.deadline IS DISTINCT FROM n.deadline AS deadline_changed
    FROM {{old}} AS o JOIN {{new}} AS n USING (record_id)
    WHERE o.priority <> n.priority OR o.rules <> n.rules OR o.deadline IS DISTINCT FROM n.deadline
)
SELECT case_id, any_value(street_code) AS street_code, any_value(old_priority) AS old_priority,
       any_value(new_priority) AS new_priority, count(*) AS records,
       list_sort(list_distinct(flatten(list(old_rules)))) AS old_rules,
       list_sort(list_distinct(flatten(list(new_rules)))) AS new_rules,
       count(*) FILTER (WHERE deadline_changed) AS deadline_changes,
       min(rank) AS rank
FROM changed GROUP BY case_id
ORDER BY rank, case_id;

-- name: diff_published
-- Records where the replay of the rules in force differs from the published cases.parquet.
SELECT count(*)
FROM read_parquet({{published:literal}}) AS p
FULL JOIN {{cases}} AS o USING (record_id)
WHERE p.case_id IS DISTINCT FROM o.case_id OR p.priority IS DISTINCT FROM o.priority
   OR p.rules IS DISTINCT FROM o.rules OR p.deadline IS DISTINCT FROM o.deadline;

-- name: diff_night
SELECT CAST(any_value(record.night) AS VARCHAR) FROM {{base}};
