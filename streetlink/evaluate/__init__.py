"""Accuracy against the synthetic ground truth.

``metrics``: score a night's (or several nights') ``links.parquet`` against the generator's
truth: placement, precision, dwelling and person links, review/reject reasons, per source,
category and kind of messiness. ``baseline``: the naive "before" pipeline to compare with.
"""

from streetlink.evaluate.metrics import (
    FLAGS,
    METRICS,
    Coverage,
    CoverageError,
    Evaluation,
    GroupResult,
    Metric,
    Rate,
    ReasonCount,
    WrongPlacement,
    compare,
    evaluate,
    format_table,
    read_json,
    write_json,
)

__all__ = [
    "FLAGS", "METRICS", "Coverage", "CoverageError", "Evaluation", "GroupResult", "Metric", "Rate",
    "ReasonCount", "WrongPlacement", "compare", "evaluate", "format_table", "read_json",
    "write_json",
]
