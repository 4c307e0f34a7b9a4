import pyarrow.parquet as pq
import pytest

from streetlink.contracts import LINKS
from streetlink.dispatch import check_links, write_links
from streetlink.errors import ContractViolation


def test_links_has_exactly_the_contract_columns_and_types(con, night, tmp_path):
    path = tmp_path / "links.parquet"
    n = write_links(con, path)

    table = pq.read_table(path)
    assert n == len(night) == table.num_rows
    assert table.column_names == LINKS.column_names
    types = {f.name: str(f.type) for f in table.schema}
    assert types == {c.name: ("double" if c.dtype == "DOUBLE" else "string") for c in LINKS.columns}
    assert not list(tmp_path.glob("*.part"))


def test_every_record_appears_exactly_once_with_its_decision(con, night, tmp_path):
    path = tmp_path / "links.parquet"
    write_links(con, path)
    rows = pq.read_table(path).to_pylist()

    ids = [r["record_id"] for r in rows]
    assert sorted(ids) == sorted(night) and len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # deterministic order
    for r in rows:
        want = night[r["record_id"]]
        assert r["decision"] == want["decision"]
        assert r["committee_code"] == want.get("committee_code")
        assert r["reason"] == want.get("reason")


def test_a_violating_table_is_refused_with_every_violation_listed(con, make_night, rid, tmp_path):
    def checkpoint(n):
        return rid("checkpoint", n)

    make_night(con, {
        checkpoint("0001"): {"decision": {"committee_code": None}},              # dispatched, no committee
        checkpoint("0011"): {"decision": {"reason": None}},                      # review, no reason
        checkpoint("0014"): {"decision": {"street_code": "310115004"}},          # rejected with a street
        checkpoint("0004"): {"decision": {"address_match_probability": 1.5}},    # not a probability
        checkpoint("0007"): {"decision": {"reason": "made_up"}},                 # unknown code, on dispatched
        rid("hotline", "0002"): {"decision": {"street_code": "310116001"}},  # outside Pudong code
        rid("hotline", "0012"): {"decision": {"reason": "bad_json_line"}},  # rejection reason on review
    })
    con.execute("INSERT INTO decisions (record_id, source, decision, reason) "
                "VALUES ('checkpoint:KK999', 'checkpoint', 'rejected', 'unparseable_time')")
    lost = rid("hotline", "0010")
    con.execute("UPDATE decisions SET record_id = ? WHERE record_id = ?",
                [rid("hotline", "0006"), lost])  # a duplicate id, and one record lost
    path = tmp_path / "links.parquet"

    with pytest.raises(ContractViolation) as caught:
        write_links(con, path)

    violations = caught.value.violations
    for expected in (
        ("dispatched without street_code/committee_code",),
        ("review/rejected without a reason",),
        ("street_code/committee_code set on a record that is not dispatched",),
        ("address_match_probability outside [0, 1]",),
        ("reason set on a dispatched record",),
        ("review record carrying a rejection reason",),
        (f"staged record(s) without a decision, e.g. {lost}",),
        ("decision(s) for records never staged, e.g. checkpoint:KK999",),
        # the contract's own checks (wording owned by contracts/schema.py)
        ("reason", "outside"),
        ("street_code", "not matching"),
        ("record_id", "duplicate"),
    ):
        assert any(all(part in v for part in expected) for v in violations), expected
    text = "\n".join(violations)
    assert checkpoint("0001") in text  # examples name the offending records
    assert not path.exists()


def test_missing_columns_and_wrong_types_are_reported(con, night, tmp_path):
    con.execute("CREATE TABLE no_reason AS SELECT * EXCLUDE (reason) FROM decisions")
    assert check_links(con, "no_reason") == ["missing column(s) reason"]

    con.execute("CREATE TABLE text_probability AS SELECT * REPLACE "
                "(CAST(address_match_probability AS VARCHAR) AS address_match_probability) FROM decisions")
    with pytest.raises(ContractViolation, match="address_match_probability is VARCHAR, expected DOUBLE"):
        write_links(con, tmp_path / "links.parquet", decisions="text_probability")


def test_coverage_check_can_be_skipped_without_a_staged_table(con, night, tmp_path):
    con.execute("DROP TABLE staged_records")
    assert write_links(con, tmp_path / "links.parquet", staged=None) == len(night)


def test_table_names_are_identifiers_only(con, night, tmp_path):
    with pytest.raises(ValueError):
        write_links(con, tmp_path / "links.parquet", decisions="decisions; DROP TABLE admin")
