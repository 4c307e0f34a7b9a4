"""Contracts of the replies stage (../shared/contracts/REPLIES.md): what streets and clerks
send back, the persistent ledger, and the tables the replies package hands the lead.

Glossary: 回执 reply (a returned packet or review workbook), 核查结果 result,
转派 transfer, 人工派发 manual dispatch, 待复核 review queue, 逾期 overdue.
"""

from __future__ import annotations

from dataclasses import replace

from streetlink.contracts.packets import CHECK_RESULTS
from streetlink.contracts.schema import Column, Contract
from streetlink.contracts.sources import SOURCE_NAMES

__all__ = [
    "CONFIRMING_RESULTS", "ITEM_KINDS", "LABEL_EVIDENCE", "LEDGER_DISPATCHES", "LEDGER_LABELS",
    "OPEN_ITEMS", "PUBLISHED_ITEMS", "REFUSALS", "REFUTING_RESULTS", "REPEATS", "REPLIES_PARQUET",
    "REPLY_FILES", "REPLY_LABELS", "REPLY_RESULTS", "REPLY_ROWS", "REVIEW_ACTIONS",
    "REVIEW_ACTION_ROWS", "REVIEW_ITEMS", "REVIEW_REPLY_ROWS", "TRANSFER_ITEMS", "TRANSFER_REVIEW",
]

V = "VARCHAR"
_STREET = r"310115\d{3}"
_COMMITTEE = r"310115\d{6}"

# 核查结果 → result code (REPLIES.md): the packet's drop-down list, declared once.
REPLY_RESULTS: dict[str, str] = CHECK_RESULTS
CONFIRMING_RESULTS = ("verified_resident", "verified_moved", "not_found")  # the committee was right
REFUTING_RESULTS = ("wrong_address", "not_our_area")  # the committee was wrong

# 处理结果 of the review workbook's 待复核 sheet → action code.
REVIEW_ACTIONS: dict[str, str] = {
    "派发至候选1": "dispatch_candidate_1",
    "派发至候选2": "dispatch_candidate_2",
    "派发至候选3": "dispatch_candidate_3",
    "派发至指定居村委": "dispatch_committee",
    "区外转办": "outside_pudong",
    "退回来源单位核实": "return_to_source",
    "无法定位结案": "close_unlocatable",
}

# Why a reply row was read but not applied: code -> Chinese label (for the report).
REFUSALS: dict[str, str] = {
    "unknown_record": "记录编号不存在",
    "street_unknown": "无法判断回执所属街镇",
    "not_sent_to_this_street": "该街镇未收到过此记录",
    "no_result": "未填写核查结果",
    "unreadable_result": "核查结果不在选项内",
    "repeated_reply": "与此前收到的回执相同",
    "not_in_review": "记录不在待复核清单中",
    "no_action": "未填写处理结果",
    "unreadable_action": "处理结果不在选项内",
    "already_handled": "该记录已处理",
}

ITEM_KINDS = ("new", "transfer", "manual")  # 新派 / 转派 / 人工派发

_REPLY_CELLS = (
    Column("reply_file", V, nullable=False, description="file name as it arrived"),
    Column("file_sha256", V, nullable=False, description="content hash: the same bytes are one file"),
    Column("sheet", V, nullable=False, description="sheet name as found (may be renamed)"),
    Column("row_number", "INTEGER", nullable=False, description="spreadsheet row (1-based)"),
    Column("record_id", V, nullable=False, description="one id of the row's 记录编号 cell"),
    Column("id_ok", "BOOLEAN", nullable=False, description="the id looks like <source>:<id>"),
)

