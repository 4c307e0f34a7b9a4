-- Small fixed statements of the screen stage: tables from Python, the rule-file checks,
-- hand-written bases (the rule file's probes, the tests).

-- name: table_from_view
CREATE OR REPLACE TEMP TABLE {{target}} AS SELECT * FROM {{view}};

-- name: empty_table
CREATE OR REPLACE TEMP TABLE {{target}} ({{columns:sql}});

-- name: base_table
CREATE OR REPLACE TABLE {{target}} ({{columns:sql}});

-- name: base_row
-- One hand-written base row; the struct columns arrive as JSON text.
INSERT INTO {{target}}
SELECT $record_id, $case_id, $case_key, $continued, $open_case_rank, $open_case_deadline,
       $person_id, $home_id, $open_urgent_cases,
       CAST($match_texts::JSON AS STRUCT(via VARCHAR, "text" VARCHAR)[]),
       CAST($record::JSON AS {{record_type:sql}}), CAST($person::JSON AS {{person_type:sql}}),
       CAST($dwelling::JSON AS {{dwelling_type:sql}}), CAST($history::JSON AS {{history_type:sql}});

-- name: base_night
SELECT any_value(record.night) FROM {{base}};

-- name: distinct_match_texts
SELECT DISTINCT m.text FROM (SELECT unnest(match_texts) AS m FROM {{base}}) WHERE m.text IS NOT NULL;

-- name: bind_table
-- An empty table of every field, for DuckDB to bind each condition on.
CREATE OR REPLACE TEMP TABLE screen_input AS SELECT 'r' AS record_id, {{columns:sql}} WHERE false;

-- name: bind_condition
DESCRIBE SELECT {{condition:sql}} AS c FROM screen_input;

-- name: normal_records
SELECT record_id FROM {{results}} WHERE priority = 'normal' ORDER BY record_id;

-- name: read_parquet_table
CREATE OR REPLACE TABLE {{target}} AS SELECT * FROM read_parquet({{path:literal}});

-- name: count_emergency
SELECT count(*) FROM {{case_rows}} WHERE emergency;
