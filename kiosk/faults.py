"""What went wrong, said without a single value: store and disk faults, and where they arose.

A failing check-in carries the visitor's name in its local variables, in the SQL parameters
and sometimes in an exception's message (`KeyError('Amina')`, a constraint that quotes a
value). So a fault is described only by things the code itself names: exception types,
SQLite's error *name* (`SQLITE_READONLY`), the `errno` name (`ENOSPC`), and module, line and
function of each frame. Never `str(exc)`, never locals, never a source line.

Plain Python: the command line and the apps (`kiosk.ui.crash`) both use it.
"""

from __future__ import annotations

import errno
import sqlite3
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError

from kiosk.store.db import StoreError

#: Frames shown in a report (the innermost ones: where it failed, and the calls that led there).
MAX_FRAMES = 10

#: SQLite error names (the primary code, before any "_extended" part) and what they mean.
_SQLITE_MEANING = {
    "SQLITE_READONLY": "the store is read-only (file system, file attributes or permissions)",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_CANTOPEN": "the store cannot be opened (deleted, moved, or no permission)",
    "SQLITE_PERM": "permission denied on the store",
    "SQLITE_AUTH": "permission denied on the store",
    "SQLITE_IOERR": "disk I/O error on the store",
    "SQLITE_CORRUPT": "the store is damaged",
    "SQLITE_NOTADB": "the store is damaged (not a database)",
    "SQLITE_BUSY": "the store is locked by another program",
    "SQLITE_LOCKED": "the store is locked by another program",
}
_SQLITE_EXACT = {
    "SQLITE_READONLY_DBMOVED": "the store file was moved or deleted while in use",
    "SQLITE_IOERR_NOMEM": "out of memory",
}
_STORE_CODES = {
    "store_missing": "the store is missing (deleted, moved or replaced)",
    "store_corrupt": "the store is damaged or unreadable",
    "store_foreign": "the file is not a kiosk store",
    "store_too_new": "the store was written by a newer release",
    "store_exists": "a store already exists",
}


@dataclass(frozen=True)
class Fault:
    """One failure, in words that carry no data.

    Attributes:
        store: True for a fault of the store or the disk under it (exit code 4), False for
            anything else (a bug, or an I/O error elsewhere).
        summary: a fixed English sentence for admins, e.g. "the disk is full".
        kind: the machine name: an SQLite error name, an errno name, or an exception type.
    """

    store: bool
    summary: str
    kind: str


def chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what it wraps: a worker's error, peewee's original, causes and contexts."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "error", None)  # textual.worker.WorkerFailed
        if isinstance(wrapped, BaseException):
            current = wrapped
            continue
        current = current.__cause__ or current.__context__


def classify(exc: BaseException) -> Fault:
    """Name the fault `exc` stands for; store and disk faults win over what wraps them."""
    links = list(chain(exc))
    faults = [_sqlite_fault(link) for link in links if isinstance(link, sqlite3.Error)]
    if faults:  # a failed rollback wraps the fault that caused it: the known one wins
        return next((f for f in faults if f.kind != "SQLITE_ERROR"), faults[0])
    for link in links:
        if isinstance(link, StoreError):
            return Fault(True, _STORE_CODES.get(link.code, "the store cannot be used"),
                         link.code)
        if isinstance(link, PeeweeDatabaseError):
            return Fault(True, "the store reported an error", type(link).__name__)
    for link in links:
        if isinstance(link, OSError) and link.errno is not None:
            name = errno.errorcode.get(link.errno, f"errno {link.errno}")
            return Fault(False, (link.strerror or name).rstrip("."), name)
    return Fault(False, "unexpected error", _type_name(links[-1] if links else exc))


def _sqlite_fault(exc: sqlite3.Error) -> Fault:
    name = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    primary = "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE -> SQLITE_IOERR
    summary = (_SQLITE_EXACT.get(name) or _SQLITE_MEANING.get(primary)
               or f"the store reported {name}")
    return Fault(True, summary, name)


def where(exc: BaseException, limit: int = MAX_FRAMES) -> str:
    """The frames of `exc` as `path:line function`, innermost last; no values, no source."""
    links = list(chain(exc))
    outer = links[0]
    if outer.__traceback__ is None and len(links) > 1:  # a worker's wrapper was never raised
        outer = links[1]
    frames = traceback.extract_tb(outer.__traceback__)[-limit:]
    return " > ".join(f"{_short_path(f.filename)}:{f.lineno} {f.name}" for f in frames)


def report(exc: BaseException, program: str) -> str:
    """One line for the journal: what stopped, the fault, the types involved, and where."""
    fault = classify(exc)
    types = " < ".join(_type_name(link) for link in chain(exc))
    trace = where(exc)
    return (f"{program} stopped: {fault.summary} [{fault.kind}; {types}]"
            + (f" at {trace}" if trace else ""))


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _short_path(filename: str) -> str:
    """`kiosk/store/db.py`, `peewee.py`: the path from the package root, not the machine's."""
    parts = Path(filename).parts
    for anchor in ("site-packages", "dist-packages"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) + 1:])
    for package in ("kiosk", "sync_server", "tests"):
        if package in parts:
            index = len(parts) - 1 - parts[::-1].index(package)
            return "/".join(parts[index:])
    return Path(filename).name
