"""Generated files honour the contracts: registries, truth, and the inbox formats."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest

from streetlink.contracts import ADMIN, HOUSING, POPULATION, SOURCES, TRUTH, check_table


@pytest.mark.parametrize(
    "table, contract",
    [("admin", ADMIN), ("housing", HOUSING), ("population", POPULATION), ("truth", TRUTH)],
)
def test_registry_and_truth_pass_their_contracts(tiny_bad, load, table, contract):
    con = load(tiny_bad.out_dir)
    assert check_table(con.cursor(), table, contract) == []


def test_small_registry_passes_contracts_and_has_the_36_streets(small_world, load):
    con = load(small_world.out_dir)
    for table, contract in (
        ("admin", ADMIN),
        ("housing", HOUSING),
        ("population", POPULATION),
        ("truth", TRUTH),
    ):
        assert check_table(con.cursor(), table, contract) == [], table
    assert con.execute("SELECT count(DISTINCT street_code) FROM admin").fetchall()[0][0] == 36


def _inbox_files(summary, prefix):
    return sorted((summary.out_dir / "inbox").glob(f"*/{prefix}*"))


def test_checkpoint_csv_headers_and_encoding(tiny_bad):
    encodings = set()
    for path in _inbox_files(tiny_bad, "checkpoint"):
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf"):
            text = data[3:].decode("utf-8")
            encodings.add("utf-8-sig")
        else:
            text = data.decode("gb18030")
            encodings.add("gb18030")
        header = text.split("\r\n", 1)[0].split(",")
        assert header == SOURCES["checkpoint"].required_headers
    assert encodings  # every file decoded under one of the two encodings


def test_hotline_has_title_rows_then_exact_headers(tiny_bad):
    for path in _inbox_files(tiny_bad, "hotline"):
        ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(rows) if r and r[0] == "工单编号")
        assert 1 <= header_at <= 3
        assert rows[0][0] == "浦东新区12345市民服务热线工单导出"
        assert [v for v in rows[header_at] if v] == SOURCES["hotline"].required_headers


def test_healthcloud_lines_parse_except_the_injected_bad_ones(tiny_bad, small_world):
    clean = _inbox_files(small_world, "healthcloud")[0].read_text(encoding="utf-8").split("\n")
    for line in clean:
        if line.strip():
            obj = json.loads(line)
            assert isinstance(obj["residence"], dict)
            assert set(obj) == {h.split(".")[0] for h in SOURCES["healthcloud"].required_headers}
    bad = 0
    for path in _inbox_files(tiny_bad, "healthcloud"):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            bad += not isinstance(obj["residence"], dict)
    assert bad == 2 * len(tiny_bad.dates)


def test_every_inbox_record_has_exactly_one_truth_row(small_world, load):
    con = load(small_world.out_dir)
    ids = [r[0] for r in con.execute("SELECT record_id FROM truth").fetchall()]
    assert len(ids) == len(set(ids)) == sum(sum(v.values()) for v in small_world.records.values())
    assert all(re.fullmatch(r"(checkpoint|hotline|healthcloud):.+", i) for i in ids)
    inbox = small_world.out_dir / "inbox" / "2026-11-24"
    cp = (inbox / "checkpoint_2026-11-24.csv").read_bytes()
    cp_text = cp[3:].decode("utf-8") if cp.startswith(b"\xef\xbb\xbf") else cp.decode("gb18030")
    cp_ids = {f"checkpoint:{m}" for m in re.findall(r"^(KK\d{14}),", cp_text, flags=re.MULTILINE)}
    hc_ids = {
        f"healthcloud:{json.loads(x)['report_id']}"
        for x in (inbox / "healthcloud_2026-11-24.jsonl").read_text(encoding="utf-8").split("\n")
        if x
    }
    ws = openpyxl.load_workbook(inbox / "hotline_2026-11-24.xlsx", read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "工单编号") + 1
    hl_ids = {
        f"hotline:{int(r[0]) if isinstance(r[0], (int, float)) else r[0]}" for r in rows[start:]
    }
    assert cp_ids | hc_ids | hl_ids == set(ids)


def test_injected_bad_input_is_accounted_for_in_truth(tiny_bad, load):
    con = load(tiny_bad.out_dir)
    rows = con.execute("""
        SELECT record_id, placeable, messiness FROM truth
        WHERE list_has_any(messiness, ['bad_json_line', 'wrong_field_type', 'unparseable_time',
                                       'no_address_no_identity'])
    """).fetchall()
    assert len(rows) == 4 * len(tiny_bad.dates)
    assert not any(placeable for _, placeable, _ in rows)
    for record_id, _, codes in rows:
        if codes[0] in ("bad_json_line", "wrong_field_type"):
            assert re.fullmatch(r"healthcloud:healthcloud_\d{4}-\d{2}-\d{2}\.jsonl#\d+", record_id)
    resent = con.execute(
        "SELECT count(*) FROM truth WHERE list_contains(messiness, 'resent_duplicate')"
    ).fetchall()[0][0]
    assert resent == 3 * len(tiny_bad.dates)
    for path in sorted((tiny_bad.out_dir / "inbox").glob("*/checkpoint_*_resend.csv")):
        assert path.stat().st_size > 0


def test_default_generation_has_no_file_level_faults(small_world):
    inbox = small_world.out_dir / "inbox" / "2026-11-24"
    assert sorted(p.name for p in inbox.iterdir()) == [
        "checkpoint_2026-11-24.csv",
        "healthcloud_2026-11-24.jsonl",
        "hotline_2026-11-24.xlsx",
    ]
    manifest = json.loads((small_world.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["profile"] == "small" and manifest["seed"] == 11
    assert set(manifest["files"]) >= {"registry/housing.parquet", "truth/2026-11-24.parquet"}
