"""The server's schema (peewee) and the one function that opens and migrates the database.

Nothing connects at import time: models are bound to a ``DatabaseProxy`` that
:func:`open_database` initialises with the pragmas in one place.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlparse

from peewee import (
    BigIntegerField,
    BlobField,
    CharField,
    CompositeKey,
    Database,
    DatabaseProxy,
    IntegerField,
    Model,
    PostgresqlDatabase,
    SqliteDatabase,
    TextField,
)
from playhouse.db_url import connect as url_connect
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

database = DatabaseProxy()
"""Bound by :func:`open_database`; every model uses it."""

SCHEMA_VERSION = 2

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "busy_timeout": 15000,
    "foreign_keys": 1,
    "secure_delete": 1,
}
"""WAL + synchronous=FULL: an acknowledged push survives power loss; secure_delete: purged
envelopes do not linger in free pages."""


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class ServerMeta(BaseModel):
    """Key/value facts about this server: trusted root, network id, epoch, schema version."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Counter(BaseModel):
    """The sequence counter; its row lock serialises pushes on PostgreSQL."""

    name = CharField(primary_key=True, max_length=32)
    value = BigIntegerField()


class Site(BaseModel):
    """An enrolled site: its current root-signed certificate and what the admin may see."""

    code = CharField(primary_key=True, max_length=32)
    serial = CharField(max_length=32)
    issued = CharField(max_length=32)
    certificate = TextField()
    enrolled_at = BigIntegerField()
    revoked_at = BigIntegerField(null=True)
    high_ctr = BigIntegerField(default=0)
    last_push = BigIntegerField(null=True)
    last_pull = BigIntegerField(null=True)
    pushes = BigIntegerField(default=0)
    pulls = BigIntegerField(default=0)


class RevokedSerial(BaseModel):
    """Certificate serials that may never enrol again."""

    serial = CharField(primary_key=True, max_length=32)
    code = CharField(max_length=32)
    revoked_at = BigIntegerField()


class RetiredCertificate(BaseModel):
    """A certificate that was revoked or replaced, and the sequence reached at that moment.

    What the machine wrote before stays readable: sites accept its envelopes stored at or
    below ``retired_seq`` (the server refuses its pushes from then on). Created by
    ``create_tables(safe=True)`` in databases that predate it; no content, public keys only.
    """

    serial = CharField(primary_key=True, max_length=32)
    code = CharField(max_length=32, index=True)
    certificate = TextField()
    retired_at = BigIntegerField()
    retired_seq = BigIntegerField()


class StoredEnvelope(BaseModel):
    """The newest envelope per (rid, writer site), or the one erasure marker of a rid.

    ``scope`` (an office code or ``network``) decides who is served it. Pulls read in
    ``seq`` order and skip other scopes: no (scope, seq) index, whose IN-list would make
    the database sort every matching row for each page.
    """

    seq = BigIntegerField(primary_key=True)
    rid = CharField(max_length=32)
    scope = CharField(max_length=16)
    site = CharField(max_length=32)
    ctr = BigIntegerField()
    op = CharField(max_length=8)
    gen = IntegerField()
    exp = CharField(max_length=10, index=True)
    digest = CharField(max_length=64)
    blob = BlobField()

    class Meta:
        table_name = "envelope"
        indexes = ((("site", "ctr"), True), (("rid", "site"), False))


class Ledger(BaseModel):
    """Digest of every (site, counter) ever accepted, until its expiry: detects reuse (409)
    even after the envelope itself was superseded. Holds no content."""

    site = CharField(max_length=32)
    ctr = BigIntegerField()
    digest = CharField(max_length=64)
    exp = CharField(max_length=10, index=True)

    class Meta:
        primary_key = CompositeKey("site", "ctr")


class Tombstone(BaseModel):
    """An erased record id in one scope: sticky, holds no personal data, outlives the marker
    envelope. An erasure acts only within its own scope, so a machine can erase nothing of
    another office's."""

    scope = CharField(max_length=16)
    rid = CharField(max_length=32)
    seq = BigIntegerField()
    site = CharField(max_length=32)
    erased_at = BigIntegerField()

    class Meta:
        primary_key = CompositeKey("scope", "rid")


