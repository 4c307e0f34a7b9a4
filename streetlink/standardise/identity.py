"""Identity standardisation (names, ID numbers, phones) of the night's records and of the
population registry, with one set of rules for both so that the same person gets the same
keys on either side of a link.

Records — ``standardise_record_identity``: ``staged_records`` (STAGED_RECORDS) →
``records_identity``: ``record_id`` plus the identity columns of RECORDS_STD (name_clean …
phone_kind, same names and types). ``names.py``, ``ids.py`` and ``phones.py`` run over the
DISTINCT names, (ID number, ID type) pairs and phones only; SQL joins the answers back.

Registry — ``standardise_population``: ``population`` (POPULATION) → ``population_std``
(POPULATION_STD plus ``name_kind``, ``id_clean`` and ``phone_kind``). Set-based in DuckDB
(``identity.sql``): plain values — names of Chinese characters with optional minority-name
separators, 18-character resident numbers, 11-digit mobiles — are standardised in SQL;
pinyin comes from a character → reading table built once with pypinyin over the distinct
characters present, plus the surname readings. The rest (rare: honorific-looking or
Traditional names, odd IDs and phones) goes through the same Python functions over
distinct values. ``id_number`` is the registry's number when valid (or the converted
15-digit number), else None; ``phone`` the registry's mobile when it is one. A registry
name that is no name at all (未知) keeps its raw text as ``name_clean`` (the contract
requires one) and gets no keys.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter

import duckdb
import pyarrow as pa

from streetlink import sql
from streetlink.contracts.schema import Contract, enforce
from streetlink.contracts.tables import POPULATION_STD, RECORDS_STD
from streetlink.standardise import names as names_mod
from streetlink.standardise.ids import (
    EARLIEST_BIRTH,
    IdInfo,
    id_type_class,
    parse_id_number,
    province_codes,
)
from streetlink.standardise.names import NameParts, char_pinyin, standardise_name
from streetlink.standardise.phones import PhoneInfo, mobile_segments, parse_phone
from streetlink.standardise.text import normalise_text

__all__ = [
    "IDENTITY_COLUMNS",
    "POPULATION_STD_EXTRA",
    "RECORDS_IDENTITY",
    "standardise_population",
    "standardise_record_identity",
]

log = logging.getLogger(__name__)

# The identity columns of RECORDS_STD, in its order.
IDENTITY_COLUMNS = (
    "name_clean",
    "name_kind",
    "surname",
    "given_name",
    "name_pinyin",
    "surname_pinyin",
    "given_pinyin",
    "gender_hint",
    "id_number",
    "id_clean",
    "id_status",
    "birth_date",
    "id_gender",
    "phone",
    "phone_clean",
    "phone_kind",
)
RECORDS_IDENTITY = Contract(
    name="records_identity",
    grain="one row per staged record: its identity columns of records_std",
    columns=(
        RECORDS_STD.column("record_id"),
        *tuple(RECORDS_STD.column(c) for c in IDENTITY_COLUMNS),
    ),
)
# Columns standardise_population adds after those of POPULATION_STD.
POPULATION_STD_EXTRA = ("name_kind", "id_clean", "phone_kind")

_SQL = "streetlink.standardise"
_PARAM_RE = re.compile(r"\$([a-z_]+)")

_NAME_FIELDS = [f.name for f in fields(NameParts)]
# dataclasses.astuple deep-copies every field: far too slow for 100 K values.
_name_tuple = attrgetter(*_NAME_FIELDS)
_id_tuple = attrgetter(*(f.name for f in fields(IdInfo)))
_phone_tuple = attrgetter(*(f.name for f in fields(PhoneInfo)))
_NAME_TYPES = {f: pa.string() for f in _NAME_FIELDS}
_ID_TYPES = {
    "id_number": pa.string(),
    "id_clean": pa.string(),
    "id_status": pa.string(),
    "birth_date": pa.date32(),
    "gender": pa.string(),
    "region": pa.string(),
}
_PHONE_TYPES = {"phone": pa.string(), "phone_clean": pa.string(), "phone_kind": pa.string()}


# --- plumbing ----------------------------------------------------------------------------


def _identifier(name: str) -> str:
    sql.identifier(name)  # a bad name fails before any work is done
    return name


def _params_of(text: str) -> set[str]:
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return set(_PARAM_RE.findall(code))


def _run(
    con: duckdb.DuckDBPyConnection, statement: str, params: dict[str, object] | None = None, **tables: str
) -> duckdb.DuckDBPyConnection:
    """Run a named statement of identity.sql with its table names and the parameters it uses."""
    text = sql.render(_SQL, statement, **tables)
    wanted = {p: (params or {})[p] for p in _params_of(text)}
    return con.execute(text, wanted) if wanted else con.execute(text)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector during a bulk parse.

    The parsers make no reference cycles, but their large caches make every collection
    walk hundreds of thousands of objects: pausing it saves about a quarter of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _create_from_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: dict[str, tuple[pa.DataType, Sequence[object]]],
    values: Iterable[tuple[object, ...]],
    types: dict[str, pa.DataType],
) -> None:
    """CREATE TEMP TABLE `table` from key columns and parsed-value tuples (one per key row)."""
    with _cycle_collector_paused():
        rows = list(values)  # the parsing happens here, as `values` is consumed
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in types]
    arrays = {k: pa.array(list(v), type=t) for k, (t, v) in keys.items()}
    arrays.update(
        {k: pa.array(list(c), type=t) for (k, t), c in zip(types.items(), columns, strict=True)}
    )
    view = f"{table}_arrow"
    con.register(view, pa.table(arrays))
    try:
        _run(con, "create_from_arrow", table=table, arrow=view)
    finally:
        con.unregister(view)


@contextmanager
def _insertion_order_relaxed(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Let DuckDB write a table in any row order (then it writes in parallel: about twice
    as fast on 2 cores). Row order of population_std means nothing: it is keyed by person."""
    (before,) = _run(con, "insertion_order").fetchone()
    _run(con, "relax_insertion_order")
    try:
        yield
    finally:
        if before:
            _run(con, "keep_insertion_order")


