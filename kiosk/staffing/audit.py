"""The audit log of staff actions: who, what, when, on which record — codes only.

The queue core writes its own transitions; this module adds the staff-side actions
(sign-in, lock-out, administration, mediators) and the queries the admin screen shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.store.models import AuditEntry


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry as screens and commands see it."""

    at: int
    staff: str | None
    action: str
    record: str | None
    detail: str | None


def record_action(at_ms: int, staff: str | None, action: str, record: str | None = None,
                  detail: str | None = None) -> None:
    """Append an entry. `detail` must be a code (e.g. "desk=2"), never free text."""
    AuditEntry.create(at=at_ms, staff=staff, action=action, record=record, detail=detail)


def recent(limit: int = 50, *, staff: str | None = None, action: str | None = None,
           record: str | None = None, since_ms: int | None = None) -> list[AuditRecord]:
    """The newest entries first, optionally for one staff member, action or record."""
    query = AuditEntry.select().order_by(AuditEntry.id.desc()).limit(limit)
    if staff is not None:
        query = query.where(AuditEntry.staff == staff)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if record is not None:
        query = query.where(AuditEntry.record == record)
    if since_ms is not None:
        query = query.where(AuditEntry.at >= since_ms)
    return [AuditRecord(e.at, e.staff, e.action, e.record, e.detail) for e in query]
