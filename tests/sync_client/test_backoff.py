"""A busy server (429/503) is asked again after its Retry-After, or with exponential backoff."""

from __future__ import annotations

import email.utils
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from kiosk.sync.backoff import MAX_DELAY_S, PoliteAPI, retry_delay
from kiosk.sync.errors import NetworkError


class Busy(BaseHTTPRequestHandler):
    """Answers the first ``busy`` requests with 503/429, then 200."""

    answers: ClassVar[list[tuple[int, dict[str, str]]]] = []
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("X-LW-Nonce", ""))
        status, headers = self.answers.pop(0) if self.answers else (200, {})
        body = json.dumps({"ok": True} if status == 200 else
                          {"error": {"code": "busy", "message": "busy"}}).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def busy_server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    Busy.seen = []
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_retry_after_is_obeyed_then_the_call_succeeds(busy_server, tmp_path) -> None:
    from kiosk.crypto.site_keys import create_site_keys, load_site_keys
    create_site_keys(tmp_path / "keys", "EVSC-00000001")
    keys = load_site_keys(tmp_path / "keys")
    Busy.answers = [(503, {"Retry-After": "3"}), (429, {}), (200, {})]
    slept: list[float] = []
    api = PoliteAPI(busy_server, keys, sleep=slept.append)
    assert api.call("GET", "/v1/pull") == {"ok": True}
    assert slept[0] == 3.0 and 2.0 <= slept[1] <= 2.5
    assert api.requests == 3 and len(set(Busy.seen)) == 3  # each retry signed afresh
    Busy.answers = [(503, {})] * 5
    with pytest.raises(NetworkError):
        PoliteAPI(busy_server, keys, sleep=slept.append, retries=2).call("GET", "/v1/pull")


def test_retry_delay() -> None:
    assert retry_delay("7", 0) == 7.0
    assert retry_delay("100000", 0) == MAX_DELAY_S
    when = email.utils.formatdate(1_000_030, usegmt=True)
    assert retry_delay(when, 0, now=1_000_000) == 30.0
    assert retry_delay(when, 0, now=2_000_000) == 0.0
    assert 4.0 <= retry_delay("soon", 2) <= 5.0
    assert retry_delay(None, 20) == MAX_DELAY_S
