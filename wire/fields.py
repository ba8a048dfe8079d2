"""Field encodings of the wire format: canonical JSON, base64url, checked ints, days, times.

Kept apart from :mod:`wire.envelope` so that the envelope, trust, signing and revocation
modules can all use them without importing each other. Depends on nothing but the standard
library.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from typing import Any

from wire.errors import InvalidFieldError

FORMAT_VERSION = 2
"""The only envelope/certificate/keyring format this code writes and accepts (2: scopes)."""

MAX_CTR = 2**63 - 1
"""Counters and generations must fit a signed 64-bit database column."""


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)
_HEX32 = re.compile(r"[0-9a-f]{32}")
_UUID4 = re.compile(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def canonical_json(obj: Any) -> bytes:
    """Sorted-key, compact, ASCII JSON: the one byte form that is signed and used as AAD."""
    return _CANONICAL.encode(obj).encode()


def b64e(raw: bytes) -> str:
    """base64url without padding (keys, signatures, envelopes in JSON)."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64d(text: str, *, field: str = "value", length: int | None = None) -> bytes:
    """Decode base64url (padding optional); strict alphabet, optional exact length."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", text):
        raise InvalidFieldError(f"{field} is not base64url text")
    padded = text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded)
    except (binascii.Error, ValueError) as exc:
        raise InvalidFieldError(f"{field} is not valid base64url") from exc
    if length is not None and len(raw) != length:
        raise InvalidFieldError(f"{field} must decode to {length} bytes, not {len(raw)}")
    return raw


def check_int(value: Any, field: str, lo: int = 0, hi: int = MAX_CTR) -> int:
    """An int (not a bool) in ``[lo, hi]``."""
    if type(value) is not int or not lo <= value <= hi:
        raise InvalidFieldError(f"{field} must be an integer in [{lo}, {hi}]")
    return value


def check_str(value: Any, field: str, pattern: re.Pattern[str]) -> str:
    """A str matching ``pattern`` fully."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidFieldError(f"{field} has an invalid format")
    return value


def check_rid(value: Any) -> str:
    """A record's wire id: 32 lowercase hex digits in the shape of a version-4 UUID (a SHA-256
    hash of kind and id, not random; no time, no MAC)."""
    if not isinstance(value, str) or not _HEX32.fullmatch(value):
        raise InvalidFieldError("rid must be 32 lowercase hex digits")
    if not _UUID4.fullmatch(value):  # version nibble 4, RFC 4122 variant
        raise InvalidFieldError("rid must have the shape of a version 4 UUID")
    return value


def check_day(value: Any, field: str = "exp") -> str:
    """A calendar day ``YYYY-MM-DD`` (day granularity on purpose: no time of day leaks)."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise InvalidFieldError(f"{field} must be a YYYY-MM-DD date")
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidFieldError(f"{field} is not a valid date") from exc
    return value


def utc_now_iso() -> str:
    """Current UTC time to the second, ISO 8601 with ``Z`` (for certificate ``issued``)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_timestamp(value: Any, field: str = "issued") -> str:
    """An ISO 8601 UTC second timestamp as written by ``utc_now_iso``."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value):
        raise InvalidFieldError(f"{field} must look like 2025-01-31T12:00:00Z")
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidFieldError(f"{field} is not a valid timestamp") from exc
    return value
