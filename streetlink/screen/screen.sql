-- The screening stage's fixed SQL, in the order screen_night runs it. The rules
-- themselves enter only through {{rules:sql}} (fire_rules), built by rules_fragment().

-- name: collect_records
-- One row per decided record with the source fields rules read: the staged `details`
-- JSON unpacked (hotline 工单类别/诉求内容, checkpoint 出发地/来沪事由, health-cloud
-- 症状/旅居史/到达日期), the person's registry facts, the matter, and the place key of a
-- record that has neither person nor dwelling.
CREATE OR REPLACE TEMP TABLE screen_records AS
WITH joined AS (
    SELECT d.record_id, d.source, d.decision, d.reason, d.street_code, d.committee_code,
           d.house_id, d.person_id, s.event_time, s.details, s.address,
           r.name_clean, coalesce(r.address_key, r.community, r.village, r.address_clean) AS place
    FROM {{decisions}} AS d
    LEFT JOIN {{staged}} AS s USING (record_id)
    LEFT JOIN {{records_std}} AS r USING (record_id)
),
unpacked AS (
    SELECT *,
        CASE WHEN source = 'hotline' THEN details ->> '工单类别' END AS hotline_category,
        CASE WHEN source = 'hotline' THEN details ->> '诉求内容' END AS hotline_text,
        CASE WHEN source = 'checkpoint' THEN details ->> '出发地' END AS origin,
        CASE WHEN source = 'checkpoint' THEN details ->> '来沪事由' END AS purpose,
        CASE WHEN source = 'healthcloud' THEN details ->> '症状' END AS symptoms_text,
        CASE WHEN source = 'healthcloud' THEN details ->> '旅居史' END AS travel_text,
        CASE WHEN source = 'healthcloud' THEN details ->> '到达日期' END AS arrival_text
    FROM joined
)
SELECT
    u.record_id, u.source, u.decision, u.reason, u.street_code, u.committee_code, u.house_id,
    u.person_id, u.name_clean, u.place, u.event_time, u.address,
    CAST($night AS DATE) AS night,
    u.hotline_category, u.hotline_text, u.origin, u.purpose,
    -- ingest joined the JSON lists with 、
    CASE WHEN u.source = 'healthcloud' THEN list_filter(
        list_transform(string_split(coalesce(u.symptoms_text, ''), '、'), lambda x: trim(x)),
        lambda x: x <> '' AND NOT list_contains($no_symptom_words, x)) END AS symptoms,
    CASE WHEN u.source = 'healthcloud' THEN list_filter(
        list_transform(string_split(coalesce(u.travel_text, ''), '、'), lambda x: trim(x)),
        lambda x: x <> '') END AS travel_history,
    CAST(coalesce(TRY_CAST(u.arrival_text AS DATE),
                  try_strptime(u.arrival_text, ['%Y/%m/%d', '%Y年%m月%d日', '%Y.%m.%d'])) AS DATE)
        AS arrival_date,
    coalesce(m.matter, $default_matter) AS matter,
    p.residence_type, p.gender, p.birth_date, p.house_id AS home_id
FROM unpacked AS u
LEFT JOIN {{matters}} AS m ON u.source = 'hotline' AND m.category = u.hotline_category
LEFT JOIN {{population}} AS p ON p.person_id = u.person_id;

