"""Applying pulled envelopes: merge per field, log concurrent losses, quarantine the rest.

One page is applied in one ``BEGIN IMMEDIATE`` transaction together with the cursor that
follows it, so a crash anywhere leaves either the page and its cursor or neither.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from kiosk.clock.hlc import HybridClock, Timestamp
from kiosk.store import clock_column
from kiosk.store.db import Store, Writer
from kiosk.store.models import SYNCED_MODELS, Outbox, SyncedModel
from kiosk.sync import records
from kiosk.sync.errors import SiteRestored
from kiosk.sync.merge import canonical_value, concurrent_losses, join
from kiosk.sync.state import CURSOR, set_int

log = logging.getLogger(__name__)

MAX_QUARANTINE_ROWS = 10_000
MAX_QUARANTINE_BYTES = 64 * 1024 * 1024
"""Bounds of the quarantine: a server (or a writer) that sends nothing but bad envelopes
must not fill the site's disk. Beyond either, the oldest rows are dropped first (they
are still on the server; a re-pull after a new epoch would bring them back)."""


@dataclass
class Opened:
    """One pulled envelope after verification: either a state to merge or a reason."""

    seq: int
    raw: bytes
    site: str = ""
    rid: str = ""
    gen: int = 0
    op: str = "put"
    scope: str = ""
    kind: str = ""
    record_id: str = ""
    fields: dict[str, tuple[str, Any, str]] | None = None
    newest: str = ""
    own_newest: str = ""
    """The newest clock of a field this machine wrote, in another machine's envelope."""
    db_row: tuple[tuple[Any, ...], str, str] | None = None
    reason: str | None = None
    detail: str = ""
    body: bytes = b""
    erased_clock: str = ""
    """An erasure's clock (when it happened), if its envelope carries one."""

    def field_map(self) -> dict[str, tuple[str, Any, str]] | None:
        """The decoded fields; a pool worker ships only the body (a dict of 30 clocked
        fields costs more to pickle and unpickle than to decode where it is needed)."""
        if self.fields is None and self.body:
            self.fields = records.decode_body(self.body)[2]
        return self.fields

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if state["body"]:
            state["fields"] = None
        return state


GROUP_RECORDS = 20_000
GROUP_SECONDS = 1.0
FIRST_SYNC_RECORDS = 400_000
FIRST_SYNC_SECONDS = 10.0
"""Groups of a site's first sync: it holds the write lock up to 10 s at a time, inside the
store's 15 s busy timeout, so a check-in meanwhile waits but does not fail."""


@dataclass
class ApplyResult:
    merged: int = 0
    unchanged: int = 0
    quarantined: int = 0
    conflicts: int = 0
    erased: int = 0
    held: int = 0
    """Erasures held back for an admin (a mass erasure)."""
    applied_ids: list[int] = field(default_factory=list)
    visit_days: set[str] = field(default_factory=set)
    """Days of the visits this page changed (their office's figures are published again)."""


@dataclass
class _Work:
    rid: str
    kind: str | None
    record_id: str | None
    scope: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    clocks: dict[str, str] = field(default_factory=dict)
    erased: bool = False
    bases: dict[str, str] = field(default_factory=dict)
    synced: dict[str, str] = field(default_factory=dict)
    dirty: bool = False
    prebuilt: tuple[tuple[Any, ...], str, str] | None = None
    lazy: Opened | None = None
    erased_clock: str | None = None

    def materialize(self) -> None:
        """Turn a record taken over whole from one envelope into mergeable dicts."""
        if self.lazy is not None:
            for name, (clock, value, base) in (self.lazy.field_map() or {}).items():
                self.values[name] = value
                self.clocks[name] = self.synced[name] = clock
                if base:
                    self.bases[name] = base
            self.lazy = self.prebuilt = None


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _load_sync_records(store: Store, rids: list[str]) -> dict[str, _Work]:
    out = {}
    for chunk in _chunks(rids):
        marks = ",".join("?" * len(chunk))
        for rid, rec, kind, scope, erased, bases, synced in store.db.execute_sql(
                "SELECT rid, record, kind, scope, erased, bases, synced FROM sync_record "
                f"WHERE rid IN ({marks})", chunk):
            out[rid] = _Work(rid, kind, rec, scope, erased=bool(erased),
                             bases=json.loads(bases), synced=clock_column.unpack(synced))
    return out


