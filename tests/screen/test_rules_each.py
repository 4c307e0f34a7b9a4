"""Each shipped rule on a tiny night: the records it must fire for, and the near misses it must not."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from streetlink.screen import base_from_rows, evaluate_base, load_rules

D = dt.date


def symptoms_from_key_area(t):
    t.add("HC1", "healthcloud", 症状="咳嗽", 旅居史="湖北省黄冈市", 到达日期="2026-11-22")
    t.add("HC2", "healthcloud", 症状="咳嗽", 旅居史="浙江省杭州市", 到达日期="2026-11-22")
    t.add("HC3", "healthcloud", 症状="无", 旅居史="湖北省黄冈市", 到达日期="2026-11-22")
    return {"healthcloud:HC1"}, {"healthcloud:HC2", "healthcloud:HC3"}


def fever_reported(t):
    t.add("HC1", "healthcloud", 症状="咳嗽、发热")
    t.add("HC2", "healthcloud", 症状="咳嗽")
    t.add("KK1", "checkpoint", 来沪事由="发热")  # a checkpoint purpose is not a symptom
    return {"healthcloud:HC1"}, {"healthcloud:HC2", "checkpoint:KK1"}


def symptoms_reported(t):
    t.add("HC1", "healthcloud", 症状="乏力")
    t.add("HC2", "healthcloud", 症状="无")
    t.add("HC3", "healthcloud", 症状="无症状、否")
    t.add("HC4", "healthcloud")
    return {"healthcloud:HC1"}, {"healthcloud:HC2", "healthcloud:HC3", "healthcloud:HC4"}


def key_area_arrival(t):
    t.add("KK1", "checkpoint", 出发地="信阳市")
    t.add("KK2", "checkpoint", 出发地="河南省")  # the province does not name the listed city
    t.add("GD1", "hotline", 诉求内容="来电人反映家属从湖北黄冈回来，请社区登记。")
    # the matter's own address is not a journey (信阳路 is a Shanghai road)
    t.add("GD2", "hotline", address="浦东新区信阳路88号", 诉求内容="反映浦东新区信阳路88号有人员聚集。")
    t.add("HC1", "healthcloud", 旅居史="北京市朝阳区", 到达日期="2026-11-23")
    # 阜阳 was delisted on 11-05: arrivals up to 11-19 (incubation 14 days) are still tied
    t.add("HC2", "healthcloud", 旅居史="安徽省阜阳市", 到达日期="2026-11-19")
    t.add("HC3", "healthcloud", 旅居史="安徽省阜阳市", 到达日期="2026-11-20")
    return ({"checkpoint:KK1", "hotline:GD1", "healthcloud:HC1", "healthcloud:HC2"},
            {"checkpoint:KK2", "hotline:GD2", "healthcloud:HC3"})


def hotline_isolation_or_health(t):
    t.add("GD1", "hotline", 工单类别="疫情防控-居家隔离")
    t.add("GD2", "hotline", 工单类别="疫情防控-健康监测")
    t.add("GD3", "hotline", 工单类别="社区管理-人员登记")
    return {"hotline:GD1", "hotline:GD2"}, {"hotline:GD3"}


def seen_by_several_sources(t):
    t.person("P1", "H1")
    t.person("P2", "H2")
    t.add("KK1", "checkpoint", person="P1", house="H1")
    t.add("HC1", "healthcloud", person="P1", house="H1")
    t.add("KK2", "checkpoint", person="P2", house="H2")
    t.add("KK3", "checkpoint", person="P2", house="H2")  # twice, but one source
    return {"checkpoint:KK1", "healthcloud:HC1"}, {"checkpoint:KK2", "checkpoint:KK3"}


def seen_again_while_open(t):
    t.person("P1", "H1")
    t.person("P2", "H2")
    t.add("KK1", "checkpoint", person="P1", house="H1")
    t.add("KK2", "checkpoint", person="P2", house="H2")
    t.open("checkpoint:KK20261122", D(2026, 11, 22), "C20261122-00000000AA", person="P1", house="H1")
    t.open("checkpoint:KK20261124", D(2026, 11, 24), "C20261124-00000000BB", person="P2", house="H2")  # tonight's own
    return {"checkpoint:KK1"}, {"checkpoint:KK2"}


def dwelling_occupied_by_unregistered(t):
    t.person("P1", "H_ELSEWHERE")
    t.person("P2", "H5")
    t.person("P3", "H5")
    # H5: two people not registered there (one linked, one not), none of its registered ones
    t.add("KK1", "checkpoint", person="P1", house="H5")
    t.add("HC1", "healthcloud", house="H5", name="张三")
    # H6: the same, but a registered resident is seen too
    t.add("KK2", "checkpoint", house="H6", name="李四")
    t.add("KK3", "checkpoint", house="H6", name="王五")
    t.person("P4", "H6")
    t.add("HC2", "healthcloud", person="P4", house="H6")
    # H7: one newcomer registering twice (checkpoint and health cloud) is one person
    t.add("KK4", "checkpoint", house="H7", name="赵六")
    t.add("HC3", "healthcloud", house="H7", name="赵六")
    # H8: a hotline caller is not an occupant
    t.add("KK5", "checkpoint", house="H8", name="钱七")
    t.add("GD1", "hotline", house="H8", name="孙女士")
    return ({"checkpoint:KK1", "healthcloud:HC1"},
            {"checkpoint:KK2", "checkpoint:KK3", "healthcloud:HC2", "checkpoint:KK4", "healthcloud:HC3",
             "checkpoint:KK5", "hotline:GD1"})


def group_rental_reported(t):
    t.add("GD1", "hotline", 工单类别="城市管理-群租", house="H1")
    t.add("GD2", "hotline", 工单类别="疫情防控-人员排查", house="H1")
    return {"hotline:GD1"}, {"hotline:GD2"}


def household_of_urgent_case(t):
    t.person("PA", "H9")
    t.person("PB", "H9")
    t.person("PC", "H12")
    t.add("HC1", "healthcloud", person="PA", house="H9", 症状="发热")  # urgent
    t.add("KK1", "checkpoint", person="PB", house="H10")  # registered with PA
    t.add("KK2", "checkpoint", house="H9", name="周八")  # at PA's door
    t.add("KK3", "checkpoint", person="PC", house="H12")  # elsewhere
    t.add("KK4", "checkpoint", house="H11", name="吴九")  # at the door of a case still open and urgent
    t.open("healthcloud:HC20261123", D(2026, 11, 23), "C20261123-00000000CC", house="H11", priority="urgent")
    return ({"checkpoint:KK1", "checkpoint:KK2", "checkpoint:KK4"},
            {"healthcloud:HC1", "checkpoint:KK3"})


CASES = [symptoms_from_key_area, fever_reported, symptoms_reported, key_area_arrival,
         hotline_isolation_or_health, seen_by_several_sources, seen_again_while_open,
         dwelling_occupied_by_unregistered, group_rental_reported, household_of_urgent_case]


def test_every_shipped_rule_has_a_case(rules):
    assert [c.__name__ for c in CASES] == [r.name for r in rules.rules]


@pytest.mark.parametrize("setup", CASES, ids=lambda c: c.__name__)
def test_rule_fires_exactly_where_it_should(rules, tiny, setup):
    fires, not_fires = setup(tiny)
    done = tiny.screen(rules)
    rule = setup.__name__
    fired = {r["record_id"] for r in done.rows("SELECT record_id FROM screen_results WHERE list_contains(rules, ?)",
                                                [rule])}
    assert fired & (fires | not_fires) == fires
    priority = rules.rule(rule).priority
    for rid in fires:
        assert done.result(rid)["record_priority"] in (("urgent",) if priority == "urgent" else ("urgent", priority))


@pytest.mark.parametrize("setup", [symptoms_from_key_area, fever_reported, symptoms_reported, key_area_arrival],
                         ids=lambda c: c.__name__)
def test_symptomatic_and_key_area_records_are_never_normal(rules, tiny, setup):
    setup(tiny)
    done = tiny.screen(rules)
    flagged = done.rows("""SELECT r.record_id, r.priority FROM screen_results r JOIN screen_base b USING (record_id)
                           WHERE (b.record.source = 'healthcloud' AND b.record.has_symptoms)
                              OR r.key_area IS NOT NULL""")
    assert flagged and all(r["priority"] in ("urgent", "high") for r in flagged)


@pytest.mark.parametrize(("arrival", "night", "tied"), [
    ("2026-10-31", "2026-11-05", False),  # left before the area was listed
    ("2026-11-01", "2026-11-05", True),  # the first listed day
    ("2026-11-24", "2026-11-24", True),  # to_date + 14 days: may have been there while listed
    ("2026-11-25", "2026-11-25", False),  # one day later
    ("2026-11-17", "2026-12-01", True),  # still within 14 nights of arrival
    ("2026-11-16", "2026-12-01", False),  # 15 nights on
])
def test_the_key_area_window(tmp_path, write_rules, shipped_rules_text, arrival, night, tied):
    areas = "province,city,county,from_date,to_date,note\n湖北省,武汉市,,2026-11-01,2026-11-10,\n"
    rules = load_rules(write_rules(tmp_path, shipped_rules_text, areas))
    con = duckdb.connect()
    base_from_rows(con, [{"record_id": "healthcloud:X", "match_texts": [{"via": "旅居史", "text": "湖北武汉"}],
                          "record": {"source": "healthcloud", "night": night, "arrival_date": arrival,
                                     "event_time": f"{night} 09:00:00"}}])
    evaluate_base(con, rules)
    key_area, fired = con.execute("SELECT key_area, rules FROM screen_results").fetchall()[0]
    assert (key_area == "湖北省武汉市") is tied
    assert ("key_area_arrival" in fired) is tied


def test_the_household_rule_runs_after_the_urgent_cases_are_known(rules):
    # A rule reading household.* sees the urgency decided by the first pass, but its own
    # result does not feed back: a household member it makes urgent is not a new source.
    con = duckdb.connect()
    base_from_rows(con, [
        {"record_id": "a", "home_id": "H1", "record": {"source": "healthcloud", "symptoms": ["发热"],
                                                        "has_symptoms": True, "house_id": "H1"}},
        {"record_id": "b", "home_id": "H1", "record": {"source": "checkpoint", "house_id": "H2"}},
        {"record_id": "c", "home_id": "H2", "record": {"source": "checkpoint", "house_id": "H3"}},
    ])
    evaluate_base(con, rules)
    got = dict(con.execute("SELECT record_id, priority FROM screen_results").fetchall())
    assert got == {"a": "urgent", "b": "high", "c": "normal"}
