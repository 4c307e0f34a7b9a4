"""Data contracts: the sources, the registries, every stage boundary and the outputs.

Declared as data (``Contract`` / ``Column``) and checked with ``check_table``/``enforce``,
which report every violation at once.
"""

from streetlink.contracts.packets import (
    CHECK_RESULTS, DISPATCH_REASONS, OVERDUE_ITEMS, PACKET_FILL_IN, PACKET_ROWS, PRIORITIES,
    REVIEW_FILL_IN, REVIEW_RESULTS, dispatch_reason_text,
)
from streetlink.contracts.schema import Column, Contract, check_table, enforce
from streetlink.contracts.sources import SOURCE_NAMES, SOURCES, SourceSpec, source_for_file
from streetlink.contracts.tables import (
    ADMIN, BASES, CATEGORIES, DECISION_VALUES, DECISIONS, HOUSING, HOUSING_STD, LINKS,
    POPULATION, POPULATION_STD, REASONS, RECORDS_STD, STAGED_RECORDS, TRUTH,
)

__all__ = [
    "ADMIN", "BASES", "CATEGORIES", "DECISIONS", "DECISION_VALUES", "HOUSING", "HOUSING_STD",
    "LINKS", "POPULATION", "POPULATION_STD", "REASONS", "RECORDS_STD", "SOURCES", "SOURCE_NAMES",
    "STAGED_RECORDS", "TRUTH", "Column", "Contract", "SourceSpec", "check_table", "enforce",
    "source_for_file",
    # packets and the review workbook (contracts/packets.py)
    "CHECK_RESULTS", "DISPATCH_REASONS", "OVERDUE_ITEMS", "PACKET_FILL_IN", "PACKET_ROWS",
    "PRIORITIES", "REVIEW_FILL_IN", "REVIEW_RESULTS", "dispatch_reason_text",
]
