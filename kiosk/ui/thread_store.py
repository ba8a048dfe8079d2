"""The store connection of a thread worker, closed when the worker's work is done.

The store keeps one SQLite connection per thread (peewee opens it on first use). The UI's
thread workers (`@work(thread=True)`) run on threads Textual makes and drops, so each of
them must close its own connection when it finishes, whether it finished well, returned
early or raised; otherwise every poll, search and save leaves an open file handle behind
on a kiosk that runs for weeks. Workers say so once with ``with thread_store(store):``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.store.db import Store


@contextmanager
def thread_store(store: Store) -> Iterator[Store]:
    """Use ``store`` on this thread and close this thread's connection afterwards."""
    try:
        yield store
    finally:
        store.close()
