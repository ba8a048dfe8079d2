"""A pull page that does not parse stops the sync with a clear error and writes nothing.

The server is real; its answer is corrupted on the way in (one byte cut off the end), as a
broken proxy or disk could do — a correct server never sends such a page.
"""

from __future__ import annotations

import pytest

from kiosk.store.models import Visit
from kiosk.sync import http
from kiosk.sync.errors import NetworkError
from kiosk.sync.state import CURSOR, get_int


def test_a_corrupt_page_stops_the_sync_and_writes_nothing(make_site, monkeypatch) -> None:
    a, b = make_site(), make_site()
    ids = a.visits(12)
    a.sync()
    real = http.ServerAPI.call_bytes

    def cut(self, *args, **kwargs) -> bytes:
        return real(self, *args, **kwargs)[:-1]

    monkeypatch.setattr(http.ServerAPI, "call_bytes", cut)
    with pytest.raises(NetworkError) as info:
        b.sync(page_limit=5)
    assert info.value.code == "bad_answer"
    assert "pull page does not parse" in str(info.value)
    store = b.activate()
    assert get_int(store, CURSOR) == 0 and Visit.select().count() == 0

    monkeypatch.setattr(http.ServerAPI, "call_bytes", real)
    assert b.sync(page_limit=5).pulled == 12 + 1  # and the office's figures of the day
    assert {v.id for v in Visit.select()} == set(ids)
