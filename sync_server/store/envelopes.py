"""Push and pull: the server's merge-without-reading on clear headers, and the change feed.

Pushes are serialised in the database (``BEGIN IMMEDIATE`` on SQLite; a row lock on the
sequence counter on PostgreSQL, taken first in the push transaction), so sequence numbers
become visible in commit order and a pull of "everything after N" can never skip a row, even
with several server processes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from peewee import SqliteDatabase

from sync_server.protocol import Envelope
from sync_server.quota import Quota
from sync_server.store.db import (
    Counter,
    Ledger,
    Site,
    StoredEnvelope,
    Tombstone,
    database,
    is_postgres,
)
from sync_server.store.errors import SiteNotWritable
from sync_server.store.merge_rule import Incoming, plan_push
from sync_server.store.usage import record_push, recount


def write_transaction():
    """A transaction that holds the write lock from its first statement."""
    if isinstance(database.obj, SqliteDatabase):
        return database.atomic(lock_type="IMMEDIATE")
    return database.atomic()


def today_utc() -> str:
    """The current UTC day; envelopes whose ``exp`` is before it are past retention."""
    return dt.datetime.now(dt.UTC).date().isoformat()


@dataclass(slots=True)
class PushOutcome:
    """What one push did, per envelope, plus the writer's acknowledged high-water counter."""

    results: list[dict[str, object]] = field(default_factory=list)
    site_high: int = 0
    last_seq: int = 0


@dataclass(slots=True)
class _Pending:
    env: Envelope
    digest: str
    raw: bytes


def lock_counter() -> int:
    """The sequence counter, locked until the transaction ends (the push lock)."""
    query = Counter.select(Counter.value).where(Counter.name == "seq")
    if is_postgres(database):
        query = query.for_update()
    return int(query.scalar())


