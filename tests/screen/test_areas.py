"""Key areas: the file is checked against the reference names; texts name areas full or short."""

from __future__ import annotations

import datetime as dt

import pytest

from streetlink.screen.areas import AreaMatcher, KeyAreaError, read_key_areas

HEADER = "province,city,county,from_date,to_date,note\n"
AREAS = HEADER + """\
湖北省,武汉市,,2026-11-01,2026-11-30,
湖北,,,2026-11-01,2026-11-30,全省
湖北省,武汉市,江夏区,2026-11-01,2026-11-30,
北京市,,朝阳区,2026-11-01,2026-11-30,
福建省,福州市,鼓楼区,2026-11-01,2026-11-30,
吉林省,吉林市,,2026-11-01,2026-11-30,
河南省,信阳,,2026-11-01,2026-11-30,short city name
"""
WUHAN, HUBEI, JIANGXIA, CHAOYANG, GULOU, JILIN_CITY, XINYANG = range(7)


@pytest.fixture(scope="module")
def matcher(tmp_path_factory):
    path = tmp_path_factory.mktemp("areas") / "key_areas.csv"
    path.write_text(AREAS, encoding="utf-8")
    areas, _ = read_key_areas(path)
    return AreaMatcher(areas)


def test_rows_are_read_in_full_names(matcher):
    labels = [a.label for a in matcher.areas]
    assert labels == ["湖北省武汉市", "湖北省", "湖北省武汉市江夏区", "北京市朝阳区", "福建省福州市鼓楼区",
                      "吉林省吉林市", "河南省信阳市"]
    assert matcher.areas[HUBEI].city is None and matcher.areas[HUBEI].level == "province"
    assert matcher.areas[CHAOYANG].city == "北京市"
    assert matcher.areas[WUHAN].from_date == dt.date(2026, 11, 1)


@pytest.mark.parametrize(("text", "expected"), [
    # full and short spellings of the same place
    ("湖北省武汉市", {WUHAN, HUBEI}),
    ("湖北武汉", {WUHAN, HUBEI}),
    ("武汉市", {WUHAN, HUBEI}),
    ("武汉", {WUHAN, HUBEI}),
    ("湖北", {HUBEI}),  # the province does not name its listed city
    ("湖北省黄冈市", {HUBEI}),
    # counties: full alone, short only after their city or province
    ("湖北省武汉市江夏区", {WUHAN, HUBEI, JIANGXIA}),
    ("武汉江夏", {WUHAN, HUBEI, JIANGXIA}),
    ("江夏区", {JIANGXIA, HUBEI, WUHAN}),
    ("江夏", set()),
    ("北京朝阳", {CHAOYANG}),
    ("北京市朝阳区", {CHAOYANG}),
    ("朝阳区", {CHAOYANG}),
    ("北京市", set()),
    # a name qualified as somewhere else is not the listed one
    ("吉林省长春市朝阳区", set()),
    ("辽宁省朝阳市", set()),
    ("南京市鼓楼区", set()),
    ("福州鼓楼", {GULOU}),
    # 吉林 alone is the province; the listed city needs its own name
    ("吉林", set()),
    ("吉林省吉林市", {JILIN_CITY}),
    ("河南省信阳市", {XINYANG}),
    # Shanghai addresses named after other places are not journeys
    ("住在武汉路18号", set()),
    ("家住信阳新村", set()),
    ("武汉东路", set()),
    ("武汉二村3号", set()),
    # free hotline text: several places, each in its own phrase
    ("来电人称家属从湖北省武汉市回来，住潍坊新村", {WUHAN, HUBEI}),
    ("从江西省抚州市崇仁县回来，之前去过信阳", {XINYANG}),
    ("去过湖北武汉、北京朝阳", {WUHAN, HUBEI, CHAOYANG}),
    ("", set()),
    (None, set()),
])
def test_a_text_names_the_listed_areas(matcher, text, expected):
    assert set(matcher.match(text)) == expected


@pytest.mark.parametrize(("row", "message"), [
    ("湖北国,武汉市,,2026-11-01,2026-11-30,", "is not a province-level division"),
    ("河南省,武汉市,,2026-11-01,2026-11-30,", "'武汉市' is not a prefecture of 河南省"),
    ("湖北省,,江夏区,2026-11-01,2026-11-30,", "needs its city"),
    ("湖北省,武汉市,江夏,2026-11-01,2026-11-30,", "must be written in full"),
    ("湖北省,武汉市,,2026/11/01,2026-11-30,", "must be dates YYYY-MM-DD"),
    ("湖北省,武汉市,,2026-11-30,2026-11-01,", "is before from_date"),
])
def test_a_bad_row_fails_with_its_line(tmp_path, row, message):
    path = tmp_path / "key_areas.csv"
    path.write_text("# comment\n" + HEADER + "湖北省,武汉市,,2026-11-01,2026-11-30,\n" + row + "\n", encoding="utf-8")
    with pytest.raises(KeyAreaError) as caught:
        read_key_areas(path)
    assert "key_areas.csv line 4" in str(caught.value) and message in str(caught.value)


def test_a_missing_column_fails(tmp_path):
    path = tmp_path / "key_areas.csv"
    path.write_text("province,city,from_date,to_date\n湖北省,武汉市,2026-11-01,2026-11-30\n", encoding="utf-8")
    with pytest.raises(KeyAreaError, match="missing column"):
        read_key_areas(path)
