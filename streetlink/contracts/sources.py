"""The three nightly extracts, as the agencies send them (../shared/contracts/SOURCES.md).

This is the one place where Chinese headers become English column names. Readers find
columns by header text, never by position; every header listed here is required.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SOURCES", "SOURCE_NAMES", "SourceSpec", "source_for_file"]


@dataclass(frozen=True)
class SourceSpec:
    source: str  # short English name, also the record_id prefix
    file_prefix: str  # a file belongs to the source by this name prefix
    file_suffixes: tuple[str, ...]
    file_format: str  # csv | xlsx | jsonl
    # header as sent (Chinese; for JSON a dotted path) -> English column name
    headers: dict[str, str]
    id_column: str  # English name of the source id column
    time_column: str  # English name of the event time column
    label: str  # Chinese name of the source, for packets and reports

    @property
    def required_headers(self) -> list[str]:
        return list(self.headers)


CHECKPOINT = SourceSpec(
    source="checkpoint",
    file_prefix="checkpoint",
    file_suffixes=(".csv",),
    file_format="csv",
    headers={
        "记录编号": "source_id",
        "登记时间": "event_time_raw",
        "道口名称": "checkpoint_name",
        "姓名": "name",
        "证件类型": "id_type",
        "证件号码": "id_number",
        "联系电话": "phone",
        "车牌号码": "plate",
        "出发地": "origin",
        "来沪事由": "purpose",
        "在沪居住地址": "address",
    },
    id_column="source_id",
    time_column="event_time_raw",
    label="公安道口登记",
)

HOTLINE = SourceSpec(
    source="hotline",
    file_prefix="hotline",
    file_suffixes=(".xlsx",),
    file_format="xlsx",
    headers={
        "工单编号": "source_id",
        "受理时间": "event_time_raw",
        "来电人": "name",
        "来电号码": "phone",
        "事发地址": "address",
        "诉求内容": "content",
        "所属街镇": "street_hint",
        "工单类别": "category",
    },
    id_column="source_id",
    time_column="event_time_raw",
    label="12345热线工单",
)

HEALTHCLOUD = SourceSpec(
    source="healthcloud",
    file_prefix="healthcloud",
    file_suffixes=(".jsonl",),
    file_format="jsonl",
    headers={
        "report_id": "source_id",
        "submitted_at": "event_time_raw",
        "name": "name",
        "id_type": "id_type",
        "id_no": "id_number",
        "mobile": "phone",
        "residence.province": "residence_province",
        "residence.city": "residence_city",
        "residence.district": "residence_district",
        "residence.street": "street_hint",
        "residence.detail": "address",
        "arrival_date": "arrival_date",
        "travel_history": "travel_history",
        "symptoms": "symptoms",
    },
    id_column="source_id",
    time_column="event_time_raw",
    label="健康云自报",
)

SOURCES: dict[str, SourceSpec] = {s.source: s for s in (CHECKPOINT, HOTLINE, HEALTHCLOUD)}
SOURCE_NAMES: tuple[str, ...] = tuple(SOURCES)


def source_for_file(file_name: str) -> SourceSpec | None:
    """The source a file belongs to, by its name prefix and suffix (case-insensitive)."""
    lower = file_name.lower()
    for spec in SOURCES.values():
        if lower.startswith(spec.file_prefix) and lower.endswith(spec.file_suffixes):
            return spec
    return None
