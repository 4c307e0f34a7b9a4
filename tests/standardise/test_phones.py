"""parse_phone: hand-written golden cases, segment reference data, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streetlink.reference import read_reference
from streetlink.standardise.phones import PHONE_KINDS, PhoneInfo, mobile_segments, parse_phone
from streetlink.standardise.text import normalise_text

GOLDEN_CSV = "phones.csv"


def test_golden(golden_row: dict[str, str | None]) -> None:
    row = golden_row
    expected = PhoneInfo(row["phone"] or None, row["phone_clean"] or None, row["phone_kind"])
    assert parse_phone(row["raw"]) == expected


def test_golden_file_covers_every_kind(golden_rows) -> None:
    rows = golden_rows
    assert len(rows) >= 30 and {r["phone_kind"] for r in rows} == set(PHONE_KINDS)


def test_segments() -> None:
    segments = [r["segment"] for r in read_reference("mobile_segments.csv")]
    assert len(segments) == len(set(segments))
    assert all(len(s) == 3 and s.startswith("1") and s.isdigit() for s in segments)
    for expected in (
        "130",
        "139",
        "145",
        "147",
        "150",
        "153",
        "166",
        "170",
        "178",
        "180",
        "189",
        "191",
        "193",
        "195",
        "199",
    ):
        assert expected in mobile_segments()
    for absent in ("100", "110", "120", "140", "154", "194"):
        assert absent not in mobile_segments()


@pytest.mark.parametrize(
    "raw", ["+86 138 1234 5678", "  138-1234-5678 ", "138\t1234\t5678", "13812345678"]
)
def test_printable_ascii_shortcut_matches_normalise_text(raw: str) -> None:
    assert " ".join(raw.split()) == normalise_text(raw)


# --- properties --------------------------------------------------------------------------

phone_like = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789+-() /.eE转", max_size=25),
    st.tuples(
        st.sampled_from(["", "+86", "86-", "0086 ", "(+86)", "0"]),
        st.sampled_from([*sorted(mobile_segments()), "021", "0571", "120", "58"]),
        st.text(alphabet="0123456789 -", max_size=10),
    ).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(phone_like)
def test_never_crashes_and_is_consistent(raw: str) -> None:
    info = parse_phone(raw)
    assert info.phone_kind in PHONE_KINDS
    assert (info.phone is not None) == (info.phone_kind == "mobile")
    if info.phone is not None:
        assert info.phone == info.phone_clean and len(info.phone) == 11
        assert info.phone[:3] in mobile_segments()
    if info.phone_clean is not None:
        assert info.phone_clean.isascii() and info.phone_clean.isdigit()


@settings(max_examples=500, deadline=None)
@given(phone_like)
def test_idempotent(raw: str) -> None:
    """parse_phone(phone_clean) gives back the same PhoneInfo whenever phone_clean is set."""
    info = parse_phone(raw)
    if info.phone_clean is not None:
        assert parse_phone(info.phone_clean) == info




def test_hostile_input_does_not_crash(hostile: str) -> None:
    parts = parse_phone(hostile)
    assert parts.phone_kind in PHONE_KINDS
