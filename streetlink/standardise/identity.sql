-- Registry identity standardisation (standardise_population), one named statement each.
-- `src` is the population table, `out` the table made; $parameters are bound by identity.py. Every rule here
-- reproduces names.py / ids.py / phones.py for the plain values it accepts; everything
-- else is handed to those Python functions (over distinct values) by identity.py.

-- name: distinct_names
-- A name is "plain" when it is 2..$max_chars Chinese characters, optionally cut by the
-- separators of minority names, and not possibly an honorific or a placeholder.
CREATE OR REPLACE TEMP TABLE _idn_names AS
SELECT name, clean,
       shaped AND length(clean) BETWEEN 2 AND $max_chars AND NOT regexp_matches(clean, $exclude) AS plain
FROM (
    SELECT name,
           regexp_replace(name, $separators, '', 'g') AS clean,
           regexp_full_match(name, $shape) AS shaped
    FROM (SELECT DISTINCT name FROM {{src}} WHERE name IS NOT NULL)
);

-- name: plain_name_chars
SELECT DISTINCT unnest(string_split(clean, '')) AS ch FROM _idn_names WHERE plain;

-- name: plain_name_keys
-- Surname = first 2 characters when they are a compound surname and the name has >= 3,
-- none for transliterated names (>= $translit characters), else the first character.
-- Keys: per-character readings from _idn_chars (one ordered list per name, then sliced),
-- the surname's reading from _idn_surnames. Names with a character normalise_text would
-- change (Traditional, compatibility forms) are left to Python.
CREATE OR REPLACE TEMP TABLE _idn_name_keys AS
WITH n AS (
    SELECT name, clean,
           CASE WHEN length(clean) >= $translit THEN 0
                WHEN length(clean) >= 3 AND list_contains($compounds, left(clean, 2)) THEN 2
                ELSE 1 END AS slen
    FROM _idn_names
    WHERE plain
), c AS (
    SELECT name,
           unnest(string_split(clean, '')) AS ch,
           generate_subscripts(string_split(clean, ''), 1) AS pos
    FROM n
), agg AS (
    SELECT c.name, bool_and(p.stable) AS stable, list(p.pinyin ORDER BY c.pos) AS py
    FROM c JOIN _idn_chars p USING (ch)
    GROUP BY c.name
), parts AS (
    SELECT n.name, n.clean, n.slen,
           array_to_string(agg.py, '') AS all_py,
           array_to_string(agg.py[n.slen + 1:], '') AS given_py,
           CASE WHEN n.slen > 0
                THEN coalesce(s.pinyin, array_to_string(agg.py[1:n.slen], '')) END AS surname_py
    FROM n
    JOIN agg USING (name)
    LEFT JOIN _idn_surnames s ON n.slen > 0 AND s.surname = left(n.clean, n.slen)
    WHERE agg.stable
)
SELECT name,
       clean AS name_clean,
       'full' AS name_kind,
       CASE WHEN slen > 0 THEN left(clean, slen) END AS surname,
       CASE WHEN slen > 0 THEN substr(clean, slen + 1) END AS given_name,
       CASE WHEN slen > 0 THEN surname_py || given_py ELSE all_py END AS name_pinyin,
       surname_py AS surname_pinyin,
       CASE WHEN slen > 0 THEN given_py END AS given_pinyin
FROM parts;

-- name: names_for_python
SELECT n.name FROM _idn_names n ANTI JOIN _idn_name_keys k USING (name);

-- name: distinct_id_types
SELECT DISTINCT coalesce(id_type, '') FROM {{src}};

-- name: ids_for_python
-- Numbers the SQL checks below do not take (not a plain 18-character resident number), by
-- number and document kind (ids.py decides by the kind of the type, not its wording).
SELECT p.id_number, t.kind, min(p.id_type) AS id_type
FROM {{src}} p
JOIN _idn_id_types t ON t.id_type_key = coalesce(p.id_type, '')
WHERE p.id_number IS NOT NULL
  AND NOT (t.kind IN ('resident', 'unknown') AND regexp_full_match(p.id_number, '[0-9]{17}[0-9X]'))
GROUP BY ALL;

-- name: phones_for_python
SELECT DISTINCT phone FROM {{src}}
WHERE phone IS NOT NULL
  AND NOT (regexp_full_match(phone, '1[0-9]{10}') AND list_contains($segments, left(phone, 3)));

