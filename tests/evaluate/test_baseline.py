"""The naive exact-lookup baseline, on a tiny hand-built registry and a few staged records."""

from __future__ import annotations

import duckdb
import pytest

from streetlink.contracts import LINKS, STAGED_RECORDS, check_table
from streetlink.evaluate.baseline import lookup_counts, naive_links

HOUSING = [
    # house_id, street_code, committee_code, std_address
    ("H1", "310115007", "310115007024", "浦东新区齐河路88弄3号602室"),
    ("H2", "310115103", "310115103223", "浦东新区川沙新镇七灶村5组12号"),
    ("H3", "310115016", "310115016005", "浦东新区芳华路136弄32号1402室"),
]
POPULATION = [
    # person_id, id_number, house_id
    ("P1", "310115195803120029", "H1"),
    ("P2", "34032319720311742X", "H2"),
    ("P3", "34032319720311742X", "H3"),  # the same ID twice in the registry: no exact match
    ("P4", "310224196001010011", None),  # no dwelling on record
]
STAGED = [
    # record_id, id_number, address, reject_reason
    ("checkpoint:A1", " 310115195803120029 ", None, None),  # ID as typed (trimmed)
    ("checkpoint:A2", "310115195803120029", "浦东新区川沙新镇七灶村5组12号", None),  # ID wins
    (
        "checkpoint:A3",
        "310115195803120O29",
        "齐河路88弄3号602室",
        None,
    ),  # bad ID; address + 浦东新区
    ("healthcloud:B1", None, "上海市浦东新区川沙新镇七灶村5组12号", None),  # prefix removed
    ("healthcloud:B2", None, "上海市芳华路136弄32号1402室", None),  # 上海市 swapped for 浦东新区
    ("healthcloud:B3", "34032319720311742X", None, None),  # ambiguous ID, no address
    ("hotline:C1", None, "上海浦东新区齐河路88弄3号602室", None),  # 上海 is no exact prefix
    ("hotline:C2", None, " 浦东新区芳华路136弄32号1402室 ", None),  # trimmed
    (
        "checkpoint:A4",
        "310224196001010011",
        "浦东新区芳华路136弄32号1402室",
        None,
    ),  # person has no home
    ("checkpoint:A5", "310115195803120029", "浦东新区齐河路88弄3号602室", "unparseable_time"),
    ("healthcloud:healthcloud_2026-11-24.jsonl#7", None, None, "bad_json_line"),
    ("checkpoint:A6", "310115195803120029x", "齐河路88弄3号602", None),  # near misses only
]


@pytest.fixture()
def con():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE housing (house_id VARCHAR, street_code VARCHAR, committee_code VARCHAR, "
        "community_name VARCHAR, road VARCHAR, lane VARCHAR, number VARCHAR, room VARCHAR, "
        "village VARCHAR, group_no VARCHAR, std_address VARCHAR)"
    )
    for h, s, c, a in HOUSING:
        con.execute(
            "INSERT INTO housing VALUES (?, ?, ?, NULL, NULL, NULL, '1', NULL, NULL, NULL, ?)",
            [h, s, c, a],
        )
    con.execute(
        "CREATE TABLE population (person_id VARCHAR, name VARCHAR, id_type VARCHAR, "
        "id_number VARCHAR, gender VARCHAR, birth_date DATE, phone VARCHAR, house_id VARCHAR, "
        "residence_type VARCHAR)"
    )
    for p, i, h in POPULATION:
        con.execute(
            "INSERT INTO population VALUES (?, '王芳', '居民身份证', ?, '女', NULL, NULL, ?, '户籍')",
            [p, i, h],
        )
    cols = ", ".join(f'"{c.name}" {c.dtype}' for c in STAGED_RECORDS.columns)
    con.execute(f"CREATE TABLE staged_records ({cols})")
    for rid, idn, addr, reject in STAGED:
        source = rid.split(":")[0]
        con.execute(
            "INSERT INTO staged_records (record_id, source, source_file, source_row, n_copies, "
            "id_number, address, reject_reason) VALUES (?, ?, 'f', 1, 1, ?, ?, ?)",
            [rid, source, idn, addr, reject],
        )
    return con


def _links(con) -> dict[str, tuple]:
    con.register("naive_rel", naive_links(con))
    con.execute("CREATE OR REPLACE TABLE links AS SELECT * FROM naive_rel")
    return {r[0]: r[1:] for r in con.execute("SELECT * FROM links").fetchall()}


def test_output_is_shaped_exactly_like_links(con):
    _links(con)
    assert check_table(con.cursor(), "links", LINKS) == []
    assert [r[0] for r in con.execute("DESCRIBE links").fetchall()] == LINKS.column_names
    assert con.execute("SELECT count(*) FROM links").fetchall()[0][0] == len(STAGED)


def test_exact_id_dispatches_to_the_persons_dwelling(con):
    links = _links(con)
    assert links["checkpoint:A1"] == (
        "checkpoint",
        "dispatched",
        "310115007",
        "310115007024",
        None,
        None,
        "P1",
        1.0,
        None,
    )
    # the ID is looked up first, even when the address names another dwelling
    assert links["checkpoint:A2"][2:4] == ("310115007", "310115007024")


def test_exact_address_with_prefix_variants(con):
    links = _links(con)
    assert links["checkpoint:A3"] == (
        "checkpoint",
        "dispatched",
        "310115007",
        "310115007024",
        "H1",
        1.0,
        None,
        None,
        None,
    )
    assert links["healthcloud:B1"][1:5] == ("dispatched", "310115103", "310115103223", "H2")
    assert links["healthcloud:B2"][1:5] == ("dispatched", "310115016", "310115016005", "H3")
    assert links["hotline:C2"][1:5] == ("dispatched", "310115016", "310115016005", "H3")
    # the person has no dwelling on record: the address decides
    assert links["checkpoint:A4"][1:7] == (
        "dispatched",
        "310115016",
        "310115016005",
        "H3",
        1.0,
        None,
    )


def test_everything_else_goes_to_review_or_stays_rejected(con):
    links = _links(con)
    review = ("review", None, None, None, None, None, None, "address_unresolved")
    assert links["hotline:C1"][1:] == review
    assert links["healthcloud:B3"][1:] == review  # an ID held by two people matches nobody
    assert links["checkpoint:A6"][1:] == review
    assert links["checkpoint:A5"][1:] == (
        "rejected",
        None,
        None,
        None,
        None,
        None,
        None,
        "unparseable_time",
    )
    assert links["healthcloud:healthcloud_2026-11-24.jsonl#7"][1:] == (
        "rejected",
        None,
        None,
        None,
        None,
        None,
        None,
        "bad_json_line",
    )


def test_lookup_counts_are_the_rows_the_lookups_return(con):
    counts = lookup_counts(con)
    assert counts["records"] == len(STAGED)
    # A1, A2, A4, A5 hit one person each; B3's ID is held by two registry rows
    assert counts["id_matches"] == 6
    # A2, A3, B1, B2, C2, A4, A5 each reach exactly one dwelling; C1 and A6 none
    assert counts["address_matches"] == 7
    with_address = sum(1 for _, _, addr, _ in STAGED if addr)
    assert counts["address_probes"] >= 2 * with_address
