"""The Spark engine answers the stages' DuckDB SQL as DuckDB does (tiny tables, both engines)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest

from streetlink import engine
from streetlink.engine.spark import SparkEngine

pytestmark = pytest.mark.spark

PEOPLE = pa.table({
    "person_id": ["P1", "P2", "P3", "P4"],
    "name": ["王芳", "王方", None, "李雷"],
    "house_id": ["H1", "H1", "H2", None],
    "score": [1.5, 0.25, None, 3.0],
    "born": [dt.date(1980, 1, 2), dt.date(1990, 3, 4), None, dt.date(2001, 5, 6)],
})


@pytest.fixture
def engines(spark, tmp_path):
    con = duckdb.connect()
    spark_engine = SparkEngine(spark, tmp_path / "scratch")
    for e in (con, spark_engine):
        e.register("people", PEOPLE)
    yield con, spark_engine
    spark_engine.shutdown()
    con.close()


def rows(con, query, params=None):
    return sorted(con.execute(query, params).fetchall(), key=repr)


# Each: statements run in order on both engines, then a query whose rows must agree.
CASES = {
    "create table as, parameters": (
        ["CREATE OR REPLACE TABLE t AS SELECT person_id, score * $k AS s FROM people WHERE name IS NOT NULL"],
        "SELECT * FROM t", {"k": 2.0}),
    "insert by name, a table reading itself": (
        ["CREATE TABLE t AS SELECT person_id, house_id FROM people",
         "INSERT INTO t BY NAME SELECT house_id, person_id || 'x' AS person_id FROM t WHERE house_id = 'H1'"],
        "SELECT * FROM t", None),
    "update with a condition, add column": (
        ["CREATE TABLE t AS SELECT person_id, score FROM people",
         "ALTER TABLE t ADD COLUMN big BOOLEAN",
         "UPDATE t SET big = score > 1"],
        "SELECT * FROM t", None),
    "an empty table of declared columns": (
        ["CREATE OR REPLACE TEMP TABLE e (a VARCHAR, b DOUBLE)"], "SELECT count(*), count(a) FROM e", None),
    "ordered list, distinct list, group by all": (
        [], "SELECT house_id, list(person_id ORDER BY person_id), count(DISTINCT name) FROM people "
            "GROUP BY ALL ORDER BY ALL", None),
    "full-match regexp, null-safe join": (
        [], "SELECT a.person_id, b.person_id FROM people a JOIN people b ON a.house_id IS NOT DISTINCT FROM "
            "b.house_id WHERE regexp_full_match(a.person_id, 'P[12]')", None),
    "dates and text": (
        [], "SELECT strftime(born, '%Y%m%d'), right(person_id, 1), coalesce(name, '?') FROM people", None),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_same_answer_on_both_engines(engines, case):
    statements, query, params = CASES[case]
    answers = []
    for con in engines:
        for statement in statements:
            con.execute(statement, params)
        answers.append(rows(con, query))
    assert answers[0] == answers[1]


def test_describe_speaks_duckdb_type_names(engines):
    con, spark_engine = engines
    query = ("CREATE TABLE d AS SELECT person_id, CAST(1 AS INTEGER) AS i, count(*) OVER () AS n, score, born, "
             "name IS NULL AS unnamed, [name] AS names FROM people")
    for e in engines:
        e.execute(query)
    assert engine.of(spark_engine).describe("d") == engine.of(con).describe("d")


def test_search_path_finds_the_warehouse_views(engines, tmp_path):
    _, spark_engine = engines
    folder = tmp_path / "wh"
    folder.mkdir()
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": [1, 2]}), folder / "gaz_roads.parquet")
    spark_engine.attach_parquet("wh", folder)
    assert spark_engine.execute("SELECT sum(x) FROM wh.gaz_roads").fetchall() == [(3,)]
    spark_engine.execute("-- the warehouse = the views attached\nSET search_path = 'main,wh'")
    assert spark_engine.table_exists("gaz_roads")
    assert spark_engine.execute("SELECT sum(x) FROM gaz_roads").fetchall() == [(3,)]
    spark_engine.execute("RESET search_path")
    assert not spark_engine.table_exists("gaz_roads")


def test_a_python_function_runs_vectorised(engines):
    _, spark_engine = engines
    spark_engine.create_function("shout", lambda s: None if s is None else s + "!", ["VARCHAR"], "VARCHAR")
    assert rows(spark_engine, "SELECT shout(name) FROM people") == sorted(
        [("王芳!",), ("王方!",), (None,), ("李雷!",)], key=repr)
