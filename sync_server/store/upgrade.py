"""Upgrading a server database of the release before office scopes (schema 1), in place.

``upgrade`` (server stopped, after a backup): every stored envelope and tombstone is kept and
given the scope ``legacy``, which no machine is ever served (no certificate names it); the
old keyring table is kept aside as ``legacy_keyring`` and never served either. Machines then
re-enrol with new certificates and re-seal their own office's records into its scope.

``finish`` (once every enrolled machine has pushed and pulled in the new format): the legacy
envelopes are deleted and the server publishes ``legacy: finished`` in ``/v1/config``, upon
which each machine deletes the copies of other offices' records it still holds. Trusting the
server with this flag is harmless: it can only make a site delete copies of other offices'
data, which it must not hold anyway.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peewee import Database

from sync_server.store.db import (
    SCHEMA_VERSION,
    ServerMeta,
    Site,
    StoredEnvelope,
    Tombstone,
    bind_database,
    database,
    open_database,
)

LEGACY_SCOPE = "legacy"
"""The scope of everything stored before office scopes: served to nobody."""
LEGACY_STATE = "legacy"
"""ServerMeta key: ``pending`` after ``upgrade``, ``finished`` after ``finish``."""
UPGRADED_AT = "legacy_upgraded_at"


class UpgradeError(Exception):
    """The database cannot be upgraded or finished as asked; the message says why."""


@dataclass
class UpgradeResult:
    """What ``upgrade`` did: whether it changed the schema, and what it kept."""

    migrated: bool
    envelopes: int
    tombstones: int
    certificates: list[dict[str, Any]] = field(default_factory=list)


def _meta(key: str) -> str | None:
    row = ServerMeta.get_or_none(ServerMeta.key == key)
    return row.value if row else None


def _set_meta(key: str, value: str) -> None:
    ServerMeta.insert(key=key, value=value).on_conflict(
        conflict_target=[ServerMeta.key], update={ServerMeta.value: value}).execute()


def _migrate(db: Database) -> bool:
    """Schema 1 → 2 in one transaction (DDL is transactional in SQLite and PostgreSQL):
    either everything is migrated or nothing changed."""
    with db.atomic():
        tables = set(db.get_tables())
        if "server_meta" not in tables or "envelope" not in tables:
            raise UpgradeError("this is not a sync-server database (no server_meta or "
                               "envelope table)")
        version = int(_meta("schema_version") or 0)
        if version == SCHEMA_VERSION:
            return False
        if version != 1:
            raise UpgradeError(f"database schema {version} is not the one before office "
                               f"scopes (1); this release reads schema {SCHEMA_VERSION}")
        db.execute_sql('ALTER TABLE "envelope" ADD COLUMN "scope" VARCHAR(16) NOT NULL '
                       f"DEFAULT '{LEGACY_SCOPE}'")
        # tombstone gains the scope in its key: copy, re-create, copy back (a renamed table
        # would keep its PostgreSQL constraint names and clash with the new one's)
        db.execute_sql('CREATE TABLE "legacy_tombstone_copy" AS SELECT * FROM "tombstone"')
        db.execute_sql('DROP TABLE "tombstone"')
        db.create_tables([Tombstone])
        db.execute_sql('INSERT INTO "tombstone" ("scope", "rid", "seq", "site", "erased_at") '
                       f"SELECT '{LEGACY_SCOPE}', \"rid\", \"seq\", \"site\", \"erased_at\" "
                       'FROM "legacy_tombstone_copy"')
        db.execute_sql('DROP TABLE "legacy_tombstone_copy"')
        if "keyring" in tables:
            db.execute_sql('ALTER TABLE "keyring" RENAME TO "legacy_keyring"')
        _set_meta("schema_version", str(SCHEMA_VERSION))
        _set_meta(LEGACY_STATE, "pending")
        _set_meta(UPGRADED_AT, str(int(time.time())))
    return True


def upgrade(url: str) -> UpgradeResult:
    """Migrate the database at ``url`` to office scopes in place (idempotent)."""
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        raise UpgradeError(f"no database at {url[len('sqlite:///'):]}: name the server's "
                           "database (--database, or SYNC_SERVER_DATABASE_URL)")
    db = bind_database(url, 1)
    try:
        with db.connection_context():
            migrated = _migrate(db)
    finally:
        db.close_all() if hasattr(db, "close_all") else db.close()
    open_database(url, 1)  # the tables that are new in this release, and the quota counts
    with database.connection_context():
        certificates = [json.loads(s.certificate) for s in
                        Site.select().where(Site.revoked_at.is_null()).order_by(Site.code)]
        return UpgradeResult(
            migrated,
            int(StoredEnvelope.select().where(StoredEnvelope.scope == LEGACY_SCOPE).count()),
            int(Tombstone.select().where(Tombstone.scope == LEGACY_SCOPE).count()),
            certificates)


def _renewed(site: Site) -> bool:
    """Whether a machine runs the new release: enrolled with a certificate naming its office,
    and a whole pull finished since (its push of the re-sealed records came first)."""
    try:
        cert = json.loads(site.certificate)
    except ValueError:
        return False
    return (isinstance(cert, dict) and "office" in cert and site.last_pull is not None
            and site.last_pull >= site.enrolled_at)


def progress() -> dict[str, Any] | None:
    """The upgrade's state for ``sync-server status`` (None on a network that never had it):
    ``pending`` or ``finished``, legacy envelopes left, machines not yet in the new format."""
    with database.connection_context():
        state = _meta(LEGACY_STATE)
        if state is None:
            return None
        waiting = [s.code for s in Site.select().where(Site.revoked_at.is_null())
                   .order_by(Site.code) if not _renewed(s)]
        legacy = int(StoredEnvelope.select().where(StoredEnvelope.scope == LEGACY_SCOPE)
                     .count())
    return {"state": state, "legacy_envelopes": legacy, "machines_waiting": waiting}


def finish(force: bool = False) -> int:
    """Delete the legacy envelopes and publish ``legacy: finished``; the number deleted.

    Refused while an enrolled machine has not synced in the new format (revoke a machine
    that is gone for good, or pass ``force``): its records may exist only in legacy form.
    """
    from sync_server.store.envelopes import write_transaction
    from sync_server.store.usage import recount

    state = progress()
    if state is None:
        raise UpgradeError("this database was never upgraded from the release before office "
                           "scopes: nothing to finish")
    if state["machines_waiting"] and not force:
        raise UpgradeError("not every enrolled machine has synced in the new format yet: "
                           + ", ".join(state["machines_waiting"])
                           + " (import its new bundle, enrol and sync it; or revoke it)")
    with database.connection_context(), write_transaction():
        deleted = StoredEnvelope.delete().where(StoredEnvelope.scope == LEGACY_SCOPE).execute()
        recount()
        _set_meta(LEGACY_STATE, "finished")
    return int(deleted)


def legacy_state() -> str | None:
    """``pending``, ``finished`` or None (for ``GET /v1/config``)."""
    with database.connection_context():
        return _meta(LEGACY_STATE)
