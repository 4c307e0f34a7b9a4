"""The decision rules, one table-driven case per rule, on tiny hand-built tables."""

from __future__ import annotations


def test_each_rule_gives_its_decision(tiny):
    con = tiny.con()
    # 1 staging rejected
    tiny.record(con, "r_bad", reject="unparseable_time")
    # 2 outside Pudong, even with a good-looking candidate
    tiny.record(con, "r_out", addr_scope="outside")
    tiny.address(con, "r_out", "H1", 12)
    # 3 nothing at all
    tiny.record(con, "r_empty", address=None, name_kind="none", id_status="missing", phone_kind="missing",
            addr_precision="none")
    # 3b only a broken ID
    tiny.record(con, "r_badid", address=None, name_kind="none", id_status="bad_checksum", phone_kind="missing",
            addr_precision="none")
    # 4 certain address, dwelling known (the other room of the building far behind)
    tiny.record(con, "r_house")
    tiny.address(con, "r_house", "H1", 12)
    tiny.address(con, "r_house", "H2", 2)
    # 4b certain committee, room missing: two rooms tie, committee level, no dwelling
    tiny.record(con, "r_building", addr_precision="building")
    tiny.address(con, "r_building", "H1", 8)
    tiny.address(con, "r_building", "H2", 8)
    # 4c certain address beats a person registered elsewhere (moved)
    tiny.record(con, "r_moved")
    tiny.address(con, "r_moved", "H1", 12)
    tiny.person(con, "r_moved", "P9", "H3", 20)
    # 5 an uncertain address whose second choice is the certain person's committee
    tiny.record(con, "r_support")
    tiny.address(con, "r_support", "H3", 2)
    tiny.address(con, "r_support", "H1", 1.7)
    tiny.person(con, "r_support", "P1", "H1", 20)
    # 5b four look-alike dwellings tie (two of them in tiny.C1); the certain person is registered
    # in the one of tiny.C3, which the address alone gives only P = 0.25
    tiny.record(con, "r_lookalike")
    tiny.address(con, "r_lookalike", "H3", 3)
    tiny.address(con, "r_lookalike", "H1", 3)
    tiny.address(con, "r_lookalike", "H2", 3)
    tiny.address(con, "r_lookalike", "H4", 3)
    tiny.person(con, "r_lookalike", "P7", "H4", 20)
    # 6 community that lies in one committee
    tiny.record(con, "r_comm", address="齐河小区门口", addr_precision="community", community="齐河小区")
    # 6b community name in two towns, the street field picks one
    tiny.record(con, "r_comm2", address="阳光花园", addr_precision="community", community="阳光花园",
            street_code_hint="310115103")
    # 6c the same without a street: ambiguous
    tiny.record(con, "r_comm3", address="阳光花园", addr_precision="community", community="阳光花园")
    # 7 vague address naming the town, certain person registered there
    tiny.record(con, "r_home", address="川沙新镇", addr_precision="street", street_code_text="310115103")
    tiny.person(con, "r_home", "P4", "H4", 20)
    # 7b the same from the hotline: the caller's registered home, corroborated by the town
    tiny.record(con, "r_hotline", source="hotline", address="川沙新镇", addr_precision="street",
            street_code_text="310115103")
    tiny.person(con, "r_hotline", "P4", "H4", 20)
    # 7c a street hint contradicts the registered home
    tiny.record(con, "r_hint", address="浦东新区", addr_precision="none", street_code_hint="310115007")
    tiny.person(con, "r_hint", "P4", "H4", 20)
    # 7d nothing in the address to corroborate the registered home: a mover is as likely
    tiny.record(con, "r_nothing", address="浦东新区", addr_precision="none")
    tiny.person(con, "r_nothing", "P4", "H4", 20)
    # 7e a certain-looking person whose full name contradicts the record: never linked
    tiny.record(con, "r_relative", address="川沙新镇", addr_precision="street", street_code_text="310115103")
    tiny.person(con, "r_relative", "P5", "H4", 25, conflict=True)
    # 8 likely address, certain person elsewhere: conflict
    tiny.record(con, "r_conflict")
    tiny.address(con, "r_conflict", "H1", -2)
    tiny.person(con, "r_conflict", "P9", "H3", 20)
    # 8b candidates split over two committees
    tiny.record(con, "r_ambig")
    tiny.address(con, "r_ambig", "H1", 5)
    tiny.address(con, "r_ambig", "H3", 5)
    # 8c an address that found nothing
    tiny.record(con, "r_unres", address="不存在路1号", road="不存在路", number="1", addr_precision="building")
    # 8d a road Pudong does not have, nothing saying Pudong, and a dwelling that shares only
    # lane, number and room: another district's address written without its district
    elsewhere = {"road": "延长中路", "lane": "88", "number": "3", "room": "602", "addr_scope": "unknown"}
    tiny.record(con, "r_elsewhere", address="延长中路88弄3号602室", **elsewhere)
    tiny.address(con, "r_elsewhere", "H1", 12)
    # 4d ... but a slip of one character is a Pudong road mistyped, and a text that says
    # Pudong is Pudong's
    tiny.record(con, "r_slip", address="齐和路88弄3号602室", **{**elsewhere, "road": "齐和路"})
    tiny.address(con, "r_slip", "H1", 12)
    tiny.record(con, "r_said", address="浦东新区延长中路88弄3号602室", **{**elsewhere, "addr_scope": "pudong"})
    tiny.address(con, "r_said", "H1", 12)

    d = tiny.decide(con, person_home_evidence="street", place_part_by_street="street")
    expect = {
        "r_bad": ("rejected", "unparseable_time", None),
        "r_out": ("review", "outside_pudong", None),
        "r_empty": ("rejected", "no_address_no_identity", None),
        "r_badid": ("rejected", "unparseable_id", None),
        "r_house": ("dispatched", None, tiny.C1),
        "r_building": ("dispatched", None, tiny.C1),
        "r_moved": ("dispatched", None, tiny.C1),
        "r_support": ("dispatched", None, tiny.C1),
        "r_lookalike": ("dispatched", None, tiny.C3),
        "r_comm": ("dispatched", None, tiny.C1),
        "r_comm2": ("dispatched", None, tiny.C3),
        "r_comm3": ("review", "address_ambiguous", None),
        "r_home": ("dispatched", None, tiny.C3),
        "r_hotline": ("dispatched", None, tiny.C3),
        "r_hint": ("review", "vague_address", None),
        "r_nothing": ("review", "vague_address", None),
        "r_relative": ("review", "vague_address", None),
        "r_conflict": ("review", "conflicting_evidence", None),
        "r_ambig": ("review", "address_ambiguous", None),
        "r_unres": ("review", "address_unresolved", None),
        "r_elsewhere": ("review", "address_unresolved", None),
        "r_slip": ("dispatched", None, tiny.C1),
        "r_said": ("dispatched", None, tiny.C1),
    }
    got = {rid: (r["decision"], r["reason"], r["committee_code"]) for rid, r in d.items()}
    assert got == expect

    assert d["r_house"]["house_id"] == "H1" and d["r_house"]["basis"] == "address_dwelling"
    assert d["r_building"]["house_id"] is None and d["r_building"]["basis"] == "address_building"
    assert d["r_building"]["address_match_probability"] > 0.99
    assert d["r_moved"]["person_id"] == "P9"  # the person is still linked, the place is the address's
    assert d["r_support"]["person_id"] == "P1"
    assert d["r_relative"]["person_id"] is None
    assert d["r_lookalike"]["house_id"] == "H4"
    assert d["r_comm"]["basis"] == "address_community"
    assert d["r_home"]["basis"] == "person_registered_home" and d["r_home"]["house_id"] == "H4"
    assert d["r_house"]["street_code"] == "310115007"
    # review rows carry their candidates for the clerk
    assert '"H3"' in d["r_ambig"]["candidates_json"] and '"H1"' in d["r_ambig"]["candidates_json"]
    assert {rid: r["rule"] for rid, r in d.items() if rid in ("r_home", "r_lookalike", "r_relative")} == {
        "r_home": "person_registered_home", "r_lookalike": "registered_home_fits_address",
        "r_relative": "vague_address"}

    # The standing decisions (the defaults): the registered home as the only place evidence
    # goes to review, the home suggested as the first candidate; a place split between
    # streets is not placed by the street field alone; everything else is unchanged.
    default = tiny.decide(con)
    for rid in ("r_home", "r_hotline"):
        assert (default[rid]["decision"], default[rid]["reason"]) == ("review", "vague_address")
        assert default[rid]["person_id"] == "P4" and '"H4"' in default[rid]["candidates_json"]
    assert (default["r_comm2"]["decision"], default["r_comm2"]["reason"]) == ("review", "address_ambiguous")
    changed = ("r_home", "r_hotline", "r_comm2")
    assert {rid: r["decision"] for rid, r in default.items() if rid not in changed} == {
        rid: r["decision"] for rid, r in d.items() if rid not in changed}


