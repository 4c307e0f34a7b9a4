"""Report stage: the auditors' view of a night.

Input: the run's DuckDB tables (``decisions``, ``staged_records``, ``records_std``,
``admin``) and the flow's ``RunInfo`` (files, counts, models, registry, timings).
Output: ``<reports>/<date>/match_rate.html`` — match rates overall, per source and per
street, the count reconciliation, review/rejection reasons, failed files (PARTIAL RUN
banner), dispatch bases, model hashes and parameters, registry fingerprint, stage timings,
the trend over previous nights and a masked sample of review records — and
``<reports>/<date>/summary.json``, the summary later nights read for their trend.
Personal data appears in reports only masked (masking.py).
"""

from streetlink.report.masking import mask_id, mask_name, mask_phone
from streetlink.report.render import load_history, render_match_rate, write_summary
from streetlink.report.run_info import FileResult, ModelInfo, RunInfo
from streetlink.report.summary import summarise_run

__all__ = [
    "FileResult",
    "ModelInfo",
    "RunInfo",
    "load_history",
    "mask_id",
    "mask_name",
    "mask_phone",
    "render_match_rate",
    "summarise_run",
    "write_summary",
]
