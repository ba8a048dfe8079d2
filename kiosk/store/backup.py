"""Consistent copies of a live store (SQLite online backup API) and restoring them.

A backup is taken while kiosks keep checking people in: the online backup API copies a
consistent snapshot, and every check-in committed before the backup started is in it.
Restoring writes to a temporary file first and renames it into place, so a failed restore
never leaves half a store behind.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from kiosk.store import migrations
from kiosk.store.db import (
    _SQLITE_MAGIC,
    APPLICATION_ID,
    StoreCorrupt,
    StoreExists,
    StoreForeign,
    StoreMissing,
    StoreTooNew,
    open_database,
)


def verify_backup(path: Path) -> None:
    """Check, without writing to it, that `path` is a kiosk store this release can use."""
    if not path.is_file():
        raise StoreMissing(path, "no backup file here")
    with path.open("rb") as fh:
        if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise StoreForeign(path, "is not a kiosk backup (not an SQLite database file)")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            result = con.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreCorrupt(path, f"is damaged or unreadable ({exc})") from None
    if app_id != APPLICATION_ID:
        raise StoreForeign(path, "is an SQLite database, but not a kiosk store")
    if version > migrations.LATEST:
        raise StoreTooNew(path, f"was made by a newer release (schema {version})")
    if result != "ok":
        raise StoreCorrupt(path, f"is damaged ({result})")


def backup_store(source: Path, target: Path, *,
                 progress: Callable[[int, int], None] | None = None) -> None:
    """Copy the store at `source` to `target` (which must not exist) while it is in use."""
    source, target = Path(source), Path(target)
    if target.exists():
        raise StoreExists(target, "the backup file already exists; choose another name")
    open_database(source).close()  # refuses missing, foreign or damaged stores clearly
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=1024,
                       progress=(lambda _s, rem, total: progress(total - rem, total))
                       if progress else None)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(partial, 0o600)
    os.replace(partial, target)


def restore_store(backup: Path, target: Path, *, force: bool = False) -> None:
    """Put a backup in place as the store at `target`.

    Raises:
        StoreExists: a store is at `target` and `force` is not given.
        StoreError: the backup is not a usable kiosk store.
    """
    backup, target = Path(backup), Path(target)
    if target.exists() and not force:
        raise StoreExists(target, "a store exists here; use --force to replace it")
    verify_backup(backup)
    partial = target.with_name(target.name + ".restoring")
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.chmod(partial, 0o600)
    os.replace(partial, target)
    open_database(target).close()  # migrates a backup made by an older release
