"""Applying merged states to a real store: conflict log, erasure, cursor, staff-console status."""

from __future__ import annotations

import pytest

from kiosk.store.db import open_store
from kiosk.store.models import Appointment
from kiosk.sync import records
from kiosk.sync.apply import apply_page
from kiosk.sync.client import sync_lock
from kiosk.sync.erase import erase_record
from kiosk.sync.errors import SyncError
from kiosk.sync.pipeline import Opened
from kiosk.sync.state import CURSOR, get_int, last_sync_status

OTHER = "MEHU-0001"


def _incoming(record: str, fields: dict, seq: int = 1, scope: str = "EVSC",
              op: str = "put") -> Opened:
    rid = records.rid_for("appointment", record)
    return Opened(seq, b"x" * seq, site=OTHER, rid=rid, gen=1, op=op, scope=scope,
                  kind="appointment" if op == "put" else "",
                  record_id=record if op == "put" else "", fields=fields)


def test_concurrent_loss_is_logged_and_erasure_wipes_it(store_path) -> None:
    store = open_store(store_path)
    with store.writing() as w:
        rec = w.put(Appointment, None, {"site": "EVSC", "location": "EVSC-EV",
                                        "starts_at": 1, "language": "ar", "code_hash": "h",
                                        "name": "Samira"}).id
    assert last_sync_status(store) == (None, 1)
    mine = Appointment.get_by_id(rec).clocks["name"]
    newer = f"{int(mine[:13]) + 5:013d}.00000.{OTHER}"
    result = apply_page(store, [_incoming(rec, {"name": (newer, "Samira K.", "")})], cursor=7)
    assert (result.merged, result.conflicts) == (1, 1)
    assert Appointment.get_by_id(rec).name == "Samira K."
    assert get_int(store, CURSOR) == 7
    logged = store.db.execute_sql("SELECT field, value, clock FROM sync_conflict").fetchall()
    assert logged == [("name", '"Samira"', mine)]
    again = apply_page(store, [_incoming(rec, {"name": (newer, "Samira K.", "")}, 2)],
                       cursor=9)
    assert (again.merged, again.unchanged, again.conflicts) == (0, 1, 0)  # idempotent
    with store.writing() as w:
        erase_record(w, Appointment, rec)
    assert Appointment.get_or_none(Appointment.id == rec) is None
    assert store.db.execute_sql("SELECT COUNT(*) FROM sync_conflict").fetchone()[0] == 0
    late = apply_page(store, [_incoming(rec, {"phone": (newer, "0231", "")}, 3)], cursor=10)
    assert late.merged == 0 and Appointment.get_or_none(Appointment.id == rec) is None
    store.close()


def test_an_erasure_acts_only_within_its_scope(store_path) -> None:
    store = open_store(store_path)
    with store.writing() as w:
        rec = w.put(Appointment, None, {"site": "EVSC", "location": "EVSC-EV",
                                        "starts_at": 1, "language": "ar", "code_hash": "h",
                                        "name": "Samira"}).id
    # the network scope's erasure of an office record's id (any machine may write there)
    apply_page(store, [_incoming(rec, {}, 1, scope="network", op="erase")], cursor=1)
    assert Appointment.get_by_id(rec).name == "Samira"
    # a tombstone that arrived first, in another scope, does not keep the record out
    other = "b" * 32
    apply_page(store, [_incoming(other, {}, 2, scope="network", op="erase")], cursor=2)
    clock = f"{1_700_000_000_000:013d}.00000.{OTHER}"
    fields = {n: (clock, v, "") for n, v in {"site": "EVSC", "location": "EVSC-EV",
                                             "starts_at": 1, "language": "fa",
                                             "code_hash": "h2", "name": "Reza"}.items()}
    apply_page(store, [_incoming(other, fields, 3)], cursor=3)
    assert Appointment.get_by_id(other).name == "Reza"
    # while an erasure in the record's own scope is sticky
    apply_page(store, [_incoming(other, {}, 4, op="erase")], cursor=4)
    apply_page(store, [_incoming(other, fields, 5)], cursor=5)
    assert Appointment.get_or_none(Appointment.id == other) is None
    store.close()


def test_a_second_sync_of_the_same_site_is_refused(tmp_path) -> None:
    with sync_lock(tmp_path / "keys"), pytest.raises(SyncError) as err, \
            sync_lock(tmp_path / "keys"):
        pass
    assert err.value.code == "busy"


def test_page_group_commits_pages_with_their_cursors(store_path) -> None:
    from kiosk.sync.apply import PageGroup

    store = open_store(store_path)
    recs = [f"{i:032x}" for i in range(3)]
    newer = "9999999999999.00000." + OTHER
    try:
        with PageGroup(store, records=2, seconds=3600) as group:
            for i, rec in enumerate(recs):
                group.begin()
                apply_page(store, [_incoming(rec, {"name": (newer, f"N{i}", "")}, i + 1)],
                           cursor=i + 1)
                group.applied(1)
                assert store.db.in_transaction() == (i == 0 or i == 2)
            raise RuntimeError("cut")
    except RuntimeError:
        pass
    assert not store.db.in_transaction()
    assert get_int(store, CURSOR) == 3  # the open group was committed, not lost
    assert Appointment.select().count() == 3
    store.close()