def _counts(con: duckdb.DuckDBPyConnection, table: str, column: str) -> dict[str, int]:
    rows = _run(con, "count_by", table=table, column=column).fetchall()
    return {str(k): n for k, n in rows}


# --- records -----------------------------------------------------------------------------


def standardise_record_identity(
    con: duckdb.DuckDBPyConnection,
    staged: str = "staged_records",
    out: str = "records_identity",
    *,
    today: dt.date | None = None,
) -> int:
    """Create table `out`: record_id + RECORDS_STD's identity columns; returns its row count.

    ``today`` bounds ID birth dates (default: today).
    """
    staged, out = _identifier(staged), _identifier(out)
    today = today or dt.date.today()

    names = [r[0] for r in _run(con, "record_names", staged=staged).fetchall()]
    _create_from_rows(
        con,
        "_idr_names",
        {"raw": (pa.string(), names)},
        (_name_tuple(standardise_name(n)) for n in names),
        _NAME_TYPES,
    )

    ids = _run(con, "record_ids", staged=staged).fetchall()
    _create_from_rows(
        con,
        "_idr_ids",
        {"raw": (pa.string(), [r[0] for r in ids]), "raw_type": (pa.string(), [r[1] for r in ids])},
        (_id_tuple(parse_id_number(n, t, today=today)) for n, t in ids),
        _ID_TYPES,
    )

    phones = [r[0] for r in _run(con, "record_phones", staged=staged).fetchall()]
    _create_from_rows(
        con,
        "_idr_phones",
        {"raw": (pa.string(), phones)},
        (_phone_tuple(parse_phone(p)) for p in phones),
        _PHONE_TYPES,
    )

    _run(con, "records_identity", staged=staged, out=out)
    for table in ("_idr_names", "_idr_ids", "_idr_phones"):
        _run(con, "drop_table", table=table)
    enforce(con, out, RECORDS_IDENTITY)
    n_rows = _run(con, "count_rows", table=out).fetchone()[0]
    log.info(
        "identity of %d records (%d distinct names, %d ids, %d phones); "
        "id_status %s; phone_kind %s",
        n_rows,
        len(names),
        len(ids),
        len(phones),
        _counts(con, out, "id_status"),
        _counts(con, out, "phone_kind"),
    )
    return n_rows


# --- registry ----------------------------------------------------------------------------


def _char_row(ch: str) -> tuple[str, bool]:
    # A character is "stable" when normalise_text leaves it alone (Simplified, NFKC):
    # only names made of stable characters are standardised in SQL.
    return char_pinyin(ch), normalise_text(ch) == ch


