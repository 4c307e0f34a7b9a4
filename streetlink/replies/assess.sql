-- Judge tonight's reply rows against the ledger (attached read-only). Run through streetlink.sql.
-- Everything is relative to $night, the night whose inbox held the files: the ledger's
-- history before it, never its own earlier run (so a rerun judges exactly as the first run).

-- name: assess_file_streets
-- Which street each returned packet belongs to, from its content, never its file name:
-- the one street its titles name (the workbook title, 「陆家嘴街道（310115005）派发核查清单」,
-- 「居村委：梅园一村居委会（310115005001）」; codes before names), else the street most of its
-- records were sent to. Titles first: a row copied in from another street's packet must be
-- refused, not move the whole file. A file that cannot be told gets no street.
CREATE OR REPLACE TABLE {{out}} AS
WITH streets AS (
    SELECT DISTINCT street_code, street_name FROM {{admin}}
),
hints AS (
    SELECT f.file_sha256, s.street_code, list_contains(f.title_street_codes, s.street_code) AS by_code
    FROM {{files}} AS f JOIN streets AS s
      ON list_contains(f.title_street_codes, s.street_code) OR contains(f.title_text, s.street_name)
    WHERE f.status = 'read'
),
titled AS (
    SELECT file_sha256,
           CASE WHEN count(DISTINCT street_code) FILTER (WHERE by_code) = 1
                    THEN min(street_code) FILTER (WHERE by_code)
                WHEN count(DISTINCT street_code) FILTER (WHERE by_code) = 0 AND count(DISTINCT street_code) = 1
                    THEN min(street_code)
           END AS street_code
    FROM hints GROUP BY ALL
),
ids AS (
    SELECT DISTINCT file_sha256, record_id FROM {{rows}} WHERE id_ok
),
votes AS (
    SELECT ids.file_sha256, d.street_code, count(DISTINCT ids.record_id) AS votes
    FROM ids JOIN {{dispatches}} AS d ON d.record_id = ids.record_id AND d.night < $night
    GROUP BY ALL
),
voted AS (
    SELECT file_sha256, CASE WHEN next_votes IS NULL OR votes > next_votes THEN street_code END AS street_code
    FROM (SELECT *, row_number() OVER w AS rank, lead(votes) OVER w AS next_votes
          FROM votes WINDOW w AS (PARTITION BY file_sha256 ORDER BY votes DESC, street_code))
    WHERE rank = 1
)
SELECT f.reply_file, f.file_sha256, coalesce(t.street_code, v.street_code) AS street_code,
       CASE WHEN t.street_code IS NOT NULL THEN 'titles' WHEN v.street_code IS NOT NULL THEN 'records' END
           AS attributed_by,
       coalesce((SELECT votes FROM votes AS x WHERE x.file_sha256 = f.file_sha256
                   AND x.street_code = coalesce(t.street_code, v.street_code)), 0)::INTEGER AS votes
FROM {{files}} AS f
LEFT JOIN titled AS t USING (file_sha256)
LEFT JOIN voted AS v USING (file_sha256)
WHERE f.status = 'read';

