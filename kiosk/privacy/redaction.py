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


def due_visits(store: Store, before_day: dt.date) -> list[str]:
    """Ids of this office's visits before ``before_day`` that still hold personal data."""
    query = (Visit.select(Visit.id)
             .where((Visit.site == store.site) & (Visit.day < before_day.isoformat())
                    & _unredacted(Visit)).order_by(Visit.day, Visit.id))
    return [row[0] for row in query.tuples()]


def due_appointments(store: Store, before_ms: int) -> list[str]:
    """Ids of this office's appointments that started before ``before_ms`` and still hold
    personal data."""
    query = (Appointment.select(Appointment.id)
             .where((Appointment.site == store.site) & (Appointment.starts_at < before_ms)
                    & _unredacted(Appointment)).order_by(Appointment.starts_at, Appointment.id))
    return [row[0] for row in query.tuples()]


def _redact(store: Store, model: type[SyncedModel], ids: list[str], at_ms: int) -> None:
    values = redacted_values(model)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with store.writing() as w:
            for record_id in chunk:
                w.put(model, record_id, dict(values))
            # Values that lost a concurrent write are kept for review; a redacted name
            # must not survive there either.
            marks = ", ".join("?" * len(chunk))
            names = ", ".join("?" * len(values))
            store.db.execute_sql(
                f"DELETE FROM sync_conflict WHERE record IN ({marks}) AND field IN ({names})",
                (*chunk, *values))
            AuditEntry.create(at=at_ms, staff=None, action=AUDIT_ACTION, record=None,
                              detail=f"{model.KIND}={len(chunk)}")


def thin_audit(store: Store, before_ms: int) -> int:
    """Entries older than ``before_ms`` keep when and what only; returns how many changed."""
    stale = ((AuditEntry.at < before_ms)
             & (AuditEntry.staff.is_null(False) | AuditEntry.record.is_null(False)
                | AuditEntry.detail.is_null(False)))
    if not AuditEntry.select().where(stale).exists():
        return 0
    with store.writing():
        return (AuditEntry.update(staff=None, record=None, detail=None)
                .where(stale).execute())


def redact_expired(store: Store, config: NetworkConfig, now: dt.datetime) -> RedactionResult:
    """Redact everything past retention at this machine; writes nothing when nothing is due.

    Args:
        store: the open store (its office's records are redacted, nothing else).
        config: ``retention_days`` and ``audit_retention_days``.
        now: the current time, aware (the office's calendar decides the day).
    """
    tz = ZoneInfo(config.timezone)
    now = now.astimezone(tz)
    cutoff = cutoff_day(now, config.retention_days)
    audit_cutoff = cutoff_day(now, config.audit_retention_days)
    at_ms = int(now.timestamp() * 1000)
    visits = due_visits(store, cutoff)
    appointments = due_appointments(store, _midnight_ms(cutoff, tz))
    _redact(store, Visit, visits, at_ms)
    _redact(store, Appointment, appointments, at_ms)
    thinned = thin_audit(store, _midnight_ms(audit_cutoff, tz))
    if visits or appointments:
        # the WAL still holds the pages with the names until it is checkpointed
        store.scrub_wal()
    return RedactionResult(len(visits), len(appointments), thinned, cutoff.isoformat(),
                           audit_cutoff.isoformat())



def redact_at_start(ctx: KioskContext) -> RedactionResult:
    """Called by every app's factory, before its first screen: a machine that was switched
    off or offline past retention redacts first, so it never shows a name that is due."""
    return redact_expired(ctx.store, ctx.config, ctx.queue.now())
