"""The server's merge rule on clear headers, without a database: duplicate, superseded,
erased, expired, counters reused, and several envelopes of one record in one push."""

from __future__ import annotations

import pytest

from sync_server.store.errors import CounterReused
from sync_server.store.merge_rule import Incoming, plan_push

TODAY = "2026-11-30"


def env(ctr: int, rid: str = "r1", *, op: str = "put", exp: str = "2030-01-01",
        digest: str | None = None, scope: str = "EVSC") -> Incoming:
    return Incoming(rid, scope, ctr, op, exp, digest or f"d{ctr}")


def plan(incoming, known=None, erased=(), current=None):
    return plan_push("EVSC-1", incoming, known=known or {}, erased=set(erased),
                     current=current or {}, today=TODAY)


def test_a_new_record_is_stored_and_its_counter_recorded() -> None:
    result = plan([env(1)])
    assert result.statuses == ["stored"] and result.ledger == [0] and result.keep == {"r1": 0}
    assert not result.delete_seqs and not result.erase


def test_the_same_bytes_under_a_known_counter_are_a_duplicate_and_change_nothing() -> None:
    result = plan([env(4, digest="same")], known={4: "same"}, current={"r1": (17, 4)})
    assert result.statuses == ["duplicate"]
    assert result.ledger == [] and result.keep == {} and not result.delete_seqs


def test_other_bytes_under_a_known_counter_refuse_the_whole_push() -> None:
    with pytest.raises(CounterReused) as caught:
        plan([env(1, "r0"), env(4, digest="new")], known={4: "old"})
    assert caught.value.code == "counter_reused" and "counter 4 of site EVSC-1" in str(
        caught.value)
    with pytest.raises(CounterReused):  # reused within one push, too
        plan([env(5, "a", digest="x"), env(5, "b", digest="y")])


def test_a_newer_envelope_replaces_the_stored_one_and_an_older_is_superseded() -> None:
    newer = plan([env(9)], current={"r1": (17, 4)})
    assert newer.statuses == ["stored"] and newer.delete_seqs == {17}
    older = plan([env(3)], current={"r1": (17, 4)})
    assert older.statuses == ["superseded"] and older.keep == {} and older.ledger == [0]
    assert not older.delete_seqs


def test_within_one_push_only_the_newest_envelope_of_a_record_is_kept() -> None:
    result = plan([env(1), env(2, "r2"), env(3)])
    assert result.statuses == ["superseded", "stored", "stored"]
    assert result.keep == {"r1": 2, "r2": 1} and result.ledger == [0, 1, 2]


def test_an_erasure_is_stored_sticky_and_only_in_its_scope() -> None:
    result = plan([env(1), env(2, op="erase"), env(3)])
    assert result.statuses == ["erased", "stored", "erased"]
    assert result.erase == [("EVSC", "r1")] and result.keep == {"r1": 1}
    later = plan([env(7)], erased=[("EVSC", "r1")])
    assert later.statuses == ["erased"] and later.keep == {} and later.ledger == [0]
    other_scope = plan([env(7, scope="network")], erased=[("EVSC", "r1")])
    assert other_scope.statuses == ["stored"]


def test_an_envelope_past_its_expiry_is_acknowledged_but_not_stored() -> None:
    result = plan([env(1, exp="2026-11-29"), env(2, "r2", exp=TODAY)])
    assert result.statuses == ["expired", "stored"] and result.keep == {"r2": 1}
