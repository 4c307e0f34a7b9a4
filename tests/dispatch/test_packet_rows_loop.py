"""packet_rows from screening's case rows, the replies' transfers and repeats; the ledger's items aligned.

Tiny tables: the dispatch conftest's night (ten dispatched records in three streets), a
CASE_ROWS table grouping two of them into one urgent case, a TRANSFER_ITEMS table with a
转派 and a 人工派发, a REPEATS table, and published_items as the replies stage builds them.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from streetlink.contracts import PACKET_ROWS, TRANSFER_ITEMS, check_table
from streetlink.dispatch import align_published_items, build_packet_open_items, build_packet_rows, write_packets
from streetlink.errors import ContractViolation

PUBLISHED = dt.datetime(2026, 11, 21, 8, 0)
HOURS = {"urgent": 4.0, "high": 24.0, "normal": 72.0}
T = dt.datetime


def rid(n: str) -> str:
    source = {"0001": "checkpoint", "0005": "healthcloud", "0007": "checkpoint", "0010": "hotline"}.get(n, "checkpoint")
    prefix = {"checkpoint": "KK", "hotline": "GD", "healthcloud": "HC"}[source]
    return f"{source}:{prefix}2026112000{n}"


def _case_rows(con, rows):
    con.execute("""CREATE OR REPLACE TABLE case_rows (street_code VARCHAR, committee_code VARCHAR, case_id VARCHAR,
        record_ids VARCHAR[], sources VARCHAR[], priority VARCHAR, priority_label VARCHAR, priority_rank INTEGER,
        deadline TIMESTAMP, rules VARCHAR[], rules_text VARCHAR, key_area VARCHAR, emergency BOOLEAN,
        continued BOOLEAN, n_records INTEGER)""")
    for r in rows:
        con.execute("INSERT INTO case_rows VALUES (?, ?, ?, ?, ?, ?, '', 0, ?, [], ?, NULL, ?, false, ?)",
                    [r["committee"][:9], r["committee"], r["case"], r["ids"], ["x"], r["priority"], r["deadline"],
                     r.get("rules_text"), r["priority"] == "urgent", len(r["ids"])])


# every dispatched record of the conftest night, one case each, but 0001 and 0007 (same committee) together
CASES = [
    {"committee": "310115007001", "case": "C20261120-00000000AA", "ids": [rid("0007"), rid("0001")],
     "priority": "urgent", "deadline": T(2026, 11, 21, 12), "rules_text": "自报发热"},
    *({"committee": c, "case": f"C20261120-{n:0>10}", "ids": [f"{s}:{p}2026112000{n}"], "priority": "normal",
       "deadline": T(2026, 11, 24, 8)}
      for n, s, p, c in (("0002", "hotline", "GD", "310115004002"), ("0003", "healthcloud", "HC", "310115005001"),
                         ("0004", "checkpoint", "KK", "310115004001"), ("0005", "healthcloud", "HC", "310115007002"),
                         ("0006", "hotline", "GD", "310115005002"), ("0008", "healthcloud", "HC", "310115004002"),
                         ("0009", "checkpoint", "KK", "310115005001"), ("0010", "hotline", "GD", "310115007002"))),
]


def _transfers(con, rows):
    cols = ", ".join(f'"{c.name}" {c.dtype}' for c in TRANSFER_ITEMS.columns)
    con.execute(f"CREATE OR REPLACE TABLE transfer_items ({cols})")
    for r in rows:
        con.execute("INSERT INTO transfer_items BY NAME SELECT * FROM (SELECT ? AS record_id, ? AS source, "
                    "? AS street_code, ? AS committee_code, ? AS kind, ? AS transferred_from_street, "
                    "? AS transferred_from_committee, DATE '2026-11-19' AS original_night, ? AS priority, "
                    "'f.xlsx' AS reply_file, ? AS name, ? AS phone, '某路1号' AS address, NULL AS resolved_address)",
                    [r["id"], r["source"], r["committee"][:9], r["committee"], r["kind"], (r.get("from") or "")[:9] or None,
                     r.get("from"), r.get("priority"), "某人", "13900000000"])


def _repeats(con, rows):
    con.execute("""CREATE OR REPLACE TABLE repeats (record_id VARCHAR, open_record_id VARCHAR, open_night DATE,
        street_code VARCHAR, committee_code VARCHAR, case_id VARCHAR, match VARCHAR, same_committee BOOLEAN)""")
    for r in rows:
        con.execute("INSERT INTO repeats VALUES (?, ?, DATE '2026-11-19', ?, ?, NULL, 'same_person', ?)",
                    [r["id"], r["open"], r["committee"][:9], r["committee"], r["same"]])


def _build(con, transfers=(), repeats=()):
    _case_rows(con, CASES)
    _transfers(con, transfers)
    _repeats(con, repeats)
    return build_packet_rows(con, PUBLISHED, case_rows="case_rows", transfers="transfer_items", repeats="repeats",
                             priority_hours=HOURS)


def _rows(con):
    cur = con.execute("SELECT * FROM packet_rows ORDER BY item_id")
    names = [d[0] for d in cur.description]
    return {r[names.index("item_id")]: dict(zip(names, r)) for r in cur.fetchall()}


def test_a_case_is_one_row_with_its_records_priority_deadline_and_rules(con, night):
    n = _build(con)
    rows = _rows(con)
    assert n == 9 and check_table(con, "packet_rows", PACKET_ROWS) == []
    case = rows[rid("0007")]
    assert case["record_ids"] == [rid("0007"), rid("0001")] and case["sources"] == ["checkpoint", "checkpoint"]
    assert (case["priority"], case["deadline"]) == ("urgent", T(2026, 11, 21, 12))
    assert case["reason_text"].endswith("筛查：自报发热")
    assert rid("0001") not in rows  # answered on the case's row
    assert "另一记录（道口登记" in case["details"]


@pytest.mark.parametrize("kind, source, printed_name, reason_start", [
    ("transfer", "checkpoint", "某人", "【转派】由测试居委会退回"),
    ("manual", "healthcloud", "某人", "【人工派发】"),
    ("transfer", "hotline", None, "【转派】"),  # the caller is not printed (may be a neighbour)
])
def test_transfers_and_manual_dispatches_are_rows_of_their_new_committee(con, night, tmp_path, kind, source,
                                                                          printed_name, reason_start):
    con.execute("INSERT INTO admin VALUES ('310115004', '潍坊新村街道', '310115004009', '测试居委会')")
    moved = f"{source}:X1"
    _build(con, transfers=[{"id": moved, "source": source, "committee": "310115005002", "kind": kind,
                            "from": "310115004009" if kind == "transfer" else None, "priority": "high"}])
    row = _rows(con)[moved]
    assert (row["street_code"], row["committee_code"], row["kind"]) == ("310115005", "310115005002", kind)
    assert (row["priority"], row["deadline"]) == ("high", PUBLISHED + dt.timedelta(hours=24))
    assert row["person_name"] == printed_name
    paths = {p.name[:9]: p for p in write_packets(con, tmp_path, dt.date(2026, 11, 20), published_at=PUBLISHED)}
    wb = openpyxl.load_workbook(paths["310115005"])
    cells = [str(c.value) for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value]
    assert any(c.startswith(reason_start) for c in cells)


def test_a_repeat_in_the_same_committee_gets_no_row_and_shows_on_its_open_item(con, night, tmp_path):
    repeat, elsewhere = rid("0004"), "healthcloud:HC20261120000008"
    _build(con, repeats=[{"id": repeat, "open": "checkpoint:OLD1", "committee": "310115004001", "same": True},
                         {"id": elsewhere, "open": "checkpoint:OLD2", "committee": "310115004001", "same": False}])
    rows = _rows(con)
    assert repeat not in rows and elsewhere in rows  # another committee: another door, sent
    con.execute("""CREATE TABLE open_item_details AS SELECT * FROM (VALUES
        ('310115004', '310115004001', 'checkpoint:OLD1', DATE '2026-11-19', TIMESTAMP '2026-11-23 08:00', '测试路1号',
         '甲', '139', 'checkpoint'),
        ('310115004', '310115004001', 'checkpoint:OLD3', DATE '2026-11-18', TIMESTAMP '2026-11-20 08:00', '测试路3号',
         '乙', '138', 'checkpoint'),
        ('310115004', '310115004001', 'hotline:OLD4', DATE '2026-11-18', TIMESTAMP '2026-11-20 08:00', '测试路4号',
         '丙', '137', 'hotline'),
        ('310115004', '310115004001', 'checkpoint:OLD5', DATE '2026-11-18', TIMESTAMP '2026-11-25 08:00', '测试路5号',
         '丁', '136', 'checkpoint'))
        AS t(street_code, committee_code, record_id, night, deadline, resolved_address, name, phone, source)""")
    con.execute("CREATE TABLE overdue_items AS SELECT * FROM open_item_details WHERE deadline < TIMESTAMP '2026-11-21'")
    assert build_packet_open_items(con) == 3  # the two overdue, and OLD1 because it was seen again
    got = con.execute("SELECT record_id, name, seen_again FROM packet_open_items ORDER BY record_id").fetchall()
    assert got == [("checkpoint:OLD1", "甲", f"道口登记 {repeat}"), ("checkpoint:OLD3", "乙", None),
                   ("hotline:OLD4", None, None)]
    paths = {p.name[:9]: p for p in write_packets(con, tmp_path, dt.date(2026, 11, 20), published_at=PUBLISHED,
                                                  overdue="packet_open_items")}
    ws = openpyxl.load_workbook(paths["310115004"])["逾期未核查"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    header = values[2]
    first = dict(zip(header, values[3]))
    assert (first["记录编号"], first["已逾期"], first["今晚再次出现"]) == ("checkpoint:OLD3", "1天", None)
    seen = next(dict(zip(header, v)) for v in values[3:] if v[header.index("记录编号")] == "checkpoint:OLD1")
    assert (seen["已逾期"], seen["今晚再次出现"]) == ("未到期", f"道口登记 {repeat}")


def test_published_items_are_aligned_to_the_packet_rows(con, night):
    _build(con, repeats=[{"id": rid("0004"), "open": "checkpoint:OLD1", "committee": "310115004001", "same": True}])
    con.execute("""CREATE TABLE published_items AS
        SELECT record_id, street_code, committee_code, NULL::VARCHAR AS item_id, 'normal' AS priority,
               TIMESTAMP '2026-11-22 02:00' AS deadline
        FROM decisions WHERE decision = 'dispatched'""")
    assert align_published_items(con) == {"published_items": 9, "repeats_not_published": 1}
    got = {r[0]: r[1:] for r in con.execute("SELECT record_id, item_id, priority, deadline FROM published_items")
           .fetchall()}
    assert got[rid("0001")] == (rid("0007"), "urgent", T(2026, 11, 21, 12))
    assert rid("0004") not in got
    con.execute("DELETE FROM published_items WHERE record_id = 'hotline:GD20261120000002'")
    with pytest.raises(ContractViolation, match="in a packet row but not published"):
        align_published_items(con)
