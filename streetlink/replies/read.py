"""Read every returned workbook in ``<inbox>/<date>/replies/``: packets and review workbooks.

Input: a folder of workbooks as spreadsheet programs leave them (REPLIES.md): sheets
reordered or renamed, rows sorted, filtered, deleted, blank and note rows inserted,
columns added, cells re-typed, files renamed or sent twice, several streets together.
Output (``ReplyBatch``, registered into DuckDB by ``register_replies``):

* ``reply_files`` (REPLY_FILES) — every file, read / failed (with its reason) / duplicate /
  skipped; what its titles say (street codes, dates) for attributing it to a street;
* ``reply_rows`` (REPLY_ROWS) — one row per answered packet row and record id;
* ``review_reply_rows`` (REVIEW_REPLY_ROWS) — one row per answered review-workbook row.

A sheet is a packet sheet when some row among its first rows holds the headers 记录编号
and 核查结果, a review sheet when it holds 记录编号 and 处理结果: the header row and every
column are found by header text, never by position or sheet name. A row is identified by
its 记录编号 alone; a cell with several ids (``A；B``) gives one row per id. Rows with an
id but no fill-in are not answers (counted, not read); rows without an id are notes.
Nothing here knows the ledger or the registry: which street a packet belongs to and
whether a row may be applied is decided afterwards (``assess.py``), in SQL.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import python_calamine

from streetlink import sql
from streetlink.contracts import REPLY_FILES, REPLY_ROWS, REVIEW_REPLY_ROWS, Contract, enforce
from streetlink.replies import cells

__all__ = ["ReplyBatch", "ReplyFile", "read_replies", "register_replies"]

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30
TITLE_SCAN_ROWS = 6  # rows of a sheet without a table (the summary) whose text names the packet
READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls")  # calamine reads all three; streets save as either

ID_HEADER = "记录编号"
# English field → header, for each kind of sheet. The first header is the one that makes the kind.
PACKET_HEADERS = {
    "result_text": "核查结果", "checked_at": "核查时间", "checker": "核查人",
    "transfer_text": "转派至", "corrected_address": "正确地址", "note": "备注",
}
REVIEW_HEADERS = {
    "action_text": "处理结果", "code_text": "派发居村委代码", "handler": "处理人",
    "handled_at": "处理时间", "note": "备注",
}
_CANDIDATE_HEADER = re.compile(r"候选(\d)居村委")

_OPEN_FAILURES: tuple[tuple[type[BaseException], str], ...] = (
    (python_calamine.ZipError, "文件不完整或不是工作簿"),
    (python_calamine.XmlError, "工作表数据损坏"),
    (python_calamine.PasswordError, "工作簿设有密码"),
    (python_calamine.CalamineError, "工作簿无法读取"),
)


@dataclass
class ReplyFile:
    reply_file: str
    file_sha256: str | None
    status: str  # read | failed | duplicate | skipped
    reason: str | None = None
    kind: str | None = None  # packet | review | mixed
    sheets_read: int = 0
    rows_read: int = 0
    unanswered_rows: int = 0
    note_rows: int = 0
    title_text: str | None = None
    title_dates: list[Any] = field(default_factory=list)
    title_street_codes: list[str] = field(default_factory=list)


@dataclass
class ReplyBatch:
    folder: Path
    files: list[ReplyFile]
    packet_rows: list[dict[str, Any]]
    review_rows: list[dict[str, Any]]

    @property
    def failed(self) -> list[ReplyFile]:
        return [f for f in self.files if f.status == "failed"]

    def summary(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "files": [{k: v for k, v in vars(f).items() if k not in ("title_text", "title_dates")}
                      for f in self.files],
            "files_read": sum(f.status == "read" for f in self.files),
            "files_failed": len(self.failed),
            "packet_rows": len(self.packet_rows),
            "review_rows": len(self.review_rows),
        }


class _FileFailed(Exception):
    pass


def _open(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # calamine is Rust: a corrupt file may raise a PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        label = next((t for kind, t in _OPEN_FAILURES if isinstance(exc, kind)), type(exc).__name__)
        detail = str(exc).splitlines()[0] if str(exc) else ""
        raise _FileFailed(f"cannot open workbook: {label}" + (f" ({detail})" if len(detail) > 3 else "")) from None
    if not workbook.sheet_names:
        raise _FileFailed("workbook has no sheet")
    return workbook


def _sheet_rows(workbook: python_calamine.CalamineWorkbook, name: str) -> list[list[Any]]:
    try:
        # skip_empty_area=False keeps list indices equal to the sheet's own row numbers - 1.
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise _FileFailed(f"sheet {name!r} cannot be read: {type(exc).__name__}") from None


def _workbook_title(path: Path) -> str | None:
    """The workbook's title property (docProps/core.xml): streetlink writes the street and night there."""
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return None
    m = re.search(r"<dc:title>(.*?)</dc:title>", xml, re.DOTALL)
    return m.group(1) if m else None


