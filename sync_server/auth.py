"""Signed-request authentication (see ``wire.signing`` for why signatures).

Order matters: the signature is checked before the nonce is recorded, so an unauthenticated
client cannot fill the nonce table; the site row is read on every request, so a revocation
takes effect on the very next one; a site's rate limit is charged only after its signature
verified, so nobody else can spend it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import Depends, Request

from sync_server.errors import Forbidden
from sync_server.store import registry
from wire.signing import parse_request_headers, verify_request
from wire.trust import SiteCertificate


@dataclass(frozen=True, slots=True)
class AuthContext:
    """The authenticated machine of a request, and the office its certificate names."""

    site: str
    office: str
    sign_pub: Ed25519PublicKey


async def read_body(request: Request) -> bytes:
    """The raw body (already bounded by the size-limit middleware); cached by Starlette."""
    return await request.body()


RawBody = Annotated[bytes, Depends(read_body)]
"""The raw request body as a dependency (hashed into the request signature)."""


def check_signed(request: Request, body: bytes, key: Ed25519PublicKey, site: str) -> None:
    """Verify the X-LW-* headers against ``key`` and burn the nonce."""
    req = parse_request_headers(request.headers)
    window = request.app.state.config.clock_window_s
    verify_request(req, request.method, request.url.path, request.url.query, body, key,
                   window=window)
    if req.site != site:
        raise Forbidden("request is signed for another site", "site_mismatch")
    registry.use_nonce(req.site, req.nonce, req.timestamp, window)


def authenticated_site(request: Request, body: RawBody) -> AuthContext:
    """FastAPI dependency: the enrolled, unrevoked site that signed this request."""
    req = parse_request_headers(request.headers)
    site = registry.get_site(req.site)
    cert = SiteCertificate.from_dict(json.loads(site.certificate))
    key = cert.sign_public_key()
    check_signed(request, body, key, site.code)
    request.app.state.rate_limiter.take(site.code)
    return AuthContext(site=site.code, office=cert.office, sign_pub=key)


Authenticated = Annotated[AuthContext, Depends(authenticated_site)]
"""Handler parameter type for endpoints that need a signed request from an enrolled site."""
