-- The ledger's schema (version 1) and its writes. Run through streetlink.sql only.
-- No primary keys: the writes below keep (night, record_id) unique in dispatches and
-- (file_sha256, sheet, row_number, record_id) unique in labels, and ledger_check says so.

-- name: ledger_create
CREATE TABLE IF NOT EXISTS {{schema_version}} (
    version INTEGER NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    note VARCHAR
);
CREATE TABLE IF NOT EXISTS {{dispatches}} (
    night DATE NOT NULL,
    record_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    street_code VARCHAR NOT NULL,
    committee_code VARCHAR NOT NULL,
    house_id VARCHAR,
    person_id VARCHAR,
    rule VARCHAR,
    basis VARCHAR,
    case_id VARCHAR,
    item_id VARCHAR,
    priority VARCHAR,
    rules VARCHAR,
    deadline TIMESTAMP NOT NULL,
    packet_file VARCHAR,
    kind VARCHAR NOT NULL,
    transferred_from_street VARCHAR,
    original_night DATE,
    name VARCHAR,
    phone VARCHAR,
    address VARCHAR,
    resolved_address VARCHAR,
    published_at TIMESTAMP NOT NULL,
    model_version VARCHAR
);
CREATE TABLE IF NOT EXISTS {{reviews}} (
    night DATE NOT NULL,
    record_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    house_id VARCHAR,
    person_id VARCHAR,
    name VARCHAR,
    phone VARCHAR,
    address VARCHAR,
    resolved_address VARCHAR
);
CREATE TABLE IF NOT EXISTS {{labels}} (
    record_id VARCHAR NOT NULL,
    reply_file VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    sheet VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,
    street_code VARCHAR,
    dispatch_night DATE,
    committee_code VARCHAR,
    result VARCHAR,
    result_text VARCHAR,
    transfer_text VARCHAR,
    transfer_committee_code VARCHAR,
    transfer_status VARCHAR,
    corrected_address VARCHAR,
    checked_at TIMESTAMP,
    checked_at_text VARCHAR,
    checker VARCHAR,
    note VARCHAR,
    read_night DATE NOT NULL,
    read_at TIMESTAMP NOT NULL,
    applied BOOLEAN NOT NULL,
    refused_reason VARCHAR,
    model_version VARCHAR
);
CREATE TABLE IF NOT EXISTS {{review_actions}} (
    record_id VARCHAR NOT NULL,
    reply_file VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    sheet VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,
    review_night DATE,
    action VARCHAR,
    action_text VARCHAR,
    committee_code VARCHAR,
    code_text VARCHAR,
    handler VARCHAR,
    handled_at TIMESTAMP,
    handled_at_text VARCHAR,
    note VARCHAR,
    read_night DATE NOT NULL,
    read_at TIMESTAMP NOT NULL,
    applied BOOLEAN NOT NULL,
    refused_reason VARCHAR
);
CREATE TABLE IF NOT EXISTS {{reply_files}} (
    read_night DATE NOT NULL,
    reply_file VARCHAR NOT NULL,
    file_sha256 VARCHAR,
    status VARCHAR NOT NULL,
    reason VARCHAR,
    kind VARCHAR,
    street_code VARCHAR,
    rows_read INTEGER NOT NULL,
    unanswered_rows INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS {{nights}} (
    night DATE NOT NULL,
    published_at TIMESTAMP NOT NULL,
    last_recorded_at TIMESTAMP NOT NULL,
    model_version VARCHAR,
    dispatches INTEGER NOT NULL,
    reviews INTEGER NOT NULL,
    labels_read INTEGER NOT NULL,
    labels_applied INTEGER NOT NULL
);

-- name: ledger_version
SELECT max(version) FROM {{schema_version}};

-- name: ledger_stamp_version
INSERT INTO {{schema_version}} VALUES ($version, $now, $note);

-- name: ledger_check
-- Keys that must hold; counts of offenders (0, 0, 0 when the ledger is sound).
SELECT
  (SELECT count(*) FROM (SELECT night, record_id FROM {{dispatches}} GROUP BY ALL HAVING count(*) > 1)),
  (SELECT count(*) FROM (SELECT file_sha256, sheet, row_number, record_id FROM {{labels}}
                         GROUP BY ALL HAVING count(*) > 1)),
  (SELECT count(*) FROM (SELECT night, record_id FROM {{reviews}} GROUP BY ALL HAVING count(*) > 1));

-- name: ledger_drop_night_dispatches
-- A rerun of a night replaces what that night published; the rest of history is untouched.
DELETE FROM {{dispatches}} d
WHERE d.night = $night AND NOT EXISTS (SELECT 1 FROM {{items}} i WHERE i.record_id = d.record_id);

-- name: ledger_update_night_dispatches
-- Same night, same record: the new values, but the first publication time (turnaround
-- is measured from when the street first got the packet).
UPDATE {{dispatches}} AS d SET
    source = i.source, street_code = i.street_code, committee_code = i.committee_code,
    house_id = i.house_id, person_id = i.person_id, rule = i.rule, basis = i.basis,
    case_id = i.case_id, item_id = i.item_id, priority = i.priority, rules = i.rules,
    deadline = i.deadline, packet_file = i.packet_file, kind = i.kind,
    transferred_from_street = i.transferred_from_street, original_night = i.original_night,
    name = i.name, phone = i.phone, address = i.address, resolved_address = i.resolved_address,
    model_version = $model_version
FROM {{items}} AS i
WHERE d.night = $night AND d.record_id = i.record_id;

-- name: ledger_insert_night_dispatches
INSERT INTO {{dispatches}} BY NAME
SELECT $night::DATE AS night, i.record_id, i.source, i.street_code, i.committee_code, i.house_id,
       i.person_id, i.rule, i.basis, i.case_id, i.item_id, i.priority, i.rules, i.deadline,
       i.packet_file, i.kind, i.transferred_from_street, i.original_night, i.name, i.phone,
       i.address, i.resolved_address, $published_at::TIMESTAMP AS published_at,
       $model_version AS model_version
FROM {{items}} AS i
WHERE NOT EXISTS (SELECT 1 FROM {{dispatches}} d WHERE d.night = $night AND d.record_id = i.record_id);

-- name: ledger_drop_night_reviews
DELETE FROM {{reviews}} WHERE night = $night;

-- name: ledger_insert_night_reviews
INSERT INTO {{reviews}} BY NAME
SELECT $night::DATE AS night, record_id, source, reason, house_id, person_id, name, phone, address,
       resolved_address
FROM {{items}};

-- name: ledger_append_labels
-- Append-only: a row already read (same file content, sheet, row and record) is never added twice.
INSERT INTO {{labels}} BY NAME
SELECT {{columns:sql}} FROM {{pending}} AS p
WHERE NOT EXISTS (
    SELECT 1 FROM {{labels}} AS l
    WHERE l.file_sha256 = p.file_sha256 AND l.sheet = p.sheet AND l.row_number = p.row_number
      AND l.record_id = p.record_id);

-- name: ledger_append_review_actions
INSERT INTO {{review_actions}} BY NAME
SELECT {{columns:sql}} FROM {{pending}} AS p
WHERE NOT EXISTS (
    SELECT 1 FROM {{review_actions}} AS l
    WHERE l.file_sha256 = p.file_sha256 AND l.sheet = p.sheet AND l.row_number = p.row_number
      AND l.record_id = p.record_id);

-- name: ledger_drop_night_files
DELETE FROM {{reply_files}} WHERE read_night = $night;

-- name: ledger_insert_night_files
INSERT INTO {{reply_files}} BY NAME
SELECT $night::DATE AS read_night, f.reply_file, f.file_sha256, f.status, f.reason, f.kind,
       s.street_code, f.rows_read, f.unanswered_rows
FROM {{files}} AS f LEFT JOIN {{file_streets}} AS s USING (reply_file);

-- name: ledger_record_night_row
-- The night's publication: first publication time kept, counts as of the latest rerun.
INSERT INTO {{nights}} VALUES (
    $night, $first_published_at, $now, $model_version,
    (SELECT count(*) FROM {{dispatches}} WHERE night = $night),
    (SELECT count(*) FROM {{reviews}} WHERE night = $night),
    (SELECT count(*) FROM {{labels}} WHERE read_night = $night),
    (SELECT count(*) FROM {{labels}} WHERE read_night = $night AND applied));

-- name: ledger_drop_night_row
DELETE FROM {{nights}} WHERE night = $night;

-- name: ledger_first_published_at
SELECT min(published_at) FROM {{nights}} WHERE night = $night;

-- name: ledger_attach
ATTACH {{path:literal}} AS {{alias}};

-- name: ledger_attach_read_only
ATTACH {{path:literal}} AS {{alias}} (READ_ONLY);

-- name: ledger_detach
DETACH {{alias}};

-- name: ledger_night_row
SELECT dispatches, reviews, labels_read, labels_applied, published_at FROM {{nights}} WHERE night = $night;
