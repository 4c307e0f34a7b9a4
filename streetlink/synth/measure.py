"""Read a generated night back and measure it: rates achieved, and the naive baseline.

Goal: check the generated data against its documented rates, and measure how far the
naive exact-lookup baseline (``streetlink.evaluate.baseline``) gets on it. This is not
the pipeline's ingest: it is a minimal, independent reader of the generator's own output
(so the generator can be measured before and without the ingest package).

Input → output: ``<out>/inbox/<date>/`` files + ``<out>/registry`` + ``<out>/truth/<date>.parquet``
→ a STAGED_RECORDS-shaped DuckDB table (``stage_inbox``), and dictionaries of rates
(``truth_rates``, ``baseline_placement``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pyarrow as pa

from streetlink import sql
from streetlink.contracts import SOURCES, STAGED_RECORDS
from streetlink.evaluate.baseline import naive_links

__all__ = ["baseline_placement", "load_registry", "stage_inbox", "truth_rates"]

_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y-%m-%dT%H:%M:%S%z",
)


def _parse_time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        return None
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).replace(tzinfo=None)
        except ValueError:
            continue
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return text if text.strip() else None


def _row(
    source: str,
    sid: str | None,
    file: str,
    line: int,
    fields: dict[str, Any],
    record_id: str | None = None,
    reject: str | None = None,
) -> dict[str, Any]:
    spec = SOURCES[source]
    raw_time = _text(fields.get(spec.time_column))
    when = _parse_time(fields.get(spec.time_column))
    if reject is None and when is None:
        reject = "unparseable_time"
    identity = [fields.get(k) for k in ("name", "id_number", "phone", "address")]
    if reject is None and not any(_text(x) for x in identity):
        reject = "no_address_no_identity"
    core = {
        "name",
        "id_type",
        "id_number",
        "phone",
        "address",
        "street_hint",
        spec.id_column,
        spec.time_column,
    }
    details = {k: fields[k] for k in sorted(fields) if k not in core}
    return {
        "record_id": record_id or f"{source}:{sid}",
        "source": source,
        "source_id": sid,
        "source_file": file,
        "source_row": line,
        "n_copies": 1,
        "event_time": when,
        "event_time_raw": raw_time,
        "name": _text(fields.get("name")),
        "id_type": _text(fields.get("id_type")),
        "id_number": _text(fields.get("id_number")),
        "phone": _text(fields.get("phone")),
        "address": _text(fields.get("address")),
        "address_context": _text(fields.get("address_context")),
        "street_hint": _text(fields.get("street_hint")),
        "details": json.dumps(details, ensure_ascii=False, default=str),
        "reject_reason": reject,
    }


def _checkpoint(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    text = data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode("gb18030")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    names = [SOURCES["checkpoint"].headers.get(h, h) for h in header]
    out = []
    for line, values in enumerate(reader, start=2):
        fields = dict(zip(names, values))
        out.append(_row("checkpoint", fields["source_id"], path.name, line, fields))
    return out


def _hotline(path: Path) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    headers = SOURCES["hotline"].headers
    out: list[dict[str, Any]] = []
    names: list[str] | None = None
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if names is None:
            if values and "工单编号" in values:
                names = [headers.get(str(v), str(v)) if v is not None else "" for v in values]
            continue
        fields = dict(zip(names, values))
        fields["address_context"] = fields.get("content")
        out.append(_row("hotline", _text(fields["source_id"]), path.name, r, fields))
    wb.close()
    return out


def _healthcloud(path: Path) -> list[dict[str, Any]]:
    out = []
    for line, text in enumerate(path.read_bytes().decode("utf-8").split("\n"), start=1):
        if not text.strip():
            continue
        bad_id = f"healthcloud:{path.name}#{line}"
        try:
            obj = json.loads(text)
        except json.JSONDecodeError:
            out.append(_row("healthcloud", None, path.name, line, {}, bad_id, "bad_json_line"))
            continue
        res = obj.get("residence") if isinstance(obj, dict) else None
        if not isinstance(obj, dict) or not isinstance(res, dict):
            out.append(_row("healthcloud", None, path.name, line, {}, bad_id, "wrong_field_type"))
            continue
        fields = {
            "source_id": obj.get("report_id"),
            "event_time_raw": obj.get("submitted_at"),
            "name": obj.get("name"),
            "id_type": obj.get("id_type"),
            "id_number": obj.get("id_no"),
            "phone": obj.get("mobile"),
            "address": res.get("detail"),
            "street_hint": res.get("street"),
            "address_context": "".join(
                str(res.get(k) or "") for k in ("province", "city", "district")
            ),
            "arrival_date": obj.get("arrival_date"),
        }
        out.append(_row("healthcloud", fields["source_id"], path.name, line, fields))
    return out


def stage_inbox(
    con: duckdb.DuckDBPyConnection, inbox_day: Path, table: str = "staged_records"
) -> int:
    """Read one night's inbox folder into `table` (STAGED_RECORDS shape); returns the row count."""
    rows: list[dict[str, Any]] = []
    for path in sorted(inbox_day.iterdir()):
        name = path.name.lower()
        if name.startswith("checkpoint") and name.endswith(".csv"):
            rows += _checkpoint(path)
        elif name.startswith("hotline") and name.endswith(".xlsx"):
            rows += _hotline(path)
        elif name.startswith("healthcloud") and name.endswith(".jsonl"):
            rows += _healthcloud(path)
    copies = Counter(r["record_id"] for r in rows)
    kept: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["record_id"] not in kept:
            kept[r["record_id"]] = {**r, "n_copies": copies[r["record_id"]]}
    schema = pa.schema(
        [
            (
                c.name,
                {
                    "VARCHAR": pa.string(),
                    "BIGINT": pa.int64(),
                    "INTEGER": pa.int32(),
                    "TIMESTAMP": pa.timestamp("us"),
                }[c.dtype],
            )
            for c in STAGED_RECORDS.columns
        ]
    )
    arrow = pa.Table.from_pylist(list(kept.values()), schema=schema)
    con.register("_staged_arrow", arrow)
    con.execute(f"CREATE OR REPLACE TABLE {sql.identifier(table)} AS SELECT * FROM _staged_arrow")
    con.unregister("_staged_arrow")
    return len(kept)


