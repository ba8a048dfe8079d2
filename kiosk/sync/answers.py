"""The fields of a server's answer, checked before the client acts on them.

A server is not trusted with content (it cannot read it) nor with numbers the client
builds on: an impossible counter or a missing epoch is a named error, never a traceback.
"""

from __future__ import annotations

from kiosk.sync.errors import NetworkError

MAX_SITE_HIGH = 2**53
"""The highest writer counter a server may claim to have seen from this site. More is
nonsense (a million envelopes a day for 24 billion years) and would leave no room to move
the counter past it (``--reincarnate``) within the wire format's limit."""


def answer_int(data: dict, key: str, low: int, high: int) -> int:
    """An integer field of a server answer, in range, or a named error (never a traceback)."""
    value = data.get(key)
    if type(value) is not int or not low <= value <= high:
        raise NetworkError(f"the server answered an impossible {key} ({str(value)[:40]}); "
                           "it is misconfigured or not trustworthy", "bad_answer")
    return value


def answer_str(data: dict, key: str) -> str:
    """A non-empty string field of a server answer, or a named error."""
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise NetworkError(f"the server's answer has no {key}", "bad_answer")
    return value
