"""Opening the store: pragmas, checks and migrations in one place.

A site's store is one SQLite file shared by several processes (visitor kiosk, staff
consoles, board, sync). WAL lets them read while one writes; `synchronous=FULL` makes an
acknowledged check-in survive power loss; writes take the lock up front (`BEGIN IMMEDIATE`)
so that ticket allocation and "call next" are atomic across processes.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from peewee import DatabaseError, OperationalError, SqliteDatabase

from kiosk.clock.hlc import HybridClock, Timestamp
from kiosk.errors import EXIT_STORE, KioskError
from kiosk.store import clock_column, migrations
from kiosk.store.models import Setting, SyncedModel, database
from wire.ids import OfficeCode, WriterId

#: PRAGMA application_id of a kiosk store ("LWK1"), to tell it from other SQLite files.
APPLICATION_ID = 0x4C574B31
PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": 15000,
    "secure_delete": 1,  # erased personal data must not linger in free pages
}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SUFFIXES = ("", "-wal", "-shm")


class StoreError(KioskError):
    """The store cannot be used; `code` is machine-readable, the message is for people."""

    code = "store_error"
    exit_code = EXIT_STORE

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{path}: {message}")

    def describe(self) -> str:
        return f"store error: {self}"


class StoreMissing(StoreError):
    code = "store_missing"


class StoreCorrupt(StoreError):
    code = "store_corrupt"


class StoreForeign(StoreError):
    code = "store_foreign"


class StoreTooNew(StoreError):
    code = "store_too_new"


class StoreExists(StoreError):
    code = "store_exists"


def _check_file(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except IsADirectoryError:
        raise StoreForeign(path, "is a directory, not a kiosk store") from None
    except OSError as exc:
        raise StoreError(path, f"cannot be read: {exc.strerror}") from None
    if head and head != _SQLITE_MAGIC:
        raise StoreForeign(path, "is not a kiosk store (not an SQLite database file)")


def open_database(path: Path, *, create: bool = False) -> SqliteDatabase:
    """Open (or create) the SQLite file, set pragmas, verify it is ours, migrate it.

    Raises:
        StoreError: with a subclass naming what is wrong (missing, foreign, corrupt, too new).
    """
    path = Path(path)
    try:
        present = path.exists()
    except OSError as exc:  # e.g. no permission to look into the directory
        raise StoreError(path, f"cannot be read: {exc.strerror}") from None
    if present:
        _check_file(path)
    elif not create:
        raise StoreMissing(path, "no store here; create one with `kiosk init --site CODE`")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        # 0600 from the first byte, whatever the umask (the runbook runs init as root):
        # SQLite gives the -wal and -shm files the mode of the database file.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    db = SqliteDatabase(str(path), pragmas=PRAGMAS)
    try:
        db.connect()
        app_id = db.execute_sql("PRAGMA application_id").fetchone()[0]
        version = migrations.schema_version(db)
        tables = db.get_tables()
        if app_id != APPLICATION_ID and (version or tables):
            raise StoreForeign(path, "is an SQLite database, but not a kiosk store")
        if version > migrations.LATEST:
            raise StoreTooNew(path, f"has schema version {version}, this kiosk knows up to "
                                    f"{migrations.LATEST}; install the newer release")
        if app_id != APPLICATION_ID:
            db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID:d}")
        migrations.upgrade(db)
    except StoreError:
        db.close()
        raise
    except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
        db.close()
        raise _open_error(path, exc) from None
    return db


#: SQLite errors at opening that say the file or disk cannot be used, not that it is damaged.
_UNUSABLE = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_IOERR",
             "SQLITE_PERM", "SQLITE_BUSY", "SQLITE_LOCKED")


def _open_error(path: Path, exc: Exception) -> StoreError:
    """A read-only, full or locked disk is not a damaged store: say which it is."""
    inner = exc if isinstance(exc, sqlite3.Error) else exc.__context__
    name = getattr(inner, "sqlite_errorname", "") or ""
    if name.startswith(_UNUSABLE):
        return StoreError(path, f"cannot be opened for use: {inner} ({name}); "
                                "is the disk full, read-only or locked?")
    return StoreCorrupt(path, f"is damaged or unreadable ({exc})")


class Store:
    """An open site store: the database plus the site's identity and clock.

    `writer` is this store's own id in clocks and envelopes (office code plus a random
    suffix), so that a replacement machine for the same office never collides with the old.
    """

    def __init__(self, db: SqliteDatabase, path: Path) -> None:
        self.db = db
        self.path = path
        database.initialize(db)
        self.site = OfficeCode(self.setting("site") or "")
        self.location = self.setting("location") or ""
        self.writer = WriterId(self.setting("writer") or "")
        self._identity = file_identity(path)

    def ensure_present(self) -> None:
        """Refuse to go on when the path no longer names the file this store has open.

        SQLite keeps writing into a deleted or replaced file without a word: every check-in
        after that would vanish with the process. A `stat` costs microseconds.

        Raises:
            StoreMissing: the store file was deleted, moved or replaced while in use.
        """
        if file_identity(self.path) != self._identity:
            raise StoreMissing(self.path, "the store file was deleted, moved or replaced "
                                          "while in use; restart the program")

    def setting(self, key: str, default: str | None = None) -> str | None:
        """A site-wide setting, or `default`."""
        row = Setting.get_or_none(Setting.key == key)
        return row.value if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Set a site-wide setting (call inside a transaction when it must be atomic)."""
        Setting.insert(key=key, value=value).on_conflict_replace().execute()

    @contextmanager
    def writing(self) -> Iterator[WriteTransaction]:
        """A write transaction that holds the store's write lock from its first statement.

        The clock is loaded and saved under the lock, so that every process at the site
        continues the same monotonic clock. A store whose file is gone is never written.
        """
        self.ensure_present()
        with self.db.atomic("IMMEDIATE"):
            writer = WriteTransaction(self)
            yield writer
            writer.save_clock()
        if writer.erased:
            self.scrub_wal()

    def scrub_wal(self) -> None:
        """Copy the WAL into the database and truncate it to zero bytes.

        After an erasure: ``secure_delete`` zeroes the erased row in the database's pages,
        but the WAL still holds the pages of the transactions that wrote it, and a WAL is
        not removed while any process (a visitor terminal, the board) keeps the store open.
        Outside a transaction only (a checkpoint cannot run inside one).
        """
        if not self.db.in_transaction():
            self.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close this thread's connection."""
        if not self.db.is_closed():
            self.db.close()