REPLY_FILES = Contract(
    name="reply_files",
    grain="one row per file found in <inbox>/<date>/replies/",
    columns=(
        Column("reply_file", V, nullable=False),
        Column("file_sha256", V),
        Column("status", V, nullable=False, allowed=("read", "failed", "duplicate", "skipped")),
        Column("reason", V, description="why failed/duplicate/skipped, in words"),
        Column("kind", V, allowed=("packet", "review", "mixed")),
        Column("sheets_read", "INTEGER", nullable=False),
        Column("rows_read", "INTEGER", nullable=False, description="rows with an id and an answer"),
        Column("unanswered_rows", "INTEGER", nullable=False, description="rows with an id and no fill-in"),
        Column("note_rows", "INTEGER", nullable=False, description="rows with text but no record id"),
        Column("title_text", V, description="sheet names, title rows and workbook title, for attribution"),
        Column("title_dates", "DATE[]", description="dates written in the titles (the packet's night)"),
        Column("title_street_codes", "VARCHAR[]", description="street codes named in titles or committee codes"),
    ),
)

REPLY_ROWS = Contract(
    name="reply_rows",
    grain="one row per (returned packet row × record id in its 记录编号 cell)",
    columns=_REPLY_CELLS + (
        Column("result_text", V, description="核查结果 as typed"),
        Column("result", V, allowed=tuple(REPLY_RESULTS.values()),
               description="code of result_text; null when blank or not a listed result"),
        Column("checked_at", "TIMESTAMP", description="核查时间 when typed with a year (or as an Excel date)"),
        Column("checked_at_text", V, description="核查时间 as typed"),
        Column("checked_at_noyear", V, description="'MM-DD HH:MM:SS' when typed without a year"),
        Column("checker", V),
        Column("transfer_text", V, description="转派至 as typed"),
        Column("corrected_address", V, description="正确地址"),
        Column("note", V, description="备注"),
    ),
)

REVIEW_REPLY_ROWS = Contract(
    name="review_reply_rows",
    grain="one row per (returned review-workbook row × record id)",
    columns=_REPLY_CELLS + (
        Column("action_text", V, description="处理结果 as typed"),
        Column("action", V, allowed=tuple(REVIEW_ACTIONS.values())),
        Column("code_text", V, description="派发居村委代码 as typed"),
        Column("typed_committee_code", V, pattern=r"\d{12}", description="12 digits read from code_text"),
        Column("candidate_codes", "VARCHAR[]", description="committee codes read from 候选1..3居村委 (null: none)"),
        Column("handler", V, description="处理人"),
        Column("handled_at", "TIMESTAMP"),
        Column("handled_at_text", V),
        Column("handled_at_noyear", V),
        Column("note", V),
    ),
)

_LABEL_COLUMNS = (
    Column("record_id", V, nullable=False),
    Column("reply_file", V, nullable=False),
    Column("file_sha256", V, nullable=False),
    Column("sheet", V, nullable=False),
    Column("row_number", "INTEGER", nullable=False),
    Column("street_code", V, pattern=_STREET, description="the street whose packet it is (null: unknown)"),
    Column("dispatch_night", "DATE", description="night of the dispatch this row answers"),
    Column("committee_code", V, pattern=_COMMITTEE, description="committee of the dispatch answered"),
    Column("result", V, allowed=tuple(REPLY_RESULTS.values())),
    Column("result_text", V),
    Column("transfer_text", V),
    Column("transfer_committee_code", V, pattern=_COMMITTEE),
    Column("transfer_status", V, allowed=("resolved", "ambiguous", "not_found", "empty")),
    Column("corrected_address", V),
    Column("checked_at", "TIMESTAMP"),
    Column("checked_at_text", V),
    Column("checker", V),
    Column("note", V),
    Column("read_night", "DATE", nullable=False, description="the night whose inbox held the file"),
    Column("read_at", "TIMESTAMP", nullable=False),
    Column("applied", "BOOLEAN", nullable=False),
    Column("refused_reason", V, allowed=tuple(REFUSALS)),
    Column("model_version", V, description="model version of the dispatch answered"),
)

REPLY_LABELS = Contract(
    name="reply_labels",
    grain="one row per reply row read tonight and judged (pending: written to the ledger at publish)",
    columns=_LABEL_COLUMNS,
    notes=("applied exactly when refused_reason is null",),
)

LEDGER_LABELS = Contract(
    name="ledger.labels",
    grain="append-only: one row per reply row ever read (file content + sheet + row + record)",
    columns=_LABEL_COLUMNS,
)

