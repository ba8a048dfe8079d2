"""Automatic redaction: personal fields of visits and appointments past retention.

Runs at the start of every app and daily (``kiosk privacy redact``, a systemd timer). Each
redaction is a synced write through the store's writer, so the other machines of the
office take it over at their next sync (a newer clock per field wins the merge) and every
machine converges on the redacted state; the anonymous facts (day, location, language,
concerns, outcome, referral, times) stay for the statistics. Audit entries past their own,
longer retention keep only when and what (no staff member, record or detail).

Idempotent: records already redacted are not selected, so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from peewee import fn

from kiosk.config import NetworkConfig
from kiosk.privacy.personal import redacted_values
from kiosk.store.db import Store
from kiosk.store.models import Appointment, AuditEntry, SyncedModel, Visit

if TYPE_CHECKING:
    from kiosk.context import KioskContext

CHUNK = 500
"""Records per write transaction: a first redaction of a year of history must not hold the
store's lock (and keep check-ins waiting) for more than a fraction of a second at a time."""

AUDIT_ACTION = "privacy.redact"


@dataclass(frozen=True)
class RedactionResult:
    """What one run redacted (counts only) and the day boundaries it used."""

    visits: int
    appointments: int
    audit_entries: int
    cutoff_day: str
    """Visits of days before this day (and appointments that started before it) were due."""
    audit_cutoff_day: str

    @property
    def changed(self) -> bool:
        return bool(self.visits or self.appointments or self.audit_entries)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def cutoff_day(now: dt.datetime, days: int) -> dt.date:
    """The first day still within a retention of ``days`` days on the local calendar."""
    return now.date() - dt.timedelta(days=days)


def _midnight_ms(day: dt.date, tz: ZoneInfo) -> int:
    return int(dt.datetime.combine(day, dt.time(0), tz).timestamp() * 1000)


def _unredacted(model: type[SyncedModel]) -> Any:
    """A peewee condition: some personal field still holds something."""
    condition = None
    for name, empty in redacted_values(model).items():
        field = model._meta.fields[name]
        term = field.is_null(False) if empty is None else (field != empty)
        condition = term if condition is None else (condition | term)
    return condition


def _places(store: Store, model: type[Visit] | type[Appointment], config: NetworkConfig
            ) -> Any:
    """This office's records, by location where the config knows them: the condition then
    uses the (location, day) and (location, starts_at) indexes instead of a table scan."""
    cond = model.site == store.site
    try:
        locations = [loc.code for loc in config.office(store.site).locations]
    except KeyError:
        return cond
    return cond & model.location.in_(locations)


def due_visits(store: Store, config: NetworkConfig, before_day: dt.date,
               since_day: str | None = None) -> list[str]:
    """Ids of this office's visits before ``before_day`` (and from ``since_day``, when a
    previous run redacted everything before it) that still hold personal data."""
    cond = _places(store, Visit, config) & (Visit.day < before_day.isoformat())
    if since_day:
        cond &= Visit.day >= since_day
    query = Visit.select(Visit.id).where(cond & _unredacted(Visit)).order_by(Visit.day, Visit.id)
    return [row[0] for row in query.tuples()]


def due_appointments(store: Store, config: NetworkConfig, before_ms: int,
                     since_ms: int | None = None) -> list[str]:
    """Ids of this office's appointments that started before ``before_ms`` (and from
    ``since_ms``) and still hold personal data."""
    cond = _places(store, Appointment, config) & (Appointment.starts_at < before_ms)
    if since_ms is not None:
        cond &= Appointment.starts_at >= since_ms
    query = (Appointment.select(Appointment.id).where(cond & _unredacted(Appointment))
             .order_by(Appointment.starts_at, Appointment.id))
    return [row[0] for row in query.tuples()]


