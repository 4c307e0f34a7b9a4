"""Golden checks: a quirky synthetic night staged end to end, and the agencies' samples.

The golden file pins every staged value of a small inbox that carries each quirk the
readers must survive. After an intended change, regenerate it with
``STREETLINK_UPDATE_GOLDEN=1 pytest tests/ingest/test_ingest_golden.py`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from streetlink.contracts import STAGED_RECORDS, check_table
from streetlink.ingest import read_inbox, stage_records
from streetlink.paths import PROJECT_ROOT

GOLDEN = Path(__file__).parent / "golden" / "staged_records.json"
SAMPLES = PROJECT_ROOT.parent / "shared" / "samples" / "inbox" / "2026-11-20"


def _build_quirky_night(inbox) -> None:
    cp, hl, hc = inbox.checkpoint_row, inbox.hotline_row, inbox.healthcloud_record
    inbox.checkpoint_csv(
        "checkpoint_2026-11-24.csv",
        [
            cp(1, 姓名="張 偉", 证件号码="11010119900101001x", 联系电话="+86 138 0000 0001"),
            cp(2, 在沪居住地址='浦东新区测试路1弄,"2"号\n302室', 车牌号码="沪A00002"),
            cp(3, 记录编号="", 姓名="无编号"),
            cp(4, 登记时间="2026-11-24 8点", 联系电话="013800000004"),
            cp(5, 姓名='=HYPERLINK("x")', 证件号码="１１０１０１１９９００１０１００５５"),
        ],
    )
    inbox.checkpoint_csv(
        "checkpoint_2026-11-24_resend.csv",
        [cp(2, 在沪居住地址="浦东新区测试路1弄2号302室")],
        encoding="utf-8-sig",
    )
    inbox.hotline_xlsx(
        "hotline_2026-11-24.xlsx",
        [
            hl(1, 工单编号=2611240000001.0, 来电号码=13900000001.0),
            hl(2, 受理时间="2026年11月24日 09:10", 所属街镇=None, 来电人=None),
            hl(3, 受理时间=46350.5, 诉求内容="反映\n测试路5号\t门口"),
            hl(4, 工单编号=None),
        ],
    )
    inbox.healthcloud_jsonl(
        "healthcloud_2026-11-24.jsonl",
        [
            hc(1, name="测试\u2028乙"),
            "",
            '{"report_id": "HC_broken", ',
            hc(3, residence=["上海市"]),
            hc(4, submitted_at="2026-11-24T00:30:00Z", residence=None, travel_history=None),
            hc(
                5,
                submitted_at="不详",
                residence={
                    "province": "江苏省",
                    "city": "苏州市",
                    "district": "",
                    "street": "",
                    "detail": "测试街1号",
                },
            ),
        ],
    )


def _jsonable(value):
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value


def test_quirky_night_matches_golden(inbox, con):
    _build_quirky_night(inbox)
    summary = stage_records(con, read_inbox(inbox.day))
    assert check_table(con, "staged_records", STAGED_RECORDS) == []
    cursor = con.execute("SELECT * FROM staged_records ORDER BY record_id")
    names = [d[0] for d in cursor.description]
    actual = {
        "summary": {
            "rows_read": summary.rows_read,
            "duplicates": summary.duplicates_collapsed,
            "records": summary.records,
            "rejected": summary.rejected,
        },
        "records": [
            {n: _jsonable(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()
        ],
    }
    if os.environ.get("STREETLINK_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert actual == json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.shared
@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not present")
def test_agency_samples_read_cleanly(con):
    batch = read_inbox(SAMPLES)
    assert [f.status for f in batch.files] == ["read"] * 3
    assert all(f.bad_lines == 0 and f.rows_read > 0 for f in batch.files)
    summary = stage_records(con, batch)
    assert summary.rejected_by_reason == {}
    assert check_table(con, "staged_records", STAGED_RECORDS) == []
    problems = con.execute("""
        SELECT count(*) FILTER (WHERE event_time IS NULL),
               count(*) FILTER (WHERE source = 'hotline' AND (
                   source_id LIKE '%.0' OR phone LIKE '%.0' OR source_id LIKE '%E+%')),
               count(*) FILTER (WHERE contains(concat(name, address, details), chr(65533))),
               count(*) FILTER (WHERE NOT regexp_matches(address, '[\\x{4e00}-\\x{9fff}]')),
               count(*) FILTER (WHERE address IS NOT NULL)
        FROM staged_records""").fetchone()
    assert problems[:4] == (0, 0, 0, 0)
    assert problems[4] > 0.9 * summary.total_records  # decoded addresses, not mojibake