REPLIES_PARQUET = Contract(
    name="replies.parquet",
    grain="one row per reply row read that night (REPLIES.md)",
    exact=True,
    columns=(
        Column("record_id", V, nullable=False),
        Column("reply_file", V, nullable=False),
        Column("street_code", V),
        Column("result", V, allowed=tuple(REPLY_RESULTS.values())),
        Column("transfer_committee_code", V),
        Column("checked_at", "TIMESTAMP"),
        Column("checker", V),
        Column("applied", "BOOLEAN", nullable=False),
        Column("refused_reason", V),
    ),
)

REVIEW_ACTION_ROWS = Contract(
    name="review_actions",
    grain="one row per review-workbook row read and judged (tonight's, or the ledger's history)",
    columns=(
        Column("record_id", V, nullable=False),
        Column("reply_file", V, nullable=False),
        Column("file_sha256", V, nullable=False),
        Column("sheet", V, nullable=False),
        Column("row_number", "INTEGER", nullable=False),
        Column("review_night", "DATE", description="night of the review queue the record was in"),
        Column("action", V, allowed=tuple(REVIEW_ACTIONS.values())),
        Column("action_text", V),
        Column("committee_code", V, description="the committee a dispatch action names (null: none usable)"),
        Column("code_text", V),
        Column("handler", V),
        Column("handled_at", "TIMESTAMP"),
        Column("handled_at_text", V),
        Column("note", V),
        Column("read_night", "DATE", nullable=False),
        Column("read_at", "TIMESTAMP", nullable=False),
        Column("applied", "BOOLEAN", nullable=False),
        Column("refused_reason", V, allowed=tuple(REFUSALS)),
    ),
)

_ITEM_DISPLAY = (
    Column("name", V, description="name on the record (for the door)"),
    Column("phone", V),
    Column("address", V, description="the address as the source wrote it"),
    Column("resolved_address", V, description="the standard address the record was placed at"),
)

PUBLISHED_ITEMS = Contract(
    name="published_items",
    grain="one row per record published in tonight's packets (new, transfer or manual)",
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("source", V, nullable=False, allowed=SOURCE_NAMES),
        Column("street_code", V, nullable=False, pattern=_STREET),
        Column("committee_code", V, nullable=False, pattern=_COMMITTEE),
        Column("house_id", V),
        Column("person_id", V),
        Column("rule", V, description="decide rule that fired ('clerk' for a manual dispatch)"),
        Column("basis", V),
        Column("case_id", V),
        Column("item_id", V, description="the packet row the record is on (a case may hold several)"),
        Column("priority", V),
        Column("rules", V, description="screening rules that fired, ';'-separated"),
        Column("deadline", "TIMESTAMP", nullable=False),
        Column("packet_file", V),
        Column("kind", V, nullable=False, allowed=ITEM_KINDS),
        Column("transferred_from_street", V, pattern=_STREET),
        Column("original_night", "DATE", description="night the record first came in (transfers, manual)"),
    ) + _ITEM_DISPLAY,
)

LEDGER_DISPATCHES = Contract(
    name="ledger.dispatches",
    grain="one row per (night, record) ever published",
    # (night, record_id) is the key: a record is published at most once a night.
    columns=(Column("night", "DATE", nullable=False),)
    + tuple(replace(c, unique=False) for c in PUBLISHED_ITEMS.columns)
    + (Column("published_at", "TIMESTAMP", nullable=False), Column("model_version", V)),
)

REVIEW_ITEMS = Contract(
    name="review_items",
    grain="one row per record in tonight's review queue",
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("source", V, nullable=False, allowed=SOURCE_NAMES),
        Column("reason", V, nullable=False),
        Column("house_id", V),
        Column("person_id", V),
    ) + _ITEM_DISPLAY,
)

