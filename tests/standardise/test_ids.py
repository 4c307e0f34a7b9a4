"""parse_id_number: hand-written golden cases, the check character, properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streetlink.reference import read_reference
from streetlink.standardise.ids import ID_STATUSES, IdInfo, check_character, parse_id_number

GOLDEN_CSV = "ids.csv"
TODAY = dt.date(2026, 11, 20)



def test_golden(golden_row: dict[str, str | None]) -> None:
    row = golden_row
    got = parse_id_number(row["raw"], row["id_type"], today=TODAY)
    born = dt.date.fromisoformat(row["birth_date"]) if row["birth_date"] else None
    expected = IdInfo(
        row["id_number"] or None,
        row["id_clean"] or None,
        row["id_status"],
        born,
        row["gender"] or None,
        row["region"] or None,
    )
    assert got == expected


def test_golden_file_covers_every_status(golden_rows) -> None:
    rows = golden_rows
    assert len(rows) >= 40 and {r["id_status"] for r in rows} == set(ID_STATUSES)


@pytest.mark.parametrize(
    "first17, check",
    [
        ("11010519491231002", "X"),  # the worked example of GB 11643-1999
        ("44052418800101001", "4"),
        ("31011519580312002", "9"),
    ],
)
def test_check_character(first17: str, check: str) -> None:
    assert check_character(first17) == check


def test_province_codes_are_the_34_province_level_units() -> None:
    codes = [r["code"] for r in read_reference("id_province_codes.csv")]
    assert len(codes) == len(set(codes)) == 34
    assert {"11", "31", "65", "71", "81", "82"} <= set(codes) and "83" not in codes


def test_future_is_relative_to_today() -> None:
    number = "310115202611210022"  # born 2026-11-21
    assert parse_id_number(number, today=TODAY).id_status == "bad_date"
    assert parse_id_number(number, today=TODAY + dt.timedelta(days=1)).id_status == "valid"


# --- properties --------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=17, max_size=17)
id_like = st.one_of(
    st.text(max_size=30),
    digits.map(lambda d: d + check_character(d)),  # valid or bad date/region
    st.tuples(digits, st.sampled_from("0123456789Xx")).map("".join),  # any check character
    st.text(alphabet="0123456789", min_size=15, max_size=15),
    st.text(alphabet="0123456789xX -０１２３４５６７８９ｘ", max_size=22),
)
id_types = st.one_of(
    st.none(),
    st.sampled_from(["居民身份证", "身份证", "护照", "港澳居民来往内地通行证", "", "其他"]),
    st.text(max_size=8),
)


@settings(max_examples=500, deadline=None)
@given(id_like, id_types)
def test_never_crashes_and_never_trusts_an_invalid_number(raw: str, id_type: str | None) -> None:
    info = parse_id_number(raw, id_type, today=TODAY)
    assert info.id_status in ID_STATUSES
    trusted = info.id_status in ("valid", "converted_15")
    assert (info.id_number is not None) == trusted
    assert (
        (info.birth_date is not None)
        == trusted
        == (info.gender is not None)
        == (info.region is not None)
    )
    if trusted:
        assert (
            len(info.id_number) == 18 and check_character(info.id_number[:17]) == info.id_number[17]
        )
        assert dt.date(1890, 1, 1) <= info.birth_date <= TODAY
    assert (info.id_clean is None) == (info.id_status == "missing")


@settings(max_examples=500, deadline=None)
@given(id_like, id_types)
def test_idempotent(raw: str, id_type: str | None) -> None:
    """Parsing id_clean again (same type) gives the same answer; so does parsing id_number."""
    first = parse_id_number(raw, id_type, today=TODAY)
    if first.id_clean is not None:
        assert parse_id_number(first.id_clean, id_type, today=TODAY) == first
    if first.id_number is not None:
        again = parse_id_number(first.id_number, id_type, today=TODAY)
        assert again.id_status == "valid" and again.id_number == first.id_number




def test_hostile_input_does_not_crash(hostile: str) -> None:
    parts = parse_id_number(hostile, today=TODAY)
    assert parts.id_status in ID_STATUSES
