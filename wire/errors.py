"""The wire format's errors: one root with a stable machine-readable ``code``.

Both sides raise and catch these: the server maps them to HTTP answers in one place
(``sync_server.errors``), the kiosk to its command-line error table (``kiosk.errors``).
Depends on nothing but the standard library.
"""

from __future__ import annotations


class ProtocolError(ValueError):
    """Base of every wire-format failure; ``code`` is machine-readable and stable."""

    code = "protocol_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        """The human-readable explanation (never contains key material or plaintext)."""
        return str(self.args[0]) if self.args else self.code


class MalformedError(ProtocolError):
    """Bytes or JSON that do not parse as the documented layout."""

    code = "malformed"


class InvalidFieldError(ProtocolError):
    """A field has the wrong type, length or pattern."""

    code = "invalid_field"


class UnsupportedVersionError(ProtocolError):
    """A format version this code does not speak (never silently downgraded)."""

    code = "unsupported_version"


class SignatureError(ProtocolError):
    """An Ed25519 signature does not verify (tampering, wrong signer, wrong root)."""

    code = "bad_signature"


class DecryptionError(ProtocolError):
    """AES-GCM tag failure, wrong data key, or padding that does not parse."""

    code = "decryption_failed"


class RequestAuthError(ProtocolError):
    """A signed HTTP request that is stale, malformed or does not verify."""

    code = "unauthenticated"
