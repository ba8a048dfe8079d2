"""Limits that keep one site (a stolen terminal, a runaway script) from exhausting the server.

Three limits, each with a default that an honest office never comes near (see
``ServerConfig``): a request rate per site (token bucket, answered 429 with ``Retry-After``,
which the kiosk's client honours), storage quotas per site (envelopes and bytes, answered
507, checked in the push transaction by :mod:`sync_server.store.usage`), and a latest
expiry day (an envelope that claims to live until 9999-12-31 would never be purged).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sync_server.store.errors import OverQuota


class RateLimited(Exception):
    """A site asks faster than its rate limit; ``retry_after_s`` says when to ask again.

    Not a storage error (nothing is stored) and not an HTTP answer: ``sync_server.errors``
    turns it into one, with its ``Retry-After`` header.
    """

    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_s = retry_after_s


class RateLimiter:
    """A token bucket per site, in this server process.

    With ``--workers N`` each process keeps its own buckets, so a site may reach up to N
    times the rate; a shared counter would cost a database write per request, and the
    limit is against flooding, not an accounting figure.

    Args:
        rate_per_s: tokens added per second (the sustained request rate).
        burst: bucket size (requests allowed at once after a quiet spell).
        clock: monotonic seconds; replaceable in tests.
    """

    def __init__(self, rate_per_s: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = float(rate_per_s)
        self.burst = float(max(1, burst))
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, site: str) -> None:
        """Spend one token of ``site``'s bucket, or raise :class:`RateLimited`."""
        if self.rate <= 0:
            return
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(site, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[site] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / self.rate)
                raise RateLimited(f"site {site} sends requests faster than "
                                  f"{self.rate:g} per second; retry in {wait} s", wait)
            self._buckets[site] = (tokens - 1.0, now)


@dataclass(frozen=True, slots=True)
class Quota:
    """Storage limits of one site."""

    max_envelopes: int
    max_bytes: int

    def check(self, site: str, envelopes: int, size: int) -> None:
        """Raise :class:`OverQuota` if usage after a push would pass a limit."""
        if envelopes > self.max_envelopes:
            raise OverQuota(f"site {site} would hold {envelopes} accepted envelopes, more "
                            f"than its quota of {self.max_envelopes}")
        if size > self.max_bytes:
            raise OverQuota(f"site {site} would store {size} bytes of envelopes, more "
                            f"than its quota of {self.max_bytes}")


def latest_expiry(retention_days: int, margin_days: int, today: dt.date | None = None) -> str:
    """The last ``exp`` day the server accepts: today + the longest retention + a margin."""
    today = today or dt.datetime.now(dt.UTC).date()
    try:
        return (today + dt.timedelta(days=retention_days + margin_days)).isoformat()
    except OverflowError:
        return dt.date.max.isoformat()
