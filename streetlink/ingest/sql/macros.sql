-- Macros of the ingest stage. Temporary: they live as long as the connection.
-- `max_value_length`: the bound of a staged value (stage.MAX_VALUE_LENGTH, an integer).

SET VARIABLE ingest_max_value_length = {{max_value_length:sql}};

-- Control characters out: tab, line breaks and U+2028/2029 become a space, the other C0/C1
-- controls (NUL included) go. Most values have none, so a cheap test skips the rewrite.
CREATE OR REPLACE TEMP MACRO ingest_without_controls(v) AS CASE
    WHEN regexp_matches(v, '[\x00-\x1f\x7f-\x{9f}\x{2028}\x{2029}]')
        THEN regexp_replace(
            regexp_replace(v, '[\t\n\r\x{2028}\x{2029}]', ' ', 'g'),
            '[\x00-\x1f\x7f-\x{9f}]', '', 'g')
    ELSE v
END;

-- A staged value: no control characters, trimmed of ASCII / full-width / no-break spaces,
-- bounded, blank -> NULL. Nothing else: standardisation is the next stage's job.
CREATE OR REPLACE TEMP MACRO ingest_text(v) AS nullif(
    trim(
        left(
            trim(ingest_without_controls(v), chr(32) || chr(12288) || chr(160)),
            getvariable('ingest_max_value_length')),
        chr(32) || chr(12288) || chr(160)),
    '');

-- A JSON list as text a street worker can read: items joined with 、 ([] -> '').
CREATE OR REPLACE TEMP MACRO ingest_list_text(v) AS CASE
    WHEN json_valid(v) AND json_type(v) = 'ARRAY'
        THEN array_to_string(
            list_transform(json_extract(v, '$[*]'), lambda e: json_extract_string(e, '$')), '、')
    ELSE v
END;

-- Date/time parts of the sources' spellings: 2026-11-20 08:15:02, 2026/11/20 08:15,
-- 2026年11月20日 08:15, 2026-11-20T08:15:02.123+08:00, 2026-11-20 (full-width digits too).
-- No match gives empty strings.
CREATE OR REPLACE TEMP MACRO ingest_time_parts(s) AS regexp_extract(
    translate(s, '０１２３４５６７８９：／－．', '0123456789:/-.'),
    '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?'
    || '(?:\s*[T ]?\s*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:[.,]\d{1,9})?\s*秒?)?)?'
    || '\s*(Z|[+-]\d{2}(?::?\d{2})?)?$',
    ['yr', 'mo', 'dy', 'hh', 'mi', 'ss', 'tz']);

-- Minutes east of UTC of an offset suffix (+08:00, +0800, +08, -05:00, Z).
CREATE OR REPLACE TEMP MACRO ingest_offset_minutes(tz) AS CASE
    WHEN tz = 'Z' THEN 0
    ELSE (CASE WHEN left(tz, 1) = '-' THEN -1 ELSE 1 END)
        * (CAST(substr(replace(tz, ':', ''), 2, 2) AS INTEGER) * 60
           + coalesce(TRY_CAST(substr(replace(tz, ':', ''), 4, 2) AS INTEGER), 0))
END;

-- Wall-clock time of the parts; invalid dates/times (month 13, 25:00) -> NULL.
CREATE OR REPLACE TEMP MACRO ingest_wall_time(p) AS try(make_timestamp(
    TRY_CAST(p.yr AS BIGINT), TRY_CAST(p.mo AS BIGINT), TRY_CAST(p.dy AS BIGINT),
    coalesce(TRY_CAST(p.hh AS BIGINT), 0), coalesce(TRY_CAST(p.mi AS BIGINT), 0),
    coalesce(TRY_CAST(p.ss AS DOUBLE), 0)));

-- Local Shanghai time. Shanghai has kept UTC+8 without daylight saving since 1991, so an
-- explicit offset converts by arithmetic, without a time-zone database.
CREATE OR REPLACE TEMP MACRO ingest_shanghai_time(p) AS CASE
    WHEN p.tz = '' THEN ingest_wall_time(p)
    ELSE ingest_wall_time(p) + to_minutes(CAST(480 - ingest_offset_minutes(p.tz) AS BIGINT))
END;

-- Event time of a raw value `s` whose ingest_time_parts are `p` (computed once, as a
-- column: a macro argument is substituted wherever it appears, so passing the regex call
-- itself would run it once per field). An Excel serial day number (a time cell exported
-- as a plain number, 46346.5) is read as the 1900 date system does.
CREATE OR REPLACE TEMP MACRO ingest_event_time(s, p) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN regexp_full_match(s, '\d{5}(\.\d+)?') AND CAST(s AS DOUBLE) BETWEEN 20000 AND 80000
        THEN TIMESTAMP '1899-12-30 00:00:00'
            + to_seconds(CAST(round(CAST(s AS DOUBLE) * 86400) AS BIGINT))
    ELSE ingest_shanghai_time(p)
END;
