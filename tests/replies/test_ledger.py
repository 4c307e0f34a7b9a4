"""The ledger: created on first use, versioned, written in one idempotent transaction."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from streetlink import sql
from streetlink.contracts import LEDGER_DISPATCHES, LEDGER_LABELS, check_table
from streetlink.errors import StreetlinkError
from streetlink.replies import SCHEMA_VERSION, attached_ledger, ensure_ledger

from .conftest import (
    NIGHT,
    PUBLISHED_ITEMS,
    commit_replies,
    create,
    item,
    ledger_dump,
    publish,
    rid,
    take_replies,
    write_packet,
)

LJZ = "310115005"


def test_created_on_first_use_and_versioned(ledger):
    assert not ledger.exists()
    assert ensure_ledger(ledger) == SCHEMA_VERSION
    assert ensure_ledger(ledger) == SCHEMA_VERSION  # opening again changes nothing
    c = duckdb.connect(str(ledger))
    assert c.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 1
    c.execute("INSERT INTO schema_version VALUES (99, now(), 'from the future')")
    c.close()
    with pytest.raises(StreetlinkError, match="schema version 99"):
        ensure_ledger(ledger)


def test_ledger_tables_hold_their_contracts(con, ledger):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    with attached_ledger(con, ledger):
        assert check_table(con, "ledger.dispatches", LEDGER_DISPATCHES) == []
        assert check_table(con, "ledger.labels", LEDGER_LABELS) == []


def test_rerun_of_a_night_is_idempotent_and_keeps_first_publication(con, ledger):
    items = [item(rid(1), "310115005001"), item(rid(2), "310115005002")]
    publish(con, ledger, NIGHT, items, published_at=dt.datetime(2026, 11, 25, 3))
    first = ledger_dump(ledger)
    publish(con, ledger, NIGHT, items, published_at=dt.datetime(2026, 11, 25, 9))  # rerun later that morning
    assert ledger_dump(ledger) == first

    # A rerun that publishes something else replaces the night: rid(2) moved, rid(1) gone, rid(3) new.
    publish(con, ledger, NIGHT, [item(rid(2), "310115005001"), item(rid(3), "310115005002")],
            published_at=dt.datetime(2026, 11, 25, 9))
    c = duckdb.connect(str(ledger), read_only=True)
    got = c.execute("SELECT record_id, committee_code, published_at FROM dispatches ORDER BY 1").fetchall()
    c.close()
    assert got == [(rid(2), "310115005001", dt.datetime(2026, 11, 25, 3)),
                   (rid(3), "310115005002", dt.datetime(2026, 11, 25, 9))]


def test_other_nights_are_untouched(con, ledger):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    publish(con, ledger, NIGHT + dt.timedelta(days=1), [item(rid(2), "310115005001")])
    publish(con, ledger, NIGHT + dt.timedelta(days=1), [])
    c = duckdb.connect(str(ledger), read_only=True)
    assert c.execute("SELECT night, record_id FROM dispatches").fetchall() == [(NIGHT, rid(1))]
    c.close()


def test_reading_the_same_replies_twice_changes_nothing(con, ledger, tmp_path):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001"), item(rid(2), "310115005001")])
    folder = tmp_path / "inbox" / "2026-11-26" / "replies"
    write_packet(folder / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1), rid(2)]},
                 {rid(1): {"result": "已核实在住"}, rid(2): {"result": "查无此人"}})
    night = dt.date(2026, 11, 26)
    take_replies(con, ledger, night, folder)
    commit_replies(con, ledger, night)
    once = ledger_dump(ledger)
    take_replies(con, ledger, night, folder)  # the night run again
    commit_replies(con, ledger, night)
    assert ledger_dump(ledger) == once
    assert len(once["labels"]) == 2


def test_a_failure_inside_the_transaction_writes_nothing(con, ledger, tmp_path, monkeypatch):
    publish(con, ledger, NIGHT, [item(rid(1), "310115005001")])
    folder = tmp_path / "replies"
    write_packet(folder / "a.xlsx", LJZ, NIGHT, {"310115005001": [rid(1)]}, {rid(1): {"result": "已核实在住"}})
    night = dt.date(2026, 11, 26)
    take_replies(con, ledger, night, folder)
    before = ledger_dump(ledger)
    create(con, "t_items", PUBLISHED_ITEMS, [item(rid(5), "310115005002")])
    real_run = sql.run

    def failing(con_, package, name, *args, **kwargs):
        if name == "ledger_append_labels":
            raise RuntimeError("disk full")
        return real_run(con_, package, name, *args, **kwargs)

    monkeypatch.setattr(sql, "run", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        commit_replies(con, ledger, night, items="t_items")
    monkeypatch.setattr(sql, "run", real_run)
    assert ledger_dump(ledger) == before  # the night's dispatches were rolled back with the labels
