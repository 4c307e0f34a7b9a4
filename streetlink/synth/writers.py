"""The only module of the generator that writes files.

Input: the registry tables and each night's rows. Output, under ``out_dir``:
``registry/admin.csv`` (UTF-8), ``registry/housing.parquet``, ``registry/population.parquet``,
``inbox/<date>/checkpoint_<date>.csv`` (GB18030 or UTF-8 with BOM, RFC-4180, CRLF),
``inbox/<date>/hotline_<date>.xlsx`` (title rows above the header), ``inbox/<date>/
healthcloud_<date>.jsonl`` (UTF-8), ``truth/<date>.parquet`` and ``manifest.json``.
Every file is byte-identical for the same input: fixed workbook properties and zip
timestamps, no wall-clock time anywhere, stable row order.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from streetlink.synth.night import CHECKPOINT_HEADERS, HOTLINE_HEADERS, Night
from streetlink.synth.travel import key_area_csv

__all__ = [
    "TRUTH_SCHEMA",
    "sha256_of",
    "write_key_areas",
    "write_manifest",
    "write_night",
    "write_registry",
]

TRUTH_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("source", pa.string()),
        ("category", pa.string()),
        ("placeable", pa.bool_()),
        ("true_person_id", pa.string()),
        ("person_identifiable", pa.bool_()),
        ("true_house_id", pa.string()),
        ("true_street_code", pa.string()),
        ("true_committee_code", pa.string()),
        ("messiness", pa.list_(pa.string())),
        ("true_symptomatic", pa.bool_()),
        ("true_key_area_trip", pa.bool_()),
    ]
)


def _write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=1_000_000)


def write_registry(
    out_dir: Path,
    admin_rows: list[tuple[str, str, str, str]],
    housing: pa.Table,
    population: pa.Table,
) -> list[Path]:
    reg = out_dir / "registry"
    reg.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["street_code", "street_name", "committee_code", "committee_name"])
    w.writerows(admin_rows)
    (reg / "admin.csv").write_bytes(buf.getvalue().encode("utf-8"))
    _write_parquet(housing, reg / "housing.parquet")
    _write_parquet(population, reg / "population.parquet")
    return [reg / "admin.csv", reg / "housing.parquet", reg / "population.parquet"]


def write_key_areas(out_dir: Path, areas: tuple) -> Path:
    """``reference/key_areas.csv``: the key areas the world was built with (variation travel)."""
    path = out_dir / "reference" / "key_areas.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key_area_csv(areas))
    return path


def _csv_bytes(rows: list[dict[str, str]], encoding: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(CHECKPOINT_HEADERS)
    for row in rows:
        w.writerow([row.get(h, "") for h in CHECKPOINT_HEADERS])
    return buf.getvalue().encode(encoding)


def _xlsx_bytes(night: Night) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    exported = dt.datetime.combine(night.date + dt.timedelta(days=1), dt.time(6, 0))
    wb.set_properties({"author": "12345", "created": exported})
    ws = wb.add_worksheet("工单列表")
    time_fmt = wb.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})
    r = 0
    for title in night.hotline_title:
        for c, value in enumerate(title):
            if value:
                ws.write_string(r, c, value)
        r += 1
    for c, h in enumerate(HOTLINE_HEADERS):
        ws.write_string(r, c, h)
    for row in night.hotline_rows:
        r += 1
        for c, h in enumerate(HOTLINE_HEADERS):
            value: Any = row.get(h, "")
            if isinstance(value, bool) or value is None or value == "":
                continue
            if isinstance(value, int):
                ws.write_number(r, c, value)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, time_fmt)
            else:
                ws.write_string(r, c, str(value))
    ws.set_column(0, 1, 18)
    ws.set_column(4, 5, 40)
    wb.close()
    return buf.getvalue()


def write_night(out_dir: Path, night: Night) -> list[Path]:
    day = night.date.isoformat()
    inbox = out_dir / "inbox" / day
    inbox.mkdir(parents=True, exist_ok=True)
    # Files a previous generation left for this date (e.g. a resend file) would join the night.
    for old in inbox.iterdir():
        if old.is_file() and old.name.startswith(("checkpoint", "hotline", "healthcloud")):
            old.unlink()
    written = []
    cp = inbox / f"checkpoint_{day}.csv"
    cp.write_bytes(_csv_bytes(night.checkpoint_rows, night.checkpoint_encoding))
    written.append(cp)
    if night.checkpoint_resend_rows:
        resend = inbox / f"checkpoint_{day}_resend.csv"
        resend.write_bytes(_csv_bytes(night.checkpoint_resend_rows, night.checkpoint_encoding))
        written.append(resend)
    hl = inbox / f"hotline_{day}.xlsx"
    hl.write_bytes(_xlsx_bytes(night))
    written.append(hl)
    hc = inbox / f"healthcloud_{day}.jsonl"
    hc.write_bytes(("\n".join(night.healthcloud_lines) + "\n").encode("utf-8"))
    written.append(hc)
    truth = pa.Table.from_pylist(night.truth, schema=TRUTH_SCHEMA)
    path = out_dir / "truth" / f"{day}.parquet"
    _write_parquet(truth, path)
    written.append(path)
    return written


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(out_dir: Path, manifest: dict[str, Any], files: list[Path]) -> Path:
    body = dict(manifest)
    body["files"] = {p.relative_to(out_dir).as_posix(): sha256_of(p) for p in sorted(files)}
    path = out_dir / "manifest.json"
    path.write_text(
        json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return path
