"""DuckDB statements rendered for Spark: each rewrite on the smallest statement that needs it."""

from __future__ import annotations

import datetime as dt

import pytest

from streetlink.engine.spark_sql import SparkSqlError, parse, spark_text, to_spark, view_name


def render(text: str, params=None) -> str:
    (tree,) = parse(text)
    return spark_text(to_spark(tree, params))


@pytest.mark.parametrize("duckdb, params, spark", [
    # parameters become quoted literals; a float keeps every digit
    ("SELECT * FROM t WHERE a = $a AND b = $b", {"a": "x'y", "b": 0.1},
     "SELECT * FROM t WHERE a = 'x\\'y' AND b = CAST('0.1' AS DOUBLE)"),
    ("SELECT * FROM t WHERE a = ? AND d = ?", ["x", dt.date(2026, 11, 24)],
     "SELECT * FROM t WHERE a = 'x' AND d = CAST('2026-11-24' AS DATE)"),
    ("SELECT * FROM t WHERE a IN (SELECT unnest($xs))", {"xs": ["a", "b"]},
     "SELECT * FROM t WHERE a IN (SELECT EXPLODE(ARRAY('a', 'b')))"),
    # the attached warehouse is a set of views
    ("SELECT h.x FROM wh.housing_std h", None, "SELECT h.x FROM wh__housing_std AS h"),
    ("SELECT x FROM wh.housing_std", None, "SELECT x FROM wh__housing_std AS housing_std"),
    # full-match regular expressions (Spark's string literals escape backslashes)
    ("SELECT regexp_full_match(a, '\\d+') FROM t", None, "SELECT a RLIKE '^(?:\\\\d+)$' FROM t"),
    # an ordered sum in a window: the order only fixed rounding
    ("SELECT sum(o ORDER BY h) OVER (PARTITION BY r) FROM t", None,
     "SELECT SUM(o) OVER (PARTITION BY r) FROM t"),
    ("SELECT row_number() OVER () AS id FROM t", None,
     "SELECT ROW_NUMBER() OVER (ORDER BY MONOTONICALLY_INCREASING_ID() NULLS LAST) AS id FROM t"),
    # an ordered list keeps its order
    ("SELECT list(x ORDER BY k) FROM t", None,
     "SELECT TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(k AS k0, x AS v))), e -> e.v) FROM t"),
    ("SELECT to_json(x) FROM t", None, "SELECT TO_JSON(x, MAP('ignoreNullFields', 'false')) FROM t"),
    ("SELECT 'P=' || round(p, 4) FROM t", None,
     "SELECT 'P=' || CASE WHEN ROUND(p, 4) <> 0 AND ABS(ROUND(p, 4)) < 0.001 THEN FORMAT_STRING('%.4f', "
     "ROUND(p, 4)) ELSE FORMAT_STRING('%s', ROUND(p, 4)) END FROM t"),
])
def test_rendered_for_spark(duckdb, params, spark):
    assert render(duckdb, params) == spark


@pytest.mark.parametrize("duckdb, params, message", [
    ("SELECT $a", {}, r"parameter \$a not given"),
    ("SELECT ?", {"a": 1}, "needs a list"),
    ("SELECT ?, ?", [1], "fewer values"),
    ("SELECT list(x ORDER BY k DESC) FROM t", None, "DESC"),
])
def test_what_cannot_be_rendered_fails_loudly(duckdb, params, message):
    with pytest.raises(SparkSqlError, match=message):
        render(duckdb, params)


@pytest.mark.parametrize("name, view", [("records_std", "records_std"), ("wh.tf_phone", "wh__tf_phone"),
                                        ('"wh"."Admin"', "wh__admin")])
def test_view_names(name, view):
    assert view_name(name) == view


def test_a_trailing_comment_is_no_statement():
    assert [t.key for t in parse("DROP TABLE x;\n\n-- what the next statement does\n")] == ["drop"]
