"""A site's first sync commits in large groups; every later sync in small ones (the write
lock is then never held for more than about a second)."""

from __future__ import annotations

import kiosk.sync.client as client_module
from kiosk.sync.apply import FIRST_SYNC_RECORDS, GROUP_RECORDS, PageGroup


def test_only_the_first_sync_uses_large_groups(make_site, monkeypatch) -> None:
    sizes: list[int] = []

    class Spy(PageGroup):
        def __init__(self, store, records=GROUP_RECORDS, seconds=1.0) -> None:
            sizes.append(records)
            super().__init__(store, records, seconds)

    monkeypatch.setattr(client_module, "PageGroup", Spy)
    a, b = make_site(), make_site()
    a.visits(30)
    a.sync()
    first = b.sync(page_limit=10)
    assert first.pulled == 30 + 1 and sizes[-1] == FIRST_SYNC_RECORDS  # + the day's figures
    a.visits(5, seed=1)
    a.sync()
    assert b.sync(page_limit=10).pulled == 5 + 1 and sizes[-1] == GROUP_RECORDS
    # a re-pull from sequence 0 (as after a server restore) is not a first sync
    from kiosk.sync.state import CURSOR, set_int
    store = b.activate()
    with store.db.atomic():
        set_int(store, CURSOR, 0)
    assert b.sync(page_limit=10).pulled == 35 + 1 and sizes[-1] == GROUP_RECORDS
