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

# replies (streetlink/replies): reply rows, the ledger, transfers, open items
from streetlink.contracts.replies import (
    CONFIRMING_RESULTS, ITEM_KINDS, LABEL_EVIDENCE, LEDGER_DISPATCHES, LEDGER_LABELS, OPEN_ITEMS,
    PUBLISHED_ITEMS, REFUSALS, REFUTING_RESULTS, REPEATS, REPLIES_PARQUET, REPLY_FILES,
    REPLY_LABELS, REPLY_RESULTS, REPLY_ROWS, REVIEW_ACTION_ROWS, REVIEW_ACTIONS, REVIEW_ITEMS,
    REVIEW_REPLY_ROWS, TRANSFER_ITEMS, TRANSFER_REVIEW,
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
__all__ += [  # replies
    "CONFIRMING_RESULTS", "ITEM_KINDS", "LABEL_EVIDENCE", "LEDGER_DISPATCHES", "LEDGER_LABELS",
    "OPEN_ITEMS", "PUBLISHED_ITEMS", "REFUSALS", "REFUTING_RESULTS", "REPEATS", "REPLIES_PARQUET",
    "REPLY_FILES", "REPLY_LABELS", "REPLY_RESULTS", "REPLY_ROWS", "REVIEW_ACTIONS",
    "REVIEW_ACTION_ROWS", "REVIEW_ITEMS", "REVIEW_REPLY_ROWS", "TRANSFER_ITEMS", "TRANSFER_REVIEW",
]

# screen (streetlink/screen): cases.parquet, case rows for packets, the kept screening input
from streetlink.contracts.screen import (  # noqa: E402
    CASE_ROWS, CASES, OPEN_ITEMS_READ, PRIORITY_VALUES, SCREEN_BASE,
)

__all__ += ["CASES", "CASE_ROWS", "OPEN_ITEMS_READ", "PRIORITY_VALUES", "SCREEN_BASE"]  # screen