def _in_outbox(store: Store, ids: list[str]) -> set[str]:
    """The ids among ``ids`` that wait in the outbox (usually none: a pull follows a push)."""
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(r for (r,) in store.db.execute_sql(
            f'SELECT record FROM "{Outbox._meta.table_name}" '
            f"WHERE record IN ({','.join('?' * len(chunk))})", chunk))
    return found


def load_rows(store: Store, model: type[SyncedModel], ids: list[str]
              ) -> dict[str, tuple[dict[str, Any], dict[str, str], bool]]:
    """Rows by id: (synced field values, clocks, erased)."""
    cols = records.columns(model)
    names = model.SYNCED_FIELDS
    select = ", ".join(f'"{c}"' for c in cols)
    out = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for row in store.db.execute_sql(
                f'SELECT id, clocks, erased, {select} FROM "{model._meta.table_name}" '
                f"WHERE id IN ({marks})", chunk):
            values = {n: records.from_db(model, n, v) for n, v in zip(names, row[3:],
                                                                       strict=True)}
            out[row[0]] = (values, clock_column.unpack(row[1]), bool(row[2]))
    return out


def write_rows(store: Store, model: type[SyncedModel], works: list[_Work]) -> None:
    """Upsert merged rows; erased records' rows are deleted (the tombstone stays in
    ``sync_record``), so a site that only ever saw the erasure holds the same as one that
    knew the record, and no personal value survives."""
    gone = [(w.record_id,) for w in works if w.erased]
    if gone:
        store.db.cursor().executemany(
            f'DELETE FROM "{model._meta.table_name}" WHERE id = ?', gone)
    works = [w for w in works if not w.erased]
    if not works:
        return
    names = model.SYNCED_FIELDS
    cols = records.columns(model)
    table = model._meta.table_name
    all_cols = ["id", "clocks", "erased", *cols]
    sql = (f'INSERT INTO "{table}" ({", ".join(repr_col(c) for c in all_cols)}) '
           f'VALUES ({", ".join("?" * len(all_cols))}) ON CONFLICT(id) DO UPDATE SET '
           + ", ".join(f"{repr_col(c)}=excluded.{repr_col(c)}" for c in all_cols[1:]))
    rows = []
    for w in works:
        if w.prebuilt is not None:  # a new record, converted in the pool's worker
            rows.append((w.record_id, w.prebuilt[1], 0, *w.prebuilt[0]))
            continue
        vals = [records.to_db(model, n, w.values[n] if n in w.values
                              else records.default_value(model, n)) for n in names]
        rows.append((w.record_id, clock_column.pack(w.clocks), 0, *vals))
    store.db.cursor().executemany(sql, rows)


def repr_col(name: str) -> str:
    return f'"{name}"'


def write_sync_records(store: Store, works: list[_Work]) -> None:
    """Upsert the sync bookkeeping; a tombstone keeps the clock of the first erasure known
    (record id and clock only: pushed again after a restore, it still says when)."""
    store.db.cursor().executemany(
        "INSERT INTO sync_record (rid, record, kind, scope, erased, bases, synced, "
        "erased_clock) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(rid) DO UPDATE SET "
        "record=excluded.record, kind=excluded.kind, scope=excluded.scope, "
        "erased=excluded.erased, bases=excluded.bases, synced=excluded.synced, "
        "erased_clock=COALESCE(sync_record.erased_clock, excluded.erased_clock)",
        [(w.rid, w.record_id, w.kind, w.scope, int(w.erased),
          "{}" if w.erased else w.prebuilt[2] if w.prebuilt else _dumps(w.bases),
          "{}" if w.erased else w.prebuilt[1] if w.prebuilt else clock_column.pack(w.synced),
          (w.erased_clock or None) if w.erased else None)
         for w in works])


def _dumps(obj: dict[str, str]) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def forget_erased(store: Store, works: list[_Work]) -> None:
    """An erased record leaves no conflict-log values and no pending outbox entry behind."""
    ids = [(w.record_id,) for w in works if w.erased and w.record_id]
    if ids:
        store.db.cursor().executemany("DELETE FROM sync_conflict WHERE record = ?", ids)
        store.db.cursor().executemany(
            f'DELETE FROM "{Outbox._meta.table_name}" WHERE record = ?', ids)