def _population_params(today: dt.date) -> dict[str, object]:
    return {
        "separators": "[" + names_mod.FAST_NAME_SEPARATORS + "]",
        "shape": names_mod.FAST_NAME_SHAPE,
        "exclude": names_mod.fast_name_exclude(),
        "max_chars": names_mod.MAX_NAME_CHARS,
        "translit": names_mod.TRANSLITERATED_MIN_CHARS,
        "compounds": sorted(names_mod.compound_surnames()),
        "provinces": sorted(province_codes()),
        "segments": sorted(mobile_segments()),
        "earliest_ymd": int(EARLIEST_BIRTH.strftime("%Y%m%d")),
        "today_ymd": int(today.strftime("%Y%m%d")),
        "today": today,
    }


def _standardise_population_names(
    con: duckdb.DuckDBPyConnection, src: str, params: dict[str, object]
) -> int:
    """Fill _idn_name_keys (one row per distinct registry name); returns names done in Python."""
    _run(con, "distinct_names", params, src=src)
    chars = [r[0] for r in _run(con, "plain_name_chars", params).fetchall()]
    _create_from_rows(
        con,
        "_idn_chars",
        {"ch": (pa.string(), chars)},
        (_char_row(c) for c in chars),
        {"pinyin": pa.string(), "stable": pa.bool_()},
    )
    readings = names_mod.surname_readings()
    _create_from_rows(
        con,
        "_idn_surnames",
        {"surname": (pa.string(), list(readings))},
        ((v,) for v in readings.values()),
        {"pinyin": pa.string()},
    )
    _run(con, "plain_name_keys", params)
    rest = [r[0] for r in _run(con, "names_for_python", params).fetchall()]
    if rest:
        _create_from_rows(
            con,
            "_idn_names_py",
            {"name": (pa.string(), rest)},
            (_name_tuple(standardise_name(n)) for n in rest),
            _NAME_TYPES,
        )
        _run(con, "insert_python_name_keys")
    return len(rest)


def standardise_population(
    con: duckdb.DuckDBPyConnection,
    src: str = "population",
    out: str = "population_std",
    *,
    today: dt.date | None = None,
) -> int:
    """Create table `out` per POPULATION_STD (+ name_kind, id_clean, phone_kind); returns rows.

    ``today`` bounds ID birth dates (default: today).
    """
    src, out = _identifier(src), _identifier(out)
    params = _population_params(today or dt.date.today())

    n_names_py = _standardise_population_names(con, src, params)

    type_keys = [r[0] for r in _run(con, "distinct_id_types", params, src=src).fetchall()]
    _create_from_rows(
        con,
        "_idn_id_types",
        {"id_type_key": (pa.string(), type_keys)},
        ((id_type_class(t),) for t in type_keys),
        {"kind": pa.string()},
    )
    ids = _run(con, "ids_for_python", params, src=src).fetchall()
    _create_from_rows(
        con,
        "_idn_ids_py",
        {
            "id_number": (pa.string(), [r[0] for r in ids]),
            "kind": (pa.string(), [r[1] for r in ids]),
        },
        (
            (i.id_number, i.id_clean, i.id_status)
            for i in (parse_id_number(n, t, today=params["today"]) for n, _, t in ids)
        ),
        {"id_number_std": pa.string(), "id_clean": pa.string(), "id_status": pa.string()},
    )

    phones = [r[0] for r in _run(con, "phones_for_python", params, src=src).fetchall()]
    _create_from_rows(
        con,
        "_idn_phones_py",
        {"phone": (pa.string(), phones)},
        ((p.phone, p.phone_clean, p.phone_kind) for p in map(parse_phone, phones)),
        {"phone_std": pa.string(), "phone_clean": pa.string(), "phone_kind": pa.string()},
    )

    with _insertion_order_relaxed(con):
        _run(con, "population_std", params, src=src, out=out)
    for table in (
        "_idn_names",
        "_idn_chars",
        "_idn_surnames",
        "_idn_name_keys",
        "_idn_names_py",
        "_idn_id_types",
        "_idn_ids_py",
        "_idn_phones_py",
    ):
        _run(con, "drop_table", table=table)
    enforce(con, out, POPULATION_STD)
    n_rows = _run(con, "count_rows", table=out).fetchone()[0]
    log.info(
        "population_std: %d persons; %d names, %d ids, %d phones needed Python; id_status %s",
        n_rows,
        n_names_py,
        len(ids),
        len(phones),
        _counts(con, out, "id_status"),
    )
    return n_rows
