"""Seeing other processes' changes cheaply: `PRAGMA data_version` on one connection.

SQLite bumps a connection's data_version whenever *another* connection commits, and reading
it costs microseconds and no I/O beyond the shared-memory index, so an idle console can ask
every few hundred milliseconds and reload the queue only when something really changed.
Call `changed()` always from the same thread: peewee keeps one connection per thread.
"""

from __future__ import annotations

from peewee import Database

#: How often consoles and the board ask (seconds): well within the 1 s goal.
POLL_SECONDS = 0.3


class ChangeWatcher:
    """Tells whether the store changed since the last call (True on the first call)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._last: int | None = None

    def version(self) -> int:
        return self.db.execute_sql("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        current = self.version()
        if current != self._last:
            self._last = current
            return True
        return False