-- name: assess_reply_rows
-- One label per reply row: the dispatch it answers (the latest to that street before
-- tonight), 核查时间 completed with the packet's year, 转派至 resolved, and applied or refused.
CREATE OR REPLACE TABLE {{out}} AS
WITH r AS (
    SELECT r.*, fs.street_code,
           row_number() OVER (ORDER BY r.reply_file, r.sheet, r.row_number, r.record_id) AS read_order
    FROM {{rows}} AS r LEFT JOIN {{file_streets}} AS fs USING (file_sha256)
),
known AS (
    SELECT record_id FROM {{dispatches}} WHERE night < $night
    UNION
    SELECT record_id FROM {{reviews}} WHERE night < $night
),
latest_dispatch AS (
    SELECT record_id, street_code, max(night) AS night
    FROM {{dispatches}} WHERE night < $night GROUP BY ALL
),
file_nights AS (
    SELECT file_sha256, list_max(list_filter(title_dates, lambda x: x < $night)) AS title_night
    FROM {{files}} WHERE status = 'read'
),
prior AS (  -- per dispatch answered, the latest applied answer read before tonight
    SELECT record_id, street_code, dispatch_night,
           arg_max(struct_pack(result, checked_at, checker, transfer_text, corrected_address, note),
                   struct_pack(read_night, checked_at, reply_file, sheet, row_number)) AS content
    FROM {{labels}} WHERE applied AND read_night < $night
    GROUP BY ALL
),
joined AS (
    SELECT r.*, ld.night AS dispatch_night, d.committee_code, d.model_version,
           k.record_id IS NOT NULL AS known,
           coalesce(ld.night, fn.title_night, $night::DATE - 1) AS ref_night,
           tc.transfer_committee_code,
           coalesce(tc.transfer_status, CASE WHEN r.transfer_text IS NULL THEN 'empty' END) AS transfer_status,
           EXISTS (SELECT 1 FROM {{labels}} AS l
                   WHERE l.file_sha256 = r.file_sha256 AND l.sheet = r.sheet AND l.row_number = r.row_number
                     AND l.record_id = r.record_id AND l.read_night < $night) AS already_read
    FROM r
    LEFT JOIN known AS k ON k.record_id = r.record_id
    LEFT JOIN latest_dispatch AS ld ON ld.record_id = r.record_id AND ld.street_code = r.street_code
    LEFT JOIN {{dispatches}} AS d ON d.record_id = r.record_id AND d.night = ld.night
    LEFT JOIN file_nights AS fn ON fn.file_sha256 = r.file_sha256
    LEFT JOIN {{transfer_codes}} AS tc ON tc.transfer_text = r.transfer_text
),
timed AS (
    SELECT *,
           -- the one of last, this and next year within [night - rollover, night - rollover + 366 days)
           coalesce(checked_at, CASE WHEN checked_at_noyear IS NOT NULL THEN
               CASE WHEN this_year >= window_start AND this_year < window_start + INTERVAL 366 DAY THEN this_year
                    WHEN next_year >= window_start AND next_year < window_start + INTERVAL 366 DAY THEN next_year
                    WHEN last_year >= window_start AND last_year < window_start + INTERVAL 366 DAY THEN last_year
               END END) AS checked_at_full
    FROM (SELECT *,
                 ref_night - to_days($rollover_days) AS window_start,
                 try_strptime(CAST(year(ref_night) - 1 AS VARCHAR) || '-' || checked_at_noyear, '%Y-%m-%d %H:%M:%S')
                     AS last_year,
                 try_strptime(CAST(year(ref_night) AS VARCHAR) || '-' || checked_at_noyear, '%Y-%m-%d %H:%M:%S')
                     AS this_year,
                 try_strptime(CAST(year(ref_night) + 1 AS VARCHAR) || '-' || checked_at_noyear, '%Y-%m-%d %H:%M:%S')
                     AS next_year
          FROM joined)
),
compared AS (
    SELECT t.*,
           struct_pack(result := t.result, checked_at := t.checked_at_full, checker := t.checker,
                       transfer_text := t.transfer_text, corrected_address := t.corrected_address,
                       note := t.note) AS content,
           p.content AS prior_content
    FROM timed AS t
    LEFT JOIN prior AS p ON p.record_id = t.record_id AND p.street_code = t.street_code
                        AND p.dispatch_night = t.dispatch_night
),
judged AS (
    SELECT *,
           CASE
               WHEN NOT id_ok OR NOT known THEN 'unknown_record'
               WHEN street_code IS NULL THEN 'street_unknown'
               WHEN dispatch_night IS NULL THEN 'not_sent_to_this_street'
               WHEN result_text IS NULL THEN 'no_result'
               WHEN result IS NULL THEN 'unreadable_result'
               WHEN already_read THEN 'repeated_reply'
               WHEN content IS NOT DISTINCT FROM prior_content THEN 'repeated_reply'
               WHEN row_number() OVER (PARTITION BY record_id, street_code, dispatch_night, content
                                       ORDER BY read_order) > 1 THEN 'repeated_reply'
           END AS refused_reason
    FROM compared
)
SELECT record_id, reply_file, file_sha256, sheet, row_number, street_code, dispatch_night, committee_code,
       result, result_text, transfer_text, transfer_committee_code, transfer_status, corrected_address,
       checked_at_full AS checked_at, checked_at_text, checker, note,
       $night::DATE AS read_night, $read_at::TIMESTAMP AS read_at,
       refused_reason IS NULL AS applied, refused_reason, model_version
FROM judged
ORDER BY read_order;