def test_a_clear_best_dwelling_places_its_committee_only_with_the_margin_rule(tiny):
    # odds 32 (H1, tiny.C1) against 2 (H3, tiny.C2): P(tiny.C1) = 32 / 34.1 < committee_min, while H1 is
    # 2^4 times likelier than H3 and likelier than all else together
    con = tiny.con()
    tiny.record(con, "r")
    tiny.address(con, "r", "H1", 5)
    tiny.address(con, "r", "H3", 1)
    assert tiny.decide(con)["r"]["reason"] == "address_ambiguous"  # default: the rule is off
    assert tiny.decide(con, address_margin_bits=5)["r"]["reason"] == "address_ambiguous"
    placed = tiny.decide(con, address_margin_bits=4)["r"]
    assert (placed["decision"], placed["committee_code"], placed["house_id"]) == ("dispatched", tiny.C1, "H1")


def test_hotline_community_matter_goes_to_the_callers_committee_as_the_threshold_allows(tiny):
    con = tiny.con()
    # 幸福苑: one community split between the two committees of 周家渡街道
    con.execute(f"""INSERT INTO wh.place_committees VALUES
        ('community', '幸福苑', '310115007', '{tiny.C1}', 5), ('community', '幸福苑', '310115007', '{tiny.C2}', 5)""")
    # 阳光花园 is one committee in each of two towns; the caller lives in the 川沙 one
    tiny.record(con, "h_named", source="hotline", address="阳光花园门口", addr_precision="community",
            community="阳光花园")
    tiny.person(con, "h_named", "P4", "H4", 20)
    tiny.record(con, "h_split", source="hotline", address="幸福苑门口", addr_precision="community",
            community="幸福苑")
    tiny.person(con, "h_split", "P1", "H1", 20)

    def placed(level: str) -> dict[str, str | None]:
        d = tiny.decide(con, hotline_place_via_caller=level)
        return {rid: r["committee_code"] or r["reason"] for rid, r in d.items()}

    assert placed("never") == {"h_named": "address_ambiguous", "h_split": "address_ambiguous"}
    assert placed("single_in_home_street") == {"h_named": tiny.C3, "h_split": "address_ambiguous"}
    assert placed("always") == {"h_named": tiny.C3, "h_split": tiny.C1}


