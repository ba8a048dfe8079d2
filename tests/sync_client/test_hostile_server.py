"""A site against a server that lies (doctored in front of a real `sync-server` on loopback):
redirects, a clock two years ahead, impossible counters. Each answer is a named error and an
exit code from the documented list, nothing is applied, and later syncs still work."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.clock.hlc import Timestamp
from kiosk.config import NetworkConfig
from kiosk.store.models import Visit
from kiosk.sync import client as sync_client
from kiosk.sync.errors import SecurityError
from kiosk.sync.state import COUNTER, OFFSET
from tests.e2e_sync.harness import Network, Server, Site
from tests.sync_client.doctored import DoctoredServer, Exchange, rewrite_page_meta

TWO_YEARS_MS = 2 * 365 * 86_400_000


@pytest.fixture()
def network() -> Network:
    return Network()


@pytest.fixture()
def server(tmp_path: Path, network: Network) -> Iterator[Server]:
    """A real server that accepts request timestamps however far off (so that only the
    site's own checks stand between it and a server's lie about the time)."""
    (tmp_path / "srv").mkdir()
    srv = Server(tmp_path / "srv", network.admin.root_line())
    srv.env["SYNC_SERVER_CLOCK_WINDOW_S"] = str(10**9)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture()
def make_site(tmp_path: Path, network: Network, server: Server,
              config: NetworkConfig) -> Iterator[Callable[[str], Site]]:
    sites: list[Site] = []

    def make(office: str) -> Site:
        sites.append(Site(tmp_path, office, network, server, config))
        return sites[-1]

    yield make
    for site in sites:
        site.close()


@pytest.fixture()
def doctored(server: Server) -> Iterator[Callable[..., DoctoredServer]]:
    fronts: list[DoctoredServer] = []

    def make(doctor) -> DoctoredServer:
        fronts.append(DoctoredServer(server.base, doctor))
        return fronts[-1]

    yield make
    for front in fronts:
        front.close()


def claim_time(offset_ms: int):
    """A server that calls the first signed request stale and whose /v1/config claims a
    time ``offset_ms`` ahead: the site learns an offset from it."""
    state = {"stale_sent": False}

    def doctor(ex: Exchange, forward) -> None:
        if ex.signed and not state["stale_sent"]:
            state["stale_sent"] = True
            ex.status, ex.answer_headers = 401, {"Content-Type": "application/json"}
            ex.answer = json.dumps({"error": {"code": "stale_request",
                                              "message": "check the clock"}}).encode()
            return
        forward()
        if ex.path.startswith("/v1/config"):
            data = json.loads(ex.answer)
            data["server_time"] = int(time.time() * 1000) + offset_ms
            ex.answer = json.dumps(data).encode()

    return doctor


def test_server_two_years_ahead_is_not_believed(make_site, doctored) -> None:
    a, b = make_site("EVSC"), make_site("EVSC")
    a.skew_ms = TWO_YEARS_MS  # a writer whose clock is two years fast
    a.visits(1)
    a.sync()
    liar = doctored(claim_time(TWO_YEARS_MS))
    with pytest.raises(SecurityError) as err:
        b.sync(liar.base)
    assert err.value.code == "clock_skew"
    assert "minutes" in str(err.value)
    assert Visit.select().count() == 0
    assert b.activate().setting(OFFSET) is None
    hlc = b.activate().setting("hlc")
    assert hlc is None or Timestamp.parse(hlc).wall_ms < time.time() * 1000 + 86_400_000


def test_drift_guard_counts_local_time_only(make_site, doctored) -> None:
    """An offset within bounds signs requests, but does not widen the clock check."""
    a, b = make_site("EVSC"), make_site("EVSC")
    a.skew_ms = 16 * 60_000  # beyond the 15 minutes a field clock may be ahead
    a.visits(1)
    a.sync()
    liar = doctored(claim_time(8 * 60_000))
    report = b.sync(liar.base)
    assert report.quarantined == 2  # the visit and its day's figures, by the same fast clock
    assert {r for (r,) in b.activate().db.execute_sql(
        "SELECT reason FROM sync_quarantine")} == {"clock_ahead"}
    assert b.activate().setting(OFFSET) is None


def test_skew_within_the_documented_bound_is_not_quarantined(make_site, monkeypatch) -> None:
    """A reader 4 minutes slow reads a writer 7 minutes fast (the README's bound)."""
    a, b = make_site("EVSC"), make_site("EVSC")
    a.skew_ms = 7 * 60_000
    ids = a.visits(2)
    a.sync()
    monkeypatch.setattr(sync_client, "local_ms", lambda: int(time.time() * 1000) - 4 * 60_000)
    report = b.sync()
    assert report.quarantined == 0
    assert sorted(r[0] for r in b.snapshot()["visit"]) == sorted(ids)


class Recorder:
    """A plain-http server elsewhere that counts what reaches it."""

    def __init__(self) -> None:
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.hits += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_POST = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_redirects_are_not_followed(make_site, doctored) -> None:
    a = make_site("EVSC")
    a.visits(1)
    elsewhere = Recorder()
    try:
        def redirect(ex: Exchange, forward) -> None:
            ex.status, ex.answer_headers = 307, {"Location": elsewhere.base + ex.path}

        front = doctored(redirect)
        with pytest.raises(SecurityError) as err:
            a.sync(front.base)
        assert err.value.code == "redirect"
        proc = a.cli_sync(front.base)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 7, stderr
        assert "redirect" in stderr and "Traceback" not in stderr
        assert elsewhere.hits == 0
    finally:
        elsewhere.close()


def test_impossible_site_high_is_refused_and_reincarnate_does_not_wedge(make_site,
                                                                         doctored) -> None:
    a = make_site("EVSC")
    a.visits(2)
    a.sync()

    def absurd(ex: Exchange, forward) -> None:
        forward()
        if ex.path.startswith("/v1/pull") and ex.status == 200:
            rewrite_page_meta(ex, site_high=2**63 - 1)
        elif ex.path.startswith("/v1/push") and ex.status == 200:
            data = json.loads(ex.answer)
            data["site_high"] = 2**63 - 1
            ex.answer = json.dumps(data).encode()

    liar = doctored(absurd)
    a.visits(1, seed=1)
    for extra in ((), ("--reincarnate",)):
        proc = a.cli_sync(liar.base, *extra)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 6, stderr
        assert "site_high" in stderr and "Traceback" not in stderr
    assert int(a.activate().setting(COUNTER)) < 100
    proc = a.cli_sync()  # the honest server again: nothing is wedged
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert a.scalar("SELECT COUNT(*) FROM outbox") == 0
