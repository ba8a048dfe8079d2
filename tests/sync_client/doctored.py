"""A doctored sync server for tests where the server is the attacker: a loopback HTTP front
that forwards to a real ``sync-server`` and lets the test change any request's answer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from wire import pull_page


@dataclass
class Exchange:
    """One request and (once forwarded or made up) its answer."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 0
    answer_headers: dict[str, str] = field(default_factory=dict)
    answer: bytes = b""

    @property
    def signed(self) -> bool:
        return "x-lw-signature" in {k.lower() for k in self.headers}


Doctor = Callable[[Exchange, Callable[[], None]], None]
"""``doctor(exchange, forward)``: call ``forward()`` to get the real answer into the
exchange, then change it; or fill in an answer without forwarding."""


def passthrough(exchange: Exchange, forward: Callable[[], None]) -> None:
    forward()


class DoctoredServer:
    """Serves on a free loopback port until :meth:`close`."""

    def __init__(self, upstream: str, doctor: Doctor = passthrough) -> None:
        self.upstream, self.doctor = upstream, doctor
        self.seen: list[Exchange] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                ex = Exchange(self.command, self.path, dict(self.headers.items()),
                              self.rfile.read(length) if length else b"")
                outer.seen.append(ex)
                outer.doctor(ex, lambda: outer._forward(ex))
                self.send_response(ex.status)
                for name, value in ex.answer_headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding",
                                            "connection", "content-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(ex.answer)))
                self.end_headers()
                self.wfile.write(ex.answer)

            do_GET = do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _forward(self, ex: Exchange) -> None:
        keep = {k: v for k, v in ex.headers.items()
                if k.lower().startswith("x-lw-") or k.lower() == "content-type"}
        resp = requests.request(ex.method, self.upstream + ex.path, data=ex.body or None,
                                headers=keep, timeout=60, allow_redirects=False)
        ex.status, ex.answer = resp.status_code, resp.content
        ex.answer_headers = dict(resp.headers.items())

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rewrite_page_meta(ex: Exchange, **changes: object) -> None:
    """Change fields of a forwarded binary pull page's header."""
    meta, items = pull_page.decode(ex.answer)
    meta = {k: v for k, v in {**meta, **changes}.items() if k != "count"}
    ex.answer = pull_page.encode(items, meta)
