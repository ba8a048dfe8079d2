"""The one factory that builds the server's ASGI app, used by the CLI and the tests."""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server import __version__
from sync_server.config import ENV_CONFIG, ServerConfig
from sync_server.errors import error_body, install_error_handlers
from sync_server.highwater import HighWater
from sync_server.quota import RateLimiter
from sync_server.routes import router
from sync_server.store import registry
from sync_server.store.db import bind_database


class BodyLimitMiddleware:
    """Refuse oversized requests before anything parses them.

    Content-Length is checked first; the streamed body is then counted as it arrives (a
    client may lie or use chunked encoding) and buffered only up to the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int,
                      code: str, message: str) -> None:
        response = JSONResponse(error_body(code, message), status_code=status,
                                headers={"Connection": "close"})
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = f"request body is larger than {self.max_bytes} bytes"
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                if not value.isdigit():
                    await self._refuse(scope, receive, send, 400, "bad_content_length",
                                       "Content-Length is not a number")
                    return
                if int(value) > self.max_bytes:
                    await self._refuse(scope, receive, send, 413, "request_too_large", too_big)
                    return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await self._refuse(scope, receive, send, 413, "request_too_large", too_big)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def create_app(config: ServerConfig, *, bind: bool = True) -> FastAPI:
    """Build the app for ``config``; binds the database proxy (the schema must exist)."""
    if bind:
        bind_database(config.database_url, config.pg_pool_size)
    app = FastAPI(title="lokal willkommen sync server", version=__version__,
                  description="Stores sealed envelopes it cannot open; see DESIGN.md.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.config = config
    highwater = HighWater(config.state_dir, config.database_url)
    highwater.start(registry.epoch(), registry.current_seq())
    app.state.highwater = highwater
    app.state.rate_limiter = RateLimiter(config.rate_per_s, config.rate_burst)
    install_error_handlers(app)
    app.include_router(router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_request_bytes)
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn worker processes: the CLI passes the config in the environment."""
    return create_app(ServerConfig.from_json(os.environ[ENV_CONFIG]))
