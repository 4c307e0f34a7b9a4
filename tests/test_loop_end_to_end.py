"""Three nights of the closed loop, through ``run_night`` (no Prefect), on the tiny profile.

Night 1 is answered by the simulated streets and clerks (``simulate_replies``); into night
3's replies we also drop one street's packet as a worker returns it by hand: a record
answered 非本辖区 with 转派至 naming a committee of ANOTHER street, and a row copied in
from a third street's packet (never sent to this street). Then:

* the transfer lands in the right street's night-3 packet, marked 转派, and in the ledger;
* the copied-in row is refused (``not_sent_to_this_street``) and the report lists it;
* nothing is counted twice: the ledger's applied labels are exactly the reply rows applied
  night by night, each reply row once, and a rerun of night 3 changes nothing;
* every night's cases.parquet has every record of links.parquet once and the funnel
  reconciles with links.parquet; decide's inputs are kept for training;
* a night whose inbox holds only replies/ runs: no records, its replies read, its
  clerks' dispatches published;
* a rule file with an unknown field fails the run before anything is written, naming the rule.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import openpyxl
import pytest

from streetlink.config import RunConfig
from streetlink.nightly import DECIDE_INPUTS, run_night
from streetlink.screen import RuleError, reconcile_funnel
from streetlink.synth import generate
from streetlink.synth.streets import simulate_replies

NIGHTS = [dt.date(2026, 11, 24), dt.date(2026, 11, 25), dt.date(2026, 11, 26)]
REPLIES_ONLY = dt.date(2026, 11, 27)


def _config(world, out, night, **extra):
    return RunConfig(date=night, inbox=world / "inbox", registry=world / "registry", out=out, **extra)


def _packet_rows(path):
    """(sheet, row number, 记录编号 cell, header) of every item row of a packet."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        head = next((i for i, r in enumerate(rows[:10]) if "记录编号" in r and "核查结果" in r), None)
        if head is None:
            continue
        header = list(rows[head])
        for i, r in enumerate(rows[head + 1:], start=head + 2):
            if r[header.index("记录编号")]:
                yield wb, ws, i, header


def _hand_reply(packet, target_code, foreign_id, out_path):
    """Answer the first item of `packet` 非本辖区 → `target_code`; add a row for `foreign_id`."""
    wb, ws, row, header = next(_packet_rows(packet))
    col = {h: header.index(h) + 1 for h in header if h}
    first = str(ws.cell(row, col["记录编号"]).value).split("；")[0]
    for h, v in (("核查结果", "非本辖区"), ("转派至", target_code), ("核查时间", "2026-11-26 23:30"),
                 ("核查人", "手工"), ("备注", "人在外街道")):
        ws.cell(row, col[h], v)
    extra = ws.max_row + 1
    for h, v in (("记录编号", foreign_id), ("核查结果", "已核实在住"), ("核查时间", "2026-11-26 20:00")):
        ws.cell(extra, col[h], v)
    wb.save(out_path)
    return first


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    root = tmp_path_factory.mktemp("loop")
    world, out = root / "world", root / "out"
    generate("tiny", 5, world, nights=len(NIGHTS), start_date=NIGHTS[0])
    steps = {}
    run_night(_config(world, out, NIGHTS[0]))
    simulate_replies(out, NIGHTS[0], world / "truth", world / "inbox", seed=3)
    run_night(_config(world, out, NIGHTS[1]))
    simulate_replies(out, NIGHTS[1], world / "truth", world / "inbox", seed=3)

    links1 = duckdb.sql(f"SELECT record_id, street_code FROM '{out / '2026-11-24' / 'links.parquet'}' "
                        "WHERE decision = 'dispatched'").fetchall()
    streets = sorted({s for _, s in links1})
    a, c = streets[0], streets[-1]
    admin = duckdb.sql(f"SELECT committee_code, street_code FROM read_csv('{world / 'registry' / 'admin.csv'}', "
                       "all_varchar = true)").fetchall()
    target = next(code for code, s in sorted(admin) if s not in (a, c))
    foreign = next(r for r, s in sorted(links1) if s == c)
    packet = next((out / "2026-11-24" / "dispatch").glob(f"{a}_*.xlsx"))
    replies = world / "inbox" / "2026-11-26" / "replies"
    replies.mkdir(parents=True, exist_ok=True)
    moved = _hand_reply(packet, target, foreign, replies / "手工回执.xlsx")
    run_night(_config(world, out, NIGHTS[2]))
    simulate_replies(out, NIGHTS[2], world / "truth", world / "inbox", seed=3)
    run_night(_config(world, out, REPLIES_ONLY))  # the inbox holds replies/ and nothing else
    steps["ledger_before_rerun"] = _ledger_counts(out)
    return {"world": world, "out": out, "moved": moved, "target": target, "foreign": foreign, "a": a,
            "steps": steps}


