"""Render the auditors' match-rate report and keep each night's summary for the trend.

Input: the summary dict of ``summarise_run`` and earlier nights' summaries
(``load_history``: only the nights of the same output root). Output, in
``<reports>/<date>/``: ``match_rate.html`` (one self-contained page: inline CSS and SVG,
no external assets, autoescaped) and ``summary.json`` (the summary, which later nights
read back). Both files are replaced atomically.

For people: times in Beijing time to the second, counts with thousands separators,
rates as percentages with the definitions beside them, durations in minutes and seconds,
and charts with axes (the two rates over the nights, the in-district rate per street,
the reasons for review and rejection).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

__all__ = [
    "SUMMARY_FILE",
    "TEMPLATE",
    "bar_chart",
    "beijing_time",
    "duration",
    "line_chart",
    "load_history",
    "render_match_rate",
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


def beijing_time(value: object) -> str:
    """An ISO time (any offset; naive = UTC) as 2026-11-25 02:00:13 on the Beijing clock."""
    if not value:
        return "—"
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    from streetlink.config import to_shanghai

    return to_shanghai(moment).strftime("%Y-%m-%d %H:%M:%S")


def duration(seconds: object) -> str:
    """75.4 → 1 分 15 秒; 3.25 → 3.3 秒."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} 秒"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} 分 {rest} 秒"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes} 分"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _plain(value: object) -> str:
    """A parameter value as one short line: 4 significant digits, 5.471×10⁻⁶, compact JSON."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, float) and math.isfinite(value) and value != 0:
        if abs(value) < 1e-4 or abs(value) >= 1e6:
            mantissa, exponent = f"{value:.3e}".split("e")
            return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
        return f"{value:.4g}"
    return "—" if value is None else str(value)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,  # every value from the data is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=_percent, n=_number, plain=_plain, bjt=beijing_time, dur=duration)
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
            "in_district_rate": totals.get("in_district_rate"),
            "reconciled": totals.get("reconciled"),
            "partial": bool(s.get("partial")),
        })
    return sorted(rows, key=lambda r: str(r["run_date"]))


def _nice_step(span: float, steps: int = 5) -> float:
    raw = span / steps if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def line_chart(dates: Sequence[str], series: Sequence[tuple], width: int = 720, height: int = 240, *,
               percent: bool = True, unit: str = "") -> dict[str, Any] | None:
    """An SVG line chart over nights with dated x ticks: rates (0–1, y axis in %) or, with
    `percent=False`, plain values from 0 (y labels with `unit`).

    `series`: (name, colour, values per date[, style]) with style {"width": 1, "dash": "4 3"}
    for thin or dashed lines (intervals, reference levels). None when no value at all.
    """
    values = [v for s in series for v in s[2] if isinstance(v, (int, float))]
    if not values or not dates:
        return None
    left, right, top, bottom = 56, 16, 14, 46
    lo, hi = min(values), max(values)
    if percent:
        pad = max((hi - lo) * 0.15, 0.005)
        lo, hi = max(0.0, lo - pad), min(1.0, hi + pad)
    else:
        lo, hi = 0.0, max(hi * 1.1, 1.0)
    step = _nice_step(hi - lo)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(dates)

    def x(i: int) -> float:
        return round(left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y(v: float) -> float:
        return round(top + plot_h * (1 - (v - lo) / (hi - lo)), 1)

    y_ticks = []
    t = lo
    while t <= hi + step / 2:
        y_ticks.append({"y": y(t), "label": f"{t * 100:.{0 if step >= 0.01 else 1}f}%" if percent
                         else f"{t:,.0f}{unit}"})
        t += step
    every = max(1, math.ceil(n / 8))
    x_ticks = [{"x": x(i), "label": d[5:]} for i, d in enumerate(dates) if i % every == 0 or i == n - 1]
    lines = []
    for name, colour, vs, *style in series:
        pts = [(x(i), y(v)) for i, v in enumerate(vs) if isinstance(v, (int, float))]
        look = style[0] if style else {}
        lines.append({"name": name, "colour": colour, "points": " ".join(f"{a},{b}" for a, b in pts),
                      "dots": [{"x": a, "y": b} for a, b in pts], "width": look.get("width", 2),
                      "dash": look.get("dash")})
    return {"width": width, "height": height, "left": left, "top": top, "right": width - right,
            "bottom": height - bottom, "y_ticks": y_ticks, "x_ticks": x_ticks, "lines": lines}


def bar_chart(items: Sequence[tuple[str, float | None, str]], *, percent: bool, width: int = 720,
              bar: int = 16) -> dict[str, Any] | None:
    """Horizontal bars (label, value, text shown at the bar end) with a value axis."""
    items = [(label, v, text) for label, v, text in items if isinstance(v, (int, float))]
    if not items:
        return None
    # room for the longest label at 11 px (a CJK character ~11 px, a Latin one ~6.5 px)
    longest = max(sum(11.0 if ord(ch) > 0x2E80 else 6.5 for ch in label) for label, _, _ in items)
    left, right, top = int(min(max(longest + 12, 80), 360)), 70, 8
    hi = 1.0 if percent else max(v for _, v, _ in items) or 1.0
    step = 0.2 if percent else _nice_step(hi)
    hi = 1.0 if percent else math.ceil(hi / step) * step
    plot_w = width - left - right
    axis_y = top + len(items) * (bar + 4) + 4

    def x(v: float) -> float:
        return round(left + plot_w * v / hi, 1)

    bars = [{"label": label, "y": top + i * (bar + 4), "w": max(x(v) - left, 0.5), "text": text,
             "text_x": x(v) + 4} for i, (label, v, text) in enumerate(items)]
    ticks, t = [], 0.0
    while t <= hi + step / 2:
        ticks.append({"x": x(t), "label": f"{t * 100:.0f}%" if percent else f"{t:,.0f}"})
        t += step
    return {"width": width, "height": axis_y + 22, "left": left, "right": width - right, "axis_y": axis_y,
            "bar": bar, "bars": bars, "ticks": ticks}


def loop_charts(summary: dict[str, Any]) -> dict[str, Any]:
    """Charts and tables of the replies and screening sections (see loop.html.j2)."""
    replies = summary.get("replies") or {}
    measured = replies.get("measured") or {}
    series = measured.get("series") or []
    nights = [str(r["night"]) for r in series]
    judged = [r for r in series if r.get("judged")]
    accuracy_chart = line_chart([str(r["night"]) for r in judged], [
        ("回执准确率", "#2f5597", [r.get("share") for r in judged]),
        ("95% 区间", "#8fa8d6", [r.get("low") for r in judged], {"width": 1, "dash": "3 3"}),
        ("", "#8fa8d6", [r.get("high") for r in judged], {"width": 1, "dash": "3 3"}),
    ]) if judged else None
    coverage_chart = line_chart(nights, [("回执覆盖率", "#c55a11", [r.get("coverage") for r in series])],
                                height=180) if series else None
    turnaround_chart = line_chart(nights, [
        ("中位数", "#2f5597", [r.get("turnaround_median_hours") for r in series]),
        ("90 分位", "#c55a11", [r.get("turnaround_p90_hours") for r in series]),
        ("48 小时", "#999999", [48.0] * len(nights), {"width": 1, "dash": "5 4"}),
        ("12 小时", "#1e7b34", [12.0] * len(nights), {"width": 1, "dash": "5 4"}),
    ], percent=False, unit=" h") if any(r.get("turnaround_n") for r in series) else None
    turnaround = {r["street_code"]: r for r in (measured.get("turnaround") or {}).get("by_street", [])}
    street_loop = []
    for r in measured.get("open_overdue") or []:
        t = turnaround.get(r["street_code"], {})
        street_loop.append({**r, "n": t.get("n"), "median_hours": t.get("median_hours"),
                            "p90_hours": t.get("p90_hours")})
    rule_accuracy = {r["key"]: r for r in (measured.get("committee_accuracy") or {}).get("by_rule", [])}
    screening = summary.get("screening") or {}
    funnels = [*screening.get("history", []), screening.get("funnel") or {}]
    funnels = [f for f in funnels if f.get("stages") and f["stages"].get("received")]

    def share(f: dict[str, Any], key: str) -> float:
        return f["stages"][key] / f["stages"]["received"]

    funnel_chart = line_chart([f["night"] for f in funnels], [
        ("筛出", "#2f5597", [share(f, "screened") for f in funnels]),
        ("推送", "#c55a11", [share(f, "pushed") for f in funnels]),
        ("应急派单", "#c00000", [share(f, "emergency_orders") for f in funnels]),
    ]) if len(funnels) > 1 else None
    return {"accuracy_chart": accuracy_chart, "coverage_chart": coverage_chart, "turnaround_chart": turnaround_chart, "street_loop": street_loop,
            "rule_accuracy": rule_accuracy, "funnel_chart": funnel_chart}


def write_summary(summary: dict[str, Any], path: Path) -> Path:
    """Write the summary as UTF-8 JSON (atomically)."""
    path = Path(path)
    _atomic_write(path, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return path


def render_match_rate(summary: dict[str, Any], history: list[dict[str, Any]], path: Path) -> Path:
    """Write the HTML report to `path` and the summary to ``summary.json`` beside it."""
    path = Path(path)
    trend = trend_rows(summary, history)
    dates = [str(r["run_date"]) for r in trend]
    trend_chart = line_chart(dates, [
        ("区内派发率", "#2f5597", [r["in_district_rate"] for r in trend]),
        ("总体派发率", "#c55a11", [r["match_rate"] for r in trend]),
    ])
    streets = [t for t in summary["streets"] if t["dispatched"] + t["review"]]
    street_chart = bar_chart([(t["street_name"], t["match_rate"], _percent(t["match_rate"], 1)) for t in streets],
                             percent=True)
    reasons = summary["reasons"]
    reason_chart = bar_chart([(("复核：" if r["decision"] == "review" else "拒绝：") + r["label"], r["count"],
                               f"{r['count']:,}") for r in reasons], percent=False)
    html = _environment().get_template(TEMPLATE).render(
        s=summary,
        **loop_charts(summary),
        trend=trend,
        trend_chart=trend_chart,
        street_chart=street_chart,
        reason_chart=reason_chart,
        reasons_review=[r for r in reasons if r["decision"] == "review"],
        reasons_rejected=[r for r in reasons if r["decision"] == "rejected"],
    )
    _atomic_write(path, html)
    write_summary(summary, path.parent / SUMMARY_FILE)
    log.info("report %s (%d night(s) of trend)", path, len(trend))
    return path


def _same_root(summary: dict[str, Any], out: Path) -> bool:
    theirs = (summary.get("paths") or {}).get("out")
    if not theirs:
        return False
    try:
        return Path(theirs).resolve() == Path(out).resolve()
    except OSError:
        return False


def load_history(reports_dir: Path, before: dt.date, nights: int = 30,
                 out: Path | None = None) -> list[dict[str, Any]]:
    """The summaries of up to `nights` most recent nights before `before`, oldest first.

    Nights are the ``<reports_dir>/<YYYY-MM-DD>/summary.json`` files that exist; an
    unreadable one is skipped with a warning (the trend must not stop tonight's report).
    Given `out`, only nights run into that output root count: a reports folder shared
    by several data sets must not mix their trends.
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
        if out is not None and not _same_root(summary, out):
            log.info("trend leaves out %s: another output root", file)
            continue
        summary.setdefault("run_date", day.isoformat())
        history.append(summary)
    return history[::-1]
