"""Record path and registry path of identity standardisation, and that they agree."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streetlink.contracts.schema import check_table
from streetlink.contracts.tables import POPULATION_STD
from streetlink.standardise import identity
from streetlink.standardise.identity import (
    IDENTITY_COLUMNS,
    POPULATION_STD_EXTRA,
    RECORDS_IDENTITY,
    standardise_population,
    standardise_record_identity,
)
from streetlink.standardise.ids import check_character, parse_id_number
from streetlink.standardise.names import standardise_name
from streetlink.standardise.phones import parse_phone

TODAY = dt.date(2026, 11, 20)


def _staged(con: duckdb.DuckDBPyConnection, rows: list[tuple[str | None, ...]]) -> None:
    """staged_records with the columns the identity step reads (name, id_type, id_number, phone)."""
    con.execute("""CREATE OR REPLACE TABLE staged_records (record_id VARCHAR, source VARCHAR,
                   name VARCHAR, id_type VARCHAR, id_number VARCHAR, phone VARCHAR)""")
    con.executemany(
        "INSERT INTO staged_records VALUES (?, 'checkpoint', ?, ?, ?, ?)",
        [(f"checkpoint:K{i}", *r) for i, r in enumerate(rows)],
    )


def _population(con: duckdb.DuckDBPyConnection, rows: list[tuple[str | None, ...]]) -> None:
    """population per POPULATION from (name, id_type, id_number, phone) tuples."""
    con.execute("""CREATE OR REPLACE TABLE population (person_id VARCHAR, name VARCHAR,
                   id_type VARCHAR, id_number VARCHAR, gender VARCHAR, birth_date DATE,
                   phone VARCHAR, house_id VARCHAR, residence_type VARCHAR)""")
    con.executemany(
        "INSERT INTO population VALUES (?, ?, ?, ?, '女', DATE '1958-03-12', ?, 'H1', '户籍')",
        [(f"P{i}", *r) for i, r in enumerate(rows)],
    )


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


# --- record path -------------------------------------------------------------------------


def test_record_path_gives_the_records_std_identity_columns() -> None:
    con = duckdb.connect()
    _staged(
        con,
        [
            ("時 思 遠", "居民身份证", "52010219991020360x", "+86 138 1234 5678"),
            ("王女士", None, None, "021-58881234"),
            (None, "护照", "E12345678", None),
            ("阿依古丽·买买提", "居民身份证", "310115195803120028", "1.3812345678E10"),
            ("无", "居民身份证", "371724941214132", "138123"),
        ],
    )
    assert standardise_record_identity(con, today=TODAY) == 5
    described = [r[0] for r in con.execute("DESCRIBE records_identity").fetchall()]
    assert described == ["record_id", *IDENTITY_COLUMNS]
    assert check_table(con, "records_identity", RECORDS_IDENTITY) == []

    rows = {r["record_id"]: r for r in _dicts(con, "SELECT * FROM records_identity")}
    first = rows["checkpoint:K0"]
    assert (first["name_clean"], first["name_pinyin"], first["surname"]) == (
        "时思远",
        "shisiyuan",
        "时",
    )
    assert (first["id_number"], first["id_status"], first["birth_date"], first["id_gender"]) == (
        "52010219991020360X",
        "valid",
        dt.date(1999, 10, 20),
        "女",
    )
    assert (first["phone"], first["phone_kind"]) == ("13812345678", "mobile")
    caller = rows["checkpoint:K1"]
    assert (caller["name_kind"], caller["surname"], caller["gender_hint"]) == (
        "honorific",
        "王",
        "女",
    )
    assert (caller["id_status"], caller["phone_kind"], caller["phone_clean"]) == (
        "missing",
        "landline",
        "02158881234",
    )
    anonymous = rows["checkpoint:K2"]
    assert (anonymous["name_kind"], anonymous["id_status"], anonymous["id_clean"]) == (
        "none",
        "other_document",
        "E12345678",
    )
    assert anonymous["phone_kind"] == "missing"
    minority = rows["checkpoint:K3"]
    assert (minority["name_clean"], minority["id_number"], minority["id_status"]) == (
        "阿依古丽买买提",
        None,
        "bad_checksum",
    )
    assert minority["birth_date"] is None and minority["phone"] == "13812345678"
    placeholder = rows["checkpoint:K4"]
    assert (placeholder["name_kind"], placeholder["id_number"], placeholder["phone_kind"]) == (
        "none",
        "371724199412141323",
        "invalid",
    )


@pytest.fixture()
def seen(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Every raw name that reaches the Python name standardiser, in order."""
    calls: list[str | None] = []
    original = identity.standardise_name

    def counting(raw: str | None):
        calls.append(raw)
        return original(raw)

    monkeypatch.setattr(identity, "standardise_name", counting)
    return calls