-- name: assess_review_rows
-- One action per review-workbook row: the queue night it answers, the committee a
-- dispatch action names (only a committee admin knows), applied or refused.
CREATE OR REPLACE TABLE {{out}} AS
WITH r AS (
    SELECT *, row_number() OVER (ORDER BY reply_file, sheet, row_number, record_id) AS read_order
    FROM {{rows}}
),
known AS (
    SELECT record_id FROM {{dispatches}} WHERE night < $night
    UNION
    SELECT record_id FROM {{reviews}} WHERE night < $night
),
queued AS (
    SELECT record_id, max(night) AS review_night FROM {{reviews}} WHERE night < $night GROUP BY ALL
),
handled AS (
    SELECT DISTINCT q.record_id
    FROM queued AS q JOIN {{dispatches}} AS d
      ON d.record_id = q.record_id AND d.kind = 'manual' AND d.night > q.review_night AND d.night < $night
),
prior AS (
    SELECT record_id,
           arg_max(struct_pack(action, committee_code, handler, handled_at, note),
                   struct_pack(read_night, handled_at, reply_file, sheet, row_number)) AS content
    FROM {{review_actions}} WHERE applied AND read_night < $night
    GROUP BY ALL
),
joined AS (
    SELECT r.*, q.review_night, k.record_id IS NOT NULL AS known, h.record_id IS NOT NULL AS handled,
           coalesce(q.review_night, $night::DATE - 1) AS ref_night,
           CASE r.action
               WHEN 'dispatch_candidate_1' THEN r.candidate_codes[1]
               WHEN 'dispatch_candidate_2' THEN r.candidate_codes[2]
               WHEN 'dispatch_candidate_3' THEN r.candidate_codes[3]
               WHEN 'dispatch_committee' THEN r.typed_committee_code
           END AS named_code,
           EXISTS (SELECT 1 FROM {{review_actions}} AS l
                   WHERE l.file_sha256 = r.file_sha256 AND l.sheet = r.sheet AND l.row_number = r.row_number
                     AND l.record_id = r.record_id AND l.read_night < $night) AS already_read
    FROM r
    LEFT JOIN known AS k ON k.record_id = r.record_id
    LEFT JOIN queued AS q ON q.record_id = r.record_id
    LEFT JOIN handled AS h ON h.record_id = r.record_id
),
timed AS (
    SELECT *,
           -- the one of last, this and next year within [night - rollover, night - rollover + 366 days)
           coalesce(handled_at, CASE WHEN handled_at_noyear IS NOT NULL THEN
               CASE WHEN this_year >= window_start AND this_year < window_start + INTERVAL 366 DAY THEN this_year
                    WHEN next_year >= window_start AND next_year < window_start + INTERVAL 366 DAY THEN next_year
                    WHEN last_year >= window_start AND last_year < window_start + INTERVAL 366 DAY THEN last_year
               END END) AS handled_at_full,
           CASE WHEN named_code IN (SELECT committee_code FROM {{admin}}) THEN named_code END AS committee_code
    FROM (SELECT *,
                 ref_night - to_days($rollover_days) AS window_start,
                 try_strptime(CAST(year(ref_night) - 1 AS VARCHAR) || '-' || handled_at_noyear, '%Y-%m-%d %H:%M:%S')
                     AS last_year,
                 try_strptime(CAST(year(ref_night) AS VARCHAR) || '-' || handled_at_noyear, '%Y-%m-%d %H:%M:%S')
                     AS this_year,
                 try_strptime(CAST(year(ref_night) + 1 AS VARCHAR) || '-' || handled_at_noyear, '%Y-%m-%d %H:%M:%S')
                     AS next_year
          FROM joined)
),
compared AS (
    SELECT t.*,
           struct_pack(action := t.action, committee_code := t.committee_code, handler := t.handler,
                       handled_at := t.handled_at_full, note := t.note) AS content,
           p.content AS prior_content
    FROM timed AS t LEFT JOIN prior AS p ON p.record_id = t.record_id
),
judged AS (
    SELECT *,
           CASE
               WHEN NOT id_ok OR NOT known THEN 'unknown_record'
               WHEN review_night IS NULL THEN 'not_in_review'
               WHEN action_text IS NULL THEN 'no_action'
               WHEN action IS NULL THEN 'unreadable_action'
               WHEN already_read THEN 'repeated_reply'
               WHEN content IS NOT DISTINCT FROM prior_content THEN 'repeated_reply'
               WHEN row_number() OVER (PARTITION BY record_id, content ORDER BY read_order) > 1 THEN 'repeated_reply'
               WHEN handled THEN 'already_handled'
           END AS refused_reason
    FROM compared
)
SELECT record_id, reply_file, file_sha256, sheet, row_number, review_night, action, action_text,
       committee_code, code_text, handler, handled_at_full AS handled_at, handled_at_text, note,
       $night::DATE AS read_night, $read_at::TIMESTAMP AS read_at,
       refused_reason IS NULL AS applied, refused_reason
FROM judged
ORDER BY read_order;

-- name: assess_transfer_texts
SELECT DISTINCT transfer_text FROM {{rows}} WHERE transfer_text IS NOT NULL ORDER BY 1;

-- name: assess_admin_rows
SELECT street_code, street_name, committee_code, committee_name FROM {{admin}} ORDER BY committee_code;

-- name: assess_register
CREATE OR REPLACE TABLE {{out}} AS SELECT * FROM {{arrow}};

-- name: assess_outcomes
SELECT coalesce(refused_reason, 'applied') AS outcome, count(*) AS n FROM {{labels}} GROUP BY ALL ORDER BY ALL;

-- name: write_replies_parquet
COPY (SELECT {{columns:sql}} FROM {{labels}} ORDER BY reply_file, sheet, row_number, record_id)
TO {{path:literal}} (FORMAT parquet, COMPRESSION zstd);

-- name: assess_file_street_counts
SELECT count(*) FILTER (WHERE street_code IS NULL), count(*) FROM {{file_streets}};

-- name: count_rows
SELECT count(*) FROM {{table}};
