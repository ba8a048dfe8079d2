"""Waiting-time estimates: honest, or none at all.

A visitor told "about 20 minutes" plans around it; a wrong figure is worse than "we cannot
estimate yet". So we estimate only from enough recent services at this location today.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

#: Fewer finished services than this today and we do not guess.
MIN_SAMPLES = 3


def estimate_wait_minutes(people_ahead: int, recent_service_minutes: Sequence[float],
                          staff_on_duty: int) -> int | None:
    """Minutes until a visitor with `people_ahead` before them is likely called.

    Args:
        people_ahead: visitors who will be called first.
        recent_service_minutes: durations of recent services (call to finish).
        staff_on_duty: desks serving now (at least one is assumed).

    Returns:
        Whole minutes rounded up to 5, or None when there are too few samples.
    """
    if people_ahead <= 0:
        return 0
    if len(recent_service_minutes) < MIN_SAMPLES:
        return None
    per_person = statistics.median(recent_service_minutes)
    minutes = people_ahead * per_person / max(1, staff_on_duty)
    return max(5, math.ceil(minutes / 5.0) * 5)