def test_record_path_parses_each_distinct_value_once(seen: list[str | None]) -> None:
    con = duckdb.connect()
    _staged(
        con,
        [("王芳", None, None, None)] * 5 + [("李伟", None, None, None), (None, None, None, None)],
    )
    standardise_record_identity(con, today=TODAY)
    assert sorted(seen) == ["李伟", "王芳"]


# --- registry path -----------------------------------------------------------------------


def test_population_path_follows_its_contract() -> None:
    con = duckdb.connect()
    _population(
        con,
        [
            ("王芳", "居民身份证", "310115195803120029", "13812345678"),
            ("阿依古丽·买买提", "居民身份证", "52010219991020360X", "12345678901"),
            ("欧阳娜娜", "居民身份证", "371724941214132", None),
            ("曾小明", "居民身份证", "310115195803120028", "021-58881234"),
            ("單田芳", "居民身份证", "52010219991020360x", "13812345678"),
            ("John Smith", "护照", "E12345678", None),
            ("未知", "居民身份证", None, None),
        ],
    )
    assert standardise_population(con, today=TODAY) == 7
    described = [r[0] for r in con.execute("DESCRIBE population_std").fetchall()]
    assert described == [*POPULATION_STD.column_names, *POPULATION_STD_EXTRA]
    assert check_table(con, "population_std", POPULATION_STD) == []

    rows = {r["person_id"]: r for r in _dicts(con, "SELECT * FROM population_std")}
    assert (
        rows["P0"]["name_pinyin"],
        rows["P0"]["id_number"],
        rows["P0"]["id_status"],
        rows["P0"]["phone"],
    ) == ("wangfang", "310115195803120029", "valid", "13812345678")
    assert (
        rows["P1"]["name_clean"],
        rows["P1"]["surname"],
        rows["P1"]["phone"],
        rows["P1"]["phone_kind"],
    ) == ("阿依古丽买买提", None, None, "invalid")
    assert (rows["P2"]["surname"], rows["P2"]["id_number"], rows["P2"]["id_status"]) == (
        "欧阳",
        "371724199412141323",
        "converted_15",
    )
    assert (
        rows["P3"]["surname_pinyin"],
        rows["P3"]["id_number"],
        rows["P3"]["id_status"],
        rows["P3"]["phone_kind"],
    ) == ("zeng", None, "bad_checksum", "landline")
    assert (rows["P4"]["name_clean"], rows["P4"]["surname_pinyin"], rows["P4"]["id_number"]) == (
        "单田芳",
        "shan",
        "52010219991020360X",
    )
    assert (rows["P5"]["name_kind"], rows["P5"]["name_pinyin"], rows["P5"]["id_status"]) == (
        "pinyin",
        "johnsmith",
        "other_document",
    )
    # Not a name: the raw text stays as name_clean (the contract requires one), with no keys.
    assert (
        rows["P6"]["name_clean"],
        rows["P6"]["name_kind"],
        rows["P6"]["name_pinyin"],
        rows["P6"]["id_status"],
    ) == ("未知", "none", None, "missing")


# --- the two paths agree -------------------------------------------------------------------

_SURNAMES = [
    "王",
    "李",
    "张",
    "欧阳",
    "司马",
    "尉迟",
    "万俟",
    "长孙",
    "曾",
    "单",
    "仇",
    "翟",
    "区",
    "朴",
    "解",
    "查",
    "盖",
    "乐",
    "缪",
    "召",
    "覃",
    "禤",
    "陳",
    "老",
    "小",
]
_GIVEN = [
    *list("芳方伟明小晓华丽思远乐长重行朝都和发干后乾隆著姐哥女士先生无名不详"),
    "華",
    "麗",
    "偉",
]
_SEPARATORS = ["", "", "", "·", ".", "•", " ", "-"]


@st.composite
def registry_names(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(
            st.sampled_from(["Wang Fang", "wangfang", "Fang WANG", "王", "先生", "未知", "X·Y"])
        )
    surname = draw(st.sampled_from(_SURNAMES))
    parts = draw(
        st.lists(
            st.lists(st.sampled_from(_GIVEN), min_size=1, max_size=3).map("".join),
            min_size=1,
            max_size=3,
        )
    )
    separator = draw(st.sampled_from(_SEPARATORS))
    return surname + separator.join(parts)


digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17)
registry_ids = st.one_of(
    st.none(),
    st.sampled_from(["31", "11", "65", "99", "83"])
    .flatmap(
        lambda p: st.tuples(
            st.just(p),
            st.text(alphabet="0123456789", min_size=4, max_size=4),
            st.dates(dt.date(1880, 1, 1), dt.date(2030, 12, 31)),
            st.text(alphabet="0123456789", min_size=3, max_size=3),
        )
    )
    .map(lambda t: t[0] + t[1] + t[2].strftime("%Y%m%d") + t[3])
    .map(lambda b: b + check_character(b)),
    digits17.map(lambda d: d + check_character(d)),
    st.tuples(digits17, st.sampled_from("0123456789Xx")).map("".join),
    st.text(alphabet="0123456789", min_size=15, max_size=15),
    st.sampled_from(["E12345678", "310115 19580312 0029", "", "无"]),
)
registry_id_types = st.sampled_from(
    ["居民身份证", "居民身份证", "居民身份证", "护照", "身份证", "其他"]
)
registry_phones = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(["138", "120", "192", "199", "154"]),
        st.text(alphabet="0123456789", min_size=8, max_size=8),
    ).map("".join),
    st.sampled_from(["021-58881234", "+86 138 1234 5678", "13812345678.0", "", "1381234567"]),
)
people = st.lists(
    st.tuples(registry_names(), registry_id_types, registry_ids, registry_phones),
    min_size=1,
    max_size=40,
)

