"""The review queue as a page: ``review/review_<date>.html``, for clerks who would rather look.

Input: ``decisions`` (review records and their ``candidates_json``), ``staged_records``,
``records_std`` and ``admin``; when the run database still holds them, the linkage stage's
``address_candidates`` / ``person_candidates`` (each pair's match weight and its
explanation, ``road: road equal (6.5); lane: …``), which give every shown candidate a
waterfall of its evidence: the prior, then each comparison's weight in bits, ending at
the pair's match weight. Without them the candidates are listed with their probabilities.

One self-contained page (inline CSS and SVG, no script, autoescaped). Names are shown,
ID numbers and phones masked: the workbook beside it has them in full.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from streetlink import sql
from streetlink.contracts import REASONS, SOURCES
from streetlink.dispatch.review import (
    MAX_CANDIDATES,
    candidate_label,
    candidate_probabilities,
    outside_group,
    parse_candidates,
    review_note,
)
from streetlink.dispatch.tables import stand_in, table_exists
from streetlink.report.masking import mask_id, mask_phone

__all__ = ["COMPARISON_LABELS", "MAX_CARDS", "parse_explanation", "waterfall", "write_review_page"]

log = logging.getLogger(__name__)

PACKAGE = "streetlink.dispatch"
MAX_CARDS = 1500  # beyond this the page would be unwieldy; the workbook holds all
COMPARISON_LABELS = {
    "road": "路", "lane": "弄", "number": "号", "room": "室", "community": "小区", "village": "村",
    "group_no": "组", "street": "街镇", "id": "证件号码", "name": "姓名", "surname": "姓氏",
    "phone": "电话", "gender": "性别", "home": "登记住址",
}
_PART = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*):\s*(?P<label>.*?)\s*\((?P<w>[-+]?\d+(?:\.\d+)?)\)\s*$")
_TEMPLATES = Path(__file__).parent / "templates"


def parse_explanation(text: str | None) -> list[dict[str, Any]]:
    """'road: road equal (6.5); lane: missing (0.0)' → [{comparison, label, weight}, …]."""
    out = []
    for part in (text or "").split(";"):
        m = _PART.match(part)
        if m:
            out.append({"comparison": m.group("name"), "label": m.group("label"), "weight": float(m.group("w"))})
    return out


def _ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200) if span / s <= 8)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) // step) + 1)]


def waterfall(match_weight: float | None, parts: list[dict[str, Any]], width: int = 520,
              row: int = 15) -> dict[str, Any] | None:
    """Bars of an SVG waterfall: prior, each non-zero comparison, the total; None without weights."""
    if match_weight is None or not parts:
        return None
    shown = [p for p in parts if p["weight"] != 0]
    prior = match_weight - sum(p["weight"] for p in parts)
    steps = [{"name": "先验（λ 与频率调整）", "label": "", "weight": prior}] + [
        {"name": COMPARISON_LABELS.get(p["comparison"], p["comparison"]), "label": p["label"],
         "weight": p["weight"]} for p in shown]
    cum, bars = 0.0, []
    for s in steps:
        bars.append({**s, "start": cum, "end": cum + s["weight"]})
        cum += s["weight"]
    bars.append({"name": "合计", "label": "", "weight": match_weight, "start": 0.0, "end": match_weight,
                 "total": True})
    values = [0.0] + [b["start"] for b in bars] + [b["end"] for b in bars]
    lo, hi = min(values), max(values)
    lo, hi = math.floor(lo - 0.5), math.ceil(hi + 0.5)
    left = 230  # room for 「小区：community equal」-style labels
    plot = width - left - 50

    def x(v: float) -> float:
        return round(left + plot * (v - lo) / (hi - lo), 1)

    for i, b in enumerate(bars):
        a, e = sorted((b["start"], b["end"]))
        b.update(y=10 + i * row, x=x(a), w=max(round(x(e) - x(a), 1), 1.0),
                 color="#2f5597" if b.get("total") else ("#2e7d32" if b["weight"] >= 0 else "#c62828"),
                 text=f"{b['weight']:+.1f}")
    height = 10 + len(bars) * row + 24
    return {"width": width, "height": height, "bars": bars, "zero": x(0.0), "axis_y": height - 22,
            "ticks": [{"x": x(t), "v": f"{t:g}"} for t in _ticks(lo, hi)], "left": left}


def _weights(con: duckdb.DuckDBPyConnection, decisions: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    if not (table_exists(con, "address_candidates") and table_exists(con, "person_candidates")):
        return {}
    try:
        rows = sql.run(con, PACKAGE, "candidate_weights", decisions=decisions,
                       address_candidates="address_candidates", person_candidates="person_candidates").fetchall()
    except duckdb.Error as exc:  # the linkage stage's tables changed shape: draw without weights
        log.warning("review page without evidence weights: %s", exc)
        return {}
    return {(r[0], r[1], str(r[2])): {"match_weight": r[4], "parts": parse_explanation(r[5])} for r in rows}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def write_review_page(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    run_date: dt.date,
    *,
    generated_at: dt.datetime | None = None,
    decisions: str = "decisions",
    staged: str = "staged_records",
    admin: str = "admin",
    records_std: str | None = "records_std",
) -> Path:
    """Write the review page; returns its path."""
    if records_std is None or not table_exists(con, records_std):
        records_std = stand_in(con, "review_no_records_std", ("record_id", "address_clean", "outside_place"))
    cursor = sql.run(con, PACKAGE, "review_rows", {"decision": "review"}, decisions=decisions, staged=staged,
                     records_std=records_std)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, v)) for v in cursor.fetchall()]
    committees = {code: (sc, sn, cn) for code, sc, sn, cn in con.execute(
        f"SELECT committee_code, street_code, street_name, committee_name FROM {sql.identifier(admin)}").fetchall()}
    weights = _weights(con, decisions)
    outside = Counter(outside_group(r["outside_place"]) for r in rows if r["reason"] == "outside_pudong")
    queue = [r for r in rows if r["reason"] != "outside_pudong"]
    cards = []
    for r in queue[:MAX_CARDS]:
        candidates = parse_candidates(r["candidates_json"]) or []
        shown = []
        for c in candidates[:2 * MAX_CANDIDATES]:
            cid = c.get("house_id") if c.get("kind") == "address" else c.get("person_id")
            w = weights.get((r["record_id"], str(c.get("kind")), str(cid)))
            p = c.get("committee_probability")
            if not isinstance(p, (int, float)):
                p = c.get("probability")
            shown.append({
                "where": candidate_label(c, committees),
                "kind": "地址" if c.get("kind") == "address" else "身份（登记住址）",
                "label": c.get("label") or "",
                "probability": p if isinstance(p, (int, float)) else None,
                "probabilities": candidate_probabilities(c),
                "chart": waterfall(w["match_weight"], w["parts"]) if w else None,
            })
        cards.append({
            "record_id": r["record_id"],
            "source": SOURCES[r["source"]].label if r["source"] in SOURCES else r["source"],
            "time": r["event_time"].strftime("%Y-%m-%d %H:%M") if r["event_time"] else (r["event_time_raw"] or ""),
            "reason": REASONS.get(r["reason"], (None, r["reason"]))[1],
            "note": review_note(r["reason"], candidates, committees),
            "name": r["name"] or "", "id_number": mask_id(r["id_number"]) if r["id_number"] else "",
            "phone": mask_phone(r["phone"]) if r["phone"] else "",
            "address": r["address"] or "", "address_clean": r["address_clean"] or "",
            "candidates": shown,
        })
    html = _environment().get_template("review_page.html.j2").render(
        run_date=run_date.isoformat(),
        generated=(generated_at or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
        n_queue=len(queue), cards=cards, truncated=max(len(queue) - MAX_CARDS, 0),
        reasons=sorted(Counter(c["reason"] for c in cards).items(), key=lambda x: -x[1]),
        outside=sorted(outside.items(), key=lambda x: (-x[1], x[0])), n_outside=sum(outside.values()),
        with_weights=bool(weights),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    log.info("review page %s: %d record(s), %d outside Pudong", path.name, len(queue), sum(outside.values()))
    return path
