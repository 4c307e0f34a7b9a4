-- The night's records (standardise_night): the identity and address parts joined.

-- name: set_warehouse_path
-- The gazetteer tables live in the attached warehouse: unqualified names find them there.
SET search_path = {{path:literal}};

-- name: reset_search_path
RESET search_path;

-- name: records_std
-- `columns`: RECORDS_STD's columns after record_id and source, each taken from the
-- identity (i) or the address (a) part (code builds the list from the contract).
CREATE OR REPLACE TABLE records_std AS
SELECT s.record_id, s.source, {{columns:sql}}
FROM staged_records s
JOIN records_identity i USING (record_id)
JOIN records_address a USING (record_id)
ORDER BY s.record_id;

-- name: scope_precision_counts
SELECT addr_scope || ':' || addr_precision, count(*) FROM records_std GROUP BY ALL ORDER BY ALL;
