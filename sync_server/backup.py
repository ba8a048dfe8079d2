"""``sync-server backup FILE``: a consistent copy of the SQLite database while the server runs.

Why the online backup API rather than ``cp``: the server writes in WAL mode, so the main file
alone is not a consistent database while pushes arrive; SQLite's backup API copies a
snapshot as of one transaction, pushes keep being served meanwhile.

Why sealed (age, to the admin's backup public key, ``sealed_backup.py``) although the server
cannot read its envelopes: the clear headers and the registry still say which site wrote how
much when, and a copy that leaves the machine should give away nothing at all. The plaintext
copy exists only in a private (0700) directory beside the database and is removed however the
backup ends; ``--plaintext`` writes an unsealed copy (and warns).

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
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyrage import x25519


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


def _online_copy(source: Path, dest: Path) -> int:
    """Copy the live database into the new file ``dest`` (0600, synced); returns envelopes."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:  # read-only first: never leave -shm files owned by the admin behind
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        src.execute("SELECT 1 FROM sqlite_master LIMIT 1")
    except sqlite3.OperationalError:
        src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst, pages=4096)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        count = dst.execute("SELECT COUNT(*) FROM envelope").fetchone()[0]
    finally:
        dst.close()
        src.close()
    with open(dest, "rb") as fh:
        os.fsync(fh.fileno())
    return int(count)


def backup_sqlite(database_url: str, target: Path,
                  recipients: Sequence[x25519.Recipient] | None) -> tuple[int, int]:
    """Copy the database to ``target`` (which must not exist); returns (envelopes, bytes).

    Sealed to ``recipients``; ``None`` (the admin's explicit ``--plaintext``) writes the
    copy unsealed. Either way the file is written beside the target under a temporary name,
    synced to disk and then renamed, so a crash never leaves a half-written file under the
    target's name.
    """
    from sync_server.sealed_backup import SealError, private_workdir, seal_file

    source = sqlite_path(database_url)
    if not source.is_file():
        raise BackupError(f"no server database at {source}")
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"the directory {target.parent} does not exist")
    if recipients is not None and not recipients:
        raise BackupError("no backup recipient given")
    try:
        if recipients is None:
            count = _plain_backup(source, target)
        else:
            with private_workdir(source) as work:
                count = _online_copy(source, work / "server.sqlite3")
                seal_file(work / "server.sqlite3", target, recipients)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup of {source} failed: {exc}") from None
    except SealError as exc:
        raise BackupError(exc.message) from None
    return count, target.stat().st_size


def _plain_backup(source: Path, target: Path) -> int:
    tmp = target.with_name(f".{target.name}.partial")
    tmp.unlink(missing_ok=True)
    try:
        count = _online_copy(source, tmp)
        os.replace(tmp, target)
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return count
