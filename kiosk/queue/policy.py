"""The call-next policy: whom a staff member is offered next. Pure functions, no store.

In order (README "Call-next policy" says the same for staff):

1. Visitors transferred to someone else's desk or name are never offered to me; those
   transferred to me count as matching.
2. Urgent visitors (priority below "normal") first, longest waiting first.
3. Appointments that are due (from a few minutes before their start), earliest start first.
4. Anyone who has waited longer than the fairness bound, longest waiting first, whatever
   the language: nobody is passed over indefinitely.
5. Visitors whose counselling language I speak, by priority, then arrival.
6. Otherwise the longest-waiting visitor by priority, then arrival: a mediator or colleague
   can help, and an idle desk helps no one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """What the policy needs to know about a waiting visit."""

    id: str
    ticket: str
    priority: int
    language: str
    checked_in_at: int
    appointment_starts_at: int | None = None
    target_desk: str | None = None
    target_staff: str | None = None


@dataclass(frozen=True)
class Caller:
    """The staff member asking for the next visitor."""

    staff_id: str
    desk: str | None
    languages: frozenset[str]


def _mine(c: Candidate, me: Caller) -> bool:
    if c.target_staff is not None:
        return c.target_staff == me.staff_id
    if c.target_desk is not None:
        return c.target_desk == me.desk
    return True


def choose_next(candidates: Iterable[Candidate], me: Caller, now_ms: int, *,
                normal_priority: int = 2, fairness_minutes: int = 30,
                appointment_due_minutes: int = 10) -> Candidate | None:
    """The visitor `me` should call next, or None if nobody waits for them."""
    pool: Sequence[Candidate] = [c for c in candidates if _mine(c, me)]
    if not pool:
        return None
    arrival = sorted(pool, key=lambda c: (c.checked_in_at, c.ticket))

    urgent = [c for c in arrival if c.priority < normal_priority]
    if urgent:
        return urgent[0]

    due_ms = now_ms + appointment_due_minutes * 60_000
    due = [c for c in pool
           if c.appointment_starts_at is not None and c.appointment_starts_at <= due_ms]
    if due:
        return min(due, key=lambda c: (c.appointment_starts_at, c.checked_in_at))

    bound_ms = now_ms - fairness_minutes * 60_000
    overdue = [c for c in arrival if c.checked_in_at <= bound_ms]
    if overdue:
        return overdue[0]

    def by_priority(c: Candidate) -> tuple[int, int, str]:
        return (c.priority, c.checked_in_at, c.ticket)

    matching = [c for c in pool if c.language in me.languages
                or c.target_staff == me.staff_id
                or (c.target_desk is not None and c.target_desk == me.desk)]
    if matching:
        return min(matching, key=by_priority)
    return min(pool, key=by_priority)


def unserved_languages(candidates: Iterable[Candidate],
                       on_duty: Iterable[frozenset[str]]) -> set[str]:
    """Languages of waiting visitors that nobody on duty speaks (to flag them early)."""
    spoken: set[str] = set().union(*on_duty) if on_duty else set()
    return {c.language for c in candidates} - spoken
