"""Ingest: a night's inbox and the registries, into DuckDB tables with English names.

Steps, in flow order:
    read_inbox      <inbox>/<YYYY-MM-DD>/ files → InboxBatch (per-file results, per-source
                    all-text Arrow tables); one reader per format, a bad file fails alone
    stage_records   InboxBatch → raw_<source> tables + staged_records (STAGED_RECORDS)
    write_raw       raw_<source> tables → raw/<source>.parquet (audit layer)
    load_registry   registry folder → admin, housing, population (ADMIN/HOUSING/POPULATION)

Glossary of the staged columns: see ``streetlink.contracts.tables``.
"""

from streetlink.ingest.inbox import FileResult, InboxBatch, inbox_inputs, read_inbox
from streetlink.ingest.raw_layer import write_raw
from streetlink.ingest.registry import RegistryLoad, load_registry, registry_fingerprint
from streetlink.ingest.stage import MAX_VALUE_LENGTH, StageSummary, stage_records

__all__ = [
    "MAX_VALUE_LENGTH",
    "FileResult",
    "InboxBatch",
    "RegistryLoad",
    "StageSummary",
    "inbox_inputs",
    "load_registry",
    "read_inbox",
    "registry_fingerprint",
    "stage_records",
    "write_raw",
]
