"""DuckDB SQL rendered for Spark: sqlglot's transpiler plus the rewrites it lacks.

The stages' statements are written once, in DuckDB's dialect. ``to_spark`` parses one,
binds its parameters, rewrites what Spark spells differently and returns the tree;
``spark_text`` prints it in Spark's dialect. Rewrites (each a construct sqlglot passes
through unchanged but Spark rejects or reads otherwise):

* parameters ``$name`` / ``?`` → literals of the bound values (Spark SQL has no
  parameters in DDL; sqlglot quotes the values, so nothing is pasted in)
* ``schema.table`` → the temporary view ``schema__table`` (the warehouse, attached to a
  DuckDB run database as ``wh``, is a set of Parquet-backed views on Spark)
* ``regexp_full_match(s, p)`` → ``s RLIKE '^(?:p)$'``; ``regexp_matches(s, p)`` → RLIKE
* ``sum(x ORDER BY y) OVER (…)`` → ``sum(x) OVER (…)`` (DuckDB's ordered aggregate fixes
  the summation order for bit-identical reruns; Spark sums in partition order, equal to
  within rounding, which is what the engine-equality test allows: 1e-6)
* ``row_number() OVER ()`` → ordered by ``monotonically_increasing_id()`` (Spark needs an
  order; the statements that use it only want distinct ids)
* ``list(x ORDER BY k)`` → ``transform(array_sort(collect_list(named_struct(k, x))), …)``
  (sqlglot drops the ORDER BY; the candidates' lists must keep their rank order)
* ``to_json(x)`` → ``to_json(x, map('ignoreNullFields', 'false'))``: DuckDB writes a NULL
  field as ``null``, Spark leaves it out unless told
* ``round(x, n)`` turned into text (``||``, ``CAST … AS VARCHAR``): Java prints a double
  below 10⁻³ as ``9.0E-4`` where DuckDB prints ``0.0009``; such values are formatted with
  ``n`` decimals, as DuckDB's shortest form of a number rounded to ``n`` places is
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import sqlglot
from sqlglot import exp

__all__ = ["SparkSqlError", "bind", "parse", "spark_text", "to_spark", "view_name"]


class SparkSqlError(ValueError):
    """A statement the Spark engine cannot render."""


def view_name(table: exp.Table | str) -> str:
    """The Spark view standing for a (schema-qualified) DuckDB table name."""
    if isinstance(table, str):
        parts = table.replace('"', "").split(".")
        return "__".join(parts).lower()
    parts = [p for p in (table.catalog, table.db, table.name) if p]
    return "__".join(parts).lower()


def literal(value: Any) -> exp.Expression:
    """A bound value as a Spark literal (exact for floats: a DOUBLE from its repr)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        return exp.cast(exp.Literal.string(repr(value)), "DOUBLE")
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, (list, tuple)):
        return exp.Array(expressions=[literal(v) for v in value])
    raise SparkSqlError(f"cannot bind a {type(value).__name__} as a Spark literal")


def parse(text: str) -> list[exp.Expression]:
    # sqlglot warns when it keeps a statement it does not model (RESET x) as a command:
    # the engine handles those itself.
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        trees = sqlglot.parse(text, read="duckdb")
    finally:
        logger.setLevel(level)
    # a comment after the last statement parses as a statement of its own: nothing to run
    return [e for e in trees if e is not None and e.sql(comments=False).strip()]


def bind(tree: exp.Expression, params: Mapping[str, Any] | Sequence[Any] | None) -> exp.Expression:
    """Replace $name and ? placeholders by literals of `params`."""
    positional = iter(params) if isinstance(params, (list, tuple)) else None

    def replace(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Placeholder):
            return node
        name = node.this
        if name:
            if not isinstance(params, Mapping) or name not in params:
                raise SparkSqlError(f"parameter ${name} not given")
            return literal(params[name])
        if positional is None:
            raise SparkSqlError("a ? parameter needs a list of values")
        try:
            return literal(next(positional))
        except StopIteration:
            raise SparkSqlError("fewer values than ? parameters") from None

    return tree.transform(replace, copy=True)


def _spark(text: str) -> exp.Expression:
    return sqlglot.parse_one(text, read="spark")


def _ordered_list(node: exp.ArrayAgg) -> exp.Expression:
    order: exp.Order = node.this
    keys = order.expressions
    if any(k.args.get("desc") for k in keys):
        raise SparkSqlError(f"list(… ORDER BY … DESC) is not rendered for Spark: {node.sql()}")
    fields = ", ".join(f"'k{i}', {k.this.sql('spark')}" for i, k in enumerate(keys))
    value = order.this.sql("spark")
    return _spark(f"TRANSFORM(ARRAY_SORT(COLLECT_LIST(NAMED_STRUCT({fields}, 'v', {value}))), e -> e.v)")


def _double_text(node: exp.Round) -> exp.Expression:
    decimals = node.args.get("decimals")
    if not isinstance(decimals, exp.Literal):
        return node
    r = node.sql("spark")
    return _spark(f"CASE WHEN {r} <> 0 AND abs({r}) < 0.001 THEN format_string('%.{int(decimals.this)}f', {r}) "
                  f"ELSE format_string('%s', {r}) END")


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
        return _ordered_list(node)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "to_json" and len(node.expressions) == 1:
        return exp.Anonymous(this="to_json", expressions=[
            node.expressions[0], _spark("map('ignoreNullFields', 'false')")])
    if isinstance(node, exp.DPipe):
        for key in ("this", "expression"):
            part = node.args.get(key)
            if isinstance(part, exp.Round):
                node.set(key, _double_text(part))
        return node
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Round) and node.to.is_type(*exp.DataType.TEXT_TYPES):
        return _double_text(node.this)
    if isinstance(node, exp.Table) and node.db and not isinstance(node.parent, (exp.Create, exp.Drop)):
        alias = node.args.get("alias")
        new = exp.to_table(view_name(node))
        if alias is None:
            alias = exp.TableAlias(this=exp.to_identifier(node.name))
        new.set("alias", alias)
        return new
    if isinstance(node, exp.RegexpFullMatch) or (
            isinstance(node, exp.Anonymous) and node.name.lower() == "regexp_full_match"):
        subject, pattern = (node.this, node.expression) if isinstance(node, exp.RegexpFullMatch) \
            else node.expressions[:2]
        if isinstance(pattern, exp.Literal):
            pattern = exp.Literal.string(f"^(?:{pattern.this})$")
        else:
            pattern = exp.func("concat", exp.Literal.string("^(?:"), pattern, exp.Literal.string(")$"))
        return exp.RegexpLike(this=subject, expression=pattern)
    if isinstance(node, exp.Window):
        agg = node.this
        if isinstance(agg, exp.AggFunc) and isinstance(agg.this, exp.Order):
            agg = agg.copy()
            agg.set("this", agg.this.this)
            node = node.copy()
            node.set("this", agg)
        if isinstance(node.this, exp.RowNumber) and not node.args.get("order"):
            node = node.copy()
            node.set("order", exp.Order(expressions=[
                exp.Ordered(this=exp.func("monotonically_increasing_id"))]))
        return node
    return node


def to_spark(tree: exp.Expression, params: Mapping[str, Any] | Sequence[Any] | None = None) -> exp.Expression:
    """The statement with its parameters bound and the rewrites above applied."""
    if params is not None:
        tree = bind(tree, params)
    return tree.transform(_rewrite, copy=True)


def spark_text(tree: exp.Expression) -> str:
    return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
