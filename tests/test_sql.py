"""The one SQL loader: named statements, one placeholder syntax, identifiers checked."""

from __future__ import annotations

import duckdb
import pytest

from streetlink import sql


@pytest.fixture()
def sql_dir(tmp_path):
    (tmp_path / "stage.sql").write_text(
        "-- name: make_table\n"
        "CREATE TABLE {{out}} AS SELECT * FROM range(3) t(x) WHERE x >= $low;\n"
        "-- name: copy_to\n"
        "COPY {{src}} TO {{path:literal}} (FORMAT parquet)\n"
        "-- name: with_fragment\n"
        "SELECT {{expr:sql}} AS y FROM {{src}}\n",
        encoding="utf-8")
    (tmp_path / "single.sql").write_text("SELECT 42 AS answer", encoding="utf-8")
    return tmp_path


def test_named_statements_and_whole_file(sql_dir):
    found = sql.statements(sql_dir)
    assert set(found) == {"make_table", "copy_to", "with_fragment", "single"}
    assert found["make_table"].placeholders == {"out": "ident"}
    assert sql.load(sql_dir, "single").text == "SELECT 42 AS answer"


def test_run_binds_values_and_quotes_identifiers(sql_dir, tmp_path):
    con = duckdb.connect()
    sql.run(con, sql_dir, "make_table", {"low": 1}, out="main.t")
    assert con.execute("SELECT list(x ORDER BY x) FROM t").fetchone()[0] == [1, 2]
    odd = tmp_path / "it's here.parquet"
    sql.run(con, sql_dir, "copy_to", src="t", path=odd)
    assert con.execute("SELECT count(*) FROM read_parquet(?)", [str(odd)]).fetchone()[0] == 2
    rows = con.execute(sql.render(sql_dir, "with_fragment", expr="x * 10", src="t")).fetchall()
    assert sorted(r[0] for r in rows) == [10, 20]


@pytest.mark.parametrize("bad", ["t; DROP TABLE x", "a.b.c", "1abc", "", "t--", 'x"y'])
def test_identifiers_are_checked(sql_dir, bad):
    with pytest.raises(sql.SqlError):
        sql.render(sql_dir, "make_table", out=bad)


def test_missing_or_unexpected_placeholders_fail(sql_dir):
    with pytest.raises(sql.SqlError, match="missing"):
        sql.render(sql_dir, "make_table")
    with pytest.raises(sql.SqlError, match="unexpected"):
        sql.render(sql_dir, "make_table", out="t", typo="u")
    with pytest.raises(sql.SqlError, match="no SQL statement"):
        sql.load(sql_dir, "nope")


def test_literal_escapes_quotes():
    assert sql.literal("a'b") == "'a''b'"
    with pytest.raises(sql.SqlError):
        sql.literal("a\x00b")