def test_every_staged_record_decided_exactly_once(tiny):
    con = tiny.con()
    for i in range(5):
        tiny.record(con, f"r{i}")
        tiny.address(con, f"r{i}", "H1", 12)
        tiny.address(con, f"r{i}", "H2", 1)
        tiny.person(con, f"r{i}", "P1", "H1", 20)
        tiny.person(con, f"r{i}", "P2", "H1", -5)
    d = tiny.decide(con)
    assert sorted(d) == [f"r{i}" for i in range(5)]


def test_dispatched_fields_set_iff_dispatched(tiny):
    con = tiny.con()
    tiny.record(con, "a")
    tiny.address(con, "a", "H1", 12)
    tiny.record(con, "b", addr_scope="outside")
    tiny.address(con, "b", "H1", 12)
    d = tiny.decide(con)
    assert d["a"]["street_code"] and d["a"]["committee_code"] and d["a"]["reason"] is None
    assert d["b"]["street_code"] is None and d["b"]["committee_code"] is None and d["b"]["house_id"] is None
    assert d["b"]["reason"] == "outside_pudong"


def test_an_address_that_is_exactly_one_dwellings_goes_there_when_the_choice_is_on(tiny):
    con = tiny.con()
    exact = {"road": "齐河路", "lane": "88", "number": "3", "room": "602"}
    # the pair scores leave it uncertain (a newcomer: nobody registered there to confirm it)
    tiny.record(con, "r_exact", **exact)
    tiny.address(con, "r_exact", "H1", -1)
    tiny.address(con, "r_exact", "H3", -3)
    # the same key, but the record's own street is another: not this dwelling
    tiny.record(con, "r_other_street", street_code_text="310115103", **exact)
    tiny.address(con, "r_other_street", "H1", -1)
    # no door: a key without a number is a place, not a dwelling
    tiny.record(con, "r_no_door", address="齐河路", road="齐河路", addr_precision="road")
    # a key no dwelling has
    tiny.record(con, "r_missing", **{**exact, "room": "999"})
    tiny.address(con, "r_missing", "H1", -1)

    on = tiny.decide(con, exact_address_single="on")
    assert (on["r_exact"]["decision"], on["r_exact"]["rule"], on["r_exact"]["committee_code"]) == (
        "dispatched", "address_exact_single", tiny.C1)
    assert on["r_exact"]["house_id"] == "H1" and on["r_exact"]["basis"] == "address_dwelling"
    assert 0 < on["r_exact"]["address_match_probability"] < 0.95  # what the pair scores say, unchanged
    assert "只与实有房屋库中一户相符" in on["r_exact"]["explanation"]
    for rid in ("r_other_street", "r_no_door", "r_missing"):
        assert on[rid]["decision"] == "review", rid

    off = tiny.decide(con, exact_address_single="off")
    assert off["r_exact"]["decision"] == "review" and off["r_exact"]["rule"] != "address_exact_single"


