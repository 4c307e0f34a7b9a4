"""Pin: DuckDB's string distances count characters, not UTF-8 bytes.

DuckDB 2.0.0 counted bytes in levenshtein / jaro_winkler_similarity, so one different
Chinese character (3 bytes) looked like three edits. Name and address comparisons in the
linkage models assume characters; this fails loudly if a DuckDB upgrade brings bytes back.
"""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def test_levenshtein_counts_characters(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("SELECT levenshtein('王小明', '王晓明')").fetchone()[0] == 1
    assert con.execute("SELECT damerau_levenshtein('王小明', '王明小')").fetchone()[0] == 1


def test_jaro_winkler_counts_characters(con: duckdb.DuckDBPyConnection) -> None:
    # Three characters, two matching, the first one equal: jaro = (2/3 + 2/3 + 1) / 3 = 7/9;
    # winkler adds 0.1 * prefix 1 * (1 - 7/9) = 0.8. By bytes it would be about 0.9.
    chinese = con.execute("SELECT jaro_winkler_similarity('王小明', '王晓明')").fetchone()[0]
    ascii_ = con.execute("SELECT jaro_winkler_similarity('abc', 'axc')").fetchone()[0]
    assert chinese == pytest.approx(0.8) == pytest.approx(ascii_)


def test_length_and_substring_count_characters(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT length('阿依古丽·买买提'), left('欧阳娜娜', 2), substr('欧阳娜娜', 3)"
    ).fetchone()
    assert row == (8, "欧阳", "娜娜")