-- name: population_std
-- Plain 18-character resident numbers are checked here, in the order of ids.py: region,
-- then birth date, then the GB 11643-1999 check character (ISO 7064 MOD 11-2).
CREATE OR REPLACE TABLE {{out}} AS
WITH typed AS (
    SELECT s.*, t.kind AS id_kind,
           t.kind IN ('resident', 'unknown') AND regexp_full_match(s.id_number, '[0-9]{17}[0-9X]') AS id_plain
    FROM {{src}} s
    JOIN _idn_id_types t ON t.id_type_key = coalesce(s.id_type, '')
), numbered AS (
    -- The first 17 digits as one integer: digit k is id_n17 // 10^(17-k) % 10. Integer
    -- arithmetic is several times faster than casting substrings or parsing dates.
    SELECT *, CASE WHEN id_plain THEN CAST(left(id_number, 17) AS BIGINT) END AS id_n17
    FROM typed
), dated AS (
    SELECT *,
           id_n17 // 1000 % 100000000 AS id_ymd,
           id_n17 // 10000000 % 10000 AS id_year,
           id_n17 // 100000 % 100 AS id_month,
           id_n17 // 1000 % 100 AS id_day
    FROM numbered
), checked AS (
    SELECT *,
           CASE
               WHEN NOT id_plain THEN NULL
               WHEN NOT list_contains($provinces, left(id_number, 2)) THEN 'bad_region'
               WHEN id_month NOT BETWEEN 1 AND 12 OR id_day < 1
                    OR id_day > CASE WHEN id_month = 2
                                     THEN 28 + CASE WHEN (id_year % 4 = 0 AND id_year % 100 <> 0)
                                                         OR id_year % 400 = 0 THEN 1 ELSE 0 END
                                     ELSE 30 + (id_month + id_month // 8) % 2 END
                    OR id_ymd NOT BETWEEN $earliest_ymd AND $today_ymd THEN 'bad_date'
               WHEN substr('10X98765432', 1 + (
                      7 * (id_n17 // 10000000000000000 % 10) + 9 * (id_n17 // 1000000000000000 % 10)
                    + 10 * (id_n17 // 100000000000000 % 10) + 5 * (id_n17 // 10000000000000 % 10)
                    + 8 * (id_n17 // 1000000000000 % 10) + 4 * (id_n17 // 100000000000 % 10)
                    + 2 * (id_n17 // 10000000000 % 10) + 1 * (id_n17 // 1000000000 % 10)
                    + 6 * (id_n17 // 100000000 % 10) + 3 * (id_n17 // 10000000 % 10)
                    + 7 * (id_n17 // 1000000 % 10) + 9 * (id_n17 // 100000 % 10)
                    + 10 * (id_n17 // 10000 % 10) + 5 * (id_n17 // 1000 % 10)
                    + 8 * (id_n17 // 100 % 10) + 4 * (id_n17 // 10 % 10)
                    + 2 * (id_n17 % 10)) % 11, 1) <> id_number[18]
                    THEN 'bad_checksum'
               ELSE 'valid'
           END AS id_plain_status
    FROM dated
)
SELECT p.person_id,
       coalesce(nk.name_clean, p.name) AS name_clean,
       nk.surname,
       nk.given_name,
       nk.name_pinyin,
       nk.surname_pinyin,
       nk.given_pinyin,
       p.id_type,
       CASE WHEN p.id_plain THEN CASE WHEN p.id_plain_status = 'valid' THEN p.id_number END
            ELSE pi.id_number_std END AS id_number,
       CASE WHEN p.id_number IS NULL THEN 'missing'
            WHEN p.id_plain THEN p.id_plain_status
            ELSE pi.id_status END AS id_status,
       p.gender,
       p.birth_date,
       CASE WHEN ph.phone IS NOT NULL THEN ph.phone_std ELSE p.phone END AS phone,
       p.house_id,
       p.residence_type,
       coalesce(nk.name_kind, 'none') AS name_kind,
       CASE WHEN p.id_plain THEN p.id_number ELSE pi.id_clean END AS id_clean,
       CASE WHEN ph.phone IS NOT NULL THEN ph.phone_kind
            WHEN p.phone IS NOT NULL THEN 'mobile'
            ELSE 'missing' END AS phone_kind
FROM checked p
LEFT JOIN _idn_name_keys nk ON nk.name = p.name
LEFT JOIN _idn_ids_py pi ON pi.id_number = p.id_number AND pi.kind = p.id_kind
LEFT JOIN _idn_phones_py ph ON ph.phone = p.phone;

-- name: create_from_arrow
-- The Python answers over distinct values (an Arrow table registered as `arrow`).
CREATE OR REPLACE TEMP TABLE {{table}} AS SELECT * FROM {{arrow}};

-- name: insert_python_name_keys
INSERT INTO _idn_name_keys BY NAME SELECT * EXCLUDE (gender_hint) FROM _idn_names_py;

-- name: insertion_order
SELECT current_setting('preserve_insertion_order');

-- name: relax_insertion_order
SET preserve_insertion_order = false;

-- name: keep_insertion_order
SET preserve_insertion_order = true;

-- name: count_by
SELECT {{column}}, count(*) FROM {{table}} GROUP BY ALL ORDER BY 2 DESC;

-- name: count_rows
SELECT count(*) FROM {{table}};

-- name: drop_table
DROP TABLE IF EXISTS {{table}};

-- name: record_names
-- The record path (standardise_record_identity): the night's DISTINCT values go to the
-- Python parsers; the answers are joined back to every staged record.
SELECT DISTINCT name FROM {{staged}} WHERE name IS NOT NULL;

-- name: record_ids
SELECT DISTINCT id_number, id_type FROM {{staged}} WHERE id_number IS NOT NULL;

-- name: record_phones
SELECT DISTINCT phone FROM {{staged}} WHERE phone IS NOT NULL;

-- name: records_identity
CREATE OR REPLACE TABLE {{out}} AS
SELECT s.record_id,
       n.name_clean, coalesce(n.name_kind, 'none') AS name_kind, n.surname, n.given_name,
       n.name_pinyin, n.surname_pinyin, n.given_pinyin, n.gender_hint,
       i.id_number, i.id_clean, coalesce(i.id_status, 'missing') AS id_status,
       i.birth_date, i.gender AS id_gender,
       p.phone, p.phone_clean, coalesce(p.phone_kind, 'missing') AS phone_kind
FROM {{staged}} s
LEFT JOIN _idr_names n ON n.raw = s.name
LEFT JOIN _idr_ids i ON i.raw = s.id_number AND i.raw_type IS NOT DISTINCT FROM s.id_type
LEFT JOIN _idr_phones p ON p.raw = s.phone;