def _ledger_counts(out):
    con = duckdb.connect(str(out / "ledger.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("dispatches", "labels", "review_actions", "reviews", "nights")}
    finally:
        con.close()


def test_a_transfer_lands_in_the_right_streets_next_packet(loop):
    out, moved, target = loop["out"], loop["moved"], loop["target"]
    con = duckdb.connect(str(out / "ledger.duckdb"), read_only=True)
    row = con.execute("SELECT street_code, committee_code, kind, transferred_from_street FROM dispatches "
                      "WHERE night = DATE '2026-11-26' AND record_id = ?", [moved]).fetchall()
    assert row == [(target[:9], target, "transfer", loop["a"])]
    found = []
    for packet in (out / "2026-11-26" / "dispatch").glob("*.xlsx"):
        for _, ws, r, header in _packet_rows(packet):
            ids = str(ws.cell(r, header.index("记录编号") + 1).value).split("；")
            if moved in ids:
                found.append((packet.name[:9], ws.cell(r, header.index("派发原因") + 1).value))
    assert len(found) == 1 and found[0][0] == target[:9]
    assert found[0][1].startswith("【转派】由")


def test_a_reply_for_a_record_the_street_was_never_sent_is_refused_and_reported(loop):
    out, foreign = loop["out"], loop["foreign"]
    refused = duckdb.sql(f"SELECT reply_file, applied, refused_reason FROM '{out / '2026-11-26' / 'replies.parquet'}' "
                         f"WHERE record_id = '{foreign}' AND reply_file = '手工回执.xlsx'").fetchall()
    assert refused == [("手工回执.xlsx", False, "not_sent_to_this_street")]
    summary = json.loads((out / "reports" / "2026-11-26" / "summary.json").read_text(encoding="utf-8"))
    assert any(r["record_id"] == foreign for r in summary["replies"]["refused_sample"])
    html = (out / "reports" / "2026-11-26" / "match_rate.html").read_text(encoding="utf-8")
    assert "该街镇未收到过此记录" in html and foreign in html


def test_nothing_is_counted_twice_and_a_rerun_changes_nothing(loop):
    out, world = loop["out"], loop["world"]
    applied_nightly = sum(
        duckdb.sql(f"SELECT count(*) FROM '{out / d.isoformat() / 'replies.parquet'}' WHERE applied").fetchall()[0][0]
        for d in [*NIGHTS, REPLIES_ONLY])
    con = duckdb.connect(str(out / "ledger.duckdb"), read_only=True)
    applied, keys, rows = con.execute(
        "SELECT count(*) FILTER (WHERE applied), count(DISTINCT (file_sha256, sheet, row_number, record_id)), "
        "count(*) FROM labels").fetchone()
    con.close()
    assert applied == applied_nightly > 0
    assert keys == rows
    run_night(_config(world, out, NIGHTS[2]))  # idempotent
    assert _ledger_counts(out) == loop["steps"]["ledger_before_rerun"]


@pytest.mark.parametrize("night", NIGHTS)
def test_cases_hold_every_record_once_and_the_funnel_reconciles(loop, night):
    day = loop["out"] / night.isoformat()
    con = duckdb.connect()
    missing, extra, doubled = con.execute(f"""
        WITH c AS (SELECT record_id FROM '{day / 'cases.parquet'}'), l AS (SELECT record_id FROM '{day / 'links.parquet'}')
        SELECT (SELECT count(*) FROM l ANTI JOIN c USING (record_id)), (SELECT count(*) FROM c ANTI JOIN l USING (record_id)),
               (SELECT count(*) - count(DISTINCT record_id) FROM c)""").fetchone()
    assert (missing, extra, doubled) == (0, 0, 0)
    funnel = json.loads((day / "internal" / "screen_summary.json").read_text(encoding="utf-8"))["funnel"]
    assert reconcile_funnel(funnel, day / "links.parquet") == []
    assert sorted(p.stem for p in (day / "internal" / "decide_inputs").glob("*.parquet")) == sorted(DECIDE_INPUTS)


def test_a_bad_rule_file_fails_the_run_before_anything_is_written(loop, tmp_path):
    from streetlink.screen import default_rules_path

    rules = default_rules_path()
    bad = tmp_path / "rules" / rules.name
    shutil.copytree(rules.parent, bad.parent)
    text = bad.read_text(encoding="utf-8")
    bad.write_text(text.replace('condition = "list_contains(record.symptoms, \'发热\')"',
                                'condition = "list_contains(record.symptomz, \'发热\')"'), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RuleError, match="fever_reported"):
        run_night(_config(loop["world"], out, NIGHTS[0], screening_rules=bad))
    assert not out.exists()


def test_a_night_with_replies_only_is_a_night(loop):
    out = loop["out"]
    day = out / REPLIES_ONLY.isoformat()
    assert sorted(p.name for p in (loop["world"] / "inbox" / REPLIES_ONLY.isoformat()).iterdir()) == ["replies"]
    assert duckdb.sql(f"SELECT count(*) FROM '{day / 'links.parquet'}'").fetchall() == [(0,)]
    assert duckdb.sql(f"SELECT count(*) FROM '{day / 'replies.parquet'}'").fetchall()[0][0] > 0
    con = duckdb.connect(str(out / "ledger.duckdb"), read_only=True)
    kinds = dict(con.execute("SELECT kind, count(*) FROM dispatches WHERE night = ? GROUP BY ALL",
                             [REPLIES_ONLY]).fetchall())
    con.close()
    assert set(kinds) <= {"transfer", "manual"} and sum(kinds.values()) > 0  # the clerks' dispatches of night 3
    assert any((day / "dispatch").glob("*.xlsx"))