def test_an_address_two_dwellings_fit_is_not_exact(tiny):
    con = tiny.con()
    # a second dwelling with H1's very address, in the other committee (a dirty registry)
    con.execute("""INSERT INTO wh.housing_std BY NAME SELECT * REPLACE ('H1b' AS house_id, '310115007002' AS committee_code)
                   FROM wh.housing_std WHERE house_id = 'H1'""")
    tiny.record(con, "r_twice", road="齐河路", lane="88", number="3", room="602")
    tiny.address(con, "r_twice", "H1", -1)
    tiny.address(con, "r_twice", "H1b", -1)
    # a lane left out (洪山路16号102室): the road-front 16号 and a lane's 16号 both fit
    con.execute("""INSERT INTO wh.housing_std BY NAME SELECT * REPLACE ('H5' AS house_id, NULL AS lane)
                   FROM wh.housing_std WHERE house_id = 'H2'""")
    tiny.record(con, "r_front", road="齐河路", number="3", room="602")
    tiny.address(con, "r_front", "H5", -1)
    # ... and where only one dwelling fits although the lane is left out, that one
    tiny.record(con, "r_completed", road="齐河路", number="1", room="101")
    tiny.address(con, "r_completed", "H3", -1)
    d = tiny.decide(con, exact_address_single="on")
    assert d["r_twice"]["decision"] == "review"
    assert d["r_front"]["decision"] == "review"
    assert (d["r_completed"]["rule"], d["r_completed"]["house_id"]) == ("address_exact_single", "H3")


def test_a_place_named_as_a_landmark_nearby_is_not_placed_in_it(tiny):
    con = tiny.con()
    for rid, text in (("r_opposite", "齐河小区对面"), ("r_beside", "齐河小区旁边"), ("r_gate", "齐河小区门口")):
        tiny.record(con, rid, source="hotline", address=text, addr_precision="community", community="齐河小区")
    d = tiny.decide(con)
    assert (d["r_opposite"]["decision"], d["r_opposite"]["reason"]) == ("review", "place_nearby")
    assert d["r_beside"]["reason"] == "place_nearby"
    # at the gate is at the place
    assert (d["r_gate"]["decision"], d["r_gate"]["committee_code"]) == ("dispatched", tiny.C1)


