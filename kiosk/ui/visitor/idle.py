"""When the terminal asks "Are you still there?" and when it forgets the visitor, as plain Python.

Both moments are counted from the visitor's last tap or key, on a clock the caller passes in,
so the reset comes exactly ``timeout`` seconds after the last input. (A repeating timer that
is "reset" on input only restarts after its current round, which turned 10 s into up to 20 s.)
The app asks ``state`` a few times a second; tests drive the same object with a fake clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

IdleState = Literal["active", "warning", "expired"]

WARNING_SECONDS = 15.0
"""The countdown before the reset, at most; a shorter timeout warns for its last third."""
SHORTEST_WARNING = 3.0
"""A notice shown for less than this cannot be read and answered, so none is shown."""


def warning_seconds(timeout: float) -> float:
    """How long "Are you still there?" is shown before the reset, for this timeout.

    15 s of the default 60 s; a third of a shorter timeout; none below 9 s.
    """
    seconds = min(WARNING_SECONDS, timeout / 3)
    return seconds if seconds >= SHORTEST_WARNING else 0.0


@dataclass
class IdleClock:
    """The visitor's idle time.

    Args:
        timeout: seconds from the last input to the reset (the configured idle timeout).
        clock: a monotonic clock in seconds (``time.monotonic`` in the app).
    """

    timeout: float
    clock: Callable[[], float]

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError(f"idle timeout must be positive, not {self.timeout}")
        self.last_input = self.clock()

    @property
    def warning(self) -> float:
        """Seconds of countdown before the reset."""
        return warning_seconds(self.timeout)

    @property
    def reset_at(self) -> float:
        """When the visitor is forgotten, on ``clock``."""
        return self.last_input + self.timeout

    def touch(self) -> None:
        """The visitor tapped or typed: count from now."""
        self.last_input = self.clock()

    def state(self) -> IdleState:
        """Whether the visitor is active, should be asked, or is to be forgotten now."""
        left = self.reset_at - self.clock()
        if left <= 0:
            return "expired"
        return "warning" if left <= self.warning else "active"

    def seconds_left(self) -> int:
        """Whole seconds until the reset, rounded up (what the countdown shows)."""
        return max(0, math.ceil(self.reset_at - self.clock()))
