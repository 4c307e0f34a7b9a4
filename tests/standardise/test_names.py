"""standardise_name: hand-written golden cases, reference-data guards, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from streetlink.reference import read_reference
from streetlink.standardise.names import (
    NAME_KINDS,
    NameParts,
    compound_surnames,
    standardise_name,
    surname_readings,
)
from streetlink.standardise.text import normalise_text

GOLDEN_CSV = "names.csv"
FIELDS = (
    "name_clean",
    "name_kind",
    "surname",
    "given_name",
    "name_pinyin",
    "surname_pinyin",
    "given_pinyin",
    "gender_hint",
)



def test_golden(golden_row: dict[str, str | None]) -> None:
    row = golden_row
    got = standardise_name(row["raw"])
    expected = {f: row[f] or None for f in FIELDS}
    assert {f: getattr(got, f) for f in FIELDS} == expected


def test_golden_file_covers_enough_cases(golden_rows) -> None:
    rows = golden_rows
    kinds = {r["name_kind"] for r in rows}
    assert len(rows) >= 80 and kinds == set(NAME_KINDS)


@pytest.mark.parametrize(
    "separator", ["·", ".", "•", "・", "‧", "･", " ", "。", "-", "－", "∙", "⋅", ""]
)
def test_minority_name_separators_give_one_name(separator: str) -> None:
    reference = standardise_name("阿依古丽买买提")
    assert standardise_name(f"阿依古丽{separator}买买提") == reference


@pytest.mark.parametrize(
    "pair", [("王芳", "王方"), ("李伟", "李玮"), ("张静", "章婧"), ("陈晨", "陈琛")]
)
def test_homophones_share_the_pinyin_key(pair: tuple[str, str]) -> None:
    a, b = (standardise_name(n) for n in pair)
    assert a.name_clean != b.name_clean and a.name_pinyin == b.name_pinyin


def test_misread_surnames_are_overridden() -> None:
    # pypinyin's default reading of these characters is not their reading as a surname.
    misread = {
        "曾": "zeng",
        "单": "shan",
        "仇": "qiu",
        "翟": "zhai",
        "区": "ou",
        "朴": "piao",
        "解": "xie",
        "查": "zha",
        "盖": "ge",
        "乐": "yue",
        "缪": "miao",
        "召": "shao",
        "覃": "qin",
        "尉迟": "yuchi",
        "万俟": "moqi",
    }
    readings = surname_readings()
    for surname, reading in misread.items():
        assert "".join(lazy_pinyin(c, style=Style.NORMAL)[0] for c in surname) != reading
    for surname, reading in {**misread, "长孙": "zhangsun"}.items():
        assert readings[surname] == reading
        assert standardise_name(surname + "明").surname_pinyin == reading


def test_surname_file_is_clean() -> None:
    rows = read_reference("surnames.csv")
    surnames = [r["surname"] for r in rows]
    assert len(surnames) == len(set(surnames)) > 500
    for r in rows:
        assert normalise_text(r["surname"]) == r["surname"], r
        assert r["pinyin"].isascii() and r["pinyin"].isalpha() and r["pinyin"].islower(), r
        assert r["kind"] == ("compound" if len(r["surname"]) == 2 else "single"), r
    assert {
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "司徒",
        "夏侯",
        "轩辕",
        "长孙",
        "宇文",
        "澹台",
        "端木",
        "申屠",
        "南宫",
        "西门",
    } <= compound_surnames()


def test_honorific_file_is_clean() -> None:
    for r in read_reference("name_honorifics.csv"):
        assert r["position"] in ("prefix", "suffix") and r["gender"] in ("", "男", "女"), r
        assert r["after_full_name"] in ("yes", "no") and normalise_text(r["term"]) == r["term"], r


# --- properties --------------------------------------------------------------------------

_SURNAMES = ["王", "李", "欧阳", "曾", "单", "尉迟", "長孫", "陳", "禤"]
_CHARS = [
    *list("芳方伟明小晓华華丽麗思远乾隆著后後发髮干乐长区"),
    "·",
    ".",
    " ",
    "•",
    "(",
    ")",
    "1",
]
_TERMS = ["", "女士", "先生", "小姐", "阿姨", "师傅", "老", "姐", "哥"]
_LATIN = [
    "Wang",
    "WANG",
    "fang",
    "Xiaoming",
    "Li",
    "lyu",
    "Lü",
    "Mr",
    "Ms.",
    ",",
    "-",
    "'",
    "ouyang",
]

name_like = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda prefix, s, chars, term: prefix + s + "".join(chars) + term,
        st.sampled_from(["", "老", "小", " "]),
        st.sampled_from(_SURNAMES),
        st.lists(st.sampled_from(_CHARS), max_size=6),
        st.sampled_from(_TERMS),
    ),
    st.lists(st.sampled_from(_LATIN), min_size=1, max_size=4).map(" ".join),
    st.lists(st.sampled_from(_LATIN), min_size=1, max_size=3).map("".join),
)


def _check_invariants(p: NameParts) -> None:
    assert p.name_kind in NAME_KINDS
    if p.name_kind == "none":
        assert p == NameParts(None, "none")
        return
    assert p.name_clean
    for key in (p.name_pinyin, p.surname_pinyin, p.given_pinyin):
        assert key is None or (key == key.lower() and " " not in key and key)
    if p.name_kind in ("full", "pinyin"):
        assert p.name_pinyin
    if p.name_kind == "honorific":
        assert p.given_name is None and p.name_pinyin is None
    if p.surname is not None and p.given_name is not None:
        assert p.surname + p.given_name == p.name_clean


@settings(max_examples=400, deadline=None)
@given(name_like)
def test_never_crashes_and_keeps_invariants(raw: str) -> None:
    _check_invariants(standardise_name(raw))


@settings(max_examples=400, deadline=None)
@given(name_like)
def test_idempotent(raw: str) -> None:
    """Standardising name_clean again gives the same parts; only a gender hint that came
    from a stripped honorific (王芳女士 → 王芳) may be lost."""
    first = standardise_name(raw)
    if first.name_clean is None:
        return
    second = standardise_name(first.name_clean)
    assert replace_gender(second, None) == replace_gender(first, None)
    assert second.gender_hint in (None, first.gender_hint)


def replace_gender(p: NameParts, gender: str | None) -> NameParts:
    return NameParts(
        p.name_clean,
        p.name_kind,
        p.surname,
        p.given_name,
        p.name_pinyin,
        p.surname_pinyin,
        p.given_pinyin,
        gender,
    )




def test_hostile_input_does_not_crash(hostile: str) -> None:
    parts = standardise_name(hostile)
    assert parts.name_clean is None or len(parts.name_clean) <= 41
