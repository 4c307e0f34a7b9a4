"""Chinese numerals: converted next to an address unit, never inside a place name."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streetlink.standardise.numerals import (
    NUMERAL_CHARS,
    chinese_to_digits,
    convert_unit_numerals,
    normalise_number,
)


@pytest.mark.parametrize("text, expected", [
    ("十六号", "16号"),
    ("一八零二室", "1802室"),
    ("八十八弄", "88弄"),
    ("二〇二室", "202室"),
    ("二零二室", "202室"),
    ("两号楼", "2号楼"),
    ("幺零二室", "102室"),
    ("三组", "3组"),
    ("十队", "10队"),
    ("第三组", "第3组"),
    ("三村民小组", "3村民小组"),
    ("二小组", "2小组"),
    ("三支弄", "3支弄"),
    ("五幢", "5幢"),
    ("七栋", "7栋"),
    ("二单元", "2单元"),
    ("五层", "5层"),
    ("三楼", "3楼"),
    ("一千二百五十八弄", "1258弄"),
    ("一百零八号", "108号"),
    ("秀沿路1258弄十六号一八零二室", "秀沿路1258弄16号1802室"),
    ("二十一号楼三单元五零一室", "21号楼3单元501室"),
    # a room written straight after a number or building
    ("九号四零三", "9号403"),
    ("3号二零一", "3号201"),
    ("三号楼六零二", "3号楼602"),
    ("5#一零二", "5#102"),
    ("三-六零二", "3-602"),
    # a house number straight after a group
    ("南塘3组七", "南塘3组7"),
    ("永盛一组三", "永盛1组3"),
    # traps: numerals that are part of a name stay
    ("七灶村", "七灶村"),
    ("七灶村三组", "七灶村3组"),
    ("三林镇", "三林镇"),
    ("六团", "六团"),
    ("十八间房", "十八间房"),
    ("华夏二路", "华夏二路"),
    ("潍坊八村九号", "潍坊八村9号"),
    ("五星村", "五星村"),
    ("五楼村", "五楼村"),
    ("一号线", "一号线"),
    ("三号桥", "三号桥"),
    ("菱翔苑三期", "菱翔苑三期"),
    ("陆楼5队4", "陆楼5队4"),  # 陆 (financial six) is a surname/place character
    ("二三十号", "二三十号"),  # not a well-formed numeral: left alone
])
def test_convert_unit_numerals(text: str, expected: str) -> None:
    assert convert_unit_numerals(text) == expected


@pytest.mark.parametrize("numeral, digits", [
    ("十", "10"), ("十六", "16"), ("二十", "20"), ("二十一", "21"), ("一百", "100"), ("一百零八", "108"),
    ("一百二", "120"), ("一百零二", "102"), ("两百", "200"), ("三千", "3000"), ("一千二百五十八", "1258"),
    ("一八零二", "1802"), ("幺零一", "101"), ("零二", "02"), ("〇", "0"),
    ("二三十", None), ("十十", None), ("百十", "110"), ("", None), ("abc", None), ("七灶", None),
])
def test_chinese_to_digits(numeral: str, digits: str | None) -> None:
    assert chinese_to_digits(numeral) == digits


@pytest.mark.parametrize("value, expected", [
    ("0602", "602"), ("602", "602"), ("88弄", "88"), ("3号", "3"), ("602室", "602"), ("5组", "5"),
    ("十二", "12"), ("３", "3"), ("12a", "12A"), ("1-23", "1-23"), ("03-01", "3-1"), ("0", "0"),
    ("00", "0"), ("第5组", "5"), (" 7 ", "7"), ("21号楼", "21"), ("", None), ("号", None), (None, None),
    ("一二三abc", None), ("3.5", None),
])
def test_normalise_number(value: str | None, expected: str | None) -> None:
    assert normalise_number(value) == expected


_address_like = st.text(alphabet=NUMERAL_CHARS + "号弄室组队楼层幢栋单元村镇路0123456789-# 七灶林团", max_size=30)


@settings(max_examples=300, deadline=None)
@given(text=_address_like | st.text(max_size=30))
def test_conversion_is_idempotent_and_total(text: str) -> None:
    once = convert_unit_numerals(text)
    assert convert_unit_numerals(once) == once


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=NUMERAL_CHARS + "七灶林团村镇路期间房", max_size=20))
def test_no_unit_no_change(text: str) -> None:
    assert convert_unit_numerals(text) == text


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=9999))
def test_positional_numerals_round_trip(n: int) -> None:
    digits = "零一二三四五六七八九"
    parts = []
    for value, unit in ((n // 1000, "千"), (n // 100 % 10, "百"), (n // 10 % 10, "十")):
        parts.append(digits[value] + unit if value else "零")
    text = "".join(parts) + (digits[n % 10] if n % 10 else "")
    text = text.lstrip("零")
    while "零零" in text:
        text = text.replace("零零", "零")
    text = text.rstrip("零")
    assert chinese_to_digits(text) == str(n), text
    assert convert_unit_numerals(text + "号") == f"{n}号"