NAME_KEYS = ("name_kind", "surname", "given_name", "name_pinyin", "surname_pinyin", "given_pinyin")


@settings(max_examples=40, deadline=None)
@given(people)
def test_record_path_and_registry_path_give_the_same_keys(batch: list[tuple]) -> None:
    con = duckdb.connect()
    _population(con, [(n, t, i, p) for n, t, i, p in batch])
    _staged(con, [(n, t, i, p) for n, t, i, p in batch])
    standardise_population(con, today=TODAY)
    standardise_record_identity(con, today=TODAY)
    pairs = _dicts(
        con,
        """
        SELECT p.*, r.name_clean AS r_name_clean, r.name_kind AS r_name_kind,
               r.surname AS r_surname,
               r.given_name AS r_given_name, r.name_pinyin AS r_name_pinyin,
               r.surname_pinyin AS r_surname_pinyin, r.given_pinyin AS r_given_pinyin,
               r.id_number AS r_id_number, r.id_clean AS r_id_clean, r.id_status AS r_id_status,
               r.phone AS r_phone, r.phone_kind AS r_phone_kind, src.name AS raw_name
        FROM population_std p
        JOIN population src USING (person_id)
        JOIN records_identity r ON r.record_id = 'checkpoint:K' || substr(p.person_id, 2)
    """,
    )
    assert len(pairs) == len(batch)
    for row in pairs:
        for key in (*NAME_KEYS, "id_number", "id_clean", "id_status", "phone", "phone_kind"):
            assert row[key] == row["r_" + key], (key, row)
        expected_clean = row["r_name_clean"] if row["r_name_clean"] is not None else row["raw_name"]
        assert row["name_clean"] == expected_clean, row


def test_plain_registry_names_never_reach_python(seen: list[str | None]) -> None:
    con = duckdb.connect()
    plain = ["王芳", "欧阳娜娜", "阿依古丽·买买提", "曾小明", "古丽.木沙", "艾力吐尔逊"]
    other = ["王女士", "劉德華", "Wang Fang", "王", "老王", "未知"]
    _population(con, [(n, "居民身份证", None, None) for n in plain + other])
    standardise_population(con, today=TODAY)
    assert sorted(seen) == sorted(other)


def _golden(name: str) -> list[dict[str, str]]:
    path = Path(__file__).with_name("golden") / name
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    return [{k: (None if v == "<None>" else v) for k, v in r.items()} for r in rows]


def test_registry_path_agrees_with_every_golden_case() -> None:
    """The SQL checks (IDs: region, calendar, 1890 and today bounds, check character) and
    the SQL name keys give what the hand-written golden files expect of the Python path."""
    names = [r["raw"] for r in _golden("names.csv") if r["raw"] is not None]
    # The registry has an id_type on every row; blank means "no type" there.
    ids = [(r["id_type"] or "", r["raw"]) for r in _golden("ids.csv")]
    phones = [r["raw"] for r in _golden("phones.csv")]
    n = max(len(names), len(ids), len(phones))
    rows = [
        (
            names[i % len(names)],
            ids[i % len(ids)][0],
            ids[i % len(ids)][1],
            phones[i % len(phones)],
        )
        for i in range(n)
    ]
    con = duckdb.connect()
    _population(con, rows)
    standardise_population(con, today=TODAY)
    got = {r["person_id"]: r for r in _dicts(con, "SELECT * FROM population_std")}
    for i, (name, id_type, id_number, phone) in enumerate(rows):
        row = got[f"P{i}"]
        parts = standardise_name(name)
        assert (row["name_pinyin"], row["surname"], row["surname_pinyin"]) == (
            parts.name_pinyin,
            parts.surname,
            parts.surname_pinyin,
        ), name
        info = parse_id_number(id_number, id_type, today=TODAY)
        assert (row["id_number"], row["id_status"], row["id_clean"]) == (
            info.id_number,
            info.id_status,
            info.id_clean,
        ), (id_number, id_type)
        phone_info = parse_phone(phone)
        assert (row["phone"], row["phone_kind"]) == (phone_info.phone, phone_info.phone_kind), phone
