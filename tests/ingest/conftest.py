"""Fixtures of the ingest tests: builders of tiny synthetic inbox files, a small DuckDB.

Every person, id, phone and place here is made up. Tests reach the builders through the
``inbox`` fixture (the suite runs with --import-mode=importlib, so no helper imports).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from streetlink.config import EngineConfig, connect
from streetlink.contracts import SOURCES

CHECKPOINT_HEADERS = list(SOURCES["checkpoint"].headers)
HOTLINE_HEADERS = list(SOURCES["hotline"].headers)


def checkpoint_row(n: int = 1, **fields: str) -> dict[str, str]:
    row = {
        "记录编号": f"KK2026112400{n:04d}",
        "登记时间": f"2026-11-24 08:{n % 60:02d}:00",
        "道口名称": "G2京沪高速安亭道口",
        "姓名": "测试甲",
        "证件类型": "居民身份证",
        "证件号码": "110101199001010011",
        "联系电话": "13800000001",
        "车牌号码": "",
        "出发地": "江苏省苏州市",
        "来沪事由": "返沪",
        "在沪居住地址": "浦东新区测试路1弄1号101室",
    }
    row.update(fields)
    return row


def hotline_row(n: int = 1, **fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "工单编号": f"26112400{n:05d}",
        "受理时间": dt.datetime(2026, 11, 24, 9, 0, n % 60),
        "来电人": "王女士",
        "来电号码": "13900000002",
        "事发地址": "测试小区3号楼",
        "诉求内容": "来电反映测试小区3号楼有人返沪",
        "所属街镇": "周家渡街道",
        "工单类别": "疫情防控-返沪人员",
    }
    row.update(fields)
    return row


def healthcloud_record(n: int = 1, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "report_id": f"HC2026112400{n:04d}",
        "submitted_at": "2026-11-24T08:15:02+08:00",
        "name": "测试乙",
        "id_type": "居民身份证",
        "id_no": "110101198502020022",
        "mobile": "13700000003",
        "residence": {
            "province": "上海市",
            "city": "上海市",
            "district": "浦东新区",
            "street": "周家渡街道",
            "detail": "测试路88弄3号602室",
        },
        "arrival_date": "2026-11-22",
        "travel_history": ["湖北省武汉市"],
        "symptoms": [],
    }
    record.update(fields)
    return record


class InboxBuilder:
    """Writes source files into one day folder of a temporary inbox."""

    checkpoint_headers = CHECKPOINT_HEADERS
    hotline_headers = HOTLINE_HEADERS
    checkpoint_row = staticmethod(checkpoint_row)
    hotline_row = staticmethod(hotline_row)
    healthcloud_record = staticmethod(healthcloud_record)

    def __init__(self, root: Path):
        self.day = root / "inbox" / "2026-11-24"
        self.day.mkdir(parents=True)

    def checkpoint_csv(
        self,
        name: str,
        rows: list[dict[str, str]],
        encoding: str = "gb18030",
        header: list[str] | None = None,
        newline: str = "\r\n",
    ) -> Path:
        header = header or CHECKPOINT_HEADERS
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator=newline)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h.strip().lstrip("\ufeff"), "") for h in header])
        path = self.day / name
        path.write_bytes(buffer.getvalue().encode(encoding))
        return path

    def hotline_xlsx(
        self,
        name: str,
        rows: list[dict[str, object]],
        title_rows: tuple[str, ...] = (
            "浦东新区12345市民服务热线工单导出",
            "导出时间：2026-11-25 06:00:00",
        ),
        header: list[str] | None = None,
    ) -> Path:
        header = header or HOTLINE_HEADERS
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for title in title_rows:
            sheet.append([title])
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(h) for h in header])
        path = self.day / name
        workbook.save(path)
        return path

    def healthcloud_jsonl(self, name: str, lines: list[object]) -> Path:
        text = "\n".join(
            line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
            for line in lines
        )
        path = self.day / name
        path.write_bytes(text.encode("utf-8") + b"\n")
        return path


@pytest.fixture
def inbox(tmp_path: Path) -> InboxBuilder:
    return InboxBuilder(tmp_path)


@pytest.fixture
def con():
    connection = connect(engine=EngineConfig(memory_limit="1GB", threads=2))
    yield connection
    connection.close()
