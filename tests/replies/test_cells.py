"""Cells as streets type them → what they mean."""

from __future__ import annotations

import datetime as dt

import pytest

from streetlink.replies import cells
from streetlink.replies.committees import CommitteeResolver

from .conftest import ADMIN_ROWS

D = dt.datetime


@pytest.mark.parametrize(("value", "expected"), [
    (D(2026, 11, 25, 9, 14, 59, 999_999), (D(2026, 11, 25, 9, 15), None)),  # Excel float noise
    (dt.date(2026, 11, 25), (D(2026, 11, 25), None)),
    (46351.6, (D(2026, 11, 25, 14, 24), None)),  # a date cell that lost its format
    ("46351.6", (D(2026, 11, 25, 14, 24), None)),
    ("2026-11-25 14:30", (D(2026, 11, 25, 14, 30), None)),
    ("2026/11/25 14:30:05", (D(2026, 11, 25, 14, 30, 5), None)),
    ("2026.11.25 8:05", (D(2026, 11, 25, 8, 5), None)),
    ("2026年11月25日14时30分", (D(2026, 11, 25, 14, 30), None)),
    ("2026-11-25T14:30:00", (D(2026, 11, 25, 14, 30), None)),
    ("11月25日 14:30", (None, "11-25 14:30:00")),
    ("11月25日14:30", (None, "11-25 14:30:00")),
    ("11月25日 下午2点半", (None, "11-25 14:30:00")),
    ("１１月２５日　１４：３０", (None, "11-25 14:30:00")),  # full-width
    ("11-25 09:15", (None, "11-25 09:15:00")),
    ("11月25日", (None, "11-25 00:00:00")),
    ("2月29日 10:00", (None, "02-29 10:00:00")),  # valid in some years: checked later
    ("2月30日 10:00", (None, None)),
    ("2026-11-25 25:00", (None, None)),
    ("14:30", (None, None)),  # no date
    ("电话无人接听", (None, None)),
    ("", (None, None)),
    (None, (None, None)),
    (True, (None, None)),
    (12, (None, None)),  # a small number is no date
])
def test_parse_when(value, expected):
    assert cells.parse_when(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("checkpoint:KK1", ["checkpoint:KK1"]),
    ("checkpoint:KK1；hotline:GD2", ["checkpoint:KK1", "hotline:GD2"]),
    (" checkpoint:KK1 ; hotline:GD2\n", ["checkpoint:KK1", "hotline:GD2"]),
    ("checkpoint:KK1、healthcloud:HC3，hotline:GD2", ["checkpoint:KK1", "healthcloud:HC3", "hotline:GD2"]),
    ("", []),
    (None, []),
])
def test_split_record_ids(value, expected):
    assert cells.split_record_ids(value) == expected


@pytest.mark.parametrize(("token", "normal", "ok"), [
    ("checkpoint:KK1", "checkpoint:KK1", True),
    ("checkpoint：KK1", "checkpoint:KK1", True),  # full-width colon
    ("hotline:checkpoint_2026-11-24.csv#12", "hotline:checkpoint_2026-11-24.csv#12", True),
    ("KK20261124000001", "KK20261124000001", False),  # the source prefix deleted
    ("以下为第二批核查", "以下为第二批核查", False),
    ("police:1", "police:1", False),
])
def test_record_ids(token, normal, ok):
    assert cells.normal_record_id(token) == normal
    assert cells.is_record_id(cells.normal_record_id(token)) is ok


@pytest.mark.parametrize(("text", "code"), [
    ("已核实在住", "verified_resident"), (" 已核实不在住 ", "verified_moved"), ("查无此人", "not_found"),
    ("地址错误", "wrong_address"), ("非本辖区", "not_our_area"), ("重复推送", "duplicate"), ("其他", "other"),
    ("已 核实在住", "verified_resident"), ("not_found", "not_found"),
    ("已离沪", None), ("在住", None), ("其它", None), ("", None), (None, None),
])
def test_result_codes_exactly(text, code):
    assert cells.result_code(text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("派发至候选1", "dispatch_candidate_1"), ("派发至候选3", "dispatch_candidate_3"),
    ("派发至指定居村委", "dispatch_committee"), ("区外转办", "outside_pudong"),
    ("退回来源单位核实", "return_to_source"), ("无法定位结案", "close_unlocatable"), ("派发", None),
])
def test_action_codes(text, code):
    assert cells.action_code(text) == code


@pytest.mark.parametrize(("value", "code"), [
    ("310115005001", "310115005001"), (310115005001, "310115005001"), (310115005001.0, "310115005001"),
    ("3101-1500-5001", "310115005001"), ("3.10115E+11", None), ("31011500500", None), (None, None),
])
def test_typed_committee_code(value, code):
    assert cells.typed_committee_code(value) == code


@pytest.mark.parametrize(("text", "code", "status"), [
    ("310115005001", "310115005001", "resolved"),
    (310115013003.0, "310115013003", "resolved"),
    ("310115013003 樱花新苑居委会", "310115013003", "resolved"),
    ("梅园一村居委会", "310115005001", "resolved"),
    ("梅园一村居委", "310115005001", "resolved"),
    ("梅园一村居民区", "310115005001", "resolved"),
    ("梅园一村社区", "310115005001", "resolved"),
    ("梅园一村", "310115005001", "resolved"),
    ("浦东新区梅园一村居委会", "310115005001", "resolved"),
    ("梅园村村委会", "310115137210", "resolved"),
    ("梅园村委", "310115137210", "resolved"),
    ("东南居委会", None, "ambiguous"),  # in two streets
    ("洋泾街道东南居委会", "310115013004", "resolved"),  # the street named first decides
    ("陆家嘴东南居委", "310115005003", "resolved"),
    ("东陆居委会", None, "not_found"),
    ("310101001001", None, "not_found"),  # not a Pudong committee
    ("洋泾街道", None, "not_found"),  # a street is not a committee
    ("", None, "empty"),
    (None, None, "empty"),
])
def test_committee_resolver(text, code, status):
    r = CommitteeResolver(ADMIN_ROWS).resolve(text)
    assert (r.committee_code, r.status) == (code, status)