-- name: collect_open_items
-- Items published on earlier nights and not closed (the ledger's OPEN_ITEMS), with the
-- rank of their priority (0 urgent … 2 normal; none: normal) and the registered home of
-- their person. A case id this stage wrote ends with the hash of its case key.
CREATE OR REPLACE TEMP TABLE screen_open AS
SELECT o.record_id, o.night, o.case_id, o.person_id, o.house_id, o.priority, o.deadline,
       coalesce(list_position(['urgent', 'high', 'normal'], o.priority) - 1, 2) AS rank,
       CASE WHEN regexp_full_match(o.case_id, 'C\d{8}-[0-9A-F]{10}') THEN right(o.case_id, 10) END AS case_hash,
       o.record_id NOT LIKE 'hotline:%' AS occupant,
       p.house_id AS home_id
FROM {{open_items}} AS o
LEFT JOIN {{population}} AS p ON p.person_id = o.person_id
WHERE o.night < CAST($night AS DATE);

-- name: assign_cases
-- One case per person and matter; without a person, per dwelling and matter; without a
-- dwelling, per committee, place and matter (dispatched records only); else the record
-- alone. A case still open from an earlier night keeps its id (same key hash); a new
-- case is C<night yyyymmdd>-<first 10 hex of sha256(key)>, the same on a rerun.
CREATE OR REPLACE TEMP TABLE screen_cases AS
WITH keyed AS (
    SELECT record_id, person_id, source,
        CASE
            WHEN person_id IS NOT NULL THEN 'P|' || person_id || '|' || matter
            WHEN house_id IS NOT NULL THEN 'H|' || house_id || '|' || matter
            WHEN decision = 'dispatched' AND place IS NOT NULL
                THEN 'A|' || committee_code || '|' || place || '|' || matter
            ELSE 'R|' || record_id
        END AS case_key
    FROM screen_records
),
hashed AS (
    SELECT *, upper(left(sha256(case_key), 10)) AS case_hash FROM keyed
),
open_cases AS (
    SELECT case_hash, arg_min(case_id, (night, case_id)) AS case_id, min(night) AS first_night,
           min(rank) AS rank, min(deadline) AS deadline
    FROM screen_open WHERE case_hash IS NOT NULL
    GROUP BY case_hash
),
tonight AS (
    SELECT case_key, count(*) AS records_tonight, count(DISTINCT source) AS sources_tonight,
           any_value(person_id) AS person_id
    FROM hashed GROUP BY case_key
)
SELECT h.record_id, h.case_key,
       coalesce(o.case_id, 'C' || strftime(CAST($night AS DATE), '%Y%m%d') || '-' || h.case_hash) AS case_id,
       o.case_id IS NOT NULL AS continued,
       o.rank AS open_case_rank, o.deadline AS open_case_deadline,
       t.records_tonight, t.sources_tonight, t.person_id AS case_person_id,
       h.case_hash
FROM hashed AS h
JOIN tonight AS t USING (case_key)
LEFT JOIN open_cases AS o USING (case_hash);

-- name: case_history
-- Per case: the open items of the same case, or of the same person under another matter.
CREATE OR REPLACE TEMP TABLE screen_history AS
WITH cases AS (
    SELECT DISTINCT case_key, case_hash, case_person_id FROM screen_cases
),
matched AS (
    -- two equi-joins, not one join on OR (which DuckDB runs as a nested loop)
    SELECT c.case_key, o.record_id, o.night, o.rank
    FROM cases AS c JOIN screen_open AS o ON o.case_hash = c.case_hash
    UNION
    SELECT c.case_key, o.record_id, o.night, o.rank
    FROM cases AS c JOIN screen_open AS o ON o.person_id = c.case_person_id
)
SELECT case_key, count(DISTINCT record_id) AS open_items, count(DISTINCT night) AS open_nights,
       min(rank) AS open_rank, min(night) AS first_open_night
FROM matched GROUP BY case_key;

-- name: dwelling_facts
-- Per dwelling of tonight's records: who is registered there, and who was seen there
-- tonight or in items still open. Hotline callers are not occupants (a neighbour calls).
-- An unlinked person is known by name, else by the record.
CREATE OR REPLACE TEMP TABLE screen_dwellings AS
WITH houses AS (
    SELECT DISTINCT house_id FROM screen_records WHERE house_id IS NOT NULL
),
tonight AS (
    -- an unlinked record carrying the name of a person linked at the same dwelling tonight
    -- is that person (one newcomer registering at the checkpoint and on the health cloud)
    SELECT house_id, record_id, home_id,
           coalesce(person_id, CASE WHEN name_clean IS NOT NULL THEN
               max(person_id) OVER (PARTITION BY house_id, name_clean) END) AS person_id,
           name_clean
    FROM screen_records WHERE house_id IS NOT NULL AND source <> 'hotline'
),
seen_rows AS (
    SELECT house_id, coalesce('P:' || person_id, 'N:' || name_clean, 'R:' || record_id) AS occupant,
           coalesce(home_id = house_id, false) AS registered
    FROM tonight
    UNION ALL
    SELECT o.house_id, coalesce('P:' || o.person_id, 'R:' || o.record_id),
           coalesce(o.home_id = o.house_id, false)
    FROM screen_open AS o SEMI JOIN houses AS h ON h.house_id = o.house_id
    WHERE o.occupant
),
seen AS (
    SELECT house_id, occupant, bool_or(registered) AS registered FROM seen_rows GROUP BY ALL
),
residents AS (
    SELECT p.house_id, count(*) AS registered_residents
    FROM {{population}} AS p SEMI JOIN houses AS h ON h.house_id = p.house_id
    GROUP BY p.house_id
),
occupancy AS (
    SELECT house_id, count(DISTINCT occupant) AS occupants_seen,
           count(DISTINCT occupant) FILTER (WHERE registered) AS registered_occupants_seen,
           count(DISTINCT occupant) FILTER (WHERE NOT registered) AS unregistered_occupants_seen
    FROM seen GROUP BY house_id
),
records AS (
    SELECT house_id, count(*) AS records_tonight FROM screen_records
    WHERE house_id IS NOT NULL GROUP BY house_id
)
SELECT h.house_id, coalesce(r.registered_residents, 0) AS registered_residents,
       coalesce(o.occupants_seen, 0) AS occupants_seen,
       coalesce(o.registered_occupants_seen, 0) AS registered_occupants_seen,
       coalesce(o.unregistered_occupants_seen, 0) AS unregistered_occupants_seen,
       coalesce(c.records_tonight, 0) AS records_tonight
FROM houses AS h
LEFT JOIN residents AS r USING (house_id)
LEFT JOIN occupancy AS o USING (house_id)
LEFT JOIN records AS c USING (house_id);

-- name: build_base
-- What the rules read that does not depend on the rules or the key areas, one row per
-- record: the kept part of screen_input (internal/screen_input.parquet). open_urgent_cases:
-- urgent cases still open from earlier nights sharing this record's dwelling (its own or
-- its person's registered one), other than its own.
CREATE OR REPLACE TABLE {{base}} AS
WITH open_urgent AS (
    SELECT DISTINCT case_id, unnest([house_id, home_id]) AS dwelling
    FROM screen_open WHERE rank = 0 AND case_id IS NOT NULL
),
record_dwellings AS (
    SELECT r.record_id, c.case_id, unnest([r.house_id, r.home_id]) AS dwelling
    FROM screen_records AS r JOIN screen_cases AS c USING (record_id)
),
open_household AS (
    SELECT d.record_id, list(DISTINCT u.case_id ORDER BY u.case_id) AS open_urgent_cases
    FROM record_dwellings AS d JOIN open_urgent AS u ON u.dwelling = d.dwelling AND u.case_id <> d.case_id
    WHERE d.dwelling IS NOT NULL
    GROUP BY d.record_id
)
SELECT
    r.record_id, c.case_id, c.case_key, c.continued, c.open_case_rank, c.open_case_deadline,
    r.person_id, r.home_id,
    coalesce(oh.open_urgent_cases, []::VARCHAR[]) AS open_urgent_cases,
    -- what a listed area is looked for in (hotline: the text without the matter's address)
    CASE r.source
        WHEN 'healthcloud' THEN list_transform(r.travel_history, lambda t: {'via': '旅居史', 'text': t})
        WHEN 'checkpoint' THEN [{'via': '出发地', 'text': r.origin}]
        WHEN 'hotline' THEN [{'via': '诉求内容',
                              'text': CASE WHEN r.address IS NOT NULL AND length(r.address) >= 4
                                           THEN replace(r.hotline_text, r.address, ' ')
                                           ELSE r.hotline_text END}]
    END AS match_texts,
    CAST({'source': r.source, 'decision': r.decision, 'reason': r.reason, 'night': r.night,
          'event_time': r.event_time, 'street_code': r.street_code,
          'committee_code': r.committee_code, 'house_id': r.house_id,
          'person_linked': r.person_id IS NOT NULL, 'matter': r.matter,
          'hotline_category': r.hotline_category, 'hotline_text': r.hotline_text,
          'origin': r.origin, 'purpose': r.purpose, 'symptoms': r.symptoms,
          'has_symptoms': coalesce(len(r.symptoms) > 0, false),
          'travel_history': r.travel_history, 'arrival_date': r.arrival_date}
         AS {{record_type:sql}}) AS record,
    CAST({'linked': r.person_id IS NOT NULL, 'residence_type': r.residence_type, 'gender': r.gender,
          'age': CASE WHEN r.birth_date IS NOT NULL THEN date_diff('year', r.birth_date, r.night)
                      - CASE WHEN strftime(r.birth_date, '%m%d') > strftime(r.night, '%m%d') THEN 1 ELSE 0 END END,
          'has_registered_home': CASE WHEN r.person_id IS NOT NULL THEN r.home_id IS NOT NULL END,
          'registered_here': CASE WHEN r.person_id IS NOT NULL THEN coalesce(r.home_id = r.house_id, false) END}
         AS {{person_type:sql}}) AS person,
    CAST({'resolved': r.house_id IS NOT NULL, 'registered_residents': d.registered_residents,
          'occupants_seen': d.occupants_seen, 'registered_occupants_seen': d.registered_occupants_seen,
          'unregistered_occupants_seen': d.unregistered_occupants_seen,
          'records_tonight': d.records_tonight}
         AS {{dwelling_type:sql}}) AS dwelling,
    CAST({'records_tonight': c.records_tonight, 'sources_tonight': c.sources_tonight,
          'open_items': coalesce(h.open_items, 0), 'open_nights': coalesce(h.open_nights, 0),
          'open_priority': ['urgent', 'high', 'normal'][h.open_rank + 1],
          'first_seen': least(h.first_open_night, r.night),
          'nights_seen': coalesce(h.open_nights, 0) + 1}
         AS {{history_type:sql}}) AS history
FROM screen_records AS r
JOIN screen_cases AS c USING (record_id)
LEFT JOIN screen_history AS h USING (case_key)
LEFT JOIN screen_dwellings AS d ON d.house_id = r.house_id
LEFT JOIN open_household AS oh USING (record_id)
ORDER BY r.record_id;

-- name: tie_key_areas
-- travel.*: the listed area a record is tied to. A record arriving on day A from area K
-- is tied when K.from_date <= A <= K.to_date + incubation_days (they may have been there
-- while it was listed) and tonight is within incubation_days of A. A is the health-cloud
-- arrival date (not after the report), else the day of the registration or call.
CREATE OR REPLACE TEMP TABLE screen_travel AS
WITH arrivals AS (
    SELECT record_id, match_texts,
           CAST(CASE WHEN record.arrival_date IS NOT NULL AND record.event_time IS NOT NULL
                     THEN least(record.arrival_date, CAST(record.event_time AS DATE))
                     ELSE coalesce(record.arrival_date, CAST(record.event_time AS DATE), record.night)
                END AS DATE) AS arrival,
           record.night AS night
    FROM {{base}}
),
texts AS (
    SELECT record_id, arrival, night, item.via AS via, item.text AS text
    FROM (SELECT record_id, arrival, night, unnest(match_texts) AS item FROM arrivals)
    WHERE item.text IS NOT NULL
),
ties AS (
    SELECT x.record_id, x.via, a.area_index, a.label,
           x.arrival BETWEEN a.from_date AND a.to_date + CAST($incubation_days AS INTEGER)
           AND date_diff('day', x.arrival, x.night) <= $incubation_days AS in_window
    FROM texts AS x
    JOIN {{hits}} AS h ON h.text = x.text
    JOIN {{areas}} AS a ON a.area_index = h.area_index
)
SELECT r.record_id,
       CAST({'key_area': arg_min(t.label, t.area_index) FILTER (WHERE t.in_window),
             'key_area_any': arg_min(t.label, t.area_index),
             'via': coalesce(arg_min(t.via, t.area_index) FILTER (WHERE t.in_window),
                             arg_min(t.via, t.area_index)),
             'arrival': any_value(r.arrival),
             'days_since_arrival': CAST(date_diff('day', any_value(r.arrival), any_value(r.night)) AS INTEGER)}
            AS {{travel_type:sql}}) AS travel
FROM arrivals AS r
LEFT JOIN ties AS t USING (record_id)
GROUP BY r.record_id;

-- name: screen_input
-- Everything a rule reads, one row per record: the kept base, travel.*, household.*.
CREATE OR REPLACE TEMP VIEW screen_input AS
SELECT b.record_id, b.record, b.person, b.dwelling, b.history, t.travel,
       CAST({'urgent_cases': coalesce(h.urgent_cases, 0)} AS {{household_type:sql}}) AS household
FROM {{base}} AS b
JOIN screen_travel AS t USING (record_id)
LEFT JOIN screen_household AS h USING (record_id);

-- name: fire_rules
-- The rules of one pass, as one statement: each record's list of the rules it fires
-- (their order in the file).
CREATE OR REPLACE TEMP TABLE {{fired}} AS
SELECT record_id, {{rules:sql}} AS fired
FROM screen_input;

-- name: rank_cases
-- Record priority: the highest of the rules it fires (rank 0 urgent, 2 normal); case
-- priority: the highest of its records and of the case's open items. Deadline hours:
-- the shortest of the rules fired in the case, else the case priority's.
CREATE OR REPLACE TEMP TABLE screen_ranked AS
WITH fired AS (
    SELECT record_id, list_sort(list_distinct(flatten(list(fired)))) AS orders
    FROM (SELECT * FROM screen_fired_1 UNION ALL SELECT * FROM screen_fired_2)
    GROUP BY record_id
),
per_record AS (
    SELECT f.record_id, f.orders,
           coalesce(min(r.rank), 2) AS record_rank,
           min(r.deadline_hours) AS record_hours
    FROM fired AS f
    LEFT JOIN (SELECT f2.record_id, unnest(f2.orders) AS rule_order FROM fired AS f2) AS u USING (record_id)
    LEFT JOIN {{rules}} AS r ON r.rule_order = u.rule_order
    GROUP BY f.record_id, f.orders
),
cases AS (
    SELECT b.case_id,
           least(min(p.record_rank), coalesce(any_value(b.open_case_rank), 2)) AS case_rank,
           min(p.record_hours) AS case_hours,
           min(b.open_case_deadline) AS open_deadline
    FROM {{base}} AS b JOIN per_record AS p USING (record_id)
    GROUP BY b.case_id
)
SELECT b.record_id, b.case_id, p.orders, p.record_rank, c.case_rank,
       coalesce(c.case_hours, pr.deadline_hours) AS case_hours, c.open_deadline
FROM {{base}} AS b
JOIN per_record AS p USING (record_id)
JOIN cases AS c USING (case_id)
JOIN {{priorities}} AS pr ON pr.rank = c.case_rank;

-- name: household_urgent
-- household.*: other urgent cases (after the first pass, and still-open ones) that share
-- a dwelling with the record: its own, or its person's registered one.
CREATE OR REPLACE TEMP TABLE screen_household AS
WITH dwellings AS (
    SELECT b.record_id, b.case_id, unnest([b.record.house_id, b.home_id]) AS dwelling
    FROM {{base}} AS b
),
urgent AS (
    SELECT DISTINCT d.case_id, d.dwelling
    FROM dwellings AS d JOIN screen_ranked AS k USING (record_id)
    WHERE k.case_rank = 0 AND d.dwelling IS NOT NULL
),
tonight AS (
    SELECT d.record_id, u.case_id
    FROM dwellings AS d JOIN urgent AS u ON u.dwelling = d.dwelling AND u.case_id <> d.case_id
),
still_open AS (
    SELECT record_id, unnest(open_urgent_cases) AS case_id FROM {{base}}
)
SELECT record_id, CAST(count(DISTINCT case_id) AS INTEGER) AS urgent_cases
FROM (SELECT * FROM tonight UNION ALL SELECT * FROM still_open)
GROUP BY record_id;

-- name: screen_results
-- One row per record: its case, the rules it fired, its case's priority, and the
-- deadline (dispatched records only): the dispatch time plus the case's hours, never
-- later than a deadline the case already had.
CREATE OR REPLACE TABLE {{results}} AS
SELECT b.record_id, b.case_id, b.continued, b.record.source AS source, b.record.decision AS decision,
       b.record.street_code AS street_code, b.record.committee_code AS committee_code,
       b.record.event_time AS event_time, t.travel.key_area AS key_area,
       list_transform(k.orders, lambda o: r.names[o]) AS rules,
       ['urgent', 'high', 'normal'][k.record_rank + 1] AS record_priority,
       ['urgent', 'high', 'normal'][k.case_rank + 1] AS priority,
       k.record_rank, k.case_rank,
       CASE WHEN b.record.decision = 'dispatched' THEN
           least(CAST($dispatch_at AS TIMESTAMP) + to_minutes(CAST(round(k.case_hours * 60) AS BIGINT)),
                 k.open_deadline)
       END AS deadline
FROM {{base}} AS b
JOIN screen_ranked AS k USING (record_id)
JOIN screen_travel AS t USING (record_id)
CROSS JOIN (SELECT list(name ORDER BY rule_order) AS names FROM {{rules}}) AS r
ORDER BY b.record_id;

-- name: cases_output
-- cases.parquet (OUTPUTS.md): every record of the night once.
CREATE OR REPLACE TABLE {{cases}} AS
SELECT case_id, record_id, priority,
       CASE WHEN len(rules) > 0 THEN array_to_string(rules, ';') END AS rules,
       deadline
FROM {{results}}
ORDER BY case_id, record_id;

-- name: case_rows
-- One row per case and committee among dispatched records: what the lead maps into
-- packet_rows. The case's own record (highest priority, then earliest) comes first.
CREATE OR REPLACE TABLE {{case_rows}} AS
WITH titled AS (
    SELECT DISTINCT x.case_id, x.street_code, x.committee_code, r.rule_order, r.name AS rule_name,
           r.title || CASE WHEN r.shows_area AND x.key_area IS NOT NULL
                           THEN '（' || x.key_area || '）' ELSE '' END AS shown
    FROM (SELECT case_id, street_code, committee_code, key_area, unnest(rules) AS rule_name
          FROM {{results}} WHERE decision = 'dispatched') AS x
    JOIN {{rules}} AS r ON r.name = x.rule_name
),
ordered AS (
    SELECT case_id, street_code, committee_code,
           string_agg(shown, '；' ORDER BY rule_order, shown) AS rules_text,
           list_sort(list_distinct(list(rule_order))) AS orders
    FROM titled GROUP BY ALL
),
names AS (
    SELECT list(name ORDER BY rule_order) AS names FROM {{rules}}
),
grouped AS (
    SELECT street_code, committee_code, case_id,
           list(record_id ORDER BY record_rank, event_time NULLS LAST, record_id) AS record_ids,
           list_sort(list_distinct(list(source))) AS sources,
           any_value(priority) AS priority, any_value(case_rank) AS priority_rank,
           min(deadline) AS deadline,
           any_value(key_area) FILTER (WHERE key_area IS NOT NULL) AS key_area,
           bool_or(continued) AS continued,
           CAST(count(*) AS INTEGER) AS n_records
    FROM {{results}} WHERE decision = 'dispatched'
    GROUP BY street_code, committee_code, case_id
)
SELECT g.street_code, g.committee_code, g.case_id, g.record_ids, g.sources,
       g.priority, p.label AS priority_label, CAST(g.priority_rank AS INTEGER) AS priority_rank,
       g.deadline,
       coalesce(list_transform(o.orders, lambda i: n.names[i]), []::VARCHAR[]) AS rules,
       o.rules_text, g.key_area, g.priority = 'urgent' AS emergency, g.continued, g.n_records
FROM grouped AS g
LEFT JOIN ordered AS o USING (case_id, street_code, committee_code)
LEFT JOIN {{priorities}} AS p ON p.rank = g.priority_rank
CROSS JOIN names AS n
ORDER BY g.street_code, g.committee_code, g.priority_rank, g.deadline, g.case_id;

-- name: floor_violations
-- OUTPUTS.md: a symptomatic health-cloud report, or a record tied to a listed key area
-- inside its window, is never normal.
SELECT
    count(*) FILTER (WHERE b.record.source = 'healthcloud' AND b.record.has_symptoms AND r.priority = 'normal'),
    count(*) FILTER (WHERE r.key_area IS NOT NULL AND r.priority = 'normal')
FROM {{results}} AS r
JOIN {{base}} AS b USING (record_id);
