"""Mass erasures wait for an admin: one writer erasing many young records in one day is held.

A stolen terminal can sign erasures of everything in its office's scope; one wiped 4,167
records in a single sync. Each receiving site counts, per writer and UTC day of the
erasure's clock, the erasures of records it holds that are younger than the retention
period. Up to the threshold (``[sync] mass_erasure_threshold``, default 50) they apply as
usual; a page that would take the count beyond it, and everything after it of that writer
and day, is **held**: the records stay, the erasures wait (record ids and clocks only, no
content) until an admin releases them (they apply) or rejects them (the records stay, and the
decision is remembered: pulling the same erasures again neither holds nor applies them).
Erasures of records older than retention (retention redaction of old records) and of
records this site does not hold never count; redaction is a field update, not an erasure.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from kiosk.clock.hlc import Timestamp
from kiosk.store import clock_column
from kiosk.store.db import Store
from kiosk.store.models import SYNCED_MODELS
from kiosk.sync.apply import Opened

DEFAULT_THRESHOLD = 50
DAY_MS = 86_400_000


@dataclass(frozen=True)
class HoldPolicy:
    """When to hold: more than ``threshold`` erasures of records younger than
    ``retention_days`` by one writer in one day."""

    threshold: int = DEFAULT_THRESHOLD
    retention_days: int = 90


@dataclass(frozen=True)
class Hold:
    """One writer's day of erasures that waits for an admin (no content)."""

    writer: str
    day: str
    state: str
    count: int
    pending: int
    first_seen: int


def erasure_day(clock: str, now_ms: int) -> str:
    """The UTC day of an erasure's clock (the day it was learnt, if it names none)."""
    try:
        wall = Timestamp.parse(clock).wall_ms if clock else now_ms
    except ValueError:
        wall = now_ms
    return dt.datetime.fromtimestamp(wall / 1000, dt.UTC).date().isoformat()


def _young_held_records(store: Store, erases: list[Opened], now_ms: int,
                        retention_days: int) -> set[str]:
    """The rids among ``erases`` of records this site holds, not erased, younger than
    retention (by their oldest field clock: when the record was made)."""
    rids = sorted({o.rid for o in erases})
    by_kind: dict[str, dict[str, str]] = {}
    for i in range(0, len(rids), 500):
        chunk = rids[i:i + 500]
        for rid, record, kind in store.db.execute_sql(
                "SELECT rid, record, kind FROM sync_record WHERE erased = 0 AND record IS NOT "
                f"NULL AND rid IN ({','.join('?' * len(chunk))})", chunk):
            if kind in SYNCED_MODELS:
                by_kind.setdefault(kind, {})[record] = rid
    cutoff = now_ms - retention_days * DAY_MS
    young = set()
    for kind, ids in by_kind.items():
        table = SYNCED_MODELS[kind]._meta.table_name
        records = sorted(ids)
        for i in range(0, len(records), 500):
            chunk = records[i:i + 500]
            for record, clocks in store.db.execute_sql(
                    f'SELECT id, clocks FROM "{table}" WHERE erased = 0 AND id IN '
                    f"({','.join('?' * len(chunk))})", chunk):
                walls = [Timestamp.parse(c).wall_ms for c in clock_column.unpack(clocks).values()]
                if walls and min(walls) >= cutoff:
                    young.add(ids[record])
    return young


