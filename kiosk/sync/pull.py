"""Pulling: one page of envelopes after a cursor, fetched and parsed, not yet opened.

Fetching runs on a thread (network only, no store access) while the pool opens the pages
before it and the main process applies the one before those; the client sequences them.
"""

from __future__ import annotations

from concurrent.futures import Future

from kiosk.sync.apply import PageGroup
from kiosk.sync.backoff import PoliteAPI
from kiosk.sync.errors import NetworkError
from kiosk.sync.pipeline import Item
from wire import pull_page
from wire.errors import ProtocolError

Page = tuple[dict, list[Item]]
"""A pulled page: its meta (next, done, site_high, epoch, …) and its (seq, envelope) items."""

FAST_FETCH_S = 0.25
"""How long a group of pages keeps its transaction open while waiting for the next page:
the store's write lock is never held across a slow wait for the network."""


def fetch_page(api: PoliteAPI, cursor: int, limit: int) -> Page:
    """One pull request (runs on the fetch thread: network only, no store access).

    Binary pages (``wire/pull_page.py``): no base64 to encode, parse and decode
    for each of a first sync's million envelopes."""
    raw = api.call_bytes("GET", "/v1/pull", params={
        "after": cursor, "limit": limit, "format": "binary"})
    try:
        meta, items = pull_page.decode(raw)
    except ProtocolError as exc:
        raise NetworkError(f"the server's pull page does not parse ({exc.message})",
                           "bad_answer") from None
    return meta, items


def arrived(ahead: Future[Page], group: PageGroup) -> Page:
    """The prefetched page; the write lock is not held while a slow network is awaited."""
    try:
        return ahead.result(timeout=FAST_FETCH_S)
    except TimeoutError:
        group.commit()
        return ahead.result()
