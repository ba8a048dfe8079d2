"""The UI's thread workers close their own store connection when their work is done,
however it ended: a real store file, used from real threads as Textual's workers do."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.store.db import open_store
from kiosk.ui.thread_store import thread_store


def on_a_thread(work: Callable[[], object]) -> dict[str, object]:
    """Run ``work`` on a new thread; what it returned or raised, and whether that thread's
    connection was open inside and closed afterwards."""
    seen: dict[str, object] = {}

    def run() -> None:
        try:
            seen["result"] = work()
        except Exception as exc:
            seen["raised"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return seen


def test_a_worker_reads_through_its_own_connection_and_closes_it(store_path: Path) -> None:
    store = open_store(store_path)

    def work() -> tuple[str | None, bool, bool]:
        with thread_store(store) as inside:
            office = inside.setting("site")
            open_inside = not store.db.is_closed()
        return office, open_inside, store.db.is_closed()

    try:
        seen = on_a_thread(work)
        assert seen["result"] == ("EVSC", True, True)
        assert store.setting("site") == "EVSC"  # this thread's connection is its own
    finally:
        store.close()


def test_a_worker_that_fails_still_closes_its_connection(store_path: Path) -> None:
    store = open_store(store_path)
    closed: list[bool] = []

    def work() -> None:
        try:
            with thread_store(store):
                store.setting("site")
                raise ValueError("the worker's own error")
        finally:
            closed.append(store.db.is_closed())

    try:
        seen = on_a_thread(work)
        assert isinstance(seen["raised"], ValueError) and closed == [True]
    finally:
        store.close()


def test_the_error_a_worker_raised_is_not_swallowed(store_path: Path) -> None:
    store = open_store(store_path)
    try:
        with pytest.raises(ValueError), thread_store(store):
            raise ValueError("shown to the app's calm crash handler")
    finally:
        store.close()
