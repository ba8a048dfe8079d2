"""Consistent copies of a live store (SQLite online backup API), sealed, and restoring them.

A backup is taken while kiosks keep checking people in: the online backup API copies a
consistent snapshot, and every check-in committed before the backup started is in it.
A backup leaves the machine, so by default it is sealed to the site's backup public key
(age format, `sync_server.sealed_backup`): the plaintext copy exists only in a private
(0700) directory beside the store, on the store's own (encrypted) disk, and is removed
however the backup ends. Restoring writes to a temporary file first and renames it into
place, so a failed restore never leaves half a store behind.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:  # pyrage loads only when a backup is sealed or opened
    from pyrage import x25519

Progress = Callable[[int, int], None]


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


def _online_copy(source: Path, dest: Path, progress: Progress | None) -> None:
    """Copy the live store at ``source`` into the new file ``dest`` (0600, one file)."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst, pages=1024,
                       progress=(lambda _s, rem, total: progress(total - rem, total))
                       if progress else None)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(dest, 0o600)


def _check_target(target: Path) -> None:
    if target.exists():
        raise StoreExists(target, "the backup file already exists; choose another name")
    if not target.parent.is_dir():
        raise StoreMissing(target.parent, "the backup's directory does not exist")


def backup_store(source: Path, target: Path, *, recipients: Sequence[x25519.Recipient],
                 progress: Progress | None = None) -> None:
    """Copy the store at `source` while it is in use, sealed to `recipients`, as `target`.

    Raises:
        StoreError: the store is missing or damaged, or `target` exists.
        SealError: no recipients, or the sealed file cannot be written.
    """
    from sync_server.sealed_backup import SealError, private_workdir, seal_file

    source, target = Path(source), Path(target)
    if not recipients:
        raise SealError("no backup recipient given", "no_recipient")
    _check_target(target)
    open_database(source).close()  # refuses missing, foreign or damaged stores clearly
    with private_workdir(source) as work:
        plain = work / "store.db"
        _online_copy(source, plain, progress)
        seal_file(plain, target, recipients)


def backup_store_plaintext(source: Path, target: Path, *,
                           progress: Progress | None = None) -> None:
    """Copy the store at `source` to `target` (which must not exist) UNENCRYPTED.

    Only for a copy that stays on encrypted media (the command warns); kept because an
    admin may need a copy that opens with nothing but sqlite3.
    """
    source, target = Path(source), Path(target)
    _check_target(target)
    open_database(source).close()  # refuses missing, foreign or damaged stores clearly
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _online_copy(source, partial, progress)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


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
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # never wider
    try:
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
    finally:
        partial.unlink(missing_ok=True)
    open_database(target).close()  # migrates a backup made by an older release


def restore_sealed(backup: Path, target: Path, identities: Sequence[x25519.Identity], *,
                   force: bool = False) -> None:
    """Open a sealed backup with `identities` and put it in place as the store at `target`.

    The opened copy lives only in a private directory beside `target` until it has been
    verified and copied into place; with a wrong key or a damaged file nothing is written.

    Raises:
        StoreExists: a store is at `target` and `force` is not given.
        SealError: the key does not open the backup, or the backup was altered.
        StoreError: the opened backup is not a usable kiosk store.
    """
    from sync_server.sealed_backup import open_sealed, private_workdir

    backup, target = Path(backup), Path(target)
    if target.exists() and not force:
        raise StoreExists(target, "a store exists here; use --force to replace it")
    if not backup.is_file():
        raise StoreMissing(backup, "no backup file here")
    target.parent.mkdir(parents=True, exist_ok=True)
    with private_workdir(target) as work:
        plain = work / "store.db"
        open_sealed(backup, identities, plain)
        restore_store(plain, target, force=force)