class SiteUsage(BaseModel):
    """What each site holds on the server, kept up to date by every push (for its quotas):
    accepted envelopes not yet expired (= its counter ledger rows) and bytes of stored ones.
    Created by ``create_tables(safe=True)`` in databases that predate it, then counted once."""

    site = CharField(primary_key=True, max_length=32)
    envelopes = BigIntegerField(default=0)
    size = BigIntegerField(default=0)

    class Meta:
        table_name = "site_usage"


class RequestNonce(BaseModel):
    """Nonces of signed requests within the clock window (replay protection)."""

    site = CharField(max_length=32)
    nonce = CharField(max_length=64)
    ts = BigIntegerField(index=True)

    class Meta:
        primary_key = CompositeKey("site", "nonce")


class KeyringRow(BaseModel):
    """A root-signed data-key generation of one scope, stored opaquely."""

    scope = CharField(max_length=16)
    gen = IntegerField()
    issued = CharField(max_length=32)
    entry = TextField()

    class Meta:
        table_name = "scope_keyring"
        primary_key = CompositeKey("scope", "gen")


MODELS = [ServerMeta, Counter, Site, RevokedSerial, RetiredCertificate, StoredEnvelope, Ledger,
          Tombstone, SiteUsage, RequestNonce, KeyringRow]


def make_database(url: str, pool_size: int = 8) -> Database:
    """A peewee database for ``url`` (not yet connected): SQLite with pragmas, or pooled PG."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
        if not path:
            raise ValueError("an SQLite URL looks like sqlite:////absolute/path.sqlite3")
        # Pooled so connections stay open: closing the last connection of a WAL database
        # checkpoints and deletes the WAL, which would cost a full fsync'd copy per request.
        return PooledSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=15,
                                    max_connections=pool_size, stale_timeout=3600,
                                    check_same_thread=False)
    if scheme in ("postgres", "postgresql"):
        db = url_connect(url.replace(scheme + "://", "postgresql+pool://", 1),
                         max_connections=pool_size, stale_timeout=300, timeout=30)
        assert isinstance(db, PooledPostgresqlDatabase)
        return db
    raise ValueError(f"unsupported database URL scheme {scheme!r} (use sqlite or postgresql)")


def bind_database(url: str, pool_size: int = 8) -> Database:
    """Point the proxy at ``url`` without touching the schema (used by worker processes)."""
    db = make_database(url, pool_size)
    database.initialize(db)
    return db


def open_database(url: str, pool_size: int = 8) -> Database:
    """Bind, create or migrate the schema, and make sure the epoch and counter exist."""
    db = bind_database(url, pool_size)
    if isinstance(db, SqliteDatabase):
        from pathlib import Path

        Path(db.database).parent.mkdir(parents=True, exist_ok=True)
    with db.connection_context(), db.atomic():
        db.create_tables(MODELS, safe=True)
        ServerMeta.insert(key="schema_version", value=str(SCHEMA_VERSION)).on_conflict_ignore(
        ).execute()
        ServerMeta.insert(key="epoch", value=uuid.uuid4().hex).on_conflict_ignore().execute()
        Counter.insert(name="seq", value=0).on_conflict_ignore().execute()
        if not SiteUsage.select().exists() and Ledger.select().exists():
            from sync_server.store.usage import recount

            recount()
        version = int(ServerMeta.get_by_id("schema_version").value)
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"database schema {version} is newer than this server "
                               f"({SCHEMA_VERSION}); refusing to touch it")
        if version < SCHEMA_VERSION:
            raise RuntimeError(f"database schema {version} predates office scopes: upgrade "
                               "it as the runbook's 'Upgrading to office scopes' says")
    return db


def is_postgres(db: Database | DatabaseProxy) -> bool:
    """True when the bound database is PostgreSQL."""
    obj = db.obj if isinstance(db, DatabaseProxy) else db
    return isinstance(obj, PostgresqlDatabase)
