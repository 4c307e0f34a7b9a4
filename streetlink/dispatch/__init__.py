"""Dispatch stage: turn the night's decisions into what people and systems receive.

Input: the ``decisions`` table (contract DECISIONS) with ``staged_records``,
``records_std`` and ``admin`` on the same DuckDB connection (and, when present, the
warehouse's ``housing_std``/``population_std``, ``overdue_items``, the candidate tables).
Output, under one date's folder (OUTPUTS.md), written to a hidden staging folder and
swapped in whole by ``publish``:

* ``links.parquet`` — exactly the LINKS contract, one row per input record (links.py);
* ``packet_rows`` (run database, PACKET_ROWS) → ``dispatch/<street_code>_<street_name>.xlsx``
  — one packet per street (packets.py);
* ``review/review_<date>.xlsx`` — the data center's clerical review queue (review.py) and
  ``review/review_<date>.html``, the same queue as a page with the evidence drawn
  (review_page.py).

Workbooks are built by xlsx.py only, which writes every source value as text.
"""

from streetlink.dispatch.links import check_links, write_links
from streetlink.dispatch.packets import (
    align_published_items,
    build_packet_open_items,
    build_packet_rows,
    write_packets,
)
from streetlink.dispatch.review import write_review
from streetlink.dispatch.review_page import write_review_page
from streetlink.dispatch.swap import apply_mode, publish, recover, staging_dir_for

__all__ = [
    "align_published_items",
    "apply_mode",
    "build_packet_open_items",
    "build_packet_rows",
    "check_links",
    "publish",
    "recover",
    "staging_dir_for",
    "write_links",
    "write_packets",
    "write_review",
    "write_review_page",
]
