"""Schema versions of the local store, applied in order; the version is `PRAGMA user_version`.

Each migration is frozen SQL or `playhouse.migrate` operations, never `Model.create_table()`:
the models change over time, a store made by release 1 must still upgrade the same way next
year. Add a new function at the end; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import CharField, SqliteDatabase

Migration = Callable[[SqliteDatabase], None]

_V1 = """
CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
CREATE TABLE "visit" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "clocks" TEXT NOT NULL,
  "erased" INTEGER NOT NULL, "site" VARCHAR(255) NOT NULL, "location" VARCHAR(255) NOT NULL,
  "day" VARCHAR(255) NOT NULL, "prefix" VARCHAR(255) NOT NULL, "seq" INTEGER NOT NULL,
  "ticket" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL,
  "priority" INTEGER NOT NULL, "concerns" TEXT NOT NULL, "language" VARCHAR(255) NOT NULL,
  "interpreter_language" VARCHAR(255), "first_name" VARCHAR(255),
  "call_count" INTEGER NOT NULL, "desk" VARCHAR(255), "staff" VARCHAR(255),
  "appointment" VARCHAR(255), "checked_in_at" INTEGER NOT NULL, "called_at" INTEGER,
  "service_started_at" INTEGER, "finished_at" INTEGER, "missed_at" INTEGER,
  "parked_at" INTEGER, "outcome" VARCHAR(255), "referral" VARCHAR(255), "note" TEXT);
CREATE INDEX "visit_ticket_seq" ON "visit" ("location", "day", "prefix", "seq");
CREATE INDEX "visit_waiting" ON "visit" ("location", "status", "checked_in_at");
CREATE TABLE "appointment" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "clocks" TEXT NOT NULL,
  "erased" INTEGER NOT NULL, "site" VARCHAR(255) NOT NULL, "location" VARCHAR(255) NOT NULL,
  "starts_at" INTEGER NOT NULL, "duration_min" INTEGER NOT NULL, "desk" VARCHAR(255),
  "language" VARCHAR(255) NOT NULL, "interpreter_language" VARCHAR(255),
  "concerns" TEXT NOT NULL, "name" VARCHAR(255), "phone" VARCHAR(255),
  "code_hash" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL, "visit" VARCHAR(255));
CREATE INDEX "appointment_code" ON "appointment" ("code_hash");
CREATE INDEX "appointment_day" ON "appointment" ("location", "starts_at");
CREATE TABLE "staff" ("id" VARCHAR(32) NOT NULL PRIMARY KEY,
  "display_name" VARCHAR(255) NOT NULL, "languages" TEXT NOT NULL,
  "pin_hash" VARCHAR(255) NOT NULL, "desk" VARCHAR(255), "is_admin" INTEGER NOT NULL,
  "active" INTEGER NOT NULL, "failed_pins" INTEGER NOT NULL, "locked_until" INTEGER NOT NULL);
CREATE TABLE "audit_entry" ("id" INTEGER NOT NULL PRIMARY KEY, "at" INTEGER NOT NULL,
  "staff" VARCHAR(255), "action" VARCHAR(255) NOT NULL, "record" VARCHAR(255),
  "detail" VARCHAR(255));
CREATE TABLE "outbox" ("record" VARCHAR(32) NOT NULL PRIMARY KEY,
  "kind" VARCHAR(255) NOT NULL, "changed_at" VARCHAR(255) NOT NULL);
"""


def v1_initial(db: SqliteDatabase) -> None:
    """Release 1: visits, appointments, staff, audit, outbox, settings."""
    for statement in _V1.split(";"):
        if statement.strip():
            db.execute_sql(statement)


def v2_priority_transfer_mediators(db: SqliteDatabase) -> None:
    """Priority reasons and transfer targets on visits; the language-mediator register."""
    from playhouse.migrate import SqliteMigrator, migrate  # only when a migration runs

    migrator = SqliteMigrator(db)
    migrate(
        migrator.add_column("visit", "priority_reason", CharField(null=True)),
        migrator.add_column("visit", "target_desk", CharField(null=True)),
        migrator.add_column("visit", "target_staff", CharField(null=True)),
    )
    db.execute_sql(
        'CREATE TABLE "mediator" ("id" VARCHAR(32) NOT NULL PRIMARY KEY,'
        ' "clocks" TEXT NOT NULL, "erased" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL,'
        ' "languages" TEXT NOT NULL, "contact" VARCHAR(255) NOT NULL,'
        ' "weekdays" TEXT NOT NULL, "active" INTEGER NOT NULL)'
    )


_V3_SYNC = """
CREATE TABLE "sync_record" ("rid" VARCHAR(32) NOT NULL PRIMARY KEY, "record" VARCHAR(32) UNIQUE,
  "kind" VARCHAR(255), "erased" INTEGER NOT NULL DEFAULT 0, "bases" TEXT NOT NULL DEFAULT '{}',
  "synced" TEXT NOT NULL DEFAULT '{}');
CREATE TABLE "sync_quarantine" ("id" INTEGER NOT NULL PRIMARY KEY, "seq" INTEGER NOT NULL,
  "site" VARCHAR(255), "rid" VARCHAR(255), "gen" INTEGER, "reason" VARCHAR(255) NOT NULL,
  "detail" VARCHAR(255), "envelope" BLOB NOT NULL, "at" INTEGER NOT NULL);
