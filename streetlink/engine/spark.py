"""The Spark engine: the stages' DuckDB SQL, run in a Spark session.

``SparkEngine`` answers what the stages ask of a DuckDB connection — ``execute(sql,
params)`` with DuckDB-dialect text (as ``streetlink.sql.run`` sends it), ``register`` /
``unregister`` of Arrow tables, ``create_function`` for the few scalar Python functions
SQL calls (as vectorised pandas UDFs) — plus the Engine helpers of ``streetlink.engine``.

Statements by kind (parsed with sqlglot, rendered by ``spark_sql.to_spark``):

    CREATE [OR REPLACE] [TEMP] TABLE t AS q   q run, written as Parquet in the scratch
                                               folder, read back as the view t
    CREATE TABLE t (columns)                   an empty view of that schema
    CREATE [OR REPLACE] [TEMP] VIEW v AS q     the (lazy) view v
    INSERT INTO t [BY NAME] q                  t ∪ q, materialised again
    UPDATE t SET c = e [WHERE w]               t with c = CASE WHEN w THEN e ELSE c END
    ALTER TABLE t ADD COLUMN c type            t with a NULL column c
    DROP TABLE|VIEW [IF EXISTS] t              the view dropped
    DESCRIBE q                                 its columns with DuckDB type names
    SET / RESET / CHECKPOINT / PRAGMA          DuckDB settings: nothing to do on Spark
    anything else (SELECT, WITH …)             a lazy result (fetchall / fetchone / df / arrow)

The session: local mode with every core (``local[*]``) unless ``--spark-master`` or
``SPARK_REMOTE`` names a cluster; Splink's similarity jar (damerau_levenshtein,
jaro_winkler) on the class path; session time zone UTC and TIMESTAMP without time zone,
as DuckDB's TIMESTAMP; ANSI mode off (DuckDB returns NULL where Spark's ANSI mode throws,
e.g. an index past the end of a list).
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import sys
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlglot import exp

from streetlink.engine.spark_sql import SparkSqlError, parse, spark_text, to_spark, view_name

__all__ = ["SparkEngine", "SparkSettings", "spark_session"]

log = logging.getLogger(__name__)

_SESSION_LOCK = threading.Lock()


@dataclass(frozen=True)
class SparkSettings:
    """Where the session runs and how big it is (from the command line or the environment)."""

    master: str | None = None  # --spark-master; default SPARK_MASTER, else local[*]
    remote: str | None = None  # SPARK_REMOTE (Spark Connect)
    driver_memory: str = "4g"
    shuffle_partitions: int = 8
    local_dir: Path | None = None  # spill folder of local mode

    @classmethod
    def from_env(cls, master: str | None = None) -> SparkSettings:
        return cls(
            master=master or os.environ.get("SPARK_MASTER") or None,
            remote=os.environ.get("SPARK_REMOTE") or None,
            driver_memory=os.environ.get("STREETLINK_SPARK_DRIVER_MEMORY", "4g"),
            shuffle_partitions=int(os.environ.get("STREETLINK_SPARK_SHUFFLE_PARTITIONS", "8")),
        )


def spark_session(settings: SparkSettings | None = None):
    """The process's Spark session (created on first use, shared by the run's steps)."""
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    settings = settings or SparkSettings.from_env()
    with _SESSION_LOCK:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        # Python UDF workers run this interpreter (the one streetlink is installed in); on
        # a cluster, the executors need the same environment (see the README).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder.appName("streetlink")
        if settings.remote:
            builder = builder.remote(settings.remote)
        else:
            builder = builder.master(settings.master or "local[*]")
            builder = builder.config("spark.jars", similarity_jar_location())
            builder = builder.config("spark.driver.memory", settings.driver_memory)
            if settings.local_dir:
                builder = builder.config("spark.local.dir", str(settings.local_dir))
        for key, value in {
            "spark.sql.shuffle.partitions": str(settings.shuffle_partitions),
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.timestampType": "TIMESTAMP_NTZ",
            "spark.sql.ansi.enabled": "false",
            "spark.sql.execution.arrow.pyspark.enabled": "true",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.legacy.allowNonEmptyLocationInCTAS": "true",
        }.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        if not settings.remote:
            session.sparkContext.setLogLevel("ERROR")
        return session


# Spark type → the DuckDB type name a contract declares.
def _duckdb_type(dtype: Any) -> str:
    from pyspark.sql import types as T

    simple = {
        T.StringType: "VARCHAR", T.LongType: "BIGINT", T.IntegerType: "INTEGER", T.ShortType: "SMALLINT",
        T.ByteType: "TINYINT", T.DoubleType: "DOUBLE", T.FloatType: "FLOAT", T.BooleanType: "BOOLEAN",
        T.DateType: "DATE", T.TimestampNTZType: "TIMESTAMP", T.TimestampType: "TIMESTAMP WITH TIME ZONE",
        T.BinaryType: "BLOB", T.NullType: '"NULL"',
    }
    for cls, name in simple.items():
        if isinstance(dtype, cls):
            return name
    if isinstance(dtype, T.DecimalType):
        return f"DECIMAL({dtype.precision},{dtype.scale})"
    if isinstance(dtype, T.ArrayType):
        return _duckdb_type(dtype.elementType) + "[]"
    if isinstance(dtype, T.StructType):
        return "STRUCT(" + ", ".join(f"{f.name} {_duckdb_type(f.dataType)}" for f in dtype.fields) + ")"
    if isinstance(dtype, T.MapType):
        return f"MAP({_duckdb_type(dtype.keyType)}, {_duckdb_type(dtype.valueType)})"
    return dtype.simpleString().upper()


def _spark_type(duckdb_type: str) -> str:
    """A DuckDB column type as Spark DDL (via sqlglot)."""
    return exp.DataType.build(duckdb_type, dialect="duckdb").sql("spark")


class SparkResult:
    """A query's result, computed when fetched (as a DuckDB relation is)."""

    def __init__(self, df: Any = None, rows: list[tuple] | None = None,
                 columns: Sequence[str] | None = None) -> None:
        self._df = df
        self._rows = rows
        self._columns = list(columns) if columns is not None else None

    def fetchall(self) -> list[tuple]:
        if self._rows is None:
            self._rows = [] if self._df is None else [tuple(r) for r in self._df.collect()]
        return self._rows

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None

    def fetchdf(self):
        import pandas as pd

        if self._df is not None:
            return self._df.toPandas()
        return pd.DataFrame(self.fetchall(), columns=self._columns)

    df = fetchdf

    def to_arrow_table(self) -> pa.Table:
        if self._df is not None:
            return self._df.toArrow()
        return pa.Table.from_pylist([dict(zip(self._columns or [], r)) for r in self.fetchall()])

    fetch_arrow_table = to_arrow_table

    @property
    def description(self) -> list[tuple]:
        names = self._df.columns if self._df is not None else (self._columns or [])
        return [(n,) for n in names]


