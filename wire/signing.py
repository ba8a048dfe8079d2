"""Signed requests: how a site proves to the server who sends each HTTP request.

Request authentication is by **signed requests**: the client signs
``method ‖ path ‖ canonical query ‖ sha256(body) ‖ timestamp ‖ nonce ‖ site`` with its site
key, and the server checks the signature against the enrolled (root-certified, unrevoked)
certificate, the timestamp against a window, and that the nonce is unused. Chosen over a
challenge + bearer token because nothing secret ever travels or is stored on the server (a
leaked server database or log holds no credential), there is no login round trip (an empty
sync stays at one or two requests), and revocation takes effect on the very next request.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from wire.errors import InvalidFieldError, RequestAuthError
from wire.fields import b64d, b64e
from wire.ids import check_site

REQUEST_HEADERS = ("X-LW-Site", "X-LW-Timestamp", "X-LW-Nonce", "X-LW-Signature")
"""HTTP headers of a signed request."""

_REQUEST_TAG = b"lokal-willkommen sync v1 request\x00"


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """The authentication headers of one request, parsed."""

    site: str
    timestamp: int
    nonce: str
    signature: bytes


def canonical_query(query: str) -> str:
    """Sorted, re-encoded query string, so signer and verifier agree on its bytes."""
    return urlencode(sorted(parse_qsl(query or "", keep_blank_values=True)))


def _request_bytes(method: str, path: str, query: str, body: bytes, ts: int, nonce: str,
                   site: str) -> bytes:
    parts = [method.upper(), path, canonical_query(query), hashlib.sha256(body).hexdigest(),
             str(ts), nonce, site]
    return _REQUEST_TAG + "\n".join(parts).encode()


def sign_request(sign_key: Ed25519PrivateKey, site: str, method: str, path: str, query: str,
                 body: bytes, *, timestamp: int | None = None, nonce: str | None = None
                 ) -> dict[str, str]:
    """Headers that authenticate one request as ``site`` (add them to the HTTP request)."""
    ts = int(time.time()) if timestamp is None else timestamp
    nonce = nonce or b64e(os.urandom(16))
    sig = sign_key.sign(_request_bytes(method, path, query, body, ts, nonce, check_site(site)))
    return dict(zip(REQUEST_HEADERS, (site, str(ts), nonce, b64e(sig)), strict=True))


def parse_request_headers(headers: Mapping[str, str]) -> SignedRequest:
    """Read the four authentication headers (any case); raise if missing or malformed."""
    lower = {k.lower(): v for k, v in headers.items()}
    values = [lower.get(name.lower()) for name in REQUEST_HEADERS]
    if any(v is None for v in values):
        raise RequestAuthError("request is not signed (missing X-LW-* headers)",
                               code="unauthenticated")
    site, ts, nonce, sig = values
    try:
        check_site(site)
        # ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() refuses
        if not (ts.isascii() and ts.isdigit()) or len(ts) > 12:
            raise InvalidFieldError("timestamp")
        if not 16 <= len(nonce) <= 64:
            raise InvalidFieldError("nonce")
        b64d(nonce, field="nonce")
        raw_sig = b64d(sig, field="signature", length=64)
    except InvalidFieldError as exc:
        raise RequestAuthError("request authentication headers are malformed",
                               code="unauthenticated") from exc
    return SignedRequest(site, int(ts), nonce, raw_sig)


def verify_request(req: SignedRequest, method: str, path: str, query: str, body: bytes,
                   sign_pub: Ed25519PublicKey, *, now: float | None = None,
                   window: int = 300) -> None:
    """Check freshness and signature; the caller checks the nonce is unused."""
    now = time.time() if now is None else now
    if abs(now - req.timestamp) > window:
        raise RequestAuthError("request timestamp is outside the allowed window "
                               "(check the site's clock)", code="stale_request")
    try:
        sign_pub.verify(req.signature,
                        _request_bytes(method, path, query, body, req.timestamp, req.nonce,
                                       req.site))
    except InvalidSignature as exc:
        raise RequestAuthError("request signature does not verify", code="bad_signature") from exc
