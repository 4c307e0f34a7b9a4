"""Reader for ``healthcloud*.jsonl`` (健康云自报): JSON Lines → all-text records.

Input: one UTF-8 JSON Lines file. Lines are split on ``\\n`` only (U+2028 may occur inside
strings, so ``str.splitlines`` would cut records in half); blank lines are ignored.
Output: ``RawRecords`` with one column per field path of the source (``residence.detail``
flattened from the nested object), lists (travel_history, symptoms) kept as JSON text,
unknown fields gathered in ``_extra`` as a JSON object.

A line that is not a JSON object, or not UTF-8, is a bad record (``_error`` =
``bad_json_line``, original text in ``_line``); a field of the wrong type (residence not
an object, name not a string, …) makes the line a ``wrong_field_type`` record that keeps
its well-typed fields. Bad records stay in the table: they are rejected later, never
dropped. The file as a whole fails only when it cannot be read or when a required field
appears in none of its records.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from streetlink.contracts import SourceSpec
from streetlink.errors import InputFileError
from streetlink.ingest.raw_records import RawRecords, records_table

__all__ = ["read_source_jsonl"]

log = logging.getLogger(__name__)

# Fields that arrive as JSON lists and stay JSON text; every other leaf is a string.
LIST_FIELDS = frozenset({"travel_history", "symptoms"})
# A bad line is kept for audit, but not without bound.
_MAX_LINE_KEPT = 10_000
# What a self-report is about: a line without any of these (a report_id, perhaps a time)
# says nothing about the export's fields, so it never makes the file fail for a "missing"
# field; it becomes a record of its own, rejected downstream (no address, no identity).
_SUBSTANCE = ("name", "id_no", "mobile", "residence")

_ASCII_BLANK = b" \t\r"


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _text(value: str) -> str:
    """JSON may escape a lone surrogate (\\ud800) that no UTF-8 table can hold: replace it."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _json_text(value: object) -> str:
    return _text(json.dumps(value, ensure_ascii=False, default=str))


class _Layout:
    """Which fields a record has: top-level leaves, nested objects and their leaves."""

    def __init__(self, spec: SourceSpec):
        self.paths = spec.required_headers
        self.top: list[str] = []
        self.nested: dict[str, list[str]] = {}
        for path in self.paths:
            parent, _, child = path.partition(".")
            if child:
                self.nested.setdefault(parent, []).append(child)
            else:
                self.top.append(parent)

    def flatten(self, obj: dict, seen: set[str]) -> tuple[dict[str, str | None], bool, dict]:
        """(values by path, every field well typed?, unknown fields)."""
        values: dict[str, str | None] = dict.fromkeys(self.paths)
        well_typed = True
        extra = {k: v for k, v in obj.items() if k not in self.top and k not in self.nested}
        for key in self.top:
            if key not in obj:
                continue
            seen.add(key)
            value = obj[key]
            if value is None:
                continue
            if key in LIST_FIELDS:
                if isinstance(value, list):
                    values[key] = _json_text(value)
                else:
                    well_typed = False
            elif isinstance(value, str):
                values[key] = _text(value)
            else:
                well_typed = False
        for parent, children in self.nested.items():
            inner = obj.get(parent)
            if inner is None:
                continue
            if not isinstance(inner, dict):
                well_typed = False
                continue
            for child in children:
                path = f"{parent}.{child}"
                if child not in inner:
                    continue
                seen.add(path)
                value = inner[child]
                if value is None:
                    continue
                if isinstance(value, str):
                    values[path] = _text(value)
                else:
                    well_typed = False
            extra.update({f"{parent}.{k}": v for k, v in inner.items() if k not in children})
        return values, well_typed, extra


def _parse_line(
    raw: bytes, layout: _Layout, seen: set[str], objects_seen: set[str]
) -> tuple[dict[str, str | None], str | None, str | None]:
    """(values by field path, unknown fields as JSON text, reader error) of one line."""
    nothing: dict[str, str | None] = dict.fromkeys(layout.paths)
    try:
        obj = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        if not isinstance(obj, dict):
            return nothing, None, "bad_json_line"
        fields: set[str] = set()
        values, well_typed, extra = layout.flatten(obj, fields)
        extra_text = _json_text(extra) if extra else None
    except (ValueError, RecursionError):  # not UTF-8 (a ValueError), not JSON, absurdly deep
        return nothing, None, "bad_json_line"
    if any(obj.get(key) is not None for key in _SUBSTANCE):
        seen.update(fields)
    objects_seen.update(p for p in layout.nested if isinstance(obj.get(p), dict))
    return values, extra_text, None if well_typed else "wrong_field_type"


def read_source_jsonl(path: Path, spec: SourceSpec) -> RawRecords:
    """All records of one JSON Lines file of `spec`'s source, every value as text."""
    layout = _Layout(spec)
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    columns: dict[str, list[str | None]] = {p: [] for p in layout.paths}
    extras: list[str | None] = []
    row_numbers: list[int] = []
    errors: list[str | None] = []
    lines: list[str | None] = []
    seen: set[str] = set()
    objects_seen: set[str] = set()  # nested objects present in at least one record
    bad = 0

    for line_number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip(_ASCII_BLANK):
            continue
        values, extra, error = _parse_line(raw, layout, seen, objects_seen)
        bad += error is not None
        for p in layout.paths:
            columns[p].append(values[p])
        extras.append(extra)
        row_numbers.append(line_number)
        errors.append(error)
        lines.append(raw.decode("utf-8", errors="replace")[:_MAX_LINE_KEPT] if error else None)

    if seen:
        # A field is missing from the export only if no record of substance carries it; a
        # field of a nested object counts only where such an object was sent at all.
        missing = [
            p
            for p in layout.paths
            if p not in seen and ("." not in p or p.partition(".")[0] in objects_seen)
        ]
        if missing:
            raise InputFileError(str(path), f"missing required field(s): {', '.join(missing)}")
    columns["_extra"] = extras
    table = records_table(columns, path.name, row_numbers, errors, lines)
    log.info("%s: %d record(s), %d bad line(s)", path.name, table.num_rows, bad)
    return RawRecords(table, bad)
