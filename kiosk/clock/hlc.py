"""Hybrid logical clock (Kulkarni et al.): wall time plus a counter, ordered with the site.

The merge keeps, per field, the write with the greater (clock, site). Wall time keeps the
clock close to what counsellors expect ("the latest edit wins"); the counter keeps it
monotonic when the wall clock stalls or jumps back; the site code breaks ties so that every
site orders every pair of writes the same way.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from wire.ids import SITE_PATTERN, WriterId

#: Counter values above this roll the wall component forward by a millisecond instead.
MAX_COUNTER = 99_999
_TEXT = re.compile(rf"^(\d{{13}})\.(\d{{5}})\.({SITE_PATTERN})$")


class ClockError(ValueError):
    """A clock value that cannot be used: malformed, or too far in the future."""


@dataclass(frozen=True, order=True)
class Timestamp:
    """One HLC reading. Field order makes the dataclass ordering (wall, counter, site)."""

    wall_ms: int
    counter: int
    site: WriterId

    def __str__(self) -> str:
        """Fixed-width text whose string order equals the timestamp order (stored as is)."""
        return f"{self.wall_ms:013d}.{self.counter:05d}.{self.site}"

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        """Read the text form written by `str()`."""
        match = _TEXT.match(text)
        if not match:
            raise ClockError(f"not a clock value: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)), WriterId(match.group(3)))


def wall_clock_ms() -> int:
    """Physical time in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


class HybridClock:
    """The clock of one site; not thread-safe, the store serialises access under its lock.

    Args:
        site: this site's code, the tie-break.
        last: the last timestamp this site issued or observed (persisted by the store), so
            that the clock stays monotonic across restarts even if the wall clock went back.
        physical: the wall-clock source, replaceable in tests to simulate jumps.
        max_drift_ms: remote clocks further ahead of our wall clock than this are refused.
    """

    def __init__(self, site: WriterId | str, last: Timestamp | None = None,
                 physical: Callable[[], int] = wall_clock_ms,
                 max_drift_ms: int = 10 * 60 * 1000) -> None:
        self.site = site
        self.physical = physical
        self.max_drift_ms = max_drift_ms
        self.wall_ms = last.wall_ms if last else 0
        self.counter = last.counter if last else 0

    @property
    def last(self) -> Timestamp:
        """The newest timestamp issued or observed, for persisting."""
        return Timestamp(self.wall_ms, self.counter, self.site)

    def _advance(self, wall: int, counter: int) -> Timestamp:
        if counter > MAX_COUNTER:
            wall, counter = wall + 1, 0
        self.wall_ms, self.counter = wall, counter
        return Timestamp(wall, counter, self.site)

    def now(self) -> Timestamp:
        """A timestamp greater than every one this clock issued or observed."""
        physical = self.physical()
        if physical > self.wall_ms:
            return self._advance(physical, 0)
        return self._advance(self.wall_ms, self.counter + 1)

    def observe(self, remote: Timestamp) -> Timestamp:
        """Fold a remote timestamp in, so that later local writes order after it.

        Raises:
            ClockError: if `remote` is further ahead of our wall clock than `max_drift_ms`
                (a site with a clock a year fast must not win every merge forever).
        """
        physical = self.physical()
        if remote.wall_ms > physical + self.max_drift_ms:
            raise ClockError(
                f"remote clock {remote.wall_ms - physical} ms ahead of local time"
            )
        wall = max(physical, self.wall_ms, remote.wall_ms)
        if wall == self.wall_ms == remote.wall_ms:
            counter = max(self.counter, remote.counter) + 1
        elif wall == self.wall_ms:
            counter = self.counter + 1
        elif wall == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        return self._advance(wall, counter)
