"""One end-to-end run of the Prefect nightly flow through the command line.

Tiny synthetic Pudong with the generator's bad-input extras, plus a truncated workbook and
a health-cloud file whose only report has nothing but its id: the run must finish partial
(exit 3), account for every record once (that report rejected with a reason), keep every
street's packet to its own records, publish the report under <out>/reports with the
configured permission mode, and leave no temporary folder. Starts Prefect's temporary
server (~15 s), hence one test.
"""

from __future__ import annotations

import datetime as dt
import json
import stat

import duckdb
import openpyxl
import pytest

from streetlink.cli import EXIT_PARTIAL, main
from streetlink.contracts import LINKS, PACKET_FILL_IN, check_table
from streetlink.synth import generate

DATE = dt.date(2026, 11, 24)


@pytest.mark.flow
def test_nightly_flow_end_to_end(tmp_path):
    data = tmp_path / "data"
    generate("tiny", 5, data, nights=1, start_date=DATE, inject_bad_input=True)
    day = data / "inbox" / DATE.isoformat()
    (day / "hotline_2026-11-24_part2.xlsx").write_bytes(b"PK\x03\x04 this workbook was cut off")
    (day / "healthcloud_2026-11-24_late.jsonl").write_text('{"report_id": "HCEMPTY1"}\n', encoding="utf-8")

    out = tmp_path / "out"
    code = main(["run", "--date", DATE.isoformat(), "--inbox", str(data / "inbox"),
                 "--registry", str(data / "registry"), "--out", str(out), "--output-mode", "0640"])
    assert code == EXIT_PARTIAL
    reports = out / "reports"  # the default: the trend is this output root's own

    night = out / DATE.isoformat()
    con = duckdb.connect()
    con.execute(f"CREATE TABLE links AS SELECT * FROM read_parquet('{night / 'links.parquet'}')")
    assert check_table(con, "links", LINKS) == []
    con.execute(f"CREATE TABLE truth AS SELECT * FROM read_parquet('{data / 'truth' / '2026-11-24.parquet'}')")
    # every record that entered appears exactly once: the truth lists them all
    missing, extra = con.execute("""
        SELECT (SELECT count(*) FROM truth ANTI JOIN links USING (record_id)),
               (SELECT count(*) FROM links ANTI JOIN truth USING (record_id))""").fetchall()[0]
    assert (missing, extra) == (0, 1)  # the empty report is no synthetic record, but it is there:
    assert con.execute("SELECT decision, reason FROM links WHERE record_id = 'healthcloud:HCEMPTY1'").fetchall() == [
        ("rejected", "no_address_no_identity")]
    bad = con.execute("""SELECT count(*) FROM links WHERE
        (decision = 'dispatched') <> (committee_code IS NOT NULL AND street_code IS NOT NULL)
        OR (decision = 'dispatched') = (reason IS NOT NULL)
        OR (committee_code IS NOT NULL AND NOT starts_with(committee_code, street_code))""").fetchall()[0][0]
    assert bad == 0
    assert con.execute("SELECT count(*) FROM links WHERE reason = 'bad_json_line'").fetchall()[0][0] >= 1
    assert con.execute("SELECT count(*) FROM links WHERE decision = 'dispatched'").fetchall()[0][0] > 0

    # packets: a street sees its own records only, and every dispatched record is in one packet
    dispatched = dict(con.execute(
        "SELECT record_id, street_code FROM links WHERE decision = 'dispatched'").fetchall())
    seen: dict[str, str] = {}
    for packet in sorted((night / "dispatch").glob("*.xlsx")):
        street = packet.name.split("_", 1)[0]
        wb = openpyxl.load_workbook(packet, read_only=True)
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = next((r for r in rows if "记录编号" in r), None)  # title rows stand above it
            if header is None or "核查结果" not in header:
                continue  # the summary, or the urgent list (answered in the committee sheets)
            assert [h for h in header if h in PACKET_FILL_IN] == list(PACKET_FILL_IN)
            col = header.index("记录编号")
            for row in rows:
                if row[col]:
                    for record_id in row[col].split("；"):
                        assert dispatched[record_id] == street, f"{record_id} in {packet.name}"
                        assert record_id not in seen
                        seen[record_id] = street
    assert seen == dispatched

    assert sorted(p.name for p in (night / "review").iterdir()) == ["review_2026-11-24.html", "review_2026-11-24.xlsx"]
    html = (reports / DATE.isoformat() / "match_rate.html").read_text(encoding="utf-8")
    assert "PARTIAL" in html.upper()
    summary = json.loads((reports / DATE.isoformat() / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["reconciled"] is True
    assert any(f["status"] == "failed" for f in summary["files"])
    for model in summary["models"]:
        assert model["sha256"] and model["sha256"][:12] in html

    # nothing temporary is left anywhere: no staging or aside folder, no scratch, no spill folder
    leftovers = [str(p.relative_to(out)) for p in out.rglob("*")
                 if p.name.startswith(".") or p.name.endswith(".tmp")]
    assert leftovers == []
    assert sorted(p.name for p in out.iterdir()) == ["2026-11-24", "ledger.duckdb", "reports", "warehouse.duckdb"]
    # the configured mode on everything published, folders traversable by the same group
    for path in (night, night / "dispatch", reports / DATE.isoformat()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o750, path
    for path in (night / "links.parquet", reports / DATE.isoformat() / "match_rate.html",
                 *(night / "dispatch").iterdir()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path