def quarantine(store: Store, items: list[Opened], now_s: int) -> int:
    """Keep envelopes that failed a check, with the reason; bounded (see
    ``MAX_QUARANTINE_ROWS``/``MAX_QUARANTINE_BYTES``). Call inside the page's transaction."""
    rows = [(o.seq, o.site or None, o.rid or None, o.gen or None, o.reason,
             (o.detail or "")[:250], o.raw, now_s) for o in items]
    cur = store.db.cursor()
    cur.executemany("INSERT OR IGNORE INTO sync_quarantine (seq, site, rid, gen, reason, detail,"
                    " envelope, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    trim_quarantine(store)
    return len(rows)


def trim_quarantine(store: Store) -> int:
    """Drop the oldest quarantined envelopes beyond the bounds; returns how many went.

    The log line names counts, bytes and reason codes only: an envelope is ciphertext, and
    its clear header's ids say nothing a log should keep.
    """
    count, size = store.db.execute_sql(
        "SELECT COUNT(*), COALESCE(SUM(LENGTH(envelope)), 0) FROM sync_quarantine").fetchone()
    if count <= MAX_QUARANTINE_ROWS and size <= MAX_QUARANTINE_BYTES:
        return 0
    drop: list[tuple[int]] = []
    reasons: dict[str, int] = {}
    freed = 0
    for row_id, length, reason in store.db.execute_sql(
            "SELECT id, LENGTH(envelope), reason FROM sync_quarantine ORDER BY id"):
        if count - len(drop) <= MAX_QUARANTINE_ROWS and size - freed <= MAX_QUARANTINE_BYTES:
            break
        drop.append((row_id,))
        freed += length
        reasons[reason] = reasons.get(reason, 0) + 1
    store.db.cursor().executemany("DELETE FROM sync_quarantine WHERE id = ?", drop)
    log.warning("sync quarantine full: dropped the %d oldest envelopes (%d bytes; %s)",
                len(drop), freed, ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())))
    return len(drop)


def _merge_items(store: Store, good: list[Opened], result: ApplyResult
                 ) -> tuple[dict[str, _Work], list[tuple]]:
    """Merge every opened (verified) envelope into the page's working set of records.

    A stored row is looked up only for a record this site holds in ``sync_record`` or has
    in its outbox: every synced row is written either by the store's writer (which fills
    the outbox in the same transaction) or by this module (which writes ``sync_record``),
    and a push removes an outbox row only after ``sync_record`` holds the record. Records
    new to the site (a first sync: all of them) then cost no look-up in their table.
    """
    works = _load_sync_records(store, sorted({o.rid for o in good}))
    wanted: dict[str, set[str]] = {}
    queued = _in_outbox(store, sorted({o.record_id for o in good
                                       if o.op == "put" and o.rid not in works}))
    for o in good:
        if o.op == "put" and o.record_id in queued:
            wanted.setdefault(o.kind, set()).add(o.record_id)
    for w in works.values():
        if w.kind in SYNCED_MODELS and w.record_id:
            wanted.setdefault(w.kind, set()).add(w.record_id)
    rows = {kind: load_rows(store, SYNCED_MODELS[kind], sorted(ids))
            for kind, ids in wanted.items()}
    conflicts: list[tuple] = []
    now_s = int(time.time())
    for o in good:
        w = works.get(o.rid)
        if w is None:
            w = works[o.rid] = _Work(o.rid, o.kind or None, o.record_id or None, o.scope)
        if w.scope and o.scope != w.scope:
            # An erasure acts only within its scope: a network-scope erasure cannot touch an
            # office's record (nor the reverse), and a tombstone of another scope does not
            # keep the record out.
            if o.op == "erase":
                result.unchanged += 1
                continue
            if w.erased and w.lazy is None and not w.values:
                w.erased, w.record_id, w.kind = False, None, None
            w.scope = o.scope
        w.scope = w.scope or o.scope
        if o.op == "put" and w.record_id is None:
            w.kind, w.record_id = o.kind, o.record_id
        if w.record_id and w.kind in rows and not w.values and not w.clocks:
            found = rows[w.kind].get(w.record_id)
            if found:
                w.values, w.clocks = dict(found[0]), dict(found[1])
                w.erased = w.erased or found[2]
        if w.erased:
            result.unchanged += 1
            continue
        if o.op == "erase":
            w.erased = w.dirty = True
            w.erased_clock = o.erased_clock or erasure_seen_clock(store)
            result.merged += 1
            continue
        if not w.clocks and not w.synced and w.lazy is None and o.db_row:
            if o.own_newest:
                raise forgotten_own_write(store, o)
            # a record new to this site: taken over whole, converted by the pool's worker
            w.lazy, w.prebuilt, w.dirty = o, o.db_row, True
            result.merged += 1
            continue
        w.materialize()
        w.prebuilt = None
        local = records.row_state(SYNCED_MODELS[w.kind], w.values, w.clocks, False,
                                  w.bases, w.synced)
        incoming = records.to_state(o.field_map() or {})
        merged = join(local, incoming)
        updates = [(n, e) for n, e in merged.fields.items()
                   if (mine := local.fields.get(n)) is None or mine.cmp(e) != 0]
        if o.own_newest and any(str(e.clock).endswith(f".{store.writer}")
                                for _, e in updates):
            raise forgotten_own_write(store, o)
        losses = concurrent_losses(local, incoming)
        for name, entry in updates:
            w.values[name] = entry.value
            w.clocks[name] = entry.clock
            w.synced[name] = entry.clock
            if entry.base:
                w.bases[name] = entry.base
            else:
                w.bases.pop(name, None)
        changed = bool(updates)
        for loss in losses:
            conflicts.append((w.record_id, w.kind, loss.field, canonical_value(loss.loser.value),
                              loss.loser.clock, loss.winner.clock, now_s))
        if changed:
            w.dirty = True
            result.merged += 1
        else:
            result.unchanged += 1
    return works, conflicts


