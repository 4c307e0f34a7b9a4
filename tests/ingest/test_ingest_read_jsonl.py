"""Health-cloud JSON Lines reader: bad lines are records, U+2028 is not a line break."""

from __future__ import annotations

import json

import pytest

from streetlink.contracts import SOURCES
from streetlink.errors import InputFileError
from streetlink.ingest.read_jsonl import read_source_jsonl

SPEC = SOURCES["healthcloud"]


def _read(inbox, lines):
    records = read_source_jsonl(inbox.healthcloud_jsonl("healthcloud_a.jsonl", lines), SPEC)
    return records, records.table.to_pylist()


def test_nested_residence_flattened_and_lists_kept_as_json_text(inbox):
    _, rows = _read(inbox, [inbox.healthcloud_record(1, travel_history=["湖北省武汉市", "江苏省"])])
    row = rows[0]
    assert row["report_id"] == "HC20261124000001"
    assert row["residence.detail"] == "测试路88弄3号602室"
    assert row["residence.street"] == "周家渡街道"
    assert json.loads(row["travel_history"]) == ["湖北省武汉市", "江苏省"]
    assert row["symptoms"] == "[]"
    assert row["_error"] is None and row["_row"] == 1


def test_u2028_inside_a_string_does_not_split_the_record(inbox):
    _, rows = _read(
        inbox, [inbox.healthcloud_record(1, name="测试\u2028乙"), inbox.healthcloud_record(2)]
    )
    assert len(rows) == 2
    assert rows[0]["name"] == "测试\u2028乙"
    assert [r["_row"] for r in rows] == [1, 2]


def test_blank_lines_ignored_but_line_numbers_kept(inbox):
    _, rows = _read(
        inbox, ["", inbox.healthcloud_record(1), "   ", "\r", inbox.healthcloud_record(2)]
    )
    assert [r["_row"] for r in rows] == [2, 5]


def test_invalid_json_lines_are_bad_records_not_a_bad_file(inbox):
    records, rows = _read(
        inbox,
        [
            inbox.healthcloud_record(1),
            '{"report_id": "HC9", "name": "截断',
            "NaN",
            "[1, 2]",
            inbox.healthcloud_record(2),
        ],
    )
    assert [r["_error"] for r in rows] == [
        None,
        "bad_json_line",
        "bad_json_line",
        "bad_json_line",
        None,
    ]
    assert records.bad_lines == 3
    assert rows[1]["_line"] == '{"report_id": "HC9", "name": "截断'
    assert rows[1]["report_id"] is None  # no trustworthy id from a broken line


@pytest.mark.parametrize(
    "field",
    [
        {"residence": "浦东新区测试路1号"},
        {"name": ["测试乙"]},
        {"mobile": 13700000003},
        {"travel_history": "湖北省"},
        {
            "residence": {
                "province": "上海市",
                "city": "上海市",
                "district": "浦东新区",
                "street": None,
                "detail": {"road": "测试路"},
            }
        },
    ],
)
def test_wrong_field_types_are_bad_records_keeping_well_typed_fields(inbox, field):
    records, rows = _read(
        inbox, [inbox.healthcloud_record(1, **field), inbox.healthcloud_record(2)]
    )
    assert [r["_error"] for r in rows] == ["wrong_field_type", None]
    assert records.bad_lines == 1
    assert rows[0]["submitted_at"] == "2026-11-24T08:15:02+08:00"


def test_non_utf8_line_is_a_bad_record(inbox):
    path = inbox.healthcloud_jsonl("healthcloud_a.jsonl", [inbox.healthcloud_record(1)])
    path.write_bytes(path.read_bytes() + '{"report_id": "王"}\n'.encode("gb18030"))
    rows = read_source_jsonl(path, SPEC).table.to_pylist()
    assert [r["_error"] for r in rows] == [None, "bad_json_line"]


def test_bom_crlf_nulls_and_unknown_fields(inbox):
    record = inbox.healthcloud_record(1, name=None, residence=None, channel="app")
    path = inbox.healthcloud_jsonl("healthcloud_a.jsonl", [])
    path.write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps(record, ensure_ascii=False).encode()
        + b"\r\n"
        + json.dumps(inbox.healthcloud_record(2)).encode()
        + b"\r\n"
    )
    rows = read_source_jsonl(path, SPEC).table.to_pylist()
    assert rows[0]["_error"] is None and rows[0]["name"] is None
    assert rows[0]["residence.detail"] is None
    assert json.loads(rows[0]["_extra"]) == {"channel": "app"}
    assert rows[1]["residence.detail"] == "测试路88弄3号602室"


def test_field_missing_from_every_record_fails_the_file(inbox):
    lines = [
        {k: v for k, v in inbox.healthcloud_record(n).items() if k != "arrival_date"}
        for n in (1, 2)
    ]
    with pytest.raises(InputFileError, match="missing required field.*arrival_date"):
        _read(inbox, lines)


def test_field_missing_from_one_record_is_just_null(inbox):
    first = {k: v for k, v in inbox.healthcloud_record(1).items() if k != "symptoms"}
    _, rows = _read(inbox, [first, inbox.healthcloud_record(2)])
    assert rows[0]["symptoms"] is None and rows[0]["_error"] is None


def test_lone_surrogates_and_absurd_nesting_cannot_break_the_file(inbox):
    deep = '{"report_id": "HC1", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    records, rows = _read(
        inbox, ['{"report_id": "HC\\ud800X", "name": "\\udfff"}', deep, inbox.healthcloud_record(2)]
    )
    assert rows[0]["report_id"] == "HC?X" and rows[0]["name"] == "?"
    assert rows[1]["_error"] == "bad_json_line"
    assert rows[2]["_error"] is None


@pytest.mark.parametrize("lines", [
    [{"report_id": "HC1"}],
    [{"report_id": "HC1", "submitted_at": "2026-11-24T08:15:02+08:00", "id_type": "居民身份证"}],
    [{"report_id": "HC1", "name": None, "id_no": None, "mobile": None, "residence": None}],
])
def test_a_report_with_nothing_but_its_id_is_a_record_not_a_failed_file(inbox, lines):
    # No name, ID, phone or residence: nothing to say about the export's fields. The line is
    # kept (and rejected downstream: no address, no identity), never lost with its file.
    records, rows = _read(inbox, lines)
    assert [r["report_id"] for r in rows] == ["HC1"] and rows[0]["_error"] is None
    assert records.bad_lines == 0


def test_an_empty_report_beside_real_ones_does_not_hide_a_missing_field(inbox):
    real = [{k: v for k, v in inbox.healthcloud_record(n).items() if k != "arrival_date"} for n in (1, 2)]
    with pytest.raises(InputFileError, match="missing required field.*arrival_date"):
        _read(inbox, [{"report_id": "HC9"}, *real])