def test_a_committee_without_the_door_named_is_not_the_answer_when_another_has_it(tiny):
    con = tiny.con()
    # 齐河路88弄1号101室: 88弄 is in tiny.C1, but its dwellings there are 3号; the only 1号101室 among
    # the candidates is tiny.C2's (the estate's other part, on its other lane)
    tiny.record(con, "r_door", road="齐河路", lane="88", number="1", room="101")
    tiny.address(con, "r_door", "H1", 12)
    tiny.address(con, "r_door", "H2", 12)
    tiny.address(con, "r_door", "H3", 3)
    # the same look-alikes when no candidate has the door: the address alone still decides
    tiny.record(con, "r_no_door_anywhere", road="齐河路", lane="88", number="7", room="602")
    tiny.address(con, "r_no_door_anywhere", "H1", 12)
    tiny.address(con, "r_no_door_anywhere", "H3", 3)
    d = tiny.decide(con)
    assert d["r_door"]["decision"] == "review" and d["r_door"]["rule"] != "address_alone"
    assert (d["r_no_door_anywhere"]["rule"], d["r_no_door_anywhere"]["committee_code"]) == ("address_alone", tiny.C1)


def test_a_place_split_between_streets_is_not_placed_by_the_street_alone(tiny):
    """阳光花园 lies in two towns, one committee in each: with place_part_by_street 'never'
    (shipped) neither the street field nor a resident caller's registered committee in that
    street chooses (a matter at the gate may lie in either part); 'street' lets the street choose."""
    con = tiny.con()
    tiny.record(con, "r_street_only", address="阳光花园", addr_precision="community", community="阳光花园",
                street_code_hint="310115103")
    tiny.record(con, "r_with_person", address="阳光花园", addr_precision="community", community="阳光花园",
                street_code_hint="310115103")
    tiny.person(con, "r_with_person", "P4", "H4", 20)  # registered in C3, the street named
    never = tiny.decide(con, place_part_by_street="never")
    for rid in ("r_street_only", "r_with_person"):
        assert (never[rid]["decision"], never[rid]["reason"]) == ("review", "address_ambiguous")
    street = tiny.decide(con, place_part_by_street="street")
    for rid in ("r_street_only", "r_with_person"):
        assert (street[rid]["decision"], street[rid]["committee_code"]) == ("dispatched", tiny.C3)
        assert street[rid]["rule"] == "place_single_committee"


def test_a_lane_that_is_also_an_estates_name_is_not_placed_by_the_lane_alone(tiny):
    """齐河路88弄3号602室 is H1 (C1) — and 齐河路88弄 is also the name of an estate in C2
    whose 3号602室 lies on lane 90: two readings of the address, so neither the address
    alone nor the exact look-up places it; a certain person living at H1 still does."""
    con = tiny.con()
    con.execute("""INSERT INTO wh.housing_std BY NAME SELECT * REPLACE ('H6' AS house_id, '310115007002' AS committee_code,
                   '齐河路88弄小区' AS community, '齐河路88弄' AS community_base, '90' AS lane) FROM wh.housing_std
                   WHERE house_id = 'H1'""")
    lane = {"road": "齐河路", "lane": "88", "number": "3", "room": "602"}
    tiny.record(con, "r_two_readings", **lane)
    tiny.address(con, "r_two_readings", "H1", 12)
    tiny.record(con, "r_with_person", **lane)
    tiny.address(con, "r_with_person", "H1", 12)
    tiny.person(con, "r_with_person", "P1", "H1", 20)
    tiny.record(con, "r_other_door", **{**lane, "room": "601"})  # the estate has no 3号601 on lane 90
    tiny.address(con, "r_other_door", "H2", 12)
    d = tiny.decide(con, exact_address_single="on")
    assert d["r_two_readings"]["decision"] == "review"
    assert d["r_two_readings"]["rule"] not in ("address_alone", "address_exact_single")
    assert (d["r_with_person"]["decision"], d["r_with_person"]["committee_code"]) == ("dispatched", tiny.C1)
    assert (d["r_other_door"]["decision"], d["r_other_door"]["rule"]) == ("dispatched", "address_alone")


