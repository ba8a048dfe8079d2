"""Real store faults for tests: an immutable file, a tiny full tmpfs, a deleted store.

We run as root, so mode bits do not make a file read-only: `chattr +i` does (it refuses
writes even to root, and even through file descriptors opened before). A remount read-only
is refused while SQLite holds the file open for writing ("mount point is busy"), so a store
turned read-only *under a running app* is an immutable file. Every change made here is
undone in a `finally`, whatever the test does.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

#: A first name that must never reach a screen after a failure, a journal or a message.
CANARY = "Zerbinetta"


def store_files(path: Path) -> list[Path]:
    """The store and its WAL and shared-memory files, as far as they exist."""
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make the store's files immutable (`chattr +i`) until the block ends."""
    if shutil.which("chattr") is None:
        pytest.fail("chattr is needed to make a store read-only for root")
    files = [str(p) for p in store_files(path)]
    subprocess.run(["chattr", "+i", *files], check=True, capture_output=True)
    try:
        with pytest.raises(PermissionError), open(path, "ab"):  # even root cannot write
            pass
        yield
    finally:
        subprocess.run(["chattr", "-i", *files], check=False, capture_output=True)


@contextlib.contextmanager
def tiny_tmpfs(mountpoint: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `mountpoint` (created) and always unmounted again."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                    str(mountpoint)], check=True, capture_output=True)
    try:
        yield mountpoint
    finally:
        # lazy: a process a failing test left holding a file must not keep the mount alive
        subprocess.run(["umount", "-l", str(mountpoint)], check=False, capture_output=True)


def fill(directory: Path) -> None:
    """Write a filler file into `directory` until its file system is full (ENOSPC)."""
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    block = b"\0" * 65536
    try:
        while True:
            try:
                os.write(fd, block)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                if len(block) == 1:
                    return
                block = block[: len(block) // 2]
    finally:
        os.close(fd)


def delete_store(path: Path) -> None:
    """Remove the store and its WAL and shared-memory files, as an admin's `rm` would."""
    for p in store_files(path):
        p.unlink()
