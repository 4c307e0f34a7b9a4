import pytest

from streetlink.report import mask_id, mask_name, mask_phone


@pytest.mark.parametrize("value, want", [
    ("王兰芳", "王*芳"),
    ("王芳", "王*"),
    ("欧阳娜娜", "欧**娜"),
    ("王", "*"),
    (" 王 兰 芳 ", "王*芳"),
    ("Wang Lanfang", "W*********g"),
    ("", ""),
    (None, ""),
])
def test_mask_name(value, want):
    assert mask_name(value) == want


@pytest.mark.parametrize("value, want", [
    ("310115195803120029", "310***********0029"),
    ("11010519491231002x", "110***********002X"),
    ("310115580312002", "310********2002"),  # 15-digit old ID
    ("E1234567", "********"),  # too short to show ends without showing most of it
    (None, ""),
    (310115195803120029, "310***********0029"),
])
def test_mask_id(value, want):
    assert mask_id(value) == want


@pytest.mark.parametrize("value, want", [
    ("13812345678", "138****5678"),
    ("+86 138 1234 5678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("021-58881234", "021****1234"),
    ("58881234", "********"),
    ("", ""),
    (None, ""),
    (13812345678, "138****5678"),
])
def test_mask_phone(value, want):
    assert mask_phone(value) == want
