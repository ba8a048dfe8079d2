"""The local store: pragmas, migrations, refusal of foreign or damaged files, atomic writes."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.store import migrations
from kiosk.store.db import (
    APPLICATION_ID,
    StoreCorrupt,
    StoreExists,
    StoreForeign,
    StoreMissing,
    StoreTooNew,
    init_store,
    open_store,
)
from kiosk.store.models import Outbox, Visit
from kiosk.store.sync_models import Peer


def test_pragmas_make_acknowledged_writes_durable(store_path):
    store = open_store(store_path)
    pragma = lambda name: store.db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 5000
    assert pragma("application_id") == APPLICATION_ID
    assert pragma("user_version") == migrations.LATEST
    store.close()


def test_init_refuses_to_overwrite_without_force(store_path):
    with pytest.raises(StoreExists):
        init_store(store_path, "LUED", "LUED-1")
    store = init_store(store_path, "LUED", "LUED-1", force=True)
    assert (store.site, store.location) == ("LUED", "LUED-1")
    assert store.writer.startswith("LUED-") and len(store.writer) == 13
    store.close()


def test_missing_foreign_corrupt_and_too_new_files_are_named(tmp_path):
    with pytest.raises(StoreMissing):
        open_store(tmp_path / "absent.db")
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some text that is long enough")
    with pytest.raises(StoreForeign, match="not an SQLite"):
        open_store(text)
    foreign = tmp_path / "other.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(StoreForeign, match="not a kiosk store"):
        open_store(foreign)
    with pytest.raises(StoreForeign):
        open_store(tmp_path)


def test_damaged_store_gives_a_clear_error(store_path):
    data = bytearray(store_path.read_bytes())
    for name in ("-wal", "-shm"):
        store_path.with_name(store_path.name + name).unlink(missing_ok=True)
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the magic header
    store_path.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt, match="damaged"):
        open_store(store_path)


def test_store_from_a_newer_release_is_refused(store_path):
    con = sqlite3.connect(store_path)
    con.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    con.commit()
    con.close()
    with pytest.raises(StoreTooNew):
        open_store(store_path)


def test_a_store_made_by_release_1_upgrades_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.executescript(migrations._V1)
    con.execute("PRAGMA user_version = 1")
    con.execute("INSERT INTO setting VALUES ('site','EVSC'),('location','EVSC-EV'),"
                "('writer','EVSC-0001')")
    con.execute(
        "INSERT INTO visit (id, clocks, erased, site, location, day, prefix, seq, ticket, kind,"
        " status, priority, concerns, language, call_count, checked_in_at, first_name)"
        " VALUES ('a'||hex(randomblob(15)), '{}', 0, 'EVSC', 'EVSC-EV', '2025-11-20', 'A', 7,"
        " 'A-007', 'walk_in', 'finished', 2, '[\"post\"]', 'fa', 1, 1763625600000, 'Leyla')")
    con.execute("INSERT INTO outbox (record, kind, changed_at)"
                " SELECT id, 'visit', '0001763625600000-0000-EVSC-0001' FROM visit")
    con.commit()
    con.close()

    store = open_store(path)
    assert migrations.schema_version(store.db) == migrations.LATEST
    visit = Visit.get()
    assert (visit.ticket, visit.first_name, visit.concerns) == ("A-007", "Leyla", ["post"])
    assert visit.priority_reason is None and visit.target_desk is None
    assert store.db.table_exists("mediator")
    assert Outbox.get().clock == "0001763625600000-0000-EVSC-0001"
    store.close()


def test_a_store_of_schema_5_keeps_its_outbox_clocks_and_peer_keys(tmp_path):
    """Version 6 renamed two columns for what they hold; the rows must survive it."""
    path = tmp_path / "v5.db"
    db = migrations.SqliteDatabase(str(path))
    db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.upgrade(db, target=5)
    db.execute_sql("INSERT INTO setting VALUES ('site','EVSC'),('location','EVSC-EV'),"
                   "('writer','EVSC-0001')")
    db.execute_sql("INSERT INTO outbox (record, kind, changed_at) VALUES ('r1', 'visit', 'c1')")
    db.execute_sql("INSERT INTO sync_peer (site, certificate, fetched_at)"
                   " VALUES ('LUED-0001', 'c2lnbg==', 1)")
    db.close()

    store = open_store(path)
    assert migrations.schema_version(store.db) == migrations.LATEST
    assert [(o.record, o.clock) for o in Outbox.select()] == [("r1", "c1")]
    assert [(p.site, p.sign_pub) for p in Peer.select()] == [("LUED-0001", "c2lnbg==")]
    store.close()


def test_a_failed_write_leaves_neither_record_nor_outbox_row(store_path):
    store = open_store(store_path)
    with pytest.raises(RuntimeError), store.writing() as w:
        w.put(Visit, None, dict(site="EVSC", location="EVSC-EV", day="2026-11-24",
                                prefix="A", seq=1, ticket="A-001", language="de",
                                checked_in_at=1))
        raise RuntimeError("power cut in the middle")
    assert Visit.select().count() == 0
    assert Outbox.select().count() == 0
    assert store.setting("hlc") is None
    store.close()


def test_each_written_field_carries_a_newer_clock_and_an_outbox_row(store_path):
    store = open_store(store_path)
    with store.writing() as w:
        visit = w.put(Visit, None, dict(site="EVSC", location="EVSC-EV", day="2026-11-24",
                                        prefix="A", seq=1, ticket="A-001", language="de",
                                        checked_in_at=1))
    first = dict(visit.clocks)
    with store.writing() as w:
        w.put(Visit, visit.id, {"status": "called"})
    again = Visit.get_by_id(visit.id)
    assert again.clocks["status"] > first["status"]
    assert again.clocks["language"] == first["language"]
    assert again.clocks["status"].endswith("." + store.writer)
    assert Outbox.get_by_id(visit.id).clock == again.clocks["status"]
    assert store.setting("hlc") == again.clocks["status"]
    with pytest.raises(ValueError, match="not synced"), store.writing() as w:
        w.put(Visit, visit.id, {"clocks": {}})
    store.close()
