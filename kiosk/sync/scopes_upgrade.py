"""A store that synced before office scopes: re-seal its own records, later drop the others.

Before office scopes every machine pulled every office's visits. After the server's upgrade
(``sync-server upgrade-scopes``) nothing of that is served any more, so each machine's first
sync with the new release **re-seals** what its office needs into the new scopes: every
record of its own office (visits and appointments whose ``site`` is this office) into the
office's scope, and the network's records (the mediator register) into the network scope —
it puts them into the outbox, and the push does the rest. Records of other offices are not
re-sealed by this machine (their own office does that) and leave the outbox.

Once the admin confirms the upgrade everywhere (``sync-server upgrade-scopes --finish``), the
server says ``legacy: finished`` in ``/v1/config`` and the next sync **deletes** every other
office's visits and appointments with their sync bookkeeping, conflict-log and outbox rows
and the quarantined envelopes of the old format, then truncates the WAL. Trusting the server
with that flag is harmless: it can only make this machine delete copies of other offices'
data that it must not hold anyway.
"""

from __future__ import annotations

from kiosk.store.db import Store
from kiosk.store.models import SYNCED_MODELS
from kiosk.sync.records import NETWORK_KINDS, OFFICE_KINDS
from wire.ids import NETWORK_SCOPE

PHASE = "scopes_upgrade"
"""Setting: ``resealed`` (other offices' copies still here) → ``done``; ``none`` for a store
that had nothing of the old format (checked once, so later syncs do not scan)."""
RESEALED_AT = "scopes_upgrade_resealed_at"
REQUEUE_STAMP = "0"
"""``clock`` of a re-sealed record's outbox row: sorts before any real change, and a
real change meanwhile replaces the row (so it is pushed with its newest state)."""


def _in_chunks(ids: list[str], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def reseal(store: Store, office: str, now_s: int) -> int:
    """Queue this office's and the network's records of the old format for pushing; the
    number queued (0 when the store has nothing of the old format left).

    Records are of the old format when their ``sync_record`` row has no scope yet (written
    before the store's migration to office scopes). One write transaction.
    """
    db = store.db
    if store.setting(PHASE) is not None:
        return 0
    with db.atomic("IMMEDIATE"):
        rows = list(db.execute_sql(
            "SELECT rid, record, kind, erased FROM sync_record WHERE scope IS NULL"))
        if not rows:
            store.set_setting(PHASE, "none")
            return 0
        owner: dict[str, str] = {}
        for kind in OFFICE_KINDS:
            ids = [r[1] for r in rows if r[2] == kind and r[1]]
            table = SYNCED_MODELS[kind]._meta.table_name
            for chunk in _in_chunks(ids):
                owner.update(db.execute_sql(
                    f'SELECT id, site FROM "{table}" WHERE id IN ({",".join("?" * len(chunk))})',
                    chunk))
        scopes, queue, foreign = [], [], []
        for rid, record, kind, erased in rows:
            if kind in OFFICE_KINDS and record in owner:
                scope = owner[record]
                if scope == office:
                    queue.append((record, kind))
                else:
                    foreign.append(record)
            elif kind in NETWORK_KINDS and not erased:
                scope = NETWORK_SCOPE
                queue.append((record, kind))
            else:
                # an erased record of unknown office: its tombstone stays (it holds no
                # personal data) without a scope, so it is never pushed into one; the erasure
                # reached every machine before the upgrade and the server keeps its marker
                continue
            scopes.append((scope, rid))
        db.cursor().executemany("UPDATE sync_record SET scope = ? WHERE rid = ?", scopes)
        db.cursor().executemany(
            'INSERT OR IGNORE INTO "outbox" ("record", "kind", "clock") VALUES (?, ?, ?)',
            [(record, kind, REQUEUE_STAMP) for record, kind in queue])
        # another office's record cannot be pushed from here (its scope is not ours)
        db.cursor().executemany('DELETE FROM "outbox" WHERE record = ?',
                                [(r,) for r in foreign])
        store.set_setting(PHASE, "resealed")
        store.set_setting(RESEALED_AT, str(now_s))
    return len(queue)


def purge_pending(store: Store) -> bool:
    """Whether this store still holds other offices' copies from before office scopes."""
    return store.setting(PHASE) == "resealed"


def purge_other_offices(store: Store, office: str) -> int:
    """Delete every other office's visits and appointments with their bookkeeping, and the
    quarantined envelopes of the old format; truncate the WAL. The number of records gone."""
    db = store.db
    gone = 0
    with db.atomic("IMMEDIATE"):
        for kind in sorted(OFFICE_KINDS):
            table = SYNCED_MODELS[kind]._meta.table_name
            ids = [r for (r,) in db.execute_sql(
                f'SELECT id FROM "{table}" WHERE site != ?', (office,))]
            for chunk in _in_chunks(ids):
                marks = ",".join("?" * len(chunk))
                for other in ("sync_conflict", "outbox", "sync_record"):
                    db.execute_sql(f'DELETE FROM "{other}" WHERE record IN ({marks})', chunk)
                db.execute_sql(f'DELETE FROM "{table}" WHERE id IN ({marks})', chunk)
            gone += len(ids)
        # sync_record rows of other offices' records this machine never had as rows
        db.execute_sql("DELETE FROM sync_record WHERE scope NOT IN (?, ?) AND erased = 0",
                       (office, NETWORK_SCOPE))
        resealed_at = int(store.setting(RESEALED_AT) or 0)
        db.execute_sql("DELETE FROM sync_quarantine WHERE at < ?", (resealed_at,))
        store.set_setting(PHASE, "done")
    store.scrub_wal()
    return gone