TRANSFER_ITEMS = Contract(
    name="transfer_items",
    grain="one row per record dispatched again tonight: 转派 from a street, or 人工派发 by a clerk",
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("source", V, nullable=False, allowed=SOURCE_NAMES),
        Column("street_code", V, nullable=False, pattern=_STREET),
        Column("committee_code", V, nullable=False, pattern=_COMMITTEE),
        Column("kind", V, nullable=False, allowed=("transfer", "manual")),
        Column("transferred_from_street", V, pattern=_STREET, description="the street that returned it (transfer)"),
        Column("transferred_from_committee", V, pattern=_COMMITTEE),
        Column("original_night", "DATE", nullable=False, description="night of the dispatch / review answered"),
        Column("house_id", V),
        Column("person_id", V),
        Column("case_id", V),
        Column("priority", V),
        Column("rules", V),
        Column("corrected_address", V, description="正确地址 from the returning street"),
        Column("returned_note", V, description="备注 of the returning street or the clerk"),
        Column("returned_by", V, description="核查人 / 处理人"),
        Column("reply_file", V, nullable=False),
    ) + _ITEM_DISPLAY,
)

TRANSFER_REVIEW = Contract(
    name="transfer_review",
    grain="one row per record returned without a usable target: to the review queue",
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("source", V, nullable=False, allowed=SOURCE_NAMES),
        Column("reason", V, nullable=False, allowed=("transfer_unresolved",)),
        Column("why", V, nullable=False, allowed=(
            "no_target", "ambiguous_name", "unknown_committee", "same_committee", "already_refuted",
            "no_candidate_code", "wrong_address")),
        Column("street_code", V, description="the street that returned it (null: from the review desk)"),
        Column("committee_code", V),
        Column("transfer_text", V, description="转派至 / 派发居村委代码 as typed"),
        Column("corrected_address", V),
        Column("returned_note", V),
        Column("original_night", "DATE", nullable=False),
        Column("reply_file", V, nullable=False),
        Column("house_id", V),
        Column("person_id", V),
    ) + _ITEM_DISPLAY,
)

OPEN_ITEMS = Contract(
    name="open_items",
    grain="one row per dispatch published before tonight that no reply has closed",
    exact=True,
    columns=(
        Column("record_id", V, nullable=False),
        Column("night", "DATE", nullable=False),
        Column("case_id", V),
        Column("person_id", V),
        Column("house_id", V),
        Column("street_code", V, nullable=False, pattern=_STREET),
        Column("committee_code", V, nullable=False, pattern=_COMMITTEE),
        Column("priority", V),
        Column("deadline", "TIMESTAMP", nullable=False),
        Column("rules", V),
    ),
)

REPEATS = Contract(
    name="repeats",
    grain="one row per record of tonight that repeats a still-open item (mark it, do not knock twice)",
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("open_record_id", V, nullable=False),
        Column("open_night", "DATE", nullable=False),
        Column("street_code", V, nullable=False),
        Column("committee_code", V, nullable=False),
        Column("case_id", V),
        Column("match", V, nullable=False, allowed=("same_record", "same_person", "same_dwelling_source")),
        Column("same_committee", "BOOLEAN", nullable=False,
               description="tonight's placement is the open item's committee"),
    ),
)

LABEL_EVIDENCE = Contract(
    name="label_evidence",
    grain="one row per labelled record: what the streets' answers say about its first dispatch",
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("source", V, nullable=False),
        Column("night", "DATE", nullable=False, description="night of the first dispatch"),
        Column("kind", V, nullable=False, allowed=ITEM_KINDS),
        Column("street_code", V, nullable=False),
        Column("committee_code", V, nullable=False, description="the committee first dispatched to"),
        Column("rule", V, description="decide rule (basis when the rule is unknown)"),
        Column("basis", V),
        Column("house_id", V),
        Column("person_id", V),
        Column("model_version", V),
        Column("result", V, nullable=False, description="the latest answer to the first dispatch"),
        Column("committee_confirmed", "BOOLEAN", description="null: duplicate/other (says nothing)"),
        Column("true_committee_code", V, description="confirmed committee, or where the record really belongs"),
        Column("person_confirmed", "BOOLEAN", description="person-linked only: resident true, not found false"),
        Column("home_stale", "BOOLEAN", description="verified_moved true, verified_resident false, else null"),
        Column("labelled_night", "DATE", nullable=False),
    ),
)
