"""Building push batches from the outbox, and marking them synced once acknowledged.

Each outbox row becomes one envelope carrying the record's *whole* merged state (so the
server may keep only a writer's newest envelope per record). Writer counters are reserved
and persisted before anything leaves; outbox rows are deleted only after the server
acknowledged the batch, and only if the record did not change again meanwhile.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

from kiosk.crypto.site_keys import SiteKeys, newest_generations
from kiosk.store import clock_column
from kiosk.store.db import Store
from kiosk.store.models import SYNCED_MODELS, Outbox
from kiosk.sync import records
from kiosk.sync.apply import load_rows
from kiosk.sync.errors import NotSetUp
from kiosk.sync.merge import ERASED, State
from kiosk.sync.state import (
    ACKED_HIGH,
    REPUSH_TOMBSTONES,
    allocate_counters,
    get_int,
    set_int,
)
from wire.envelope import Envelope, Header, seal_batch
from wire.fields import FORMAT_VERSION


@dataclass
class Pending:
    """One outbox row on its way: what was sent, and what to record when acknowledged."""

    record: str
    kind: str
    clock: str
    rid: str
    ctr: int
    state: State
    env: Envelope | None = None
    scope: str = ""
    """The scope to seal into when the kind is not known (an erasure marker only)."""
    erased_clock: str = ""
    """When the erasure happened (sealed into an erasure marker's body; no content)."""


def outbox_snapshot(store: Store) -> list[tuple[str, str, str]]:
    """(record, kind, clock) of every outbox row, oldest change first."""
    return list(store.db.execute_sql(
        f'SELECT record, kind, clock FROM "{Outbox._meta.table_name}" '
        "ORDER BY clock, record"))


def reserve(store: Store, rows: list[tuple[str, str, str]]) -> list[Pending]:
    """Read the current state of each row's record and reserve a counter for it (one txn)."""
    out: list[Pending] = []
    with store.db.atomic("IMMEDIATE"):
        by_kind: dict[str, list[str]] = {}
        for record, kind, _ in rows:
            by_kind.setdefault(kind, []).append(record)
        loaded = {kind: load_rows(store, SYNCED_MODELS[kind], ids)
                  for kind, ids in by_kind.items() if kind in SYNCED_MODELS}
        meta = {}
        erasure_clocks: dict[str, str] = {}
        ids = [r[0] for r in rows]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for rid, rec, erased, bases, synced, clock in store.db.execute_sql(
                    "SELECT rid, record, erased, bases, synced, erased_clock FROM sync_record "
                    f"WHERE record IN ({','.join('?' * len(chunk))})", chunk):
                meta[rec] = (rid, bool(erased), json.loads(bases), clock_column.unpack(synced))
                erasure_clocks[rec] = clock or ""
        new_meta = []
        for record, kind, clock in rows:
            row = loaded.get(kind, {}).get(record)
            rid, was_erased, bases, synced = meta.get(
                record, (records.rid_for(kind, record), False, {}, {}))
            if row is None and not was_erased:
                continue
            values, clocks, erased = row or ({}, {}, True)
            if record not in meta:
                new_meta.append((rid, record, kind, records.scope_of(kind, store.site)))
            state = records.row_state(SYNCED_MODELS[kind], values, clocks,
                                      erased or was_erased, bases, synced)
            out.append(Pending(record, kind, clock, rid, 0, state,
                               erased_clock=erasure_clocks.get(record, "")))
        if new_meta:
            store.db.cursor().executemany(
                "INSERT OR IGNORE INTO sync_record (rid, record, kind, scope) "
                "VALUES (?, ?, ?, ?)",
                new_meta)
        if out:
            first = allocate_counters(store, len(out))
            for i, p in enumerate(out):
                p.ctr = first + i
        gone = {r[0] for r in rows} - {p.record for p in out}
        if gone:
            store.db.cursor().executemany(
                f'DELETE FROM "{Outbox._meta.table_name}" WHERE record = ?',
                [(g,) for g in gone])
    return out


def orphan_tombstones(store: Store) -> list[Pending]:
    """Erasure markers of records this site never held, due again after a requeue.

    A site that first synced after an erasure has the marker (wire id and scope) but not the
    record, so the outbox (keyed by record id) cannot carry it. A server restored from before
    the erasure learns it from this site too, even when the machines that held the record
    are gone. Counters are reserved here, as for outbox rows."""
    if store.setting(REPUSH_TOMBSTONES) is None:
        return []
    with store.db.atomic("IMMEDIATE"):
        rows = list(store.db.execute_sql(
            "SELECT rid, scope, erased_clock FROM sync_record WHERE erased = 1 "
            "AND record IS NULL AND scope IS NOT NULL ORDER BY rid"))
        out = [Pending("", "", "", rid, 0, ERASED, scope=scope, erased_clock=clock or "")
               for rid, scope, clock in rows]
        if out:
            first = allocate_counters(store, len(out))
            for i, p in enumerate(out):
                p.ctr = first + i
    return out


def tombstones_pushed(store: Store) -> None:
    """Every marker of :func:`orphan_tombstones` was acknowledged."""
    with store.db.atomic("IMMEDIATE"):
        store.db.execute_sql('DELETE FROM "setting" WHERE "key" = ?', (REPUSH_TOMBSTONES,))


def seal_all(pending: list[Pending], keys: SiteKeys, net: str, office: str,
             datakeys: dict[tuple[str, int], bytes], retention_days: int,
             today: dt.date | None = None) -> None:
    """Encrypt each pending record's state into its scope (its office's, or the network's)
    under that scope's newest generation, and sign them in trees (one signature per
    ``TREE_SIZE`` envelopes; each still verifies alone)."""
    newest = newest_generations(datakeys)
    items = []
    for p in pending:
        values = {n: e.value for n, e in p.state.fields.items()}
        exp = records.expiry_day(p.kind, {} if p.state.erased else values, retention_days,
                                 today)
        scope = p.scope or records.scope_of(p.kind, office)
        if scope not in newest:
            raise NotSetUp(f"no data key of scope {scope}: import this machine's bundle "
                           "(`kiosk keys import`)")
        header = Header(v=FORMAT_VERSION, net=net, scope=scope, gen=newest[scope],
                        rid=p.rid, site=keys.writer, ctr=p.ctr,
                        op="erase" if p.state.erased else "put", exp=exp)
        body = p.erased_clock.encode("ascii") if p.state.erased \
            else records.encode_body(p.kind, p.record, p.state)
        items.append((header, body))
    for p, env in zip(pending, seal_batch(items, datakeys, keys.sign), strict=True):
        p.env = env


def by_size(pending: list[Pending], max_request: int) -> Iterator[list[Pending]]:
    """Cut sealed envelopes into requests that stay under the server's published size limit."""
    batch: list[Pending] = []
    size = 64
    budget = int(max_request * 0.9)
    for p in pending:
        n = len(p.env.to_bytes()) * 4 // 3 + 8
        if batch and size + n > budget:
            yield batch
            batch, size = [], 64
        batch.append(p)
        size += n
    if batch:
        yield batch


def acknowledge(store: Store, pending: list[Pending]) -> None:
    """After the server stored a batch: outbox rows go (unless changed since), clocks noted."""
    with store.db.atomic("IMMEDIATE"):
        store.db.cursor().executemany(
            f'DELETE FROM "{Outbox._meta.table_name}" WHERE record = ? AND clock = ?',
            [(p.record, p.clock) for p in pending])
        rows = []
        for p in pending:
            if p.state.erased:
                rows.append((1, "{}", "{}", p.rid))
                continue
            synced = {n: e.clock for n, e in p.state.fields.items()}
            bases = {n: e.base for n, e in p.state.fields.items() if e.base}
            rows.append((0, json.dumps(bases, sort_keys=True, separators=(",", ":")),
                         clock_column.pack(synced), p.rid))
        store.db.cursor().executemany(
            "UPDATE sync_record SET erased = MAX(erased, ?), bases = ?, synced = ? "
            "WHERE rid = ?", rows)
        high = max(p.ctr for p in pending)
        if high > get_int(store, ACKED_HIGH):
            set_int(store, ACKED_HIGH, high)
