-- Registry identity standardisation (standardise_population), one named statement each.
-- {src} is the population table; $parameters are bound by identity.py. Every rule here
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
    FROM (SELECT DISTINCT name FROM {src} WHERE name IS NOT NULL)
);

-- name: plain_name_chars
SELECT DISTINCT unnest(string_split(clean, '')) AS ch FROM _idn_names WHERE plain;

-- name: plain_name_keys
-- Surname = first 2 characters when they are a compound surname and the name has >= 3,
-- none for transliterated names (>= $translit characters), else the first character.
-- Keys: per-character readings from _idn_chars, the surname's reading from _idn_surnames.
CREATE OR REPLACE TEMP TABLE _idn_name_keys AS
WITH n AS (
    SELECT name, clean,
           CASE WHEN length(clean) >= $translit THEN 0
                WHEN length(clean) >= 3 AND list_contains($compounds, left(clean, 2)) THEN 2
                ELSE 1 END AS slen
    FROM _idn_names
    WHERE plain
), c AS (
    SELECT name, slen,
           unnest(string_split(clean, '')) AS ch,
           generate_subscripts(string_split(clean, ''), 1) AS pos
    FROM n
), agg AS (
    SELECT c.name,
           bool_and(p.stable) AS stable,
           string_agg(p.pinyin, '' ORDER BY c.pos) AS all_py,
           string_agg(p.pinyin, '' ORDER BY c.pos) FILTER (WHERE c.pos <= c.slen) AS head_py,
           string_agg(p.pinyin, '' ORDER BY c.pos) FILTER (WHERE c.pos > c.slen) AS given_py
    FROM c JOIN _idn_chars p USING (ch)
    GROUP BY c.name
), parts AS (
    SELECT n.name, n.clean, n.slen, agg.all_py, agg.given_py,
           CASE WHEN n.slen > 0 THEN coalesce(s.pinyin, agg.head_py) END AS surname_py
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
SELECT DISTINCT id_type FROM {src};

-- name: id_fast
-- Plain 18-character resident numbers are checked here, in the order of ids.py:
-- region, then birth date, then the GB 11643-1999 check character.
CREATE OR REPLACE TEMP TABLE _idn_id_fast AS
SELECT person_id,
       CASE
           WHEN NOT list_contains($provinces, left(id_number, 2)) THEN 'bad_region'
           WHEN born IS NULL OR born < $earliest OR born > $today THEN 'bad_date'
           WHEN substr('10X98765432', 1 + (
                  7 * CAST(id_number[1] AS INTEGER) + 9 * CAST(id_number[2] AS INTEGER)
                + 10 * CAST(id_number[3] AS INTEGER) + 5 * CAST(id_number[4] AS INTEGER)
                + 8 * CAST(id_number[5] AS INTEGER) + 4 * CAST(id_number[6] AS INTEGER)
                + 2 * CAST(id_number[7] AS INTEGER) + 1 * CAST(id_number[8] AS INTEGER)
                + 6 * CAST(id_number[9] AS INTEGER) + 3 * CAST(id_number[10] AS INTEGER)
                + 7 * CAST(id_number[11] AS INTEGER) + 9 * CAST(id_number[12] AS INTEGER)
                + 10 * CAST(id_number[13] AS INTEGER) + 5 * CAST(id_number[14] AS INTEGER)
                + 8 * CAST(id_number[15] AS INTEGER) + 4 * CAST(id_number[16] AS INTEGER)
                + 2 * CAST(id_number[17] AS INTEGER)) % 11, 1) <> id_number[18]
                THEN 'bad_checksum'
           ELSE 'valid'
       END AS id_status
FROM (
    SELECT p.person_id, p.id_number,
           CAST(try_strptime(substr(p.id_number, 7, 8), '%Y%m%d') AS DATE) AS born
    FROM {src} p
    JOIN _idn_id_types t ON t.id_type IS NOT DISTINCT FROM p.id_type
    WHERE t.kind IN ('resident', 'unknown') AND regexp_full_match(p.id_number, '[0-9]{17}[0-9X]')
);

-- name: ids_for_python
SELECT DISTINCT p.id_number, p.id_type
FROM {src} p ANTI JOIN _idn_id_fast f USING (person_id);

-- name: phones_for_python
SELECT DISTINCT phone FROM {src}
WHERE phone IS NOT NULL
  AND NOT (regexp_full_match(phone, '1[0-9]{10}') AND list_contains($segments, left(phone, 3)));

-- name: population_std
CREATE OR REPLACE TABLE {out} AS
SELECT p.person_id,
       coalesce(nk.name_clean, p.name) AS name_clean,
       nk.surname,
       nk.given_name,
       nk.name_pinyin,
       nk.surname_pinyin,
       nk.given_pinyin,
       p.id_type,
       CASE WHEN f.person_id IS NOT NULL
            THEN CASE WHEN f.id_status = 'valid' THEN p.id_number END
            ELSE pi.id_number_std END AS id_number,
       CASE WHEN f.person_id IS NOT NULL THEN f.id_status ELSE pi.id_status END AS id_status,
       p.gender,
       p.birth_date,
       CASE WHEN ph.phone IS NOT NULL THEN ph.phone_std
            WHEN p.phone IS NOT NULL THEN p.phone END AS phone,
       p.house_id,
       p.residence_type,
       coalesce(nk.name_kind, 'none') AS name_kind,
       CASE WHEN f.person_id IS NOT NULL THEN p.id_number ELSE pi.id_clean END AS id_clean,
       CASE WHEN ph.phone IS NOT NULL THEN ph.phone_kind
            WHEN p.phone IS NOT NULL THEN 'mobile'
            ELSE 'missing' END AS phone_kind
FROM {src} p
LEFT JOIN _idn_name_keys nk ON nk.name = p.name
LEFT JOIN _idn_id_fast f ON f.person_id = p.person_id
LEFT JOIN _idn_ids_py pi
       ON pi.id_number IS NOT DISTINCT FROM p.id_number AND pi.id_type IS NOT DISTINCT FROM p.id_type
LEFT JOIN _idn_phones_py ph ON ph.phone = p.phone;
