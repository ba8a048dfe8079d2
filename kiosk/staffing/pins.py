"""PIN hashing: salted scrypt, compared in constant time; the PIN itself is never stored.

A PIN has few digits, so the hash must be slow (scrypt, memory-hard) and salted per
profile; the lock-out in `profiles` does the rest against guessing at the desk.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from kiosk.queue.errors import InvalidInput

#: scrypt cost parameters (n=2**14, r=8, p=1: about 16 MiB and tens of milliseconds).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PIN, MAX_PIN = 4, 12


def check_pin_format(pin: str) -> str:
    """A PIN is 4 to 12 digits (typed on a numeric keypad at the desk).

    Raises:
        InvalidInput: anything else.
    """
    pin = pin.strip()
    if not (pin.isascii() and pin.isdigit() and MIN_PIN <= len(pin) <= MAX_PIN):
        raise InvalidInput("pin", "format", f"a PIN has {MIN_PIN} to {MAX_PIN} digits")
    return pin


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=128 * r * n + 1024 * 1024)


def hash_pin(pin: str) -> str:
    """`scrypt$n$r$p$salt$hash` for a valid PIN (the parameters travel with the hash)."""
    pin = check_pin_format(pin)
    salt = secrets.token_bytes(16)
    digest = _derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether `pin` matches the stored hash; constant-time compare, False on any garbage."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _derive(pin.strip(), base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
