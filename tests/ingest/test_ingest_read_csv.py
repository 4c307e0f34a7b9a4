"""Checkpoint CSV reader: encodings, RFC-4180 quoting, headers by text, failures."""

from __future__ import annotations

import pytest

from streetlink.contracts import SOURCES
from streetlink.errors import InputFileError
from streetlink.ingest.read_csv import decode_csv_bytes, read_source_csv

SPEC = SOURCES["checkpoint"]


def _rows(records):
    return records.table.to_pylist()


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_reads_every_encoding_sent(inbox, encoding):
    path = inbox.checkpoint_csv(
        "checkpoint_a.csv",
        [inbox.checkpoint_row(1, 姓名="欧阳測試", 在沪居住地址="浦东新区测试路１号")],
        encoding=encoding,
    )
    rows = _rows(read_source_csv(path, SPEC))
    assert rows[0]["姓名"] == "欧阳測試"
    assert rows[0]["在沪居住地址"] == "浦东新区测试路１号"
    assert "\ufeff记录编号" not in rows[0] and rows[0]["记录编号"] == "KK20261124000001"


def test_gb18030_is_not_mistaken_for_utf8():
    data = "记录编号,姓名\n1,王兰芳\n".encode("gb18030")
    text, encoding = decode_csv_bytes(data, "x.csv")
    assert encoding == "gb18030" and "王兰芳" in text


def test_quoted_commas_quotes_and_newlines_stay_in_one_field(inbox):
    address = '浦东新区测试路1弄,2号\n"东"单元 3室'
    path = inbox.checkpoint_csv(
        "checkpoint_a.csv", [inbox.checkpoint_row(1, 在沪居住地址=address), inbox.checkpoint_row(2)]
    )
    records = read_source_csv(path, SPEC)
    rows = _rows(records)
    assert [r["在沪居住地址"] for r in rows] == [address, "浦东新区测试路1弄1号101室"]
    # the second record starts on line 4: header on 1, the first record spans lines 2-3
    assert [r["_row"] for r in rows] == [2, 4]
    assert records.bad_lines == 0


def test_ids_and_phones_keep_leading_zeros(inbox):
    path = inbox.checkpoint_csv(
        "checkpoint_a.csv",
        [inbox.checkpoint_row(1, 记录编号="000123", 联系电话="02158881234", 证件号码="0012345")],
    )
    row = _rows(read_source_csv(path, SPEC))[0]
    assert (row["记录编号"], row["联系电话"], row["证件号码"]) == (
        "000123",
        "02158881234",
        "0012345",
    )


def test_columns_found_by_header_text_with_stray_spaces_and_bom(inbox):
    header = list(reversed(inbox.checkpoint_headers))
    header[0] = " " + header[0] + "\u3000"
    header.append("备注")  # an unknown extra column is kept
    path = inbox.checkpoint_csv(
        "checkpoint_a.csv",
        [inbox.checkpoint_row(1, 备注="随便写的")],
        encoding="utf-8-sig",
        header=header,
    )
    row = _rows(read_source_csv(path, SPEC))[0]
    assert row["记录编号"] == "KK20261124000001"
    assert row["在沪居住地址"] == "浦东新区测试路1弄1号101室"
    assert row["备注"] == "随便写的"


def test_missing_header_fails_the_file_naming_it(inbox):
    header = [h for h in inbox.checkpoint_headers if h not in ("证件号码", "车牌号码")]
    path = inbox.checkpoint_csv("checkpoint_a.csv", [inbox.checkpoint_row()], header=header)
    with pytest.raises(InputFileError, match="missing required header.*证件号码, 车牌号码"):
        read_source_csv(path, SPEC)


def test_undecodable_bytes_fail_the_file(inbox):
    path = inbox.day / "checkpoint_bad.csv"
    path.write_bytes("记录编号,姓名\n".encode("gb18030") + b"\xff\xfe\x80\x81\n")
    with pytest.raises(InputFileError, match="undecodable bytes"):
        read_source_csv(path, SPEC)


def test_unterminated_quote_fails_instead_of_swallowing_rows(inbox):
    path = inbox.day / "checkpoint_bad.csv"
    path.write_text(
        ",".join(inbox.checkpoint_headers) + '\nKK1,"2026-11-24 08:00:00,x\nKK2,y\n',
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="malformed CSV"):
        read_source_csv(path, SPEC)


def test_ragged_rows_are_kept_and_counted(inbox):
    path = inbox.day / "checkpoint_a.csv"
    good = ",".join(inbox.checkpoint_row(1).values())
    path.write_text(
        ",".join(inbox.checkpoint_headers) + "\n" + good + ",多出来的\nKK2,2026-11-24\n\n,,,\n",
        encoding="utf-8",
    )
    records = read_source_csv(path, SPEC)
    rows = _rows(records)
    assert len(rows) == 2 and records.bad_lines == 2  # blank and all-empty rows are no records
    assert rows[0]["_overflow"] == '["多出来的"]'
    assert rows[1]["记录编号"] == "KK2" and rows[1]["在沪居住地址"] is None


def test_empty_file_fails(inbox):
    path = inbox.day / "checkpoint_empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty file"):
        read_source_csv(path, SPEC)
