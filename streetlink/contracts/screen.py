"""Contracts of the screen stage (issue 12): cases.parquet, the case rows for packets,
the kept screening input, and the open-item columns screening reads from the ledger.

Glossary: 筛查 screening, 案件 case, 优先级 priority (紧急 urgent / 重点 high / 一般 normal),
截止时间 deadline, 应急派单 emergency order (an urgent case).
"""

from __future__ import annotations

from streetlink.contracts.schema import Column, Contract

__all__ = ["CASES", "CASE_ROWS", "OPEN_ITEMS_READ", "PRIORITY_VALUES", "SCREEN_BASE"]

V = "VARCHAR"
PRIORITY_VALUES = ("urgent", "high", "normal")
_CASE_ID = r"C\d{8}-[0-9A-F]{10}"

CASES = Contract(
    name="cases.parquet",
    grain="one row per input record of the night (as links.parquet), with its case and priority",
    exact=True,
    columns=(
        Column("case_id", V, nullable=False,
               description="C<first night yyyymmdd>-<10 hex of sha256(case key)>; kept while the case is open"),
        Column("record_id", V, nullable=False, unique=True),
        Column("priority", V, nullable=False, allowed=PRIORITY_VALUES, description="the case's priority"),
        Column("rules", V, description="the screening rules this record fired, ';'-separated, in file order"),
        Column("deadline", "TIMESTAMP", description="when the street must have answered (dispatched records)"),
    ),
    notes=(
        "the records of one person tonight (any source), or without a person of one dwelling "
        "(else committee and place) and matter, share a case_id",
        "a health-cloud report with symptoms, or a record tied to a listed key area inside its "
        "window, is never 'normal'",
    ),
)

CASE_ROWS = Contract(
    name="case_rows",
    grain="one row per case and committee among the night's dispatched records (a case whose "
          "records went to two committees has a row in each: a packet holds only its street's records)",
    columns=(
        Column("street_code", V, nullable=False, pattern=r"310115\d{3}"),
        Column("committee_code", V, nullable=False, pattern=r"310115\d{6}"),
        Column("case_id", V, nullable=False, pattern=_CASE_ID),
        Column("record_ids", "VARCHAR[]", nullable=False, description="the row's records, the case's own first"),
        Column("sources", "VARCHAR[]", nullable=False),
        Column("priority", V, nullable=False, allowed=PRIORITY_VALUES),
        Column("priority_label", V, nullable=False, allowed=("紧急", "重点", "一般"),
               description="as the rules file labels it"),
        Column("priority_rank", "INTEGER", nullable=False, description="0 urgent, 1 high, 2 normal: sort key"),
        Column("deadline", "TIMESTAMP", nullable=False, description="截止时间"),
        Column("rules", "VARCHAR[]", nullable=False, description="rule names fired by the row's records"),
        Column("rules_text", V, description="触发规则 in Chinese, '；'-separated (the key area named)"),
        Column("key_area", V, description="the listed key area a record of the row is tied to"),
        Column("emergency", "BOOLEAN", nullable=False, description="应急派单: the case is urgent"),
        Column("continued", "BOOLEAN", nullable=False, description="the case is still open from an earlier night"),
        Column("n_records", "INTEGER", nullable=False),
    ),
)

# What screening reads of the ledger's OPEN_ITEMS (TEAM.md; the replies stage owns the
# ledger and the full contract): these columns must be present; others may follow.
OPEN_ITEMS_READ = Contract(
    name="open_items (read by screen)",
    grain="one row per dispatch published before tonight that no reply has closed",
    columns=(
        Column("record_id", V, nullable=False),
        Column("night", "DATE", nullable=False),
        Column("case_id", V),
        Column("person_id", V),
        Column("house_id", V),
        Column("street_code", V),
        Column("committee_code", V),
        Column("priority", V, allowed=PRIORITY_VALUES),
        Column("deadline", "TIMESTAMP"),
        Column("rules", V),
    ),
)

SCREEN_BASE = Contract(
    name="screen_input.parquet",
    grain="one row per record of the night: what the rules read that depends neither on the "
          "rules nor on the key areas (kept to replay a rule change, `streetlink screen`)",
    columns=(
        Column("record_id", V, nullable=False, unique=True),
        Column("case_id", V, nullable=False, pattern=_CASE_ID),
        Column("case_key", V, nullable=False, description="P|person|matter, H|dwelling|matter, "
                                                           "A|committee|place|matter or R|record"),
        Column("continued", "BOOLEAN", nullable=False),
        Column("open_case_rank", "INTEGER", description="priority rank of the case's open items"),
        Column("open_case_deadline", "TIMESTAMP", description="earliest deadline of the case's open items"),
        Column("person_id", V),
        Column("home_id", V, description="the person's registered dwelling"),
        Column("open_urgent_cases", "VARCHAR[]", nullable=False,
               description="urgent open cases sharing the record's dwelling"),
        Column("match_texts", "STRUCT(via VARCHAR, \"text\" VARCHAR)[]",
               description="the texts a key area is looked for in"),
    ),
    notes=("and the struct columns record, person, dwelling, history of streetlink/screen/fields.py",),
)
