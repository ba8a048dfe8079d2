"""Plain values the queue core hands to screens and commands (never ORM objects)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from kiosk.store.models import Appointment, Visit


@dataclass(frozen=True)
class VisitInfo:
    """A visit as staff see it. `first_name` must never reach the board."""

    id: str
    ticket: str
    day: str
    location: str
    kind: str
    status: str
    priority: int
    priority_reason: str | None
    concerns: tuple[str, ...]
    language: str
    interpreter_language: str | None
    first_name: str | None
    call_count: int
    desk: str | None
    staff: str | None
    target_desk: str | None
    target_staff: str | None
    appointment: str | None
    checked_in_at: int
    called_at: int | None
    service_started_at: int | None
    finished_at: int | None
    outcome: str | None
    referral: str | None
    note: str | None

    @classmethod
    def of(cls, v: Visit) -> VisitInfo:
        return cls(
            id=v.id, ticket=v.ticket, day=v.day, location=v.location, kind=v.kind,
            status=v.status, priority=v.priority, priority_reason=v.priority_reason,
            concerns=tuple(v.concerns or ()), language=v.language,
            interpreter_language=v.interpreter_language, first_name=v.first_name,
            call_count=v.call_count, desk=v.desk, staff=v.staff, target_desk=v.target_desk,
            target_staff=v.target_staff, appointment=v.appointment,
            checked_in_at=v.checked_in_at, called_at=v.called_at,
            service_started_at=v.service_started_at, finished_at=v.finished_at,
            outcome=v.outcome, referral=v.referral, note=v.note,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TicketInfo:
    """What the visitor is told after checking in."""

    visit_id: str
    ticket: str
    people_ahead: int
    estimate_minutes: int | None
    checked_in_at: int


@dataclass(frozen=True)
class BoardCall:
    """One line of the waiting-room board: a number and a desk, and the language the visitor
    chose (for the spoken announcement; never shown, never a name)."""

    ticket: str
    desk: str
    called_at: int
    call_count: int
    language: str = ""


@dataclass(frozen=True)
class AppointmentInfo:
    id: str
    location: str
    starts_at: int
    duration_min: int
    desk: str | None
    language: str
    interpreter_language: str | None
    concerns: tuple[str, ...]
    name: str | None
    phone: str | None
    status: str
    visit: str | None

    @classmethod
    def of(cls, a: Appointment) -> AppointmentInfo:
        return cls(
            id=a.id, location=a.location, starts_at=a.starts_at, duration_min=a.duration_min,
            desk=a.desk, language=a.language, interpreter_language=a.interpreter_language,
            concerns=tuple(a.concerns or ()), name=a.name, phone=a.phone, status=a.status,
            visit=a.visit,
        )