def _chunks(items: Sequence, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert_rows(model: type, rows: list[dict[str, object]], per_statement: int) -> None:
    """Multi-row INSERT with plain placeholders: peewee's insert_many spends more time
    building SQL than the database spends storing the rows."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(model._meta.fields[c].column_name for c in columns)
    param = database.param
    one = "(" + ", ".join([param] * len(columns)) + ")"
    table = model._meta.table_name
    for chunk in _chunks(rows, per_statement):
        sql = f'INSERT INTO "{table}" ({names}) VALUES ' + ", ".join([one] * len(chunk))
        database.execute_sql(sql, [row[c] for row in chunk for c in columns])


def _select_in(sql: str, params: list[object], values: Sequence[object]) -> list[tuple]:
    """Run ``sql`` with ``{p}`` as the placeholder and ``{in}`` as a placeholder list."""
    param = database.param
    text = sql.replace("{p}", param).replace("{in}", ", ".join([param] * len(values)))
    return list(database.execute_sql(text, [*params, *values]).fetchall())


def push(site_code: str, batch: list[tuple[Envelope, bytes]],
         quota: Quota | None = None) -> PushOutcome:
    """Store a verified batch from ``site_code`` all-or-nothing.

    The decisions are :func:`~sync_server.store.merge_rule.plan_push`'s: per envelope the
    status is ``stored``, ``duplicate`` (same bytes again), ``superseded`` (this site already
    has a newer envelope of the rid), ``erased`` (the rid is erased; acknowledged, never
    stored) or ``expired`` (already past its ``exp``). A counter that was accepted before
    with other content raises :class:`~sync_server.store.errors.CounterReused`; a revoked site
    :class:`~sync_server.store.errors.SiteNotWritable`; a push that would take the site past
    ``quota`` raises ``QuotaExceeded``.
    """
    pending = sorted((_Pending(env, env.digest(), raw) for env, raw in batch),
                     key=lambda p: p.env.header.ctr)
    outcome = PushOutcome()
    today = today_utc()
    with database.connection_context(), write_transaction():
        seq = lock_counter()
        site = Site.get_or_none(Site.code == site_code)
        if site is None or site.revoked_at is not None:
            raise SiteNotWritable("site is revoked or not enrolled")
        ctrs = [p.env.header.ctr for p in pending]
        known: dict[int, str] = {}
        for chunk in _chunks(ctrs):
            known.update(_select_in('SELECT "ctr", "digest" FROM "ledger" WHERE "site" = {p} '
                                    'AND "ctr" IN ({in})', [site_code], chunk))
        rids = sorted({p.env.header.rid for p in pending})
        erased: set[tuple[str, str]] = set()  # (scope, rid): an erasure acts in its scope
        current: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(rids):
            erased.update((sc, r) for sc, r in _select_in(
                'SELECT "scope", "rid" FROM "tombstone" WHERE "rid" IN ({in})', [], chunk))
            for seq_, rid_, ctr_ in _select_in(
                    'SELECT "seq", "rid", "ctr" FROM "envelope" WHERE "site" = {p} '
                    'AND "rid" IN ({in})', [site_code], chunk):
                current[rid_] = (int(seq_), int(ctr_))
        plan = plan_push(site_code, [
            Incoming(p.env.header.rid, p.env.header.scope, p.env.header.ctr, p.env.header.op,
                     p.env.header.exp, p.digest) for p in pending],
            known=known, erased=erased, current=current, today=today)
        ledger_rows = [{"site": site_code, "ctr": pending[i].env.header.ctr,
                        "digest": pending[i].digest, "exp": pending[i].env.header.exp}
                       for i in plan.ledger]
        delete_seqs = plan.delete_seqs
        erase_rids = plan.erase
        fresh = {rid: pending[i] for rid, i in plan.keep.items()}
        statuses = list(zip(pending, plan.statuses, strict=True))
        for scope, rid in erase_rids:
            delete_seqs.update(r.seq for r in StoredEnvelope.select(StoredEnvelope.seq).where(
                (StoredEnvelope.rid == rid) & (StoredEnvelope.scope == scope)))
        record_push(site_code, quota, len(ledger_rows),
                    sum(len(p.raw) for p in fresh.values()), delete_seqs)
        for chunk in _chunks(sorted(delete_seqs)):
            StoredEnvelope.delete().where(StoredEnvelope.seq.in_(chunk)).execute()
        _insert_rows(Ledger, ledger_rows, 200)
        seq_of: dict[int, int] = {}
        rows = []
        for item in sorted(fresh.values(), key=lambda p: p.env.header.ctr):
            h = item.env.header
            seq += 1
            seq_of[id(item)] = seq
            rows.append({"seq": seq, "rid": h.rid, "scope": h.scope, "site": site_code,
                         "ctr": h.ctr, "op": h.op,
                         "gen": h.gen, "exp": h.exp, "digest": item.digest, "blob": item.raw})
        _insert_rows(StoredEnvelope, rows, 100)
        tombs = [{"scope": scope, "rid": rid, "seq": seq_of[id(fresh[rid])],
                  "site": site_code, "erased_at": int(time.time())}
                 for scope, rid in erase_rids]
        for chunk in _chunks(tombs, 200):
            Tombstone.insert_many(chunk).execute()
        Counter.update(value=seq).where(Counter.name == "seq").execute()
        high = max([site.high_ctr, *ctrs])
        Site.update(high_ctr=high, last_push=int(time.time()), pushes=Site.pushes + 1).where(
            Site.code == site_code).execute()
    outcome.site_high = high
    outcome.last_seq = seq
    outcome.results = [{"rid": p.env.header.rid, "ctr": p.env.header.ctr, "status": s,
                        "seq": seq_of.get(id(p)) if s == "stored" else None}
                       for p, s in statuses]
    return outcome


def pull(site_code: str, scopes: Sequence[str], after: int, limit: int
         ) -> tuple[list[tuple[int, bytes]], bool, int]:
    """Envelopes of ``scopes`` with ``seq > after`` in seq order: (page, done, site's high
    counter). Nothing of another scope is served, not even as ciphertext.

    The site's ``last_pull`` and ``pulls`` are counted on the page that ends a pull run.
    """
    with database.connection_context():
        rows = list(StoredEnvelope.select(StoredEnvelope.seq, StoredEnvelope.blob)
                    .where((StoredEnvelope.seq > after)
                           & StoredEnvelope.scope.in_(list(scopes)))
                    .order_by(StoredEnvelope.seq).limit(limit + 1).tuples())
        done = len(rows) <= limit
        if done:  # one write per pull run, not per page: every write costs an fsync
            Site.update(last_pull=int(time.time()), pulls=Site.pulls + 1).where(
                Site.code == site_code).execute()
        high = Site.select(Site.high_ctr).where(Site.code == site_code).scalar() or 0
    return [(int(s), bytes(b)) for s, b in rows[:limit]], done, int(high)


def purge_expired(today: str | None = None) -> tuple[int, int]:
    """Delete envelopes and ledger rows past their day-granular expiry; tombstones stay."""
    day = today or today_utc()
    with database.connection_context(), write_transaction():
        envelopes = StoredEnvelope.delete().where(StoredEnvelope.exp < day).execute()
        ledger = Ledger.delete().where(Ledger.exp < day).execute()
        recount()
    return int(envelopes), int(ledger)