def screen(store: Store, items: list[Opened], policy: HoldPolicy,
           now_ms: int | None = None) -> tuple[list[Opened], int]:
    """(the items to apply now, how many erasures were held); erasures beyond the threshold
    are held, those of a rejected writer and day dropped (call inside the page's write
    transaction)."""
    erases = [o for o in items if o.op == "erase" and not o.reason]
    if not erases:
        return items, 0
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    young = _young_held_records(store, erases, now_ms, policy.retention_days)
    groups: dict[tuple[str, str], list[Opened]] = {}
    for o in erases:
        if o.rid in young:
            groups.setdefault((o.site, erasure_day(o.erased_clock, now_ms)), []).append(o)
    skip: set[int] = set()
    held = 0
    for (writer, day), group in groups.items():
        row = store.db.execute_sql(
            'SELECT state, "count" FROM sync_erasure_hold WHERE writer = ? AND day = ?',
            (writer, day)).fetchone()
        state, count = row if row else ("counting", 0)
        if state == "released":
            continue
        if state == "rejected":
            skip.update(id(o) for o in group)
            continue
        count += len(group)
        if state == "held" or count > policy.threshold:
            state = "held"
            store.db.cursor().executemany(
                "INSERT OR IGNORE INTO sync_erasure_pending (rid, writer, day, scope, clock, "
                "seq) VALUES (?, ?, ?, ?, ?, ?)",
                [(o.rid, writer, day, o.scope, o.erased_clock or None, o.seq) for o in group])
            skip.update(id(o) for o in group)
            held += len(group)
        store.db.execute_sql(
            'INSERT INTO sync_erasure_hold (writer, day, state, "count", first_seen) '
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(writer, day) DO UPDATE SET "
            'state = excluded.state, "count" = excluded."count"',
            (writer, day, state, count, now_ms // 1000))
    return [o for o in items if id(o) not in skip], held


def holds(store: Store, *, all_states: bool = False) -> list[Hold]:
    """Held (writer, day)s, oldest first; with ``all_states`` also decided and counting."""
    where = "" if all_states else "WHERE h.state = 'held'"
    return [Hold(*row) for row in store.db.execute_sql(
        'SELECT h.writer, h.day, h.state, h."count", (SELECT COUNT(*) FROM '
        "sync_erasure_pending p WHERE p.writer = h.writer AND p.day = h.day), h.first_seen "
        f"FROM sync_erasure_hold h {where} ORDER BY h.first_seen, h.writer, h.day")]


def pending_count(store: Store) -> int:
    """How many erasures wait for an admin (for the staff console's notice)."""
    return int(store.db.execute_sql(
        "SELECT COUNT(*) FROM sync_erasure_pending").fetchone()[0])


class NoSuchHold(LookupError):
    """No held erasures of that writer on that day."""


def _held(store: Store, writer: str, day: str) -> list[Opened]:
    row = store.db.execute_sql(
        "SELECT state FROM sync_erasure_hold WHERE writer = ? AND day = ?",
        (writer, day)).fetchone()
    if row is None or row[0] != "held":
        raise NoSuchHold(f"no held erasures of {writer} on {day} (see `kiosk erasures list`)")
    return [Opened(seq, b"", site=writer, rid=rid, op="erase", scope=scope or "",
                   erased_clock=clock or "")
            for rid, scope, clock, seq in store.db.execute_sql(
                "SELECT rid, scope, clock, seq FROM sync_erasure_pending WHERE writer = ? "
                "AND day = ? ORDER BY seq", (writer, day))]


def _decide(store: Store, writer: str, day: str, state: str) -> None:
    store.db.execute_sql(
        "UPDATE sync_erasure_hold SET state = ?, decided_at = ? WHERE writer = ? AND day = ?",
        (state, int(time.time()), writer, day))
    store.db.execute_sql("DELETE FROM sync_erasure_pending WHERE writer = ? AND day = ?",
                         (writer, day))


def release(store: Store, writer: str, day: str) -> int:
    """Apply the held erasures of ``writer`` on ``day`` (they were verified when pulled);
    later ones of that writer and day apply too. Returns how many records were erased."""
    from kiosk.sync.apply import apply_page

    with store.db.atomic("IMMEDIATE"):
        items = _held(store, writer, day)
        result = apply_page(store, items, cursor=None)
        _decide(store, writer, day, "released")
    if result.erased:
        store.scrub_wal()
    return result.erased


def reject(store: Store, writer: str, day: str) -> int:
    """Keep the records: the held erasures are dropped, and later ones of that writer and
    day are ignored (also when pulled again). Returns how many were dropped."""
    with store.db.atomic("IMMEDIATE"):
        items = _held(store, writer, day)
        _decide(store, writer, day, "rejected")
    return len(items)
