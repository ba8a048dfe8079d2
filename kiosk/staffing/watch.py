"""Seeing other processes' changes cheaply: `PRAGMA data_version` on one connection.

SQLite bumps a connection's data_version whenever *another* connection commits, and reading
it costs microseconds and no I/O beyond the shared-memory index, so an idle console can ask
every few hundred milliseconds and reload the queue only when something really changed.
Call `changed()` always from the same thread: peewee keeps one connection per thread.
The same poll notices a store file deleted or replaced under the running program (SQLite
itself would go on reading the old file), so a console or board does not show a queue that
no longer exists.
"""

from __future__ import annotations

from peewee import Database

from kiosk.store.db import StoreMissing, file_identity

#: How often consoles and the board ask (seconds): well within the 1 s goal.
POLL_SECONDS = 0.3


class ChangeWatcher:
    """Tells whether the store changed since the last call (True on the first call)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._last: int | None = None
        self._identity = file_identity(db.database)

    def version(self) -> int:
        return self.db.execute_sql("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """Whether another connection committed since the last call.

        Raises:
            StoreMissing: the store file was deleted, moved or replaced since the watch began.
        """
        if file_identity(self.db.database) != self._identity:
            raise StoreMissing(self.db.database, "the store file was deleted, moved or "
                                                 "replaced while in use; restart the program")
        current = self.version()
        if current != self._last:
            self._last = current
            return True
        return False
