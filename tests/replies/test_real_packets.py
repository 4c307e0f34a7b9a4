"""The packets and review workbook the dispatch stage really writes, filled in like a street
and a clerk would (cells found by header text), come back through the reader and the ledger."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from streetlink.contracts import DECISIONS, STAGED_RECORDS
from streetlink.dispatch import build_packet_rows, write_packets, write_review
from streetlink.replies import (
    attached_ledger,
    build_published_items,
    build_review_items,
    record_night,
    stage_publication,
    take_replies,
)

from .conftest import COMMITTEE_STREET, NIGHT, create, rid

T = dt.datetime
N26 = NIGHT + dt.timedelta(days=2)


def _night(con):
    plan = [(1, "310115005001"), (2, "310115005001"), (3, "310115005002"), (4, "310115013001")]
    decisions = [{"record_id": rid(n), "source": "checkpoint", "decision": "dispatched",
                  "street_code": COMMITTEE_STREET[c], "committee_code": c, "basis": "address_dwelling",
                  "resolved_address": f"浦东新区测试路{n}号", "explanation": "地址与实有房屋一致"} for n, c in plan]
    decisions.append({"record_id": rid(9), "source": "checkpoint", "decision": "review", "reason": "address_ambiguous",
                      "candidates_json": json.dumps([
                          {"kind": "address", "rank": 1, "committee_code": "310115013003", "street_code": "310115013",
                           "label": "测试路9号", "probability": 0.5},
                          {"kind": "address", "rank": 2, "committee_code": "310115005002", "street_code": "310115005",
                           "label": "测试路9号", "probability": 0.4}])})
    create(con, "decisions", DECISIONS, decisions)
    create(con, "staged_records", STAGED_RECORDS, [
        {"record_id": d["record_id"], "source": "checkpoint", "source_id": d["record_id"][11:], "source_file": "f.csv",
         "source_row": i, "n_copies": 1, "event_time": T(2026, 11, 24, 8, i), "name": f"测试{i}",
         "phone": "13800000000", "address": "测试路"} for i, d in enumerate(decisions)])


def _fill(path, header_values: dict[str, dict[str, object]]):
    """Fill cells of a returned workbook by header text: {record_id: {header: value}}."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        header_row = next((r for r in range(1, 10)
                           if "记录编号" in [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]), None)
        if header_row is None:
            continue
        cols = {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1)}
        for r in range(header_row + 1, ws.max_row + 1):
            for header, value in header_values.get(ws.cell(r, cols["记录编号"]).value, {}).items():
                if header not in cols:  # a packet without the column: the street adds it at the end
                    cols[header] = ws.max_column + 1
                    ws.cell(header_row, cols[header], header)
                ws.cell(r, cols[header], value)
    wb.save(path)


def test_real_packets_and_review_workbook_come_back(con, ledger, tmp_path):
    _night(con)
    out = tmp_path / "out" / NIGHT.isoformat()
    build_packet_rows(con, T(2026, 11, 25, 3))
    packets = write_packets(con, out / "dispatch", NIGHT)
    write_review(con, out / "review" / "review.xlsx", NIGHT, records_std=None)
    assert len(packets) == 2
    build_published_items(con, published_at=T(2026, 11, 25, 3))
    build_review_items(con)
    record_night(con, ledger, NIGHT, published_at=T(2026, 11, 25, 3), model_version="m1")

    inbox = tmp_path / "inbox" / N26.isoformat() / "replies"
    inbox.mkdir(parents=True)
    for i, p in enumerate(packets):
        (inbox / f"回执{i}.xlsx").write_bytes(p.read_bytes())  # renamed by the street
    (inbox / "复核结果.xlsx").write_bytes((out / "review" / "review.xlsx").read_bytes())
    answers = {
        rid(1): {"核查结果": "已核实在住", "核查时间": "11月25日 09:30", "核查人": "张敏"},
        rid(2): {"核查结果": "非本辖区", "转派至": "樱花新苑居委会", "核查人": "张敏"},
        rid(3): {"核查结果": "地址错误", "正确地址": "测试路33号", "核查时间": T(2026, 11, 25, 10)},
        rid(4): {"核查结果": "已核实不在住", "核查时间": T(2026, 11, 25, 11)},
        rid(9): {"处理结果": "派发至候选2", "处理人": "王科员"},
    }
    for p in inbox.iterdir():
        _fill(p, answers)

    # the night after: publish the transfers and manual dispatches, then nothing else
    con.execute("DROP TABLE decisions")
    con.execute("DROP TABLE staged_records")
    summary = take_replies(con, inbox, ledger, N26)
    assert summary["files_failed"] == 0 and summary["files_read"] == 3
    assert summary["assessed"]["outcomes"] == {"applied": 4}
    assert summary["assessed"]["review_outcomes"] == {"applied": 1}
    got = con.execute("SELECT record_id, street_code, result, checked_at, transfer_committee_code "
                      "FROM reply_labels ORDER BY 1").fetchall()
    assert got == [
        (rid(1), "310115005", "verified_resident", T(2026, 11, 25, 9, 30), None),
        (rid(2), "310115005", "not_our_area", None, "310115013003"),
        (rid(3), "310115005", "wrong_address", T(2026, 11, 25, 10), None),
        (rid(4), "310115013", "verified_moved", T(2026, 11, 25, 11), None),
    ]
    stage_publication(con, published_at=T(2026, 11, 27, 3))
    items = con.execute("SELECT record_id, committee_code, kind FROM published_items ORDER BY 1").fetchall()
    assert items == [(rid(2), "310115013003", "transfer"), (rid(9), "310115005002", "manual")]
    record_night(con, ledger, N26, published_at=T(2026, 11, 27, 3), model_version="m1")
    with attached_ledger(con, ledger):
        n = con.execute("SELECT count(*) FROM ledger.dispatches").fetchone()[0]
    assert n == 6
