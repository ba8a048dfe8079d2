"""Records that carry their own clocks (the demo history) go through the store's writer: the
outbox gets them and the site's clock orders later writes after them. Real SQLite files."""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest

from kiosk.clock.hlc import Timestamp
from kiosk.demo.seed import demo_visits, insert_visits
from kiosk.store.db import open_store
from kiosk.store.models import Outbox, Visit


def test_seeded_visits_are_in_the_outbox_with_their_own_clocks(config, store_path) -> None:
    store = open_store(store_path)
    try:
        rows = list(demo_visits(config, store, 120, end=dt.date(2026, 11, 24),
                                rng=random.Random(3)))
        assert insert_visits(store, iter(rows), batch=50) == 120
        queued = {o.record: o.clock for o in Outbox.select()}
        assert queued == {r["id"]: r["clocks"]["status"] for r in rows}
        assert Visit.select().count() == 120
    finally:
        store.close()


def test_a_write_after_records_stamped_ahead_orders_after_them(store_path) -> None:
    """A record stamped a minute ahead (another machine's fast clock, within the allowed
    drift): the site's next own write must still carry a greater clock."""
    store = open_store(store_path)
    try:
        ahead = str(Timestamp(int(time.time() * 1000) + 60_000, 5, "EVSC-OTHER"))
        row = {"id": "ab" * 16, "site": "EVSC", "location": "EVSC-EV", "day": "2026-11-24",
               "prefix": "A", "seq": 1, "ticket": "A-001", "language": "de",
               "checked_in_at": 1, "clocks": dict.fromkeys(Visit.SYNCED_FIELDS, ahead)}
        with store.writing() as writer:
            writer.put_stamped(Visit, [row])
        with store.writing() as writer:
            later = writer.stamp()
        assert later > Timestamp.parse(ahead)
        assert Timestamp.parse(store.setting("hlc")) == later
    finally:
        store.close()


def test_records_without_a_clock_per_field_are_refused_and_nothing_is_written(
        store_path) -> None:
    store = open_store(store_path)
    try:
        row = {"id": "cd" * 16, "site": "EVSC", "location": "EVSC-EV", "day": "2026-11-24",
               "prefix": "A", "seq": 1, "ticket": "A-001", "language": "de",
               "checked_in_at": 1, "clocks": {"status": str(Timestamp(1, 0, "EVSC-X"))}}
        with pytest.raises(ValueError, match="one per synced field"), store.writing() as w:
            w.put_stamped(Visit, [row])
        assert Visit.select().count() == 0 and Outbox.select().count() == 0
    finally:
        store.close()