def _find_header(rows: list[list[Any]]) -> tuple[int, str, dict[str, int]] | None:
    """(row index, 'packet' | 'review', header → first column) of the sheet's header row."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = [cells.header_key(v) for v in row]
        if ID_HEADER not in keys:
            continue
        kind = "packet" if PACKET_HEADERS["result_text"] in keys else (
            "review" if REVIEW_HEADERS["action_text"] in keys else None)
        if kind is None:
            continue
        columns: dict[str, int] = {}
        for col, key in enumerate(keys):
            columns.setdefault(key, col)  # a column added with the same header: the first one counts
        return index, kind, columns
    return None


def _cell(row: list[Any], col: int | None) -> Any:
    return row[col] if col is not None and col < len(row) else None


def _title_lines(rows: list[list[Any]]) -> list[str]:
    return [t for row in rows for t in (cells.text(v) for v in row) if t]


def _packet_fields(row: list[Any], columns: dict[str, int]) -> dict[str, Any]:
    get = {f: _cell(row, columns.get(h)) for f, h in PACKET_HEADERS.items()}
    checked_at, noyear = cells.parse_when(get["checked_at"])
    result_text = cells.text(get["result_text"])
    return {
        "result_text": result_text,
        "result": cells.result_code(result_text),
        "checked_at": checked_at,
        "checked_at_text": cells.text(get["checked_at"]),
        "checked_at_noyear": noyear,
        "checker": cells.text(get["checker"]),
        "transfer_text": cells.text(get["transfer_text"]),
        "corrected_address": cells.text(get["corrected_address"]),
        "note": cells.text(get["note"]),
    }


def _review_fields(row: list[Any], columns: dict[str, int]) -> dict[str, Any]:
    get = {f: _cell(row, columns.get(h)) for f, h in REVIEW_HEADERS.items()}
    handled_at, noyear = cells.parse_when(get["handled_at"])
    action_text = cells.text(get["action_text"])
    candidates: list[str | None] = []
    for key, col in sorted(columns.items()):
        m = _CANDIDATE_HEADER.fullmatch(key)
        if m:
            rank = int(m.group(1))
            while len(candidates) < rank:
                candidates.append(None)
            codes = cells.committee_codes_in(_cell(row, col))
            candidates[rank - 1] = codes[0] if codes else None
    return {
        "action_text": action_text,
        "action": cells.action_code(action_text),
        "code_text": cells.text(get["code_text"]),
        "typed_committee_code": cells.typed_committee_code(get["code_text"]),
        "candidate_codes": candidates or None,
        "handler": cells.text(get["handler"]),
        "handled_at": handled_at,
        "handled_at_text": cells.text(get["handled_at"]),
        "handled_at_noyear": noyear,
        "note": cells.text(get["note"]),
    }


def _read_sheet(file: ReplyFile, sheet: str, rows: list[list[Any]], header: tuple[int, str, dict[str, int]],
                out: list[dict[str, Any]]) -> None:
    index, kind, columns = header
    id_col = columns[ID_HEADER]
    fields = _packet_fields if kind == "packet" else _review_fields
    for r in range(index + 1, len(rows)):
        row = rows[r]
        id_cell = _cell(row, id_col)
        if cells.header_key(id_cell) == ID_HEADER:
            file.note_rows += 1  # the header row pasted again
            continue
        values = fields(row, columns)
        answered = any(v is not None for k, v in values.items()
                       if k not in ("result", "action", "checked_at_noyear", "handled_at_noyear",
                                    "typed_committee_code", "candidate_codes"))
        tokens = [cells.normal_record_id(t) for t in cells.split_record_ids(id_cell)]
        good = [t for t in tokens if cells.is_record_id(t)]
        if not tokens or not (answered or good):
            # No id at all: a note, a remark, a subtotal — not an answer to anything.
            if any(cells.text(v) for v in row):
                file.note_rows += 1
            continue
        if not answered:
            file.unanswered_rows += 1
            continue
        # An answered row whose id is unreadable is kept (and refused later) so it is reported.
        ids = [(t, True) for t in dict.fromkeys(good)] or [(t, False) for t in dict.fromkeys(tokens)]
        for record_id, ok in ids:
            out.append({"reply_file": file.reply_file, "file_sha256": file.file_sha256, "sheet": sheet,
                        "row_number": r + 1, "record_id": record_id, "id_ok": ok, **values})
        file.rows_read += 1


def _read_file(path: Path, file: ReplyFile, packet_rows: list[dict], review_rows: list[dict]) -> None:
    workbook = _open(path)
    titles: list[str] = [t for t in (_workbook_title(path),) if t]
    kinds: set[str] = set()
    packet_out: list[dict] = []
    review_out: list[dict] = []
    for sheet in workbook.sheet_names:
        rows = _sheet_rows(workbook, sheet)
        header = _find_header(rows)
        titles.append(sheet)
        if header is None:
            titles += _title_lines(rows[:TITLE_SCAN_ROWS])
            continue
        titles += _title_lines(rows[: header[0]])
        kinds.add(header[1])
        file.sheets_read += 1
        _read_sheet(file, sheet, rows, header, packet_out if header[1] == "packet" else review_out)
    if not kinds:
        raise _FileFailed(f"no sheet with the headers {ID_HEADER} and {PACKET_HEADERS['result_text']} "
                          f"(a packet) or {REVIEW_HEADERS['action_text']} (a review workbook)")
    file.kind = kinds.pop() if len(kinds) == 1 else "mixed"
    file.title_text = "\n".join(dict.fromkeys(titles))
    file.title_dates = sorted(set(cells.dates_in(file.title_text)))
    file.title_street_codes = sorted(set(cells.street_codes_in(file.title_text)))
    packet_rows += packet_out
    review_rows += review_out


def read_replies(folder: Path) -> ReplyBatch:
    """Every workbook in `folder` (missing folder: no replies tonight). Never raises for a bad file."""
    folder = Path(folder)
    files: list[ReplyFile] = []
    packet_rows: list[dict] = []
    review_rows: list[dict] = []
    if not folder.is_dir():
        log.info("no replies folder %s", folder)
        return ReplyBatch(folder, files, packet_rows, review_rows)
    seen: dict[str, str] = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        name = path.name
        if name.startswith(("~$", ".")):
            files.append(ReplyFile(name, None, "skipped", "锁定文件或隐藏文件"))
            continue
        if not name.lower().endswith(READABLE_SUFFIXES):
            files.append(ReplyFile(name, None, "skipped", "不是工作簿（.xlsx）"))
            continue
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if sha in seen:
            files.append(ReplyFile(name, sha, "duplicate", f"与 {seen[sha]} 内容相同"))
            continue
        seen[sha] = name
        file = ReplyFile(name, sha, "read")
        try:
            _read_file(path, file, packet_rows, review_rows)
        except _FileFailed as exc:
            file = ReplyFile(name, sha, "failed", str(exc))
            log.warning("reply file failed: %s: %s", name, exc)
        files.append(file)
        if file.status == "read":
            log.info("%s: %s, %d sheet(s), %d answered row(s), %d unanswered", name, file.kind,
                     file.sheets_read, file.rows_read, file.unanswered_rows)
    return ReplyBatch(folder, files, packet_rows, review_rows)


_ARROW = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us"),
          "DATE": pa.date32(), "VARCHAR[]": pa.list_(pa.string()), "DATE[]": pa.list_(pa.date32())}


def _arrow(contract: Contract, rows: list[dict[str, Any]]) -> pa.Table:
    schema = pa.schema([(c.name, _ARROW[c.dtype]) for c in contract.columns])
    return pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows], schema=schema)


def register_replies(con: duckdb.DuckDBPyConnection, batch: ReplyBatch) -> dict[str, int]:
    """Create ``reply_files``, ``reply_rows`` and ``review_reply_rows`` on `con`; return row counts."""
    tables = {
        "reply_files": (REPLY_FILES, [vars(f) for f in batch.files]),
        "reply_rows": (REPLY_ROWS, batch.packet_rows),
        "review_reply_rows": (REVIEW_REPLY_ROWS, batch.review_rows),
    }
    counts = {}
    for name, (contract, rows) in tables.items():
        arrow = _arrow(contract, rows)
        con.register("_replies_arrow", arrow)
        try:
            sql.run(con, "streetlink.replies", "assess_register", out=name, arrow="_replies_arrow")
        finally:
            con.unregister("_replies_arrow")
        enforce(con, name, contract)
        counts[name] = arrow.num_rows
    return counts