def _redact(store: Store, model: type[SyncedModel], ids: list[str], at_ms: int) -> None:
    """Write the redacted values as the store's writer writes any synced change (each
    field a fresh clock of this machine, the record queued in the outbox, one transaction
    per chunk)."""
    values = redacted_values(model)
    names = list(values)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with store.writing() as w:
            done = w.update_many(model, chunk, dict(values))
            # Values that lost a concurrent write are kept for review; a redacted name
            # must not survive there either.
            store.db.execute_sql(
                f"DELETE FROM sync_conflict WHERE record IN ({', '.join('?' * len(chunk))}) "
                f"AND field IN ({', '.join('?' * len(names))})", (*chunk, *names))
            AuditEntry.create(at=at_ms, staff=None, action=AUDIT_ACTION, record=None,
                              detail=f"{model.KIND}={done}")


def thin_audit(store: Store, before_ms: int, after_id: int = 0) -> tuple[int, int]:
    """Entries older than ``before_ms`` keep when and what only.

    Returns how many changed and the highest id now known to be thinned (entries are
    appended in time order, so the next run starts after it: a primary-key range, not a
    scan of years of audit).
    """
    old = (AuditEntry.id > after_id) & (AuditEntry.at < before_ms)
    last = AuditEntry.select(fn.MAX(AuditEntry.id)).where(old).scalar() or after_id
    stale = old & (AuditEntry.staff.is_null(False) | AuditEntry.record.is_null(False)
                   | AuditEntry.detail.is_null(False))
    if not AuditEntry.select().where(stale).exists():
        return 0, last
    with store.writing():
        return (AuditEntry.update(staff=None, record=None, detail=None)
                .where(stale).execute()), last


REDACTED_BEFORE = "privacy.redacted_before"
"""Setting: every record of a day before this one was redacted by an earlier run."""
AUDIT_THINNED_ID = "privacy.audit_thinned_id"
"""Setting: every audit entry up to this id that was due has been thinned."""


def redact_expired(store: Store, config: NetworkConfig, now: dt.datetime, *,
                   full: bool = True) -> RedactionResult:
    """Redact everything past retention at this machine; writes nothing when nothing is due.

    Args:
        store: the open store (its office's records are redacted, nothing else).
        config: ``retention_days`` and ``audit_retention_days``.
        now: the current time, aware (the office's calendar decides the day).
        full: look at all history (the daily run); otherwise only at the days that came
            due since the last run that wrote its memo (every app's start: 100,000 visits
            cost 50-80 ms to scan, the days since last night's run about 1 ms).
    """
    tz = ZoneInfo(config.timezone)
    now = now.astimezone(tz)
    cutoff = cutoff_day(now, config.retention_days)
    audit_cutoff = cutoff_day(now, config.audit_retention_days)
    at_ms = int(now.timestamp() * 1000)
    since = None if full else store.setting(REDACTED_BEFORE)
    if since is not None and since > cutoff.isoformat():
        since = None  # the retention grew, or the clock went back: look at everything
    since_ms = _midnight_ms(dt.date.fromisoformat(since), tz) if since else None
    visits = due_visits(store, config, cutoff, since)
    appointments = due_appointments(store, config, _midnight_ms(cutoff, tz), since_ms)
    _redact(store, Visit, visits, at_ms)
    _redact(store, Appointment, appointments, at_ms)
    after_id = 0 if full else int(store.setting(AUDIT_THINNED_ID) or 0)
    thinned, last_id = thin_audit(store, _midnight_ms(audit_cutoff, tz), after_id)
    memo = {REDACTED_BEFORE: cutoff.isoformat(), AUDIT_THINNED_ID: str(last_id)}
    # An app's start writes only when it redacted something: a start that finds nothing due
    # leaves the store as it was (on a read-only disk it must still reach its calm message).
    wrote = bool(visits or appointments or thinned)
    if (full or wrote) and any(store.setting(k) != v for k, v in memo.items()):
        with store.writing():
            for key, value in memo.items():
                store.set_setting(key, value)
    if visits or appointments:
        # the WAL still holds the pages with the names until it is checkpointed
        store.scrub_wal()
    return RedactionResult(len(visits), len(appointments), thinned, cutoff.isoformat(),
                           audit_cutoff.isoformat())


def redact_at_start(ctx: KioskContext) -> RedactionResult:
    """Called by every app's factory, before its first screen: a machine that was switched
    off or offline past retention redacts first, so it never shows a name that is due."""
    return redact_expired(ctx.store, ctx.config, ctx.queue.now(), full=False)
