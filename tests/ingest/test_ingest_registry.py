"""load_registry / registry_fingerprint: parquet or CSV in, contracts enforced at once."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import duckdb
import pytest

from streetlink.contracts import ADMIN, HOUSING, POPULATION, check_table
from streetlink.errors import RegistryError
from streetlink.ingest import load_registry, registry_fingerprint

ADMIN_SQL = """
SELECT * FROM (VALUES
    ('310115007', '周家渡街道', '310115007012', '测试第二居委会'),
    ('310115007', '周家渡街道', '310115007013', '测试第三居委会'),
    ('310115103', '川沙新镇', '310115103223', '测试村村委会')
) t(street_code, street_name, committee_code, committee_name)"""

HOUSING_SQL = """
SELECT * FROM (VALUES
    ('H0000000001', '310115007', '310115007012', '测试小区', '测试路', '88', '3', '602', NULL, NULL,
     '浦东新区测试路88弄3号602室'),
    ('H0000000002', '310115007', '310115007013', NULL, '测试路', NULL, '5', NULL, NULL, NULL,
     '浦东新区测试路5号'),
    ('H0000000003', '310115103', '310115103223', NULL, NULL, NULL, '12', NULL, '测试村', '5',
     '浦东新区川沙新镇测试村5组12号')
) t(house_id, street_code, committee_code, community_name, road, lane, number, room, village,
    group_no, std_address)"""

POPULATION_SQL = """
SELECT person_id, name, id_type, id_number, gender, CAST(birth_date AS DATE) AS birth_date,
       phone, house_id, residence_type FROM (VALUES
    ('P001', '测试甲', '居民身份证', '110101199001010011', '男', '1990-01-01', '13800000001',
     'H0000000001', '户籍'),
    ('P002', '测试·乙', '护照', NULL, '女', '1985-02-02', NULL, 'H0000000003', '境外'),
    ('P003', '测试丙', '居民身份证', '110101200003030033', '男', NULL, '13800000001', 'H9999',
     '来沪')
) t(person_id, name, id_type, id_number, gender, birth_date, phone, house_id, residence_type)"""


def _write(folder, table, sql, fmt):
    folder.mkdir(exist_ok=True)
    path = folder / f"{table}.{fmt}"
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    duckdb.execute(f"COPY ({sql}) TO '{path}' ({options})")
    return path


@pytest.fixture
def registry(tmp_path):
    folder = tmp_path / "registry"
    _write(folder, "admin", ADMIN_SQL, "csv")
    _write(folder, "housing", HOUSING_SQL, "parquet")
    _write(folder, "population", POPULATION_SQL, "parquet")
    return folder


def test_loads_parquet_registry_with_its_contracts(registry, con):
    load = load_registry(con, registry)
    assert load.rows == {"admin": 3, "housing": 3, "population": 3}
    assert load.people_with_unknown_house == 1
    assert load.fingerprint == registry_fingerprint(registry)
    assert load.files["housing"].name == "housing.parquet"
    for table, contract in (("admin", ADMIN), ("housing", HOUSING), ("population", POPULATION)):
        assert check_table(con, table, contract) == []


def test_loads_csv_registry_as_text_with_dates(tmp_path, con):
    folder = tmp_path / "registry"
    _write(folder, "admin", ADMIN_SQL, "csv")
    _write(folder, "housing", HOUSING_SQL.replace("'88'", "'088'"), "csv")
    _write(folder, "population", POPULATION_SQL.replace("'13800000001'", "'013800000001'"), "csv")

    load = load_registry(con, folder)

    assert load.rows == {"admin": 3, "housing": 3, "population": 3}
    assert (
        con.execute("SELECT lane FROM housing WHERE house_id = 'H0000000001'").fetchone()[0]
        == "088"
    )
    person = con.execute(
        "SELECT phone, birth_date FROM population WHERE person_id = 'P001'"
    ).fetchone()
    assert person == ("013800000001", dt.date(1990, 1, 1))
    assert check_table(con, "population", POPULATION) == []


def test_every_violation_is_reported_in_one_message(tmp_path, con):
    folder = tmp_path / "registry"
    _write(folder, "admin", ADMIN_SQL.replace("'310115103223'", "'310115007012'"), "csv")
    _write(
        folder,
        "housing",
        HOUSING_SQL.replace("'310115007', '310115007013'", "'310115008', '310115007013'").replace(
            "'浦东新区测试路5号'", "NULL"
        ),
        "parquet",
    )
    _write(
        folder,
        "population",
        POPULATION_SQL.replace("'女'", "'F'").replace(
            "SELECT person_id, name,", "SELECT person_id,"
        ),
        "parquet",
    )

    with pytest.raises(RegistryError) as raised:
        load_registry(con, folder)

    message = str(raised.value)
    assert "\n" not in message
    for expected in (
        r"admin: committee_code: .*duplicate",
        r"admin: committee\(s\) whose code does not start with their street_code ×1",
        r"housing: std_address: .*null",
        r"housing: dwelling\(s\) whose committee_code is not in admin ×1",
        r"housing: dwelling\(s\) whose street_code differs",
        r"population: missing column\(s\) name",
        r"population: gender: .*outside",
    ):
        assert re.search(expected, message), expected
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert not tables & {"admin", "housing", "population"}


def test_bad_dates_in_csv_are_violations(tmp_path, con):
    folder = tmp_path / "registry"
    _write(folder, "admin", ADMIN_SQL, "csv")
    _write(folder, "housing", HOUSING_SQL, "csv")
    _write(
        folder,
        "population",
        POPULATION_SQL.replace("CAST(birth_date AS DATE)", "birth_date").replace(
            "'1985-02-02'", "'1985年2月2日'"
        ),
        "csv",
    )
    with pytest.raises(RegistryError, match="population: birth_date: value.*not a date.*×1"):
        load_registry(con, folder)


def test_missing_files_are_named(tmp_path, con):
    folder = tmp_path / "registry"
    _write(folder, "admin", ADMIN_SQL, "csv")
    with pytest.raises(RegistryError, match="housing.parquet or housing.csv; population.parquet"):
        load_registry(con, folder)
    with pytest.raises(RegistryError, match="does not exist"):
        load_registry(con, tmp_path / "nowhere")


def test_unreadable_file_is_a_registry_error(registry, con):
    (registry / "housing.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(RegistryError, match="housing.parquet cannot be read"):
        load_registry(con, registry)


def test_fingerprint_changes_iff_content_changes(registry, tmp_path):
    before = registry_fingerprint(registry)
    copy = tmp_path / "copy"
    shutil.copytree(registry, copy)
    assert registry_fingerprint(copy) == before  # same files elsewhere: same fingerprint
    (registry / "notes.txt").write_text("not a registry file", encoding="utf-8")
    assert registry_fingerprint(registry) == before
    admin = registry / "admin.csv"
    admin.write_bytes(admin.read_bytes().replace("测试第三".encode(), "测试第四".encode()))
    assert registry_fingerprint(registry) != before


def test_wrong_types_are_reported_not_crashed_on(tmp_path, con):
    folder = tmp_path / "registry"
    _write(folder, "admin", ADMIN_SQL, "parquet")
    admin = folder / "admin.parquet"
    duckdb.execute(
        f"COPY (SELECT CAST(street_code AS BIGINT) AS street_code, street_name, committee_code, "
        f"committee_name FROM '{admin}') TO '{folder / 'admin2.parquet'}' (FORMAT parquet)"
    )
    (folder / "admin2.parquet").replace(admin)
    _write(folder, "housing", HOUSING_SQL, "parquet")
    _write(
        folder,
        "population",
        POPULATION_SQL.replace("CAST(birth_date AS DATE)", "birth_date"),
        "parquet",
    )
    with pytest.raises(RegistryError) as raised:
        load_registry(con, folder)
    assert "admin: street_code is BIGINT, expected VARCHAR" in str(raised.value)
    assert "population: birth_date is VARCHAR, expected DATE" in str(raised.value)