def load_registry(con: duckdb.DuckDBPyConnection, registry: Path) -> None:
    """Create tables admin, housing, population from a generated registry folder."""
    con.execute("CREATE OR REPLACE TABLE admin AS SELECT * FROM read_csv($path, all_varchar = true)",
                {"path": str(registry / "admin.csv")})
    for name in ("housing", "population"):
        con.execute(f"CREATE OR REPLACE TABLE {sql.identifier(name)} AS SELECT * FROM read_parquet($path)",
                    {"path": str(registry / f"{name}.parquet")})


def truth_rates(con: duckdb.DuckDBPyConnection, truth_file: Path) -> dict[str, Any]:
    """Shares of categories, placeable records and each messiness code, overall and per source."""
    con.execute("CREATE OR REPLACE TABLE truth AS SELECT * FROM read_parquet($path)", {"path": str(truth_file)})
    total = con.execute("SELECT count(*) FROM truth").fetchall()[0][0]
    by_source = dict(
        con.execute("SELECT source, count(*) FROM truth GROUP BY 1 ORDER BY 1").fetchall()
    )
    cats = con.execute(
        "SELECT source, category, count(*) FROM truth GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    codes = con.execute(
        "SELECT source, code, count(*) FROM (SELECT source, unnest(messiness) AS code "
        "FROM truth) GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    placeable = con.execute(
        "SELECT source, avg(placeable::INT) FROM truth GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return {
        "records": total,
        "by_source": by_source,
        "category": {f"{s}/{c}": n / by_source[s] for s, c, n in cats},
        "messiness": {f"{s}/{c}": n / by_source[s] for s, c, n in codes},
        "placeable": {s: float(p) for s, p in placeable},
        "placeable_overall": con.execute("SELECT avg(placeable::INT) FROM truth").fetchall()[0][0],
    }


def baseline_placement(out_dir: Path, date: str) -> dict[str, Any]:
    """Run the naive baseline on one generated night; rates against the truth."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    load_registry(con, out_dir / "registry")
    stage_inbox(con, out_dir / "inbox" / date)
    links = naive_links(con)
    con.register("links_rel", links)
    con.execute("CREATE OR REPLACE TABLE links AS SELECT * FROM links_rel")
    truth = out_dir / "truth" / f"{date}.parquet"
    con.execute("CREATE OR REPLACE TABLE truth AS SELECT * FROM read_parquet($path)", {"path": str(truth)})
    rows = con.execute("""
        SELECT t.source,
               count(*) FILTER (WHERE t.placeable) AS placeable,
               count(*) FILTER (WHERE t.placeable
                                AND l.committee_code = t.true_committee_code) AS right,
               count(*) FILTER (WHERE l.decision = 'dispatched' AND l.committee_code
                                IS DISTINCT FROM t.true_committee_code) AS wrong,
               count(*) FILTER (WHERE l.decision = 'dispatched') AS dispatched,
               count(*) AS records
        FROM truth t JOIN links l USING (record_id)
        GROUP BY ROLLUP (t.source) ORDER BY t.source NULLS LAST
    """).fetchall()
    out: dict[str, Any] = {}
    for source, placeable, right, wrong, dispatched, records in rows:
        out[source or "all"] = {
            "records": records,
            "placeable": placeable,
            "right": right,
            "wrong": wrong,
            "dispatched": dispatched,
            "right_of_placeable": right / placeable if placeable else None,
        }
    con.close()
    return out