def observe_clocks(store: Store, items: list[Opened]) -> None:
    """Advance this site's HLC past every clock it has now seen (so later edits win)."""
    newest = max((o.newest for o in items), default="")
    if not newest:
        return
    text = store.setting("hlc")
    clock = HybridClock(store.writer, Timestamp.parse(text) if text else None,
                        max_drift_ms=10**15)
    clock.observe(Timestamp.parse(newest))
    store.set_setting("hlc", str(clock.last))


class PageGroup:
    """Consecutive pages applied in one transaction (each page, with its cursor, inside it
    as a savepoint), committed after ``GROUP_RECORDS`` records or ``GROUP_SECONDS``.

    A first sync inserts under random keys: a commit of 1,000 records rewrote (and fsync'd)
    about three index pages per record; ten times as many records per commit share most of
    those pages. The write lock is held at most about ``GROUP_SECONDS`` longer than for
    one page. A site's first sync uses ``FIRST_SYNC_RECORDS`` and ``FIRST_SYNC_SECONDS``:
    at a million records its random-key indexes outgrow what a second of inserts shares,
    and every commit rewrote most of their pages (1M records, the same run otherwise: one
    commit a second wrote 14.5 GB for a 1.4 GB store, 8,800/s; every 5 s 7.1 GB, 10,000/s;
    every 10 s 5.8 GB, 10,400/s). A new site has no queue yet; a check-in meanwhile waits
    for the lock (at most about 10 s, inside the store's 15 s busy timeout).

    Whatever ends the group (the last page, an error), the pages applied so far are
    committed: each is complete with its cursor; a page that failed rolled back its own
    savepoint.
    """

    def __init__(self, store: Store, records: int = GROUP_RECORDS,
                 seconds: float = GROUP_SECONDS) -> None:
        self.store, self.records, self.seconds = store, records, seconds
        self._txn: Any = None
        self._count = 0
        self._since = 0.0

    def __enter__(self) -> PageGroup:
        return self

    def begin(self) -> None:
        """Before a page: open the group's transaction if none is open."""
        if self._txn is None:
            self._txn = self.store.db.atomic("IMMEDIATE")
            self._txn.__enter__()
            self._count, self._since = 0, time.monotonic()

    def applied(self, n: int) -> None:
        """After a page: commit once the group is large or old enough."""
        self._count += n
        if self._count >= self.records or time.monotonic() - self._since >= self.seconds:
            self.commit()

    def commit(self) -> None:
        if self._txn is not None:
            txn, self._txn = self._txn, None
            txn.__exit__(None, None, None)

    def __exit__(self, *exc: object) -> None:
        self.commit()


