"""How right and how fast, measured from the streets' answers (the only truth a deployment has).

Input: the ledger attached read-only (dispatches and labels up to ``through_night``) and,
optionally, ``admin`` for street names. Definitions (REPLIES.md):

* **committee accuracy** — among answered dispatches whose answer speaks to the committee,
  the share confirmed: ``verified_resident``, ``verified_moved``, ``not_found`` confirm;
  ``wrong_address``, ``not_our_area`` refute; ``duplicate`` and ``other`` say nothing and are
  left out of the denominator. A refutation counts once the record was taken up again:
  overturned when the same committee later confirmed it, upheld when another answer or a
  clerk's closing followed, left out (``disputed``) until then. Per street, source, decide
  rule (``rule``; ``basis`` while decisions carry no rule; ``transfer`` / ``manual`` for items people placed) and
  dispatch night, with counts and Wilson 95 % intervals;
* **person-link precision** — person-linked dispatches answered at the door:
  ``verified_resident`` confirms the link, ``not_found`` refutes it; ``verified_moved``
  says the address is right but not whether the registry person is the record's, so it is
  left out;
* **home staleness** — placements at the registered home (``home_rules``) answered
  ``verified_resident`` or ``verified_moved``: the share moved;
* **turnaround** — hours from the packet's publication to the 核查时间 of the first answer
  that closed the item; median and 90th percentile (linear interpolation) per street,
  committee, night, street × night and overall. Answers without a time, or timed before
  publication (a typo), are counted but not used;
* **coverage** — answered / dispatched; **open** and **overdue** items per street.

``measure_from_labels`` leaves the tables on the connection (``replies_accuracy``,
``replies_rates``, ``replies_turnaround``, ``replies_open_overdue``) and returns a
JSON-able summary with a per-night series for the report's chart.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

import duckdb

from streetlink import sql
from streetlink.contracts import CONFIRMING_RESULTS, REFUTING_RESULTS
from streetlink.dispatch.tables import table_exists
from streetlink.evaluate.metrics import wilson_interval
from streetlink.replies.ledger import ledger_tables
from streetlink.replies.open_items import item_status
from streetlink.replies.settings import RepliesSettings, load_settings

__all__ = ["measure_from_labels", "wilson_interval"]

log = logging.getLogger(__name__)

PKG = "streetlink.replies"


def verdicts(con: duckdb.DuckDBPyConnection, status: str, night: dt.date, *, ledger: str,
             settings: RepliesSettings, out: str) -> str:
    """Create `out`: per dispatch of `status`, what its answers say (``accuracy_verdicts``:
    a refutation is a verdict once the record was taken up again, as of `night`)."""
    sql.run(con, PKG, "accuracy_verdicts",
            {"confirming": list(CONFIRMING_RESULTS), "refuting": list(REFUTING_RESULTS),
             "home_rules": list(settings.home_rules), "night": night},
            out=out, status=status, review_actions=ledger_tables(ledger)["review_actions"])
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    return value


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, Any]]:
    cursor = sql.run(con, PKG, "accuracy_fetch", table=table)
    names = [d[0] for d in cursor.description]
    return [{n: _jsonable(v) for n, v in zip(names, row)} for row in cursor.fetchall()]


def _rates(rates: list[dict[str, Any]], measure: str, dimensions: tuple[str, ...]) -> dict[str, Any]:
    mine = [r for r in rates if r["measure"] == measure]
    overall = [r for r in mine if r["dimension"] == "overall"]
    out: dict[str, Any] = {"overall": overall[0] if overall else None}
    for d in dimensions:
        out[f"by_{d}"] = [r for r in mine if r["dimension"] == d]
    return out


def measure_from_labels(
    con: duckdb.DuckDBPyConnection,
    through_night: dt.date,
    *,
    ledger: str = "ledger",
    admin: str | None = "admin",
    as_of: dt.datetime | None = None,
    pending_labels: str | None = None,
    settings: RepliesSettings | None = None,
) -> dict[str, Any]:
    """Accuracy, turnaround, coverage, open and overdue. Returns the report's summary.

    From the ledger alone (default): every dispatch published up to `through_night` and
    every label read up to it. With `pending_labels` (tonight's ``reply_labels``, for the
    report written before publication): the dispatches published before `through_night`
    and the ledger's labels before it plus tonight's, so a rerun reports the same."""
    settings = settings or load_settings()
    as_of = as_of or dt.datetime.combine(through_night + dt.timedelta(days=1), dt.time())
    before = through_night if pending_labels else through_night + dt.timedelta(days=1)
    status = item_status(con, through_night, ledger=ledger, pending_labels=pending_labels,
                         dispatch_before=before, settings=settings)
    sql.run(con, PKG, "accuracy_macros")
    verdicts(con, status, through_night, ledger=ledger, settings=settings, out="replies_verdicts")
    z = {"z": settings.wilson_z}
    sql.run(con, PKG, "accuracy_committee", z, out="replies_accuracy", verdicts="replies_verdicts")
    sql.run(con, PKG, "accuracy_rates", out="replies_rates_counts", verdicts="replies_verdicts")
    sql.run(con, PKG, "accuracy_rates_intervals", z, out="replies_rates", rates="replies_rates_counts")
    sql.run(con, PKG, "accuracy_turnaround", out="replies_turnaround", verdicts="replies_verdicts")
    sql.run(con, PKG, "accuracy_open_overdue", {"as_of": as_of}, out="replies_open_overdue",
            verdicts="replies_verdicts")

    names: dict[str, str] = {}
    if admin is not None and table_exists(con, admin):
        names = dict(sql.run(con, PKG, "accuracy_street_names", admin=admin).fetchall())

    def named(rows: list[dict[str, Any]], key: str = "street_code") -> list[dict[str, Any]]:
        return [{**r, "street_name": names.get(r.get(key))} for r in rows]

    accuracy = _rows(con, "replies_accuracy")
    by = {d: [r for r in accuracy if r["dimension"] == d] for d in ("overall", "street", "source", "rule", "night")}
    for r in by["street"]:
        r["street_name"] = names.get(r["key"])
    rates = _rows(con, "replies_rates")
    turnaround = _rows(con, "replies_turnaround")
    turn = {d: [r for r in turnaround if r["dimension"] == d]
            for d in ("overall", "street", "committee", "night", "street_night")}
    night_turn = {r["night"]: r for r in turn["night"]}
    overall = by["overall"][0] if by["overall"] else {"dispatched": 0, "answered": 0}
    series = [
        {"night": r["key"], "dispatched": r["dispatched"], "answered": r["answered"], "judged": r["judged"],
         "confirmed": r["confirmed"], "share": r["share"], "low": r["low"], "high": r["high"],
         "coverage": r["coverage"],
         "turnaround_n": night_turn.get(r["key"], {}).get("n"),
         "turnaround_median_hours": night_turn.get(r["key"], {}).get("median_hours"),
         "turnaround_p90_hours": night_turn.get(r["key"], {}).get("p90_hours")}
        for r in by["night"]
    ]
    summary = {
        "through_night": through_night.isoformat(),
        "as_of": as_of.isoformat(),
        "definitions": {"confirming": list(CONFIRMING_RESULTS), "refuting": list(REFUTING_RESULTS),
                        "closing": list(settings.closing_results), "home_rules": list(settings.home_rules),
                        "interval": f"Wilson, z={settings.wilson_z:.3f}"},
        "dispatched": overall.get("dispatched", 0),
        "answered": overall.get("answered", 0),
        "committee_accuracy": {"overall": by["overall"][0] if by["overall"] else None,
                               "by_street": by["street"], "by_source": by["source"], "by_rule": by["rule"]},
        "person_link_precision": _rates(rates, "person_link", ("source", "rule")),
        "home_stale": _rates(rates, "home_stale", ("street", "source")),
        "turnaround": {"overall": turn["overall"][0] if turn["overall"] else None,
                       "by_street": named(turn["street"]), "by_committee": named(turn["committee"]),
                       "by_street_night": named(turn["street_night"])},
        "open_overdue": named(_rows(con, "replies_open_overdue")),
        "series": series,
    }
    log.info("measured from labels through %s: %d dispatched, %d answered", through_night,
             summary["dispatched"], summary["answered"])
    return summary
