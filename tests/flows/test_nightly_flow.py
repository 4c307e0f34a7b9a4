"""One end-to-end run of the Prefect nightly flow through the command line.

Tiny synthetic Pudong with the generator's bad-input extras, plus a truncated workbook:
the run must finish partial (exit 3), account for every record once, keep every street's
packet to its own records and publish the report. Starts Prefect's temporary server
(~15 s), hence one test.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import openpyxl
import pytest

from streetlink.cli import EXIT_PARTIAL, main
from streetlink.contracts import LINKS, check_table
from streetlink.synth import generate

DATE = dt.date(2026, 11, 24)


@pytest.mark.flow
def test_nightly_flow_end_to_end(tmp_path):
    data = tmp_path / "data"
    generate("tiny", 5, data, nights=1, start_date=DATE, inject_bad_input=True)
    day = data / "inbox" / DATE.isoformat()
    (day / "hotline_2026-11-24_part2.xlsx").write_bytes(b"PK\x03\x04 this workbook was cut off")

    out, reports = tmp_path / "out", tmp_path / "reports"
    code = main(["run", "--date", DATE.isoformat(), "--inbox", str(data / "inbox"),
                 "--registry", str(data / "registry"), "--out", str(out), "--reports", str(reports)])
    assert code == EXIT_PARTIAL

    night = out / DATE.isoformat()
    con = duckdb.connect()
    con.execute(f"CREATE TABLE links AS SELECT * FROM read_parquet('{night / 'links.parquet'}')")
    assert check_table(con, "links", LINKS) == []
    con.execute(f"CREATE TABLE truth AS SELECT * FROM read_parquet('{data / 'truth' / '2026-11-24.parquet'}')")
    # every record that entered appears exactly once: the truth lists them all
    missing, extra = con.execute("""
        SELECT (SELECT count(*) FROM truth ANTI JOIN links USING (record_id)),
               (SELECT count(*) FROM links ANTI JOIN truth USING (record_id))""").fetchall()[0]
    assert (missing, extra) == (0, 0)
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
        for ws in wb.worksheets[1:]:  # the first sheet is the summary
            rows = ws.iter_rows(values_only=True)
            header = next(r for r in rows if "记录编号" in r)  # title rows stand above it
            col = header.index("记录编号")
            for row in rows:
                if row[col]:
                    assert dispatched[row[col]] == street, f"{row[col]} in {packet.name}"
                    assert row[col] not in seen
                    seen[row[col]] = street
    assert seen == dispatched

    review = list((night / "review").glob("review_*.xlsx"))
    assert len(review) == 1
    html = (reports / DATE.isoformat() / "match_rate.html").read_text(encoding="utf-8")
    assert "PARTIAL" in html.upper()
    summary = json.loads((reports / DATE.isoformat() / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["reconciled"] is True
    assert any(f["status"] == "failed" for f in summary["files"])
    for model in summary["models"]:
        assert model["sha256"] and model["sha256"][:12] in html
    assert not list(out.glob(".*staging*")) and not (out / ".work").exists() or not any((out / ".work").iterdir())
