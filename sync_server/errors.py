"""The server's named errors and the one place that turns any failure into a JSON answer.

Every error body is ``{"error": {"code": "...", "message": "..."}}``; clients branch on
``code``, people read ``message``. Messages never contain envelope content, keys or nonces.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sync_server.protocol import ProtocolError, RequestAuthError, SignatureError
from sync_server.store.errors import CounterReused, SiteNotWritable, StorageError

if TYPE_CHECKING:  # the web framework is needed only to serve, not for admin commands
    from fastapi import FastAPI

log = logging.getLogger("sync_server")


class SyncServerError(Exception):
    """Base of the hierarchy: an HTTP status, a stable code and a message."""

    status = 400
    code = "bad_request"
    headers: dict[str, str] | None = None

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class BadRequest(SyncServerError):
    """The request is well-formed HTTP but not a valid protocol request."""


class Unauthenticated(SyncServerError):
    """Missing, stale, replayed or wrongly signed request, or an unknown site."""

    status = 401
    code = "unauthenticated"


class Forbidden(SyncServerError):
    """Authenticated, but not allowed: revoked site, foreign envelope, untrusted certificate."""

    status = 403
    code = "forbidden"


class NotFound(SyncServerError):
    """No such route or object."""

    status = 404
    code = "not_found"


class Conflict(SyncServerError):
    """The request contradicts stored state (e.g. a writer counter reused with other content)."""

    status = 409
    code = "conflict"


class PayloadTooLarge(SyncServerError):
    """Request, batch or envelope over the published limits (see ``GET /v1/config``)."""

    status = 413
    code = "too_large"


class Unprocessable(SyncServerError):
    """The JSON parsed but its fields have the wrong types or values."""

    status = 422
    code = "invalid_request"


class TooManyRequests(SyncServerError):
    """A site asks faster than its rate limit; ``Retry-After`` says when to ask again."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(max(1, retry_after_s))}


class QuotaExceeded(SyncServerError):
    """A push would take a site past its storage quota (envelopes or bytes); retrying the
    same push does not help, so not 429: an admin raises the quota or finds the cause."""

    status = 507
    code = "quota_exceeded"


class NotConfigured(SyncServerError):
    """The server has no trusted network root yet (``sync-server trust``)."""

    status = 409
    code = "server_not_trusted"


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The JSON shape shared by every error (also used by the size-limit middleware)."""
    return {"error": {"code": code, "message": message}}


def _from_protocol(exc: ProtocolError) -> SyncServerError:
    if isinstance(exc, RequestAuthError):
        return Unauthenticated(exc.message, exc.code)
    if isinstance(exc, SignatureError):
        return Forbidden(exc.message, exc.code)
    return Unprocessable(exc.message, exc.code)


#: The HTTP answer to each of the store's own errors (sync_server.store.errors).
_STORAGE_HTTP: dict[type[StorageError], type[SyncServerError]] = {
    SiteNotWritable: Forbidden,
    CounterReused: Conflict,
}


def from_storage(exc: StorageError) -> SyncServerError:
    """The HTTP error for a storage error (its code and message kept); the only mapping."""
    for kind, http in _STORAGE_HTTP.items():
        if isinstance(exc, kind):
            return http(exc.message, exc.code)
    return Conflict(exc.message, exc.code)


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception type to a JSON error response; the only such mapping."""
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(SyncServerError)
    async def _named(_: Request, exc: SyncServerError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status,
                            headers=exc.headers)

    @app.exception_handler(StorageError)
    async def _storage(_: Request, exc: StorageError) -> JSONResponse:
        err = from_storage(exc)
        return JSONResponse(error_body(err.code, err.message), status_code=err.status)

    @app.exception_handler(ProtocolError)
    async def _protocol(_: Request, exc: ProtocolError) -> JSONResponse:
        err = _from_protocol(exc)
        return JSONResponse(error_body(err.code, err.message), status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse(error_body("malformed_json", "request body is not valid JSON"),
                                status_code=400)
        where = "; ".join(
            ".".join(str(p) for p in e.get("loc", ()) if p != "body") + ": " + str(e.get("msg"))
            for e in errors[:5])
        return JSONResponse(error_body("invalid_request", f"invalid request: {where}"),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {400: "malformed_json", 404: "not_found", 405: "method_not_allowed"}
        code = codes.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Type and the driver's message only: neither carries envelope bytes or keys.
        log.error("internal error: %s: %.200s", type(exc).__name__, exc)
        return JSONResponse(error_body("internal", "internal server error"), status_code=500)
