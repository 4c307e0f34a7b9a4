"""stage_records / write_raw: one English-named table, every record accounted for."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from streetlink.contracts import STAGED_RECORDS, check_table
from streetlink.errors import StreetlinkError
from streetlink.ingest import MAX_VALUE_LENGTH, read_inbox, stage_records, write_raw
from streetlink.ingest.stage import install_macros


def _staged(con, where="TRUE"):
    cursor = con.execute(f"SELECT * FROM staged_records WHERE {where} ORDER BY record_id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _by_id(con):
    return {r["record_id"]: r for r in _staged(con)}


def test_staged_table_holds_its_contract_and_renames_every_source(inbox, con):
    inbox.checkpoint_csv("checkpoint_a.csv", [inbox.checkpoint_row(1, 车牌号码="沪A12345")])
    inbox.hotline_xlsx("hotline_a.xlsx", [inbox.hotline_row(1)])
    inbox.healthcloud_jsonl(
        "healthcloud_a.jsonl", [inbox.healthcloud_record(1, symptoms=["咳嗽", "发热"])]
    )

    summary = stage_records(con, read_inbox(inbox.day))

    assert check_table(con, "staged_records", STAGED_RECORDS) == []
    columns = [r[0] for r in con.execute("DESCRIBE staged_records").fetchall()]
    assert columns == STAGED_RECORDS.column_names
    assert summary.records == {"checkpoint": 1, "hotline": 1, "healthcloud": 1}
    rows = _by_id(con)
    kk = rows["checkpoint:KK20261124000001"]
    assert (kk["source"], kk["name"], kk["id_number"], kk["address"]) == (
        "checkpoint",
        "测试甲",
        "110101199001010011",
        "浦东新区测试路1弄1号101室",
    )
    assert kk["event_time"] == dt.datetime(2026, 11, 24, 8, 1)
    assert json.loads(kk["details"]) == {
        "道口名称": "G2京沪高速安亭道口",
        "车牌号码": "沪A12345",
        "出发地": "江苏省苏州市",
        "来沪事由": "返沪",
    }
    hl = rows["hotline:2611240000001"]
    assert (hl["phone"], hl["address"], hl["street_hint"]) == (
        "13900000002",
        "测试小区3号楼",
        "周家渡街道",
    )
    assert hl["address_context"] == "来电反映测试小区3号楼有人返沪"
    assert hl["event_time"] == dt.datetime(2026, 11, 24, 9, 0, 1)
    assert json.loads(hl["details"])["工单类别"] == "疫情防控-返沪人员"
    hc = rows["healthcloud:HC20261124000001"]
    assert hc["address"] == "测试路88弄3号602室"
    assert hc["address_context"] == "上海市 上海市 浦东新区"
    assert hc["street_hint"] == "周家渡街道"
    assert hc["event_time"] == dt.datetime(2026, 11, 24, 8, 15, 2)
    assert json.loads(hc["details"]) == {
        "到达日期": "2026-11-22",
        "旅居史": "湖北省武汉市",
        "症状": "咳嗽、发热",
    }
    assert all(r["reject_reason"] is None and r["n_copies"] == 1 for r in rows.values())


def test_values_are_trimmed_stripped_of_controls_and_bounded(inbox, con):
    rows = [
        inbox.checkpoint_row(
            1,
            姓名=" \u3000测试\x00甲\x07 ",
            在沪居住地址="测试路1弄\r\n2号" + "号" * 20_000,
            联系电话="  ",
            记录编号=" KK1 ",
        )
    ]
    inbox.checkpoint_csv("checkpoint_a.csv", rows, encoding="utf-8")
    stage_records(con, read_inbox(inbox.day))
    row = _staged(con)[0]
    assert row["record_id"] == "checkpoint:KK1"
    assert row["name"] == "测试甲"
    assert row["phone"] is None
    assert row["address"].startswith("测试路1弄  2号") and len(row["address"]) == MAX_VALUE_LENGTH


def test_repeated_ids_collapse_to_the_last_copy(inbox, con):
    first = inbox.checkpoint_row(1, 姓名="旧")
    inbox.checkpoint_csv(
        "checkpoint_a.csv", [first, inbox.checkpoint_row(1, 姓名="中"), inbox.checkpoint_row(2)]
    )
    inbox.checkpoint_csv(
        "checkpoint_b.csv", [inbox.checkpoint_row(1, 姓名="新"), inbox.checkpoint_row(3)]
    )
    inbox.healthcloud_jsonl("healthcloud_a.jsonl", [inbox.healthcloud_record(7)] * 3)

    summary = stage_records(con, read_inbox(inbox.day))

    rows = _by_id(con)
    kept = rows["checkpoint:KK20261124000001"]
    assert (kept["name"], kept["n_copies"], kept["source_file"], kept["source_row"]) == (
        "新",
        3,
        "checkpoint_b.csv",
        2,
    )
    assert rows["healthcloud:HC20261124000007"]["n_copies"] == 3
    assert rows["healthcloud:HC20261124000007"]["source_row"] == 3
    assert summary.rows_read == {"checkpoint": 5, "hotline": 0, "healthcloud": 3}
    assert summary.duplicates_collapsed == {"checkpoint": 2, "hotline": 0, "healthcloud": 2}
    assert summary.records == {"checkpoint": 3, "hotline": 0, "healthcloud": 1}


def test_bad_lines_and_missing_ids_are_rejected_records_never_dropped(inbox, con):
    inbox.checkpoint_csv(
        "checkpoint_a.csv",
        [inbox.checkpoint_row(1, 记录编号=""), inbox.checkpoint_row(2, 记录编号=" ")],
    )
    inbox.hotline_xlsx(
        "hotline_a.xlsx",
        [inbox.hotline_row(1, 受理时间="昨天晚上"), inbox.hotline_row(2, 受理时间=None)],
    )
    inbox.healthcloud_jsonl(
        "healthcloud_a.jsonl",
        [
            inbox.healthcloud_record(1),
            "{not json",
            inbox.healthcloud_record(2, residence="测试路"),
            inbox.healthcloud_record(2),
            inbox.healthcloud_record(3, report_id=None),
        ],
    )

    summary = stage_records(con, read_inbox(inbox.day))

    reasons = {r["record_id"]: r["reject_reason"] for r in _staged(con)}
    assert reasons == {
        "checkpoint:checkpoint_a.csv#2": "missing_source_id",
        "checkpoint:checkpoint_a.csv#3": "missing_source_id",
        "hotline:2611240000001": "unparseable_time",
        "hotline:2611240000002": None,  # a blank time is no reason to reject
        "healthcloud:HC20261124000001": None,
        "healthcloud:healthcloud_a.jsonl#2": "bad_json_line",
        "healthcloud:healthcloud_a.jsonl#3": "wrong_field_type",
        "healthcloud:HC20261124000002": None,
        "healthcloud:healthcloud_a.jsonl#5": "missing_source_id",
    }
    assert summary.rejected == {
        "checkpoint": {"missing_source_id": 2},
        "hotline": {"unparseable_time": 1},
        "healthcloud": {"bad_json_line": 1, "missing_source_id": 1, "wrong_field_type": 1},
    }
    assert summary.rejected_by_reason["missing_source_id"] == 3
    for source in summary.rows_read:
        assert (
            summary.rows_read[source]
            == summary.records[source] + summary.duplicates_collapsed[source]
        )
    assert summary.total_records == 9


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-24 08:15:02", dt.datetime(2026, 11, 24, 8, 15, 2)),
        ("2026-11-24 08:15", dt.datetime(2026, 11, 24, 8, 15)),
        ("2026/11/24 08:15", dt.datetime(2026, 11, 24, 8, 15)),
        ("2026/1/4 8:05:09", dt.datetime(2026, 1, 4, 8, 5, 9)),
        ("2026年11月24日 08:15", dt.datetime(2026, 11, 24, 8, 15)),
        ("2026-11-24", dt.datetime(2026, 11, 24)),
        ("２０２６-１１-２４ ０８：１５", dt.datetime(2026, 11, 24, 8, 15)),
        ("2026-11-24T08:15:02+08:00", dt.datetime(2026, 11, 24, 8, 15, 2)),
        ("2026-11-24T08:15:02.123+0800", dt.datetime(2026, 11, 24, 8, 15, 2)),
        ("2026-11-24T00:15:02Z", dt.datetime(2026, 11, 24, 8, 15, 2)),
        ("2026-11-23T19:15:02-05:00", dt.datetime(2026, 11, 24, 8, 15, 2)),
        ("2026-11-24T08:15:02", dt.datetime(2026, 11, 24, 8, 15, 2)),
        ("46350.34375", dt.datetime(2026, 11, 24, 8, 15)),
        ("2026-13-01 08:00", None),
        ("2026-11-24 25:00", None),
        ("昨天晚上", None),
        ("20261124", None),
    ],
)
def test_event_time_formats(raw, expected):
    con = duckdb.connect()
    install_macros(con)
    sql = "SELECT ingest_event_time(s, ingest_time_parts(s)) FROM (SELECT CAST(? AS VARCHAR) AS s)"
    assert con.execute(sql, [raw]).fetchone()[0] == expected


def test_write_raw_keeps_what_arrived_including_extra_columns(inbox, con, tmp_path):
    header = inbox.checkpoint_headers + ["备注"]
    inbox.checkpoint_csv(
        "checkpoint_a.csv", [inbox.checkpoint_row(1, 备注="多的列", 证件号码="0011")], header=header
    )
    inbox.healthcloud_jsonl("healthcloud_a.jsonl", ["{bad"])
    stage_records(con, read_inbox(inbox.day))

    paths = write_raw(con, tmp_path / "raw")

    assert sorted(p.name for p in paths) == [
        "checkpoint.parquet",
        "healthcloud.parquet",
        "hotline.parquet",
    ]
    checkpoint = con.execute(f"SELECT 备注, 证件号码 FROM read_parquet('{paths[0]}')").fetchall()
    assert checkpoint == [("多的列", "0011")]
    bad = con.execute(f"SELECT _error, _line FROM read_parquet('{paths[2]}')").fetchall()
    assert bad == [("bad_json_line", "{bad")]
    assert con.execute(f"SELECT count(*) FROM read_parquet('{paths[1]}')").fetchone()[0] == 0
    assert not list((tmp_path / "raw").glob(".*partial"))


def test_write_raw_before_staging_is_an_error(con, tmp_path):
    with pytest.raises(StreetlinkError, match="run stage_records first"):
        write_raw(con, tmp_path / "raw")


def test_staging_twice_replaces_the_tables(inbox, con):
    inbox.checkpoint_csv("checkpoint_a.csv", [inbox.checkpoint_row(1)])
    stage_records(con, read_inbox(inbox.day))
    inbox.checkpoint_csv("checkpoint_b.csv", [inbox.checkpoint_row(2)])
    summary = stage_records(con, read_inbox(inbox.day))
    assert summary.records["checkpoint"] == 2
    assert con.execute("SELECT count(*) FROM raw_checkpoint").fetchone()[0] == 2
