"""Render the auditors' match-rate report and keep each night's summary for the trend.

Input: the summary dict of ``summarise_run`` and earlier nights' summaries
(``load_history``). Output, in ``<reports>/<date>/``: ``match_rate.html`` (one
self-contained page: inline CSS and SVG, no external assets, autoescaped) and
``summary.json`` (the summary, which later nights read back). Both files are replaced
atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

__all__ = [
    "SUMMARY_FILE",
    "TEMPLATE",
    "load_history",
    "render_match_rate",
    "sparkline",
    "trend_rows",
    "write_summary",
]

log = logging.getLogger(__name__)

TEMPLATE = "match_rate.html.j2"
SUMMARY_FILE = "summary.json"
_TEMPLATES = Path(__file__).parent / "templates"


def _percent(value: object, digits: int = 2) -> str:
    if not isinstance(value, (int, float)):
        return "—"
    return f"{value * 100:.{digits}f}%"


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—" if value is None else str(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _plain(value: object) -> str:
    """A parameter value as one short line (nested values as compact JSON)."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "—" if value is None else str(value)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,  # every value from the data is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=_percent, n=_number, plain=_plain)
    return env


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def trend_rows(summary: dict[str, Any], history: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per dated night, oldest first (an earlier summary of tonight's date is dropped)."""
    rows = []
    for s in [*(h for h in history if h.get("run_date") != summary.get("run_date")), summary]:
        if not s.get("run_date"):
            continue
        totals = s.get("totals") or {}
        rows.append({
            "run_date": s.get("run_date"),
            "records": totals.get("records"),
            "dispatched": totals.get("dispatched"),
            "review": totals.get("review"),
            "rejected": totals.get("rejected"),
            "match_rate": totals.get("match_rate"),
            "reconciled": totals.get("reconciled"),
            "partial": bool(s.get("partial")),
        })
    return sorted(rows, key=lambda r: str(r["run_date"]))


def sparkline(values: Sequence[float | None], width: int = 320, height: int = 48,
              pad: int = 4) -> dict[str, Any] | None:
    """Polyline points for an inline SVG of `values` (None values skipped); None if < 2 values."""
    points = [(i, v) for i, v in enumerate(values) if isinstance(v, (int, float))]
    if len(points) < 2:
        return None
    lo, hi = min(v for _, v in points), max(v for _, v in points)
    span = hi - lo or 1.0
    last_index = max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * i / last_index
        y = height - pad - (height - 2 * pad) * ((v - lo) / span if hi > lo else 0.5)
        return round(x, 1), round(y, 1)

    coords = [xy(i, v) for i, v in points]
    return {
        "width": width, "height": height,
        "points": " ".join(f"{x},{y}" for x, y in coords),
        "last_x": coords[-1][0], "last_y": coords[-1][1],
        "min": lo, "max": hi,
    }


def write_summary(summary: dict[str, Any], path: Path) -> Path:
    """Write the summary as UTF-8 JSON (atomically)."""
    path = Path(path)
    _atomic_write(path, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return path


def render_match_rate(summary: dict[str, Any], history: list[dict[str, Any]], path: Path) -> Path:
    """Write the HTML report to `path` and the summary to ``summary.json`` beside it."""
    path = Path(path)
    trend = trend_rows(summary, history)
    html = _environment().get_template(TEMPLATE).render(
        s=summary,
        trend=trend,
        spark=sparkline([r["match_rate"] for r in trend]),
        reasons_review=[r for r in summary["reasons"] if r["decision"] == "review"],
        reasons_rejected=[r for r in summary["reasons"] if r["decision"] == "rejected"],
    )
    _atomic_write(path, html)
    write_summary(summary, path.parent / SUMMARY_FILE)
    log.info("report %s (%d night(s) of trend)", path, len(trend))
    return path


def load_history(reports_dir: Path, before: dt.date, nights: int = 30) -> list[dict[str, Any]]:
    """The summaries of up to `nights` most recent nights before `before`, oldest first.

    Nights are the ``<reports_dir>/<YYYY-MM-DD>/summary.json`` files that exist; an
    unreadable one is skipped with a warning (the trend must not stop tonight's report).
    """
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        return []
    dated: list[tuple[dt.date, Path]] = []
    for child in reports_dir.iterdir():
        try:
            day = dt.date.fromisoformat(child.name)
        except ValueError:
            continue
        if day < before and (child / SUMMARY_FILE).is_file():
            dated.append((day, child / SUMMARY_FILE))
    history: list[dict[str, Any]] = []
    for day, file in sorted(dated, reverse=True):
        if len(history) >= nights:
            break
        try:
            summary = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("skipping unreadable %s: %s", file, exc)
            continue
        if not isinstance(summary, dict):
            log.warning("skipping %s: not a summary object", file)
            continue
        summary.setdefault("run_date", day.isoformat())
        history.append(summary)
    return history[::-1]