CREATE UNIQUE INDEX "sync_quarantine_envelope" ON "sync_quarantine" ("envelope");
CREATE TABLE "sync_conflict" ("id" INTEGER NOT NULL PRIMARY KEY, "record" VARCHAR(32) NOT NULL,
  "kind" VARCHAR(255) NOT NULL, "field" VARCHAR(255) NOT NULL, "value" TEXT NOT NULL,
  "clock" VARCHAR(255) NOT NULL, "winner_clock" VARCHAR(255) NOT NULL, "at" INTEGER NOT NULL,
  "reviewed_at" INTEGER);
CREATE UNIQUE INDEX "sync_conflict_write" ON "sync_conflict" ("record", "field", "clock");
CREATE TABLE "sync_peer" ("site" VARCHAR(255) NOT NULL PRIMARY KEY,
  "certificate" TEXT NOT NULL, "fetched_at" INTEGER NOT NULL);
"""


def v3_sync(db: SqliteDatabase) -> None:
    """Sync bookkeeping: wire ids and tombstones, quarantine, conflict log, peer certificates."""
    for statement in _V3_SYNC.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_V4_SCOPES = """
ALTER TABLE "sync_record" ADD COLUMN "scope" VARCHAR(16);
CREATE TABLE "daily_stats" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "clocks" TEXT NOT NULL,
  "erased" INTEGER NOT NULL, "office" VARCHAR(255) NOT NULL, "day" VARCHAR(255) NOT NULL,
  "visits" INTEGER NOT NULL, "interpreter" INTEGER NOT NULL, "locations" TEXT NOT NULL,
  "languages" TEXT NOT NULL, "interpreter_languages" TEXT NOT NULL, "concerns" TEXT NOT NULL,
  "outcomes" TEXT NOT NULL, "referrals" TEXT NOT NULL, "waits" TEXT NOT NULL);
CREATE INDEX "daily_stats_day" ON "daily_stats" ("day", "office");
"""


def v4_scopes(db: SqliteDatabase) -> None:
    """Office scopes: the scope of each synced record id (an erasure acts only within its
    own), and the anonymous daily figures every office publishes to the network."""
    for statement in _V4_SCOPES.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_V5_ERASURE_HOLDS = """
ALTER TABLE "sync_record" ADD COLUMN "erased_clock" VARCHAR(64);
CREATE TABLE "sync_erasure_hold" ("writer" VARCHAR(32) NOT NULL, "day" VARCHAR(10) NOT NULL,
  "state" VARCHAR(10) NOT NULL, "count" INTEGER NOT NULL, "first_seen" INTEGER NOT NULL,
  "decided_at" INTEGER, PRIMARY KEY ("writer", "day"));
CREATE TABLE "sync_erasure_pending" ("rid" VARCHAR(32) NOT NULL PRIMARY KEY,
  "writer" VARCHAR(32) NOT NULL, "day" VARCHAR(10) NOT NULL, "scope" VARCHAR(16),
  "clock" VARCHAR(64), "seq" INTEGER NOT NULL);
CREATE INDEX "sync_erasure_pending_writer_day" ON "sync_erasure_pending" ("writer", "day")
"""


def v5_erasure_holds(db: SqliteDatabase) -> None:
    """Tombstones keep their erasure clock (no content), and mass erasures by one writer in
    one day wait for an admin (``kiosk/sync/erasure_hold.py``): per (writer, day) the count
    and decision, and the held erasures (record ids only)."""
    for statement in _V5_ERASURE_HOLDS.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_V6_NAMES = """
ALTER TABLE "outbox" RENAME COLUMN "changed_at" TO "clock";
ALTER TABLE "sync_peer" RENAME COLUMN "certificate" TO "sign_pub"
"""


def v6_names(db: SqliteDatabase) -> None:
    """Columns named for what they hold: the outbox row's hybrid-logical clock (``clock``,
    not a time) and a peer's public signing key (``sign_pub``, not its certificate)."""
    for statement in _V6_NAMES.split(";"):
        if statement.strip():
            db.execute_sql(statement)


#: Every migration in order; the store's version is the number applied.
MIGRATIONS: list[Migration] = [v1_initial, v2_priority_transfer_mediators, v3_sync, v4_scopes,
                               v5_erasure_holds, v6_names]
LATEST = len(MIGRATIONS)


def schema_version(db: SqliteDatabase) -> int:
    """The store's schema version (0 for a new, empty file)."""
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def upgrade(db: SqliteDatabase, target: int = LATEST) -> list[int]:
    """Apply the missing migrations up to `target`, each in its own transaction.

    Returns:
        The versions applied.
    """
    applied = []
    current = schema_version(db)
    for version in range(current + 1, target + 1):
        with db.atomic("EXCLUSIVE"):
            # Re-read under the lock: another process may have migrated meanwhile.
            if schema_version(db) >= version:
                continue
            MIGRATIONS[version - 1](db)
            db.execute_sql(f"PRAGMA user_version = {version:d}")
        applied.append(version)
    return applied
