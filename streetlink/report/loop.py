"""The report's sections on the closed loop: replies, screening and the decide rules.

Input: what the night's steps saw (their saved summaries: ``read_replies``,
``stage_publication``, ``screen_records``, ``decide_records``), the replies stage's
measures from labels (``streetlink.replies.measure_from_labels``: accuracy, turnaround,
coverage, open and overdue), the night's ``links.parquet`` (the funnel reconciles with
it), earlier nights' screening summaries of the same output root, and the models'
``decision.json`` (its ``rules`` section: what each decide rule did on the training
worlds). Output: JSON-able dicts the template renders (``summary["replies"]``,
``summary["screening"]``, ``summary["decide_rules"]``). No personal data: record ids,
codes and counts only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from streetlink.contracts import REFUSALS

__all__ = ["decide_rule_rows", "refused_rows", "replies_section", "screening_section"]

log = logging.getLogger(__name__)

_REFUSED_SHOWN = 12  # refused rows listed by name in the report; all are counted


def refused_rows(con, labels: str = "reply_labels", actions: str = "review_actions") -> list[dict[str, Any]]:
    """Tonight's refused reply rows (packets and review workbook), for the report's list."""
    from streetlink import sql
    from streetlink.dispatch.tables import table_exists

    out: list[dict[str, Any]] = []
    for kind, table in (("packet", labels), ("review", actions)):
        if not table_exists(con, table):
            continue
        cursor = sql.run(con, "streetlink.report", "refused_reply_rows", table=table)
        names = [d[0] for d in cursor.description]
        out += [{"kind": kind, **dict(zip(names, r))} for r in cursor.fetchall()]
    for r in out:
        r["reason_label"] = REFUSALS.get(r["refused_reason"], r["refused_reason"])
    return out


def replies_section(measured: dict[str, Any], read: dict[str, Any], staged: dict[str, Any],
                    refused: list[dict[str, Any]]) -> dict[str, Any]:
    """What came back tonight and what the answers say (REPLIES.md's report part)."""
    assessed = read.get("assessed") or {}
    outcomes = assessed.get("outcomes") or {}
    review_outcomes = assessed.get("review_outcomes") or {}
    files = read.get("files") or []
    by_reason: dict[str, int] = {}
    for outcome, n in (*outcomes.items(), *review_outcomes.items()):
        if outcome != "applied":
            by_reason[outcome] = by_reason.get(outcome, 0) + int(n)
    series = measured.get("series") or []
    return {
        "files": [{"name": f.get("reply_file"), "status": f.get("status"), "reason": f.get("reason"),
                   "kind": f.get("kind"), "rows": f.get("rows_read")} for f in files],
        "files_read": read.get("files_read", 0),
        "files_failed": read.get("files_failed", 0),
        "rows_applied": int(outcomes.get("applied", 0)) + int(review_outcomes.get("applied", 0)),
        "rows_refused": sum(by_reason.values()),
        "refused_by_reason": [{"reason": k, "label": REFUSALS.get(k, k), "rows": v}
                              for k, v in sorted(by_reason.items())],
        "refused_sample": refused[:_REFUSED_SHOWN],
        "transfers": read.get("transfers") or {},
        "open_items": read.get("open_items", 0),
        "overdue_items": read.get("overdue_items", 0),
        "repeats": staged.get("repeats", 0),
        "repeats_not_published": staged.get("repeats_not_published", 0),
        "measured": measured,
        "any": bool(files) or bool(measured.get("answered")),
        "series": series,
    }


def screening_section(screen: dict[str, Any], links: Path, out: Path, night: dt.date) -> dict[str, Any]:
    """The funnel received → linked → screened → pushed → emergency orders, its trend and reconciliation."""
    from streetlink.screen import funnel_history, reconcile_funnel

    funnel = screen.get("funnel") or {}
    problems = reconcile_funnel(funnel, links) if funnel and Path(links).exists() else ["no funnel"]
    try:
        history = funnel_history(out, night, nights=30)
    except Exception as exc:  # the trend must not stop tonight's report
        log.warning("screening trend unavailable: %s", exc)
        history = []
    return {"rules": screen.get("rules") or {}, "funnel": funnel, "reconciled": not problems,
            "problems": problems, "history": history}


def decide_rule_rows(decided: dict[str, Any], models: Path) -> list[dict[str, Any]]:
    """Per decide rule: tonight's records, and what it did at training (decision.json ``rules``)."""
    try:
        trained = json.loads((Path(models) / "decision.json").read_text(encoding="utf-8")).get("rules") or {}
    except (OSError, ValueError) as exc:
        log.warning("decision.json unreadable for the rule table: %s", exc)
        trained = {}
    tonight = decided.get("by_rule") or {}
    rows = []
    for rule in sorted(set(trained) | set(tonight), key=lambda r: (-(tonight.get(r) or 0), r)):
        t = trained.get(rule) or {}
        rows.append({"rule": rule, "decision": t.get("decision"), "tonight": int(tonight.get(rule) or 0),
                     "trained_records": t.get("records"), "trained_wrong": t.get("wrong"),
                     "trained_precision": t.get("committee_precision")})
    return rows