def forgotten_own_write(store: Store, o: Opened) -> SiteRestored:
    """A field this machine wrote that its store no longer has: the store was restored.

    Every write of this machine is in its own store until an erasure removes the whole
    record (which leaves a tombstone), so another machine's copy of a write this store lacks
    means the store went back in time. The server's view of the writer counter says so
    too, unless the server was restored as well; this check needs nothing from the server.
    """
    return SiteRestored(
        f"another machine holds a write of this site ({o.kind} record, clock "
        f"{o.own_newest}) that this store does not have: it was restored from an older "
        "backup. Run `kiosk sync --reincarnate` to recover it (see the runbook).")


def apply_page(store: Store, items: list[Opened], *, cursor: int | None,
               hold: Any = None) -> ApplyResult:
    """Merge a page and (if given) store the cursor after it, in one transaction.

    With ``hold`` (an ``erasure_hold.HoldPolicy``), a mass erasure is held back for an admin
    instead of applied (``kiosk/sync/erasure_hold.py``)."""
    result = ApplyResult()
    bad = [o for o in items if o.reason]
    good = [o for o in items if not o.reason]
    with store.db.atomic("IMMEDIATE"):
        if good and hold is not None:
            from kiosk.sync.erasure_hold import screen

            good, result.held = screen(store, good, hold)
        if good:
            works, conflicts = _merge_items(store, good, result)
            dirty = [w for w in works.values() if w.dirty]
            result.visit_days.update(_visit_days(dirty))
            for kind, model in SYNCED_MODELS.items():
                write_rows(store, model, [w for w in dirty if w.kind == kind and w.record_id])
            write_sync_records(store, dirty)
            forget_erased(store, dirty)
            result.erased = sum(1 for w in dirty if w.erased)
            if conflicts:
                store.db.cursor().executemany(
                    "INSERT OR IGNORE INTO sync_conflict (record, kind, field, value, clock, "
                    "winner_clock, at) VALUES (?, ?, ?, ?, ?, ?, ?)", conflicts)
                result.conflicts = len(conflicts)
            observe_clocks(store, good)
        if bad:
            result.quarantined = quarantine(store, bad, int(time.time()))
        if cursor is not None:
            set_int(store, CURSOR, cursor)
    return result


_VISIT_DAY = SYNCED_MODELS["visit"].SYNCED_FIELDS.index("day")


def _visit_days(works: list[_Work]) -> set[str]:
    days = set()
    for w in works:
        if w.kind != "visit" or w.erased:
            continue
        day = w.prebuilt[0][_VISIT_DAY] if w.prebuilt is not None else w.values.get("day")
        if isinstance(day, str):
            days.add(day)
    return days


def erasure_seen_clock(store: Store) -> str:
    """For an erasure whose envelope names no clock (written before they did): the moment
    this site learnt of it, as a clock of this site."""
    return str(Timestamp(int(time.time() * 1000), 0, store.writer))


def erase_record(writer: Writer, model: type[SyncedModel], record_id: str) -> None:
    """Erase a record network-wide (GDPR Art. 17), inside a ``store.writing()`` transaction.

    The row, its conflict-log entries and its clocks go at once (``secure_delete`` is on);
    a tombstone of its wire id stays so no older state can bring it back, and the outbox
    carries the erasure to the other sites.
    """
    store = writer.store
    stamp = str(writer.stamp())
    rid = records.rid_for(model.KIND, record_id)
    w = _Work(rid, model.KIND, record_id, records.scope_of(model.KIND, store.site),
              erased=True, dirty=True, erased_clock=stamp)
    write_rows(store, model, [w])
    write_sync_records(store, [w])
    forget_erased(store, [w])
    Outbox.insert(record=record_id, kind=model.KIND, changed_at=stamp
                  ).on_conflict_replace().execute()
    writer.erased = True
