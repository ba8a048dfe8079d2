"""Waiting politely when the server is busy: ``Retry-After`` and exponential backoff.

A server (or its reverse proxy) that answers 429 (too many requests) or 503 (unavailable)
is asked again after the delay it names in ``Retry-After`` (seconds or an HTTP date),
otherwise after 1, 2, 4, 8 s with jitter; each retry is signed afresh (new nonce and
timestamp). After the last attempt the answer goes through as usual (exit 6: retry later,
nothing lost). Retrying a push is safe: the same batch pushed twice changes nothing.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from typing import Any

import requests

from kiosk.sync.http import ServerAPI

BUSY = (429, 503)
RETRIES = 4
MAX_DELAY_S = 120.0
"""Longest single wait, whatever ``Retry-After`` says (a nightly run must end)."""


def retry_delay(header: str | None, attempt: int, now: float | None = None) -> float:
    """Seconds to wait before attempt ``attempt + 1``: the server's word, else exponential."""
    if header:
        text = header.strip()
        if text.isdigit():
            return min(float(text), MAX_DELAY_S)
        try:
            when = email.utils.parsedate_to_datetime(text).timestamp()
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            return min(max(0.0, when - (time.time() if now is None else now)), MAX_DELAY_S)
    return min(2.0 ** attempt * (1 + random.random() / 4), MAX_DELAY_S)


class PoliteAPI(ServerAPI):
    """:class:`ServerAPI` that waits and asks again when the server says it is busy."""

    def __init__(self, *args: Any, retries: int = RETRIES,
                 sleep: Callable[[float], None] = time.sleep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retries = retries
        self.sleep = sleep
        self.waited = 0.0

    def _send(self, method: str, path: str, params: dict[str, Any] | None, body: Any,
              signed: bool) -> requests.Response:
        for attempt in range(self.retries + 1):
            resp = super()._send(method, path, params, body, signed)
            if resp.status_code not in BUSY or attempt == self.retries:
                return resp
            delay = retry_delay(resp.headers.get("Retry-After"), attempt)
            self.waited += delay
            self.sleep(delay)
        return resp