class WriteTransaction:
    """The handle of one write transaction: stamps synced fields and fills the outbox."""

    def __init__(self, store: Store) -> None:
        self.store = store
        row = store.db.execute_sql(
            'SELECT "value" FROM "setting" WHERE "key" = ?', ("hlc",)).fetchone()
        text = row[0] if row else None
        self.clock = HybridClock(store.writer, Timestamp.parse(text) if text else None)
        self._dirty = False
        self.erased = False
        """Set by an erasure in this transaction: the store scrubs its WAL after the commit."""

    def stamp(self) -> Timestamp:
        """A fresh clock reading for this transaction's writes."""
        self._dirty = True
        return self.clock.now()

    def put(self, model: type[SyncedModel], record_id: str | None, fields: dict,
            ) -> SyncedModel:
        """Create or update a synced record, stamping each written field with a new clock.

        Args:
            model: the synced model class.
            record_id: None to create a record with a fresh random id.
            fields: the synced fields to write (others are refused).
        """
        if record_id is None:
            return self.put_new(model, secrets.token_hex(16), fields)
        stamp = self._stamp_for(model, fields)
        record = model.get_by_id(record_id)
        for name, value in fields.items():
            setattr(record, name, value)
        record.clocks = {**record.clocks, **dict.fromkeys(fields, stamp)}
        record.save()
        self._queue(record.id, model.KIND, stamp)
        return record

    def put_new(self, model: type[SyncedModel], record_id: str, fields: dict) -> SyncedModel:
        """Create a synced record under ``record_id`` (random, or one every machine derives
        the same way, such as an office's figures of a day)."""
        stamp = self._stamp_for(model, fields)
        record = model(id=record_id, clocks={}, **fields)
        # A new record stamps every field, defaults included, so its state is complete.
        record.clocks = dict.fromkeys(model.SYNCED_FIELDS, stamp)
        _insert_fast(self.store.db, record)
        self._queue(record.id, model.KIND, stamp)
        return record

    def put_stamped(self, model: type[SyncedModel], rows: list[dict]) -> None:
        """Create records that carry their own clocks (demo history made for past days).

        They go through the same outbox as every write, and the transaction's clock observes
        their newest stamp, so later writes of this site order after them; nothing but the
        writer touches the outbox or the stored clock.

        Raises:
            ValueError: a row whose clocks do not cover every synced field of ``model``.
        """
        if not rows:
            return
        for row in rows:
            if set(row.get("clocks") or ()) != set(model.SYNCED_FIELDS):
                raise ValueError(f"a {model.KIND} record with its own clocks needs one per "
                                 "synced field")
        model.insert_many(rows).execute()
        newest = [max(row["clocks"].values()) for row in rows]
        self.store.db.cursor().executemany(  # one statement, prepared once by sqlite3
            'INSERT OR REPLACE INTO "outbox" ("record", "kind", "clock") VALUES (?, ?, ?)',
            [(row["id"], model.KIND, stamp) for row, stamp in zip(rows, newest, strict=True)])
        self.clock.observe(Timestamp.parse(max(newest)))
        self._dirty = True

    def update_many(self, model: type[SyncedModel], record_ids: list[str], fields: dict
                    ) -> int:
        """Write the same values into several existing records, as ``put`` would one by one:
        the written fields get a fresh clock, the records go to the outbox; returns how many
        records there were.

        One statement per step instead of a model round trip per record: redacting a year
        of history (75,000 visits) took 102 s through ``put``, 6 s this way.
        """
        if not record_ids:
            return 0
        stamp = self._stamp_for(model, fields)
        names = list(fields)
        table = model._meta.table_name
        sets = ", ".join(f'"{model._meta.fields[n].column_name}" = ?' for n in names)
        values = [model._meta.fields[n].db_value(fields[n]) for n in names]
        marks = ", ".join("?" * len(record_ids))
        rows = self.store.db.execute_sql(
            f'SELECT id, clocks FROM "{table}" WHERE id IN ({marks})', list(record_ids)
        ).fetchall()
        self.store.db.cursor().executemany(
            f'UPDATE "{table}" SET {sets}, "clocks" = ? WHERE id = ?',
            [(*values, clock_column.pack({**clock_column.unpack(clocks),
                                          **dict.fromkeys(names, stamp)}), rid)
             for rid, clocks in rows])
        self.store.db.cursor().executemany(
            'INSERT OR REPLACE INTO "outbox" ("record", "kind", "clock") VALUES (?, ?, ?)',
            [(rid, model.KIND, stamp) for rid, _ in rows])
        return len(rows)

    def _stamp_for(self, model: type[SyncedModel], fields: dict) -> str:
        unknown = set(fields) - set(model.SYNCED_FIELDS)
        if unknown:
            raise ValueError(f"not synced fields of {model.KIND}: {sorted(unknown)}")
        return str(self.stamp())

    def _queue(self, record_id: str, kind: str, stamp: str) -> None:
        self.store.db.execute_sql(
            'INSERT OR REPLACE INTO "outbox" ("record", "kind", "clock") VALUES (?, ?, ?)',
            (record_id, kind, stamp))

    def save_clock(self) -> None:
        if self._dirty:
            self.store.db.execute_sql(
                'INSERT OR REPLACE INTO "setting" ("key", "value") VALUES (?, ?)',
                ("hlc", str(self.clock.last)))


