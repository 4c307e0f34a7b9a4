"""The closed set of fields a screening rule may read, declared as data.

A rule's condition is a SQL boolean expression over ``<namespace>.<field>``; the loader
refuses any other name. The namespaces are struct columns of one table per night
(``screen_input``), so a condition reads exactly as it is written in the rules file:

    record     the linked record itself (its source fields, its decision)
    person     the registry person it is linked to (all null when none)
    dwelling   the dwelling it resolved to (all null when none)
    history    its case: the same person (or, without a person, the same dwelling or place
               and matter) tonight and still open from earlier nights
    travel     its tie to a listed key area (derived from the key-area file at run time)
    household  urgent cases sharing its dwelling (derived after the other rules ran)

``record``, ``person``, ``dwelling`` and ``history`` are built from the night's tables
and kept (``internal/screen_input.parquet``) so that a rule change can be replayed on a
published night; ``travel`` is recomputed from the key-area file and ``household`` from
the rules, so that changes to either show in the replay too.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DERIVED_NAMESPACES",
    "FIELDS",
    "KEPT_NAMESPACES",
    "NAMESPACES",
    "Field",
    "known_fields",
    "struct_type",
]


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str  # DuckDB type
    description: str  # plain Chinese first: the data center edits the rules


V, B, I, D, T, L = "VARCHAR", "BOOLEAN", "INTEGER", "DATE", "TIMESTAMP", "VARCHAR[]"

FIELDS: dict[str, tuple[Field, ...]] = {
    "record": (
        Field("source", V, "来源：checkpoint 道口登记 / hotline 12345热线 / healthcloud 健康云"),
        Field("decision", V, "派发结果：dispatched 已派发 / review 待复核 / rejected 已拒收"),
        Field("reason", V, "待复核或拒收的原因代码（如 address_ambiguous）"),
        Field("night", D, "批次日期（本次运行的日期）"),
        Field("event_time", T, "登记/受理/自报时间"),
        Field("street_code", V, "派发街镇代码（已派发时）"),
        Field("committee_code", V, "派发居村委代码（已派发时）"),
        Field("house_id", V, "匹配到的实有房屋编号"),
        Field("person_linked", B, "是否匹配到人口库人员（热线为来电人）"),
        Field("matter", V, "事项：由规则文件 [matters] 从工单类别得出，默认“疫情防控”"),
        Field("hotline_category", V, "热线 工单类别（如 疫情防控-居家隔离）"),
        Field("hotline_text", V, "热线 诉求内容"),
        Field("origin", V, "道口 出发地"),
        Field("purpose", V, "道口 来沪事由"),
        Field("symptoms", L, "健康云 症状（列表，已去掉“无”“否”等表示无症状的词）"),
        Field("has_symptoms", B, "健康云自报有症状"),
        Field("travel_history", L, "健康云 旅居史（列表）"),
        Field("arrival_date", D, "健康云 到达日期（原样，无法解析时为空）"),
    ),
    "person": (
        Field("linked", B, "是否匹配到人员"),
        Field("residence_type", V, "人口库 人口类型：户籍 / 来沪 / 境外"),
        Field("gender", V, "人口库 性别"),
        Field("age", I, "批次日期时的周岁年龄"),
        Field("has_registered_home", B, "人口库登记了居住房屋"),
        Field("registered_here", B, "登记房屋即本记录匹配到的房屋"),
    ),
    "dwelling": (
        Field("resolved", B, "是否匹配到实有房屋"),
        Field("registered_residents", I, "人口库登记在该房屋的人数"),
        Field("occupants_seen", I, "今晚及未结案中在该房屋出现的不同人员数（道口、健康云；热线来电人不算）"),
        Field("registered_occupants_seen", I, "其中登记在该房屋的人数"),
        Field("unregistered_occupants_seen", I, "其中未登记在该房屋的人数（含未匹配到人口库的人）"),
        Field("records_tonight", I, "今晚匹配到该房屋的记录数（各来源）"),
    ),
    "history": (
        Field("records_tonight", I, "本案件今晚的记录数（同一人，或无人员时同一房屋/地点及事项）"),
        Field("sources_tonight", I, "本案件今晚出现的不同来源数"),
        Field("open_items", I, "此前各晚派发、尚未结案的同案件或同一人员的事项数"),
        Field("open_nights", I, "这些未结案事项分布的不同日期数"),
        Field("open_priority", V, "这些未结案事项中最高的优先级（urgent/high/normal，无则为空）"),
        Field("first_seen", D, "本案件最早出现的日期（含今晚）"),
        Field("nights_seen", I, "本案件出现的不同日期数（含今晚）"),
    ),
    "travel": (
        Field("key_area", V, "在其时间窗口内关联到的重点地区（如 湖北省武汉市），无则为空"),
        Field("key_area_any", V, "提到的重点地区（不论日期），无则为空"),
        Field("via", V, "关联依据：旅居史 / 出发地 / 诉求内容"),
        Field("arrival", D, "用于比对的到达日期：健康云到达日期，否则登记/受理日期"),
        Field("days_since_arrival", I, "批次日期距到达日期的天数"),
    ),
    "household": (
        Field("urgent_cases", I, "与本记录同一房屋（匹配房屋或人员登记房屋）的其他紧急案件数（今晚及未结案）"),
    ),
}

NAMESPACES = tuple(FIELDS)
KEPT_NAMESPACES = ("record", "person", "dwelling", "history")
DERIVED_NAMESPACES = ("travel", "household")


def struct_type(namespace: str) -> str:
    """The DuckDB STRUCT type of a namespace, as declared."""
    return "STRUCT(" + ", ".join(f'"{f.name}" {f.dtype}' for f in FIELDS[namespace]) + ")"


def known_fields() -> dict[str, dict[str, Field]]:
    return {ns: {f.name: f for f in fields} for ns, fields in FIELDS.items()}
