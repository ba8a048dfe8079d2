"""How good today's waiting-time estimates were: told vs. actually waited, per visitor.

The estimate a visitor saw is not stored; it is a pure function of the history
(`estimate_wait_minutes` over the people ahead, recent service times and staff calling
then), so it is recomputed here exactly as the kiosk computed it at check-in time.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from kiosk.queue.estimate import estimate_wait_minutes
from kiosk.queue.service import ESTIMATE_WINDOW
from kiosk.store.models import Visit

#: An estimate within this many minutes of the real wait counts as "on target".
TOLERANCE_MINUTES = 10


@dataclass(frozen=True)
class EstimateQuality:
    """Today's figures: how many called walk-ins were told an estimate, and how it went."""

    called: int
    estimated: int
    within_tolerance: int
    median_abs_error: float | None
    mean_error: float | None  # positive: people waited longer than they were told
    median_wait: float | None

    @property
    def share_within(self) -> float | None:
        return self.within_tolerance / self.estimated if self.estimated else None


def _estimate_at(rows: list[Visit], me: Visit) -> int | None:
    t = me.checked_in_at
    ahead = sum(1 for v in rows if v.id != me.id and v.checked_in_at <= t
                and (v.called_at is None or v.called_at > t)
                and v.status != "cancelled"
                and (v.priority < me.priority
                     or (v.priority == me.priority and v.checked_in_at <= t)))
    done = sorted((v for v in rows if v.finished_at is not None and v.called_at is not None
                   and v.finished_at <= t), key=lambda v: v.finished_at, reverse=True)
    recent = [(v.finished_at - v.called_at) / 60_000 for v in done[:ESTIMATE_WINDOW]]
    staff = {v.staff for v in rows if v.staff and v.called_at is not None
             and t - 3600_000 <= v.called_at <= t}
    return estimate_wait_minutes(ahead, recent, max(1, len(staff)))


def estimate_quality(location: str, day: str) -> EstimateQuality:
    """Figures for walk-ins called at `location` on `day` (an ISO date)."""
    rows = list(Visit.select().where((Visit.location == location) & (Visit.day == day)
                                     & (Visit.erased == False)))  # noqa: E712
    called = [v for v in rows if v.kind == "walk_in" and v.called_at is not None]
    errors: list[float] = []
    waits = [(v.called_at - v.checked_in_at) / 60_000 for v in called]
    for v in called:
        told = _estimate_at(rows, v)
        if told is not None:
            errors.append((v.called_at - v.checked_in_at) / 60_000 - told)
    within = sum(1 for e in errors if abs(e) <= TOLERANCE_MINUTES)
    return EstimateQuality(
        called=len(called), estimated=len(errors), within_tolerance=within,
        median_abs_error=statistics.median(abs(e) for e in errors) if errors else None,
        mean_error=statistics.fmean(errors) if errors else None,
        median_wait=statistics.median(waits) if waits else None)
