"""What a street packet and the review workbook are made of, declared as data.

PACKET_ROWS is the one relation packets are written from (streetlink/dispatch/packets.py):
one row per item a committee must act on. Tonight's dispatched records give one item
each (``build_packet_rows``); screening cases (several records of one person) and
transfers returned by other streets are further producers of the same rows.

OVERDUE_ITEMS is what the reply ledger hands the packet writer: items of earlier nights
still open past their deadline (absent or empty: no 逾期未核查 sheet).

The fill-in columns and the drop-down results are those of REPLIES.md and TEAM.md: the
reply reader finds them by header text, so they are fixed here, once.

DISPATCH_REASONS is the table a street worker's one-line reason comes from: (decide rule,
dispatch basis) → plain Chinese. It is looked up, never parsed out of the model's
explanation; add a row when the decide stage gains a rule.
"""

from __future__ import annotations

from streetlink.contracts.schema import Column, Contract

__all__ = [
    "CHECK_RESULTS", "DISPATCH_REASONS", "ITEM_KINDS", "KIND_LABELS", "OVERDUE_ITEMS",
    "PACKET_FILL_IN", "PACKET_ROWS", "PRIORITIES", "PRIORITY_LABELS", "REVIEW_FILL_IN",
    "REVIEW_NOTES", "REVIEW_RESULTS", "dispatch_reason_text",
]

V = "VARCHAR"

PRIORITIES = ("urgent", "high", "normal")
PRIORITY_LABELS = {"urgent": "紧急", "high": "重点", "normal": "一般"}
ITEM_KINDS = ("new", "transfer", "manual")
KIND_LABELS = {"new": "新派", "transfer": "转派", "manual": "人工派发"}

# REPLIES.md: 核查结果 → result code. The drop-down offers exactly these, in this order.
CHECK_RESULTS: dict[str, str] = {
    "已核实在住": "verified_resident",
    "已核实不在住": "verified_moved",
    "查无此人": "not_found",
    "地址错误": "wrong_address",
    "非本辖区": "not_our_area",
    "重复推送": "duplicate",
    "其他": "other",
}
# Every committee sheet: 记录编号 plus these, headers exactly (TEAM.md, REPLIES.md).
PACKET_FILL_IN = ("核查结果", "核查时间", "核查人", "转派至", "正确地址", "备注")

# The review workbook's 处理结果 drop-down and fill-in columns (TEAM.md).
REVIEW_RESULTS = (
    "派发至候选1", "派发至候选2", "派发至候选3", "派发至指定居村委", "区外转办", "退回来源单位核实",
    "无法定位结案",
)
REVIEW_FILL_IN = ("处理结果", "派发居村委代码", "处理人", "处理时间", "备注")

PACKET_ROWS = Contract(
    name="packet_rows",
    grain="one row per item a committee must act on (a dispatched record, a screening case, a transfer)",
    columns=(
        Column("street_code", V, nullable=False, pattern=r"310115\d{3}"),
        Column("street_name", V, nullable=False),
        Column("committee_code", V, nullable=False, pattern=r"310115\d{6}"),
        Column("committee_name", V, nullable=False),
        Column("item_id", V, nullable=False, unique=True,
               description="the item's own record id (a case: its first record)"),
        Column("record_ids", "VARCHAR[]", nullable=False,
               description="the records the row answers for, the item's own first; 记录编号 shows them "
                           "joined by ；"),
        Column("sources", "VARCHAR[]", nullable=False, description="their sources (one per record id)"),
        Column("priority", V, nullable=False, allowed=PRIORITIES),
        Column("deadline", "TIMESTAMP", nullable=False,
               description="Shanghai wall-clock time by which the street must answer"),
        Column("kind", V, nullable=False, allowed=ITEM_KINDS),
        Column("transferred_from", V, description="for a transfer: who returned it (e.g. 陆家嘴街道)"),
        Column("event_time", "TIMESTAMP", description="when the source saw it (Shanghai time)"),
        Column("event_time_raw", V, description="the source's time text when it could not be read"),
        # what the visit needs, and only that (PIPL art. 6: minimum necessary)
        Column("person_name", V, description="the person concerned; null when not printed "
                                             "(a hotline caller who may be a neighbour)"),
        Column("person_id_number", V),
        Column("person_phone", V),
        Column("contact_note", V, description="how to reach the reporter when the person fields are not printed"),
        Column("address", V, description="the address as the source wrote it"),
        Column("resolved_address", V, description="the standard address the item was placed at"),
        Column("reason_text", V, nullable=False, description="one plain-Chinese line: why it was sent here"),
        Column("details", V, description="what else the visit needs, one 「label：value」 per line"),
        # walking order (小区/路, 弄, 号, 室; 村, 组, 号), compared as natural numbers by the writer
        Column("walk_place", V, description="road or community; village for a village address"),
        Column("walk_block", V, description="弄 (lane), or 组 (group) in a village"),
        Column("walk_number", V, description="号"),
        Column("walk_room", V, description="室"),
    ),
    notes=(
        "a street's packet holds its own rows only: street_code is the committee's street in admin",
        "every record id appears in at most one row of a night",
    ),
)