class SparkEngine:
    """Run the stages' statements in a Spark session; tables live as Parquet in `scratch`."""

    kind = "spark"

    def __init__(self, spark: Any, scratch: Path) -> None:
        self.spark = spark
        self.scratch = Path(scratch)
        self.scratch.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)
        self._paths: dict[str, Path] = {}  # materialised view → its Parquet folder
        self._search_path: tuple[str, ...] = ()  # schemas an unqualified name may be in
        # Splink's intermediate tables (break_lineage_method="parquet") go here too.
        if not getattr(spark, "is_remote", lambda: False)():
            spark.sparkContext.setCheckpointDir(str(self.scratch / "checkpoints"))

    # --- what stages call on a connection -----------------------------------------------

    def execute(self, text: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> SparkResult:
        result = SparkResult(rows=[])
        for tree in parse(text):
            result = self._run(tree, params)
        return result

    def executemany(self, text: str, rows: Sequence[Sequence[Any]]) -> None:
        trees = parse(text)
        if len(trees) != 1 or not isinstance(trees[0], exp.Insert):
            raise SparkSqlError("executemany takes one INSERT … VALUES statement")
        target = view_name(trees[0].this)
        columns = self.spark.table(target).columns
        table = pa.Table.from_pylist([dict(zip(columns, r)) for r in rows]) if rows else None
        if table is not None:
            new = self._frame(table, self.spark.table(target).schema)
            self._materialise(target, self.spark.table(target).unionByName(new))

    def register(self, name: str, table: Any) -> None:
        """An Arrow table (or pandas frame) computed on the driver, as the view `name`."""
        if not isinstance(table, pa.Table):
            table = pa.Table.from_pandas(table, preserve_index=False)
        self._materialise(name, self._frame(table))

    def unregister(self, name: str) -> None:
        self._drop(name)

    def create_function(self, name: str, fn: Callable[..., Any], parameters: Sequence[str] | None,
                        return_type: str, **_: Any) -> None:
        """`fn` (a scalar Python function) callable from SQL, as a vectorised pandas UDF."""
        import pandas as pd
        from pyspark.sql.functions import pandas_udf
        from pyspark.util import PythonEvalType

        if not parameters:
            raise SparkSqlError("a SQL function needs at least one argument")

        def vectorised(*columns):
            values = [fn(*(None if pd.isna(v) else v for v in row)) for row in zip(*columns)]
            return pd.Series(values, dtype=object)

        vectorised.__name__ = name
        with warnings.catch_warnings():  # the eval type is given, as a variadic function has no hints
            warnings.simplefilter("ignore", UserWarning)
            udf = pandas_udf(vectorised, _spark_type(return_type), PythonEvalType.SQL_SCALAR_PANDAS_UDF)
        self.spark.udf.register(name, udf)

    def close(self) -> None:
        """Nothing to close: the session outlives one step (``shutdown`` ends the run)."""

    # --- the Engine helpers -------------------------------------------------------------

    def read_arrow(self, table: str) -> pa.Table:
        return self.spark.table(view_name(table)).toArrow()

    def parquet_folder(self, table: str) -> Path:
        """The Parquet folder a table of ``tables()`` was materialised into."""
        return self._paths[table]

    def read_frame(self, table: str):
        return self.spark.table(view_name(table))

    def write_parquet(self, table: str, path: Path) -> None:
        """One Parquet file at `path` (written on the driver: the night's tables are small)."""
        import pyarrow.parquet as pq

        pq.write_table(self.read_arrow(table), str(path))

    def describe(self, table: str) -> list[tuple[str, str]]:
        return [(f.name, _duckdb_type(f.dataType)) for f in self.spark.table(view_name(table)).schema.fields]

    def table_exists(self, table: str) -> bool:
        return self._resolve(view_name(table)) is not None

    def _views(self) -> set[str]:
        return {t.name for t in self.spark.catalog.listTables() if t.isTemporary}

    def _resolve(self, name: str, views: set[str] | None = None) -> str | None:
        """The view an unqualified name stands for (DuckDB's search_path, see SET)."""
        views = self._views() if views is None else views
        for candidate in (name, *(f"{schema}__{name}" for schema in self._search_path)):
            if candidate in views:
                return candidate
        return None

    def _apply_search_path(self, tree: exp.Expression) -> exp.Expression:
        if not self._search_path:
            return tree
        views = self._views()
        ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}

        def resolve(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Table) and not node.db and node.name.lower() not in ctes:
                found = self._resolve(node.name.lower(), views)
                if found and found != node.name.lower():
                    new = exp.to_table(found)
                    new.set("alias", node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(node.name)))
                    return new
            return node

        return tree.transform(resolve, copy=False)

    def _set(self, tree: exp.Expression) -> None:
        """DuckDB settings: only search_path means something here (the rest is DuckDB's)."""
        if isinstance(tree, exp.Command):  # RESET x
            words = f"{tree.this} {tree.expression.name if tree.expression else ''}".lower().split()
            if words[:2] == ["reset", "search_path"]:
                self._search_path = ()
            return
        for item in tree.expressions if isinstance(tree, exp.Set) else ():
            assignment = item.this
            if isinstance(assignment, exp.EQ) and assignment.this.name.lower() == "search_path":
                value = assignment.expression.name
                self._search_path = tuple(s.strip().lower() for s in value.split(",")
                                          if s.strip() and s.strip().lower() != "main")
                return
        log.debug("Spark engine: DuckDB setting ignored: %s", tree.sql()[:80])

    def tables(self) -> list[str]:
        """The views this engine materialised (the run's tables), in creation order."""
        return list(self._paths)

    def attach_parquet(self, schema: str, folder: Path) -> list[str]:
        """Every ``<table>.parquet`` in `folder` as the view ``<schema>.<table>``."""
        names = []
        for path in sorted(Path(folder).glob("*.parquet")):
            name = f"{schema}__{path.stem}".lower()
            self.spark.read.parquet(str(path)).createOrReplaceTempView(name)
            names.append(path.stem)
        return names

    def shutdown(self) -> None:
        for name in list(self._paths):
            self._drop(name)
        shutil.rmtree(self.scratch, ignore_errors=True)

    # --- statements ---------------------------------------------------------------------

    def _sql(self, tree: exp.Expression):
        text = spark_text(tree)
        try:
            return self.spark.sql(text)
        except Exception as exc:
            log.error("Spark rejected: %s", text)
            raise SparkSqlError(f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from exc

    def _run(self, tree: exp.Expression, params: Any) -> SparkResult:
        tree = self._apply_search_path(to_spark(tree, params))
        if isinstance(tree, exp.Create):
            return self._create(tree)
        if isinstance(tree, exp.Drop):
            for table in tree.args.get("tables") or tree.expressions or [tree.this]:
                self._drop(view_name(table))
            return SparkResult(rows=[])
        if isinstance(tree, exp.Insert):
            return self._insert(tree)
        if isinstance(tree, exp.Update):
            return self._update(tree)
        if isinstance(tree, exp.Alter):
            return self._alter(tree)
        if isinstance(tree, exp.Describe):
            query = tree.this
            if isinstance(query, exp.Table):
                query = exp.select("*").from_(query)
            df = self._sql(query)
            rows = [(f.name, _duckdb_type(f.dataType), "YES", None, None, None) for f in df.schema.fields]
            return SparkResult(rows=rows, columns=["column_name", "column_type", "null", "key", "default", "extra"])
        if isinstance(tree, (exp.Set, exp.Command, exp.Pragma)) or (
                isinstance(tree, exp.Column) and tree.name.lower() == "checkpoint"):
            self._set(tree)
            return SparkResult(rows=[])
        return SparkResult(df=self._sql(tree))

    def _create(self, tree: exp.Create) -> SparkResult:
        target = tree.this
        schema = None
        if isinstance(target, exp.Schema):
            schema, target = target, target.this
        name = view_name(target)
        kind = (tree.args.get("kind") or "").upper()
        query = tree.expression
        if kind == "VIEW":
            self._drop(name)
            self._sql(query).createOrReplaceTempView(name)
            return SparkResult(rows=[])
        if kind != "TABLE":
            raise SparkSqlError(f"CREATE {kind} is not supported on Spark")
        if query is None:
            if schema is None:
                raise SparkSqlError(f"CREATE TABLE {name} needs columns or a query")
            ddl = ", ".join(f"`{c.name}` {c.args['kind'].sql('spark')}" for c in schema.expressions
                            if isinstance(c, exp.ColumnDef))
            self._materialise(name, self.spark.createDataFrame([], ddl))
            return SparkResult(rows=[])
        if tree.args.get("exists") and self.table_exists(name):
            return SparkResult(rows=[])
        self._materialise(name, self._sql(query))
        return SparkResult(rows=[])

    def _insert(self, tree: exp.Insert) -> SparkResult:
        target = tree.this
        columns = None
        if isinstance(target, exp.Schema):
            columns = [c.name for c in target.expressions]
            target = target.this
        name = view_name(target)
        old = self.spark.table(name)
        new = self._sql(tree.expression)
        if columns is None and not tree.args.get("by_name"):
            columns = old.columns[:len(new.columns)]
        if columns is not None:
            new = new.toDF(*columns)
        for field in old.schema.fields:
            if field.name in new.columns:
                new = new.withColumn(field.name, new[field.name].cast(field.dataType))
        self._materialise(name, old.unionByName(new, allowMissingColumns=True))
        return SparkResult(rows=[])

    def _update(self, tree: exp.Update) -> SparkResult:
        from pyspark.sql import functions as F

        name = view_name(tree.this)
        df = self.spark.table(name)
        where = tree.args.get("where")
        condition = spark_text(where.this) if where is not None else None
        for assignment in tree.expressions:
            column = assignment.this.name
            value = spark_text(assignment.expression)
            expr = f"CASE WHEN {condition} THEN {value} ELSE `{column}` END" if condition else value
            dtype = df.schema[column].dataType
            df = df.withColumn(column, F.expr(expr).cast(dtype))
        self._materialise(name, df)
        return SparkResult(rows=[])

    def _alter(self, tree: exp.Alter) -> SparkResult:
        from pyspark.sql import functions as F

        name = view_name(tree.this)
        df = self.spark.table(name)
        for action in tree.args.get("actions") or []:
            if not isinstance(action, exp.ColumnDef):
                raise SparkSqlError(f"ALTER TABLE: only ADD COLUMN is supported on Spark ({action.sql()})")
            df = df.withColumn(action.name, F.lit(None).cast(action.args["kind"].sql("spark")))
        self._materialise(name, df)
        return SparkResult(rows=[])

    # --- tables -------------------------------------------------------------------------

    def _frame(self, table: pa.Table, schema: Any = None):
        if schema is not None:
            return self.spark.createDataFrame(table.to_pandas(), schema=schema) if table.num_rows \
                else self.spark.createDataFrame([], schema)
        if table.num_rows == 0:
            return self.spark.createDataFrame(table.to_pandas(), schema=self._arrow_schema(table.schema))
        return self.spark.createDataFrame(table)

    @staticmethod
    def _arrow_schema(schema: pa.Schema):
        from pyspark.sql.pandas.types import from_arrow_schema

        return from_arrow_schema(schema)

    def _materialise(self, name: str, df: Any) -> None:
        """Write `df` as Parquet and make `name` the view that reads it (lineage cut here)."""
        # A fresh folder each time: the query may read the view it replaces, and a lazy
        # view made earlier may still read the old files (all go at shutdown).
        path = self.scratch / f"{name}.{next(self._counter)}.parquet"
        df.write.mode("overwrite").parquet(str(path))
        # The schema is known: reading it back needs no pass over the files' footers.
        self.spark.read.schema(df.schema).parquet(str(path)).createOrReplaceTempView(name)
        self._paths[name] = path

    def _drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        self._paths.pop(name, None)
