"""streetlink.evaluate.metrics on tiny hand-built truth/links files; every expected value
is worked out by hand, in the comments next to the fixture and the assertions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import streetlink.evaluate.metrics as metrics_module
from streetlink.contracts.tables import LINKS, TRUTH, TRUTH_LATER_COLUMNS
from streetlink.errors import ContractViolation, StreetlinkError
from streetlink.evaluate import (
    FLAGS,
    METRICS,
    CoverageError,
    Evaluation,
    Rate,
    ReasonCount,
    compare,
    evaluate,
    format_table,
    read_json,
    write_json,
)

NIGHT = "2026-11-20"
NIGHT2 = "2026-11-21"
S1, S2 = "310115001", "310115002"
C1, C2, C3 = "310115001001", "310115001002", "310115002001"

TRUTH_SCHEMA = pa.schema([
    ("record_id", pa.string()), ("source", pa.string()), ("category", pa.string()),
    ("placeable", pa.bool_()), ("true_person_id", pa.string()),
    ("person_identifiable", pa.bool_()), ("true_house_id", pa.string()),
    ("true_street_code", pa.string()), ("true_committee_code", pa.string()),
    ("messiness", pa.list_(pa.string())),
])
LINKS_SCHEMA = pa.schema([
    ("record_id", pa.string()), ("source", pa.string()), ("decision", pa.string()),
    ("street_code", pa.string()), ("committee_code", pa.string()), ("house_id", pa.string()),
    ("address_match_probability", pa.float64()), ("person_id", pa.string()),
    ("person_match_probability", pa.float64()), ("reason", pa.string()),
])

# record_id, source, category, placeable, person, person identifiable, house, street,
# committee, messiness (write_truth also takes rows without the identifiable flag: null)
TRUTH_ROWS = [
    ("checkpoint:1", "checkpoint", "resident_at_home", True, "P1", True, "H1", S1, C1, []),
    ("checkpoint:2", "checkpoint", "moved_within_pudong", True, "P2", False, "H2", S1, C2,
     ["name_homophone"]),
    ("hotline:3", "hotline", "newcomer", True, None, None, "H3", S2, C3,
     ["addr_shorthand_dash", "id_typo"]),
    ("hotline:4", "hotline", "outside_pudong", False, "P4", True, None, None, None, []),
    ("healthcloud:5", "healthcloud", "vague_address", False, "P5", True, None, None, None,
     ["addr_shorthand_dash"]),
    ("healthcloud:6", "healthcloud", "resident_at_home", True, "P6", True, "H6", S2, C3,
     ["id_typo"]),
    ("checkpoint:7", "checkpoint", "outside_pudong", False, None, None, None, None, None, []),
]
# record_id, source, decision, street, committee, house, person, reason
LINKS_ROWS = [
    ("checkpoint:1", "checkpoint", "dispatched", S1, C1, "H1", "P1", None),  # all right
    ("checkpoint:2", "checkpoint", "dispatched", S1, C1, "H9", "P2", None),  # wrong committee
    ("hotline:3", "hotline", "review", None, None, None, None, "address_ambiguous"),
    ("hotline:4", "hotline", "dispatched", S2, C3, None, "P4", None),  # outside Pudong sent!
    ("healthcloud:5", "healthcloud", "review", None, None, None, "P6", "vague_address"),
    ("healthcloud:6", "healthcloud", "rejected", None, None, None, None, "unparseable_id"),
    ("checkpoint:7", "checkpoint", "review", None, None, None, None, "outside_pudong"),
]


def write_truth(path: Path, rows: list[tuple]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [r if len(r) == len(TRUTH_SCHEMA) else (*r[:5], None, *r[5:]) for r in rows]
    cols = list(zip(*rows)) if rows else [[] for _ in TRUTH_SCHEMA]
    pq.write_table(pa.table([list(c) for c in cols], schema=TRUTH_SCHEMA), path)
    return path


def write_links(path: Path, rows: list[tuple]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    full = [(r[0], r[1], r[2], r[3], r[4], r[5], 0.9 if r[5] else None, r[6],
             0.9 if r[6] else None, r[7]) for r in rows]
    pq.write_table(pa.table([list(c) for c in zip(*full)], schema=LINKS_SCHEMA), path)
    return path


@pytest.fixture()
def night(tmp_path: Path) -> tuple[Path, Path]:
    truth = write_truth(tmp_path / "truth" / f"{NIGHT}.parquet", TRUTH_ROWS)
    links = write_links(tmp_path / "out" / NIGHT / "links.parquet", LINKS_ROWS)
    return truth, links


@pytest.fixture()
def ev(night: tuple[Path, Path]) -> Evaluation:
    truth, links = night
    return evaluate([truth], [links], min_group_n=2)


def test_fixture_matches_the_contracts() -> None:
    # the fixture is a truth file of before the screening columns (generator 1.2): still read
    assert [f.name for f in TRUTH_SCHEMA] + list(TRUTH_LATER_COLUMNS) == TRUTH.column_names
    assert [f.name for f in LINKS_SCHEMA] == LINKS.column_names


def test_every_metric_and_flag_is_defined_in_the_module_docstring() -> None:
    for m in METRICS:
        assert m.name in metrics_module.__doc__
    for flag in FLAGS:
        assert flag in metrics_module.__doc__
        assert re.search(rf"\bAS {flag}\b", metrics_module._flag_columns())


def test_overall_metrics_by_hand(ev: Evaluation) -> None:
    o = ev.overall
    assert o.n == 7
    expected = {
        # placeable: 1, 2, 3, 6; dispatched among them: 1, 2
        "dispatch_rate": Rate(2, 4),
        # only 1 went to its true committee
        "correct_placement_rate": Rate(1, 4),
        # dispatched: 1 (right), 2 (wrong committee), 4 (non-placeable: wrong)
        "committee_precision": Rate(1, 3),
        "street_precision": Rate(2, 3),
        "wrong_placements": Rate(2, 3),
        # outside_pudong: 4 (dispatched), 7 (review)
        "outside_pudong_dispatched": Rate(1, 2),
        # not placeable: 4, 5, 7
        "unplaceable_dispatched": Rate(1, 3),
        # house and true house both set: 1 (H1 = H1), 2 (H9 != H2)
        "dwelling_accuracy": Rate(1, 2),
        # placeable with a true house: 1, 2, 3, 6
        "dwelling_recall": Rate(1, 4),
        # person_id set: 1, 2, 4 right; 5 wrong (P6 for P5)
        "person_precision": Rate(3, 4),
        # true person set: 1, 2, 4, 5, 6
        "person_recall": Rate(3, 5),
        # identifiable true persons: P1 (found), P4 (found), P5 (P6 linked), P6 (none);
        # P2 is found but its record could not identify it
        "person_recall_identifiable": Rate(2, 4),
        "dispatched_share": Rate(3, 7),
        "review_rate": Rate(3, 7),
        "reject_rate": Rate(1, 7),
        "review_rate_placeable": Rate(1, 4),  # 3
        "reject_rate_placeable": Rate(1, 4),  # 6
    }
    assert o.metrics == expected
    assert o.metrics["dispatch_rate"].rate == 0.5
    assert Rate(0, 0).rate is None


def test_non_placeable_dispatch_lowers_committee_precision(tmp_path: Path) -> None:
    rows = [TRUTH_ROWS[0], TRUTH_ROWS[3]]
    truth = write_truth(tmp_path / f"{NIGHT}.parquet", rows)
    held = write_links(tmp_path / "held" / NIGHT / "links.parquet",
                       [LINKS_ROWS[0], ("hotline:4", "hotline", "review", None, None, None,
                                        None, "outside_pudong")])
    sent = write_links(tmp_path / "sent" / NIGHT / "links.parquet", [LINKS_ROWS[0], LINKS_ROWS[3]])
    assert evaluate([truth], [held]).overall.metrics["committee_precision"] == Rate(1, 1)
    sent_ev = evaluate([truth], [sent])
    assert sent_ev.overall.metrics["committee_precision"] == Rate(1, 2)
    assert sent_ev.overall.metrics["outside_pudong_dispatched"] == Rate(1, 1)
    # dispatch rate and correct placement only look at placeable records: unchanged
    assert sent_ev.overall.metrics["dispatch_rate"] == Rate(1, 1)



def test_non_placeable_record_dispatched_to_its_true_committee_is_a_correct_placement(
    tmp_path: Path,
) -> None:
    # The truth says where a non-placeable record's place is: a vague record whose person
    # really lives at the registered home, in C1 (and one in C2, dispatched to C1).
    rows = [
        TRUTH_ROWS[0],
        ("healthcloud:8", "healthcloud", "vague_address", False, "P8", "H8", S1, C1, []),
        ("healthcloud:9", "healthcloud", "vague_address", False, "P9", "H9", S1, C2, []),
    ]
    truth = write_truth(tmp_path / f"{NIGHT}.parquet", rows)
    links = write_links(tmp_path / NIGHT / "links.parquet", [
        LINKS_ROWS[0],
        ("healthcloud:8", "healthcloud", "dispatched", S1, C1, None, "P8", None),  # right
        ("healthcloud:9", "healthcloud", "dispatched", S1, C1, None, "P9", None),  # wrong
    ])
    m = evaluate([truth], [links]).overall.metrics
    assert m["committee_precision"] == Rate(2, 3)
    assert m["wrong_placements"] == Rate(1, 3)
    assert m["street_precision"] == Rate(3, 3)
    # dispatch rate and correct placements count placeable records only
    assert m["dispatch_rate"] == Rate(1, 1)
    assert m["correct_placement_rate"] == Rate(1, 1)
    # both non-placeable records were dispatched, right or wrong: counted on their own
    assert m["unplaceable_dispatched"] == Rate(2, 2)

def test_groups_by_source_and_category(ev: Evaluation) -> None:
    cp = ev.group("source", "checkpoint")  # 1, 2, 7
    assert cp.n == 3
    assert cp.metrics["dispatch_rate"] == Rate(2, 2)
    assert cp.metrics["correct_placement_rate"] == Rate(1, 2)
    assert cp.metrics["committee_precision"] == Rate(1, 2)
    hl = ev.group("source", "hotline")  # 3 (review), 4 (outside, dispatched)
    assert hl.metrics["committee_precision"] == Rate(0, 1)
    assert hl.metrics["outside_pudong_dispatched"] == Rate(1, 1)
    assert ev.group("source", "healthcloud").metrics["dispatch_rate"] == Rate(0, 1)
    out = ev.group("category", "outside_pudong")
    assert (out.n, out.metrics["outside_pudong_dispatched"]) == (2, Rate(1, 2))
    home = ev.group("category", "resident_at_home")  # 1 (right), 6 (rejected)
    assert home.metrics["correct_placement_rate"] == Rate(1, 2)
    assert [g.key for g in ev.groups if g.kind == "source"] == [
        "source:checkpoint", "source:hotline", "source:healthcloud"]
    assert not any(g.kind == "night" for g in ev.groups)  # one night: no night groups


def test_messiness_groups_count_a_record_in_each_of_its_kinds(ev: Evaluation) -> None:
    sizes = {g.name: g.n for g in ev.groups if g.kind == "messiness"}
    # clean: 1, 4, 7; hotline:3 is in both addr_shorthand_dash and id_typo
    assert sizes == {"clean": 3, "name_homophone": 1, "addr_shorthand_dash": 2, "id_typo": 2}
    assert sum(sizes.values()) == 8  # one more than the 7 records
    dash = ev.group("messiness", "addr_shorthand_dash")  # 3 (placeable, review), 5
    assert dash.metrics["dispatch_rate"] == Rate(0, 1)
    assert dash.metrics["review_rate"] == Rate(2, 2)
    typo = ev.group("messiness", "id_typo")  # 3 (review), 6 (rejected)
    assert typo.metrics["review_rate_placeable"] == Rate(1, 2)
    assert typo.metrics["reject_rate_placeable"] == Rate(1, 2)
    assert ev.group("messiness", "clean").metrics["committee_precision"] == Rate(1, 2)
    assert [g.name for g in ev.groups if g.kind == "messiness"][0] == "clean"


def test_reasons_breakdown(ev: Evaluation) -> None:
    assert set(ev.overall.reasons) == {
        ReasonCount("review", "address_ambiguous", 1, 1),
        ReasonCount("review", "vague_address", 1, 0),
        ReasonCount("review", "outside_pudong", 1, 0),
        ReasonCount("rejected", "unparseable_id", 1, 1),
    }
    assert ev.group("source", "healthcloud").reasons == (
        ReasonCount("rejected", "unparseable_id", 1, 1),
        ReasonCount("review", "vague_address", 1, 0),
    )


def test_worst_groups_and_wrong_placement_sample(night: tuple[Path, Path], ev: Evaluation) -> None:
    # groups with >= 2 placeable: checkpoint 2/2, resident_at_home 1/2, id_typo 0/2
    assert [g.key for g in ev.worst_groups()] == [
        "messiness:id_typo", "category:resident_at_home", "source:checkpoint"]
    truth, links = night
    assert evaluate([truth], [links]).worst_groups() == []  # default: placeable >= 30
    wrong = {w.record_id: (w.true_committee_code, w.committee_code)
             for w in ev.wrong_placement_sample}
    assert wrong == {"checkpoint:2": (C2, C1), "hotline:4": (None, C3)}
    one = evaluate([truth], [links], sample_size=1).wrong_placement_sample
    assert len(one) == 1 and one[0].record_id in wrong


def test_multi_night_directories(tmp_path: Path) -> None:
    truth_dir = tmp_path / "truth"
    out = tmp_path / "out"
    write_truth(truth_dir / f"{NIGHT}.parquet", TRUTH_ROWS)
    write_links(out / NIGHT / "links.parquet", LINKS_ROWS)
    # the generator numbers each night afresh: same record ids, other records
    write_truth(truth_dir / f"{NIGHT2}.parquet", [
        ("checkpoint:1", "checkpoint", "newcomer", True, "P7", "H7", S2, C3, ["id_typo"]),
        ("checkpoint:2", "checkpoint", "resident_at_home", True, "P8", "H8", S1, C1, []),
    ])
    write_links(out / NIGHT2 / "links.parquet", [
        ("checkpoint:1", "checkpoint", "dispatched", S2, C3, "H7", "P7", None),
        ("checkpoint:2", "checkpoint", "review", None, None, None, None, "low_confidence"),
    ])
    ev = evaluate([truth_dir], [out])
    assert ev.nights == (NIGHT, NIGHT2)
    assert ev.overall.n == 9
    assert ev.overall.metrics["dispatch_rate"] == Rate(3, 6)
    assert ev.overall.metrics["correct_placement_rate"] == Rate(2, 6)
    assert ev.group("night", NIGHT2).metrics["correct_placement_rate"] == Rate(1, 2)
    assert ev.group("night", NIGHT).metrics == evaluate(
        [truth_dir / f"{NIGHT}.parquet"], [out / NIGHT]).overall.metrics
    assert ev.group("messiness", "id_typo").n == 3
    assert ev.coverage.matched == 9 and ev.coverage.extra_in_links == 0


def test_links_lacking_truth_records_fail_loudly(tmp_path: Path) -> None:
    truth = write_truth(tmp_path / f"{NIGHT}.parquet", TRUTH_ROWS)
    links = write_links(tmp_path / NIGHT / "links.parquet", LINKS_ROWS[:-1])
    with pytest.raises(CoverageError, match=r"links lack 1 of 7 truth records.*checkpoint:7"):
        evaluate([truth], [links])


def test_links_of_another_night_do_not_match(tmp_path: Path) -> None:
    truth = write_truth(tmp_path / f"{NIGHT}.parquet", TRUTH_ROWS)
    links = write_links(tmp_path / NIGHT2 / "links.parquet", LINKS_ROWS)
    with pytest.raises(CoverageError, match="links lack 7 of 7"):
        evaluate([truth], [links])


def test_extra_links_rows_are_reported_not_scored(tmp_path: Path) -> None:
    truth = write_truth(tmp_path / f"{NIGHT}.parquet", TRUTH_ROWS)
    extra = ("hotline:99", "hotline", "rejected", None, None, None, None, "bad_json_line")
    mismatch = ("checkpoint:1", "hotline", *LINKS_ROWS[0][2:])
    links = write_links(tmp_path / NIGHT / "links.parquet", [mismatch, *LINKS_ROWS[1:], extra])
    ev = evaluate([truth], [links])
    c = ev.coverage
    assert (c.truth_records, c.links_records, c.matched) == (7, 8, 7)
    assert (c.missing_from_links, c.extra_in_links, c.source_mismatch) == (0, 1, 1)
    assert c.extra_sample == (f"{NIGHT}/hotline:99",)
    assert c.source_mismatch_sample == (f"{NIGHT}/checkpoint:1",)
    assert ev.overall.n == 7
    text = format_table(ev)
    assert "1 links rows without truth" in text and "hotline:99" in text


def test_duplicate_links_rows_are_refused(tmp_path: Path) -> None:
    truth = write_truth(tmp_path / f"{NIGHT}.parquet", TRUTH_ROWS)
    links = write_links(tmp_path / NIGHT / "links.parquet", [*LINKS_ROWS, LINKS_ROWS[0]])
    with pytest.raises(StreetlinkError, match="links: record_id repeated.*checkpoint:1"):
        evaluate([truth], [links])


def test_undated_files_match_on_record_id(tmp_path: Path) -> None:
    truth = write_truth(tmp_path / "truth.parquet", TRUTH_ROWS)
    links = write_links(tmp_path / "links.parquet", LINKS_ROWS)
    ev = evaluate([truth], [links])
    assert ev.nights == ()
    assert ev.overall.metrics["dispatch_rate"] == Rate(2, 4)


def test_bad_inputs_are_refused_clearly(tmp_path: Path) -> None:
    truth = write_truth(tmp_path / f"{NIGHT}.parquet", TRUTH_ROWS)
    (tmp_path / "empty").mkdir()
    with pytest.raises(StreetlinkError, match="no links.parquet"):
        evaluate([truth], [tmp_path / "empty"])
    with pytest.raises(StreetlinkError, match="not found"):
        evaluate([tmp_path / "nowhere"], [truth])
    # a truth file passed as links lacks the decision columns
    with pytest.raises(ContractViolation, match="missing column.*decision"):
        evaluate([truth], [truth])


def test_contract_breaks_become_warnings(tmp_path: Path) -> None:
    truth = write_truth(tmp_path / f"{NIGHT}.parquet", TRUTH_ROWS)
    odd = ("checkpoint:1", "checkpoint", "dispatched", S1, C1, "H1", "P1", "not_a_reason")
    links = write_links(tmp_path / NIGHT / "links.parquet", [odd, *LINKS_ROWS[1:]])
    ev = evaluate([truth], [links])
    assert len(ev.input_warnings) == 1 and "outside" in ev.input_warnings[0]
    assert ev.overall.metrics["committee_precision"] == Rate(1, 3)  # still scored
    assert "input contract warning" in format_table(ev)


def test_format_table_renders_in_a_plain_terminal(ev: Evaluation) -> None:
    text = format_table(ev)
    assert text.isascii()
    assert "!! out-of-Pudong records dispatched to a Pudong street: 1 of 2 (50.00%)" in text
    assert "!! wrong placements" in text and "2 of 3 dispatched" in text
    for needle in ("placed correctly", "messiness:id_typo", "address_ambiguous",
                   "Worst groups", "source:healthcloud", f"{NIGHT}/hotline:4"):
        assert needle in text
    assert max(len(line) for line in text.splitlines()) < 200


def test_json_round_trips(ev: Evaluation, tmp_path: Path) -> None:
    path = write_json(ev, tmp_path / "eval" / "evaluation.json")
    assert read_json(path) == [ev]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data["definitions"]) == {m.name for m in METRICS}
    assert data["flags"] == FLAGS
    overall = data["groups"][0]
    assert overall["kind"] == "overall"
    assert overall["metrics"]["person_recall"] == {"count": 3, "of": 5, "rate": 0.6}
    assert data["wrong_placements"]["count"] == 2
    assert {w["record_id"] for w in data["wrong_placements"]["sample"]} == {
        "checkpoint:2", "hotline:4"}
    assert data["worst_groups"][0]["group"] == "messiness:id_typo"
    both = write_json([ev, ev], tmp_path / "both.json")
    assert read_json(both) == [ev, ev]


def test_compare_shows_both_labels(night: tuple[Path, Path], tmp_path: Path) -> None:
    truth, links = night
    baseline_rows = [(r[0], r[1], "review", None, None, None, None, "low_confidence")
                     for r in LINKS_ROWS]
    baseline = write_links(tmp_path / "base" / NIGHT / "links.parquet", baseline_rows)
    before = evaluate([truth], [baseline], label="baseline")
    after = evaluate([truth], [links], label="streetlink")
    text = compare([before, after])
    assert "baseline" in text and "streetlink" in text
    assert "+50.00 pp" in text  # dispatch rate 0/4 -> 2/4
    assert "messiness:clean" in text
    assert text.isascii()
    with pytest.raises(ValueError):
        compare([])