OVERDUE_ITEMS = Contract(
    name="overdue_items",
    grain="one row per record dispatched on an earlier night, still open, past its deadline",
    columns=(
        Column("street_code", V, nullable=False, pattern=r"310115\d{3}"),
        Column("committee_code", V, nullable=False, pattern=r"310115\d{6}"),
        Column("record_id", V, nullable=False),
        Column("night", "DATE", nullable=False, description="the night whose packet carried it"),
        Column("deadline", "TIMESTAMP", nullable=False),
        Column("resolved_address", V),
        Column("name", V, description="as printed in that night's packet (null if it was not printed)"),
        Column("phone", V),
    ),
)

# (decide rule, dispatch basis) → what a street worker reads. Either key may be None
# (matches anything); the most specific row wins: (rule, basis), (rule, None), (None,
# basis), then the default. Rule names are the decide stage's (DECISIONS.rule); until that
# column lands the basis alone decides.
DISPATCH_REASONS: tuple[tuple[str | None, str | None, str], ...] = (
    (None, "address_dwelling", "地址与实有房屋一致"),
    (None, "address_building", "地址与楼栋一致，室号缺失或不符，请上门确认房号"),
    (None, "address_community", "地址只写到小区或居委，该小区属本居委"),
    (None, "address_village", "地址与本村村组一致"),
    (None, "person_registered_home", "地址不详，按人口库登记住址派发，可能已搬迁"),
    ("address_and_person", None, "地址与本人人口库登记住址一致"),
    ("address_and_person", "address_dwelling", "地址与实有房屋及本人人口库登记住址一致"),
    ("place_and_person", None, "地址所在小区跨多个居委，按本人人口库登记住址所在居委派发"),
    ("committee_named", None, "地址中写明本居委"),
    ("address_exact_single", None, "地址所写的路、弄、门牌、室号只与实有房屋库中一户相符"),
    ("person_registered_home", None, "地址不详，按人口库登记住址派发，可能已搬迁"),
)
DEFAULT_DISPATCH_REASON = "按地址派发"

# What the review desk reads beside each review reason (the 说明 column and the review
# page): what the pipeline saw and what to check. The candidates follow it.
REVIEW_NOTES: dict[str, str] = {
    "outside_pudong": "地址在浦东新区以外，请按所属区、省批量转办",
    "address_unresolved": "地址无法对上浦东新区的实有房屋或居村委，可能是外区地址未写区名，请核实后派发或退回",
    "address_ambiguous": "地址可能属于以下几个居村委，概率接近，请对照候选选择",
    "place_nearby": "地址只说在某小区或村的附近、旁边或对面，事发地点可能不在该居村委，请核实具体位置后派发",
    "conflicting_evidence": "地址与本人人口库登记住址指向不同居村委，请判断以哪一个为准",
    "low_confidence": "最可能的居村委把握不足，请核对后派发",
    "vague_address": "地址过于模糊，无法定位到居村委；如身份已确认，可参考登记住址（可能已搬迁）",
    "transfer_unresolved": "街镇退回（非本辖区但转派至无法对应到浦东新区的居村委，或反馈地址错误），请确定去向",
}
DEFAULT_REVIEW_NOTE = "请核对后处理"


def dispatch_reason_text(rule: str | None, basis: str | None) -> str:
    """The one-line reason for a (rule, basis), most specific row of DISPATCH_REASONS first."""
    table = {(r, b): text for r, b, text in DISPATCH_REASONS}
    for key in ((rule, basis), (rule, None), (None, basis)):
        if key != (None, None) and key in table:
            return table[key]
    return DEFAULT_DISPATCH_REASON