_INSERT_SQL: dict[type, tuple[str, list]] = {}


def _insert_fast(db: SqliteDatabase, record: SyncedModel) -> None:
    """INSERT a new record with SQL prepared once per model.

    Check-in is the hottest write of the kiosk; building the statement with peewee's query
    builder each time cost more than the fsync'd commit itself (bench/bench_checkin.py).
    """
    model = type(record)
    if model not in _INSERT_SQL:
        fields = list(model._meta.sorted_fields)
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        marks = ", ".join("?" for _ in fields)
        _INSERT_SQL[model] = (f'INSERT INTO "{model._meta.table_name}" ({columns}) '
                              f"VALUES ({marks})", fields)
    sql, fields = _INSERT_SQL[model]
    db.execute_sql(sql, [f.db_value(getattr(record, f.name)) for f in fields])


def file_identity(path: Path | str) -> tuple[int, int] | None:
    """Device and inode of the file at `path` (None when nothing can be found there)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def open_store(path: Path | str) -> Store:
    """Open an existing, initialised store."""
    path = Path(path)
    store = Store(open_database(path), path)
    if not store.site:
        store.close()
        raise StoreMissing(path, "store was never initialised; run `kiosk init --site CODE`")
    return store


def init_store(path: Path | str, site: str, location: str, *, force: bool = False) -> Store:
    """Create a new store for `site` at `location`.

    Raises:
        StoreExists: if a store is already there and `force` is not given.
    """
    path = Path(path)
    if path.exists() and not force:
        raise StoreExists(path, "a store already exists here; use --force to replace it "
                                "(its data will be lost)")
    if path.exists():
        for suffix in _SUFFIXES:
            Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store(open_database(path, create=True), path)
    with store.db.atomic("IMMEDIATE"):
        store.set_setting("site", site)
        store.set_setting("location", location)
        writer = f"{site}-{secrets.token_hex(4).upper()}"
        store.set_setting("writer", writer)
    store.site, store.location, store.writer = OfficeCode(site), location, WriterId(writer)
    return store
