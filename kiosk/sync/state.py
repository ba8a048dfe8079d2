"""The sync client's small persistent state, kept in the store's settings table.

Everything here changes inside the same transaction as the data it describes: the cursor
with the page it applied, the writer counter before an envelope carrying it leaves.
"""

from __future__ import annotations

from kiosk.store.db import Store
from kiosk.store.models import SYNCED_MODELS, Outbox
from kiosk.sync.errors import NotSetUp
from wire.ids import NETWORK_SCOPE

CURSOR = "sync.cursor"
EPOCH = "sync.epoch"
COUNTER = "sync.counter"
ACKED_HIGH = "sync.acked_high"
LAST_SYNC = "sync.last_sync_at"
SERVER = "sync.server"
OFFSET = "sync.clock_offset_ms"
REPUSH_TOMBSTONES = "sync.repush_tombstones"
"""Set with a requeue: erasure markers of records this site never held are still to go out."""


def resolve_server_url(flag: str | None, store: Store | None = None,
                       configured: str | None = None) -> str:
    """The sync server to talk to, decided in this one place: ``--server``, else the URL
    this site enrolled with, else the network configuration's ``sync_server``."""
    url = flag or (store.setting(SERVER) if store is not None else None) or configured
    if not url:
        raise NotSetUp("no sync server known: pass --server URL (or enrol first)")
    return url


def get_int(store: Store, key: str, default: int = 0) -> int:
    value = store.setting(key)
    return int(value) if value is not None else default


def set_int(store: Store, key: str, value: int) -> None:
    store.set_setting(key, str(int(value)))


def allocate_counters(store: Store, n: int) -> int:
    """Reserve ``n`` writer counters (call inside a write transaction); returns the first.

    Persisted before any envelope carrying them is sent, so a crash can leave gaps but never
    reuse a counter for other content.
    """
    first = get_int(store, COUNTER) + 1
    set_int(store, COUNTER, first + n - 1)
    return first


def requeue_everything(store: Store) -> int:
    """Put every synced record back in the outbox (new server epoch, or a reincarnation).

    Records that belong to an office only of this office: another office's daily figures
    pushed from here would be refused by every peer, and a store upgraded from before office
    scopes may still hold other offices' visits, which must never go into this scope.

    Tombstones of this machine's scopes too: a server restored from a backup made before an
    erasure still holds the record's last envelope, and only a re-pushed erasure marker makes
    it delete that and hand out the marker instead (the push seals an erased record as an
    erasure, no content).
    """
    from kiosk.sync.records import OFFICE_KINDS, OWNED_NETWORK_KINDS

    total = 0
    for kind, model in SYNCED_MODELS.items():
        column = "site" if kind in OFFICE_KINDS else OWNED_NETWORK_KINDS.get(kind)
        own = (f' WHERE "{column}" = ?', (store.site,)) if column else ("", ())
        cursor = store.db.execute_sql(
            f'INSERT OR IGNORE INTO "{Outbox._meta.table_name}" (record, kind, clock) '
            f'SELECT id, ?, ? FROM "{model._meta.table_name}"{own[0]}', (kind, "0", *own[1]))
        total += cursor.rowcount
    store.set_setting(REPUSH_TOMBSTONES, "1")  # markers without a record id: see push.py
    kinds = sorted(SYNCED_MODELS)
    cursor = store.db.execute_sql(
        f'INSERT OR IGNORE INTO "{Outbox._meta.table_name}" (record, kind, clock) '
        "SELECT record, kind, ? FROM sync_record WHERE erased = 1 AND record IS NOT NULL "
        f"AND kind IN ({', '.join('?' * len(kinds))}) AND scope IN (?, ?)",
        ("0", *kinds, store.site, NETWORK_SCOPE))
    return total + cursor.rowcount


def last_sync_status(store: Store) -> tuple[int | None, int]:
    """(when this site last completed a sync, ms since the epoch or None; outbox rows waiting).

    Cheap enough for the staff console to call on every refresh.
    """
    last = store.setting(LAST_SYNC)
    pending = store.db.execute_sql(
        f'SELECT COUNT(*) FROM "{Outbox._meta.table_name}"').fetchone()[0]
    return (int(last) if last else None), int(pending)