def _caller(tiny, con, rid: str, phone: str, person: str, house: str, surname: str = "王", gender: str = "男"):
    """A hotline caller known by surname and title, whose best person candidate scores only
    P(person) = 1 / 1.1 (a bare surname's pair score)."""
    tiny.record(con, rid, source="hotline", address="浦东新区", addr_precision="none", name_kind="honorific",
                surname=surname, gender_hint=gender, phone_clean=phone, phone_kind="mobile", id_status="missing")
    tiny.person(con, rid, person, house, 0)


def test_a_caller_named_by_surname_and_title_is_the_one_such_holder_of_the_household_phone(tiny):
    con = tiny.con()
    # the phone's holders: 王 (m) and his wife 李
    _caller(tiny, con, "h_one", "13800000001", "P1", "H1")
    tiny.resident(con, "P1", "王", "男", "13800000001", "H1")
    tiny.resident(con, "P2", "李", "女", "13800000001", "H1")
    # father and son, both 王 and male, share the phone: the registry does not say which called
    _caller(tiny, con, "h_two", "13800000002", "P3", "H2")
    tiny.resident(con, "P3", "王", "男", "13800000002", "H2")
    tiny.resident(con, "P4", "王", "男", "13800000002", "H2")
    # the one such holder is not the model's best person: nothing is linked
    _caller(tiny, con, "h_other", "13800000003", "P5", "H3")
    tiny.resident(con, "P6", "王", "男", "13800000003", "H3")
    # a name given as its first part (亚森 for 亚森卡德尔): the one holder whose name begins so
    tiny.record(con, "h_part", source="hotline", address="浦东新区", addr_precision="none", name_kind="full",
                name_clean="亚森", phone_clean="13800000004", phone_kind="mobile", id_status="missing")
    tiny.person(con, "h_part", "P7", "H4", 0)
    tiny.resident(con, "P7", "亚", "男", "13800000004", "H4")
    con.execute("UPDATE wh.population_std SET name_clean = '亚森卡德尔' WHERE person_id = 'P7'")

    on = tiny.decide(con, household_phone_person="phone")
    assert {rid: r["person_id"] for rid, r in on.items()} == {"h_one": "P1", "h_two": None, "h_other": None,
                                                              "h_part": "P7"}
    assert "本户电话" in on["h_one"]["explanation"]
    assert on["h_one"]["person_match_probability"] < 0.95  # the model's own probability, not raised
    off = tiny.decide(con, household_phone_person="off")
    assert {rid: r["person_id"] for rid, r in off.items()} == {"h_one": None, "h_two": None, "h_other": None,
                                                               "h_part": None}


def test_a_phone_one_digit_off_names_the_caller_only_when_that_choice_is_made_and_nobody_holds_it(tiny):
    con = tiny.con()
    # 18164976990 is nobody's; 18164976999 is 杨 (f)'s, one digit away
    _caller(tiny, con, "h_typo", "18164976990", "P1", "H1", surname="杨", gender="女")
    tiny.resident(con, "P1", "杨", "女", "18164976999", "H1")
    # the phone itself is another household's (周): the one-digit neighbour is not the answer
    _caller(tiny, con, "h_held", "18164976880", "P2", "H2", surname="杨", gender="女")
    tiny.resident(con, "P2", "杨", "女", "18164976889", "H2")
    tiny.resident(con, "P3", "周", "男", "18164976880", "H3")

    def linked(choice: str) -> dict[str, str | None]:
        return {rid: r["person_id"] for rid, r in tiny.decide(con, household_phone_person=choice).items()}

    assert linked("phone") == {"h_typo": None, "h_held": None}
    assert linked("phone_or_one_digit") == {"h_typo": "P1", "h_held": None}
