"""``sync-server backup FILE``: a consistent copy of the SQLite database while the server runs.

Why the online backup API rather than ``cp``: the server writes in WAL mode, so the main file
alone is not a consistent database while pushes arrive; SQLite's backup API copies a
snapshot as of one transaction, pushes keep being served meanwhile. The copy holds sealed
envelopes only (the server cannot read them) but is still kept private (0600).

Restoring: stop the server, put the copy in place of the database file (delete its ``-wal``
and ``-shm`` files), start it. ``serve`` sees that the database is behind the high-water mark
in ``--state-dir`` and starts a new epoch, so every site re-pushes what the backup lacks.
If the state directory was lost too, run ``sync-server new-epoch`` before starting.

PostgreSQL is backed up with its own tools (``pg_dump -Fc``; restore with ``pg_restore``,
then ``sync-server new-epoch``); deploy/README.md has the commands.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path


class BackupError(Exception):
    """A backup that cannot be made; the message says why and what to do instead."""


def sqlite_path(database_url: str) -> Path:
    """The file of a ``sqlite:///`` URL; BackupError for PostgreSQL and anything else."""
    if database_url.startswith(("postgres://", "postgresql://")):
        raise BackupError("this server runs on PostgreSQL: back it up with pg_dump -Fc "
                          "(see deploy/README.md, 'Backups of the server')")
    if not database_url.startswith("sqlite:///"):
        raise BackupError(f"not an SQLite database URL: {database_url!r}")
    return Path(database_url[len("sqlite:///"):])


def backup_sqlite(database_url: str, target: Path) -> tuple[int, int]:
    """Copy the database to ``target`` (which must not exist); returns (envelopes, bytes).

    The copy is written beside the target under a temporary name, synced to disk and then
    renamed, so a crash never leaves a half-written file under the target's name.
    """
    source = sqlite_path(database_url)
    if not source.is_file():
        raise BackupError(f"no server database at {source}")
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"the directory {target.parent} does not exist")
    tmp = target.with_name(f".{target.name}.partial")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        try:  # read-only first: never leave -shm files owned by the admin behind
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
            src.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        except sqlite3.OperationalError:
            src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=4096)
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            count = dst.execute("SELECT COUNT(*) FROM envelope").fetchone()[0]
        finally:
            dst.close()
            src.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup of {source} failed: {exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return int(count), target.stat().st_size
