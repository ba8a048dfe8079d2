"""Faults mid-sync: SIGKILLed client (push, pull), SIGKILLed server, a cut connection.

After each, the next run completes; nothing is lost and nothing duplicated: the server keeps
exactly one envelope per record of the writer, and every store converges.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
import time

import pytest

from tests.e2e_sync.harness import Proxy

N = 450


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 100 (not the default 500), so that 450 records take several pushes."""
    monkeypatch.setenv("SYNC_SERVER_MAX_BATCH", "100")


def _server_count(server, site) -> int:
    with sqlite3.connect(server.db) as db:
        # the office's records (its anonymous figures of the day go to the network scope)
        return db.execute("SELECT COUNT(*), COUNT(DISTINCT rid) FROM envelope WHERE site = ? "
                          "AND scope != 'network'", (site.writer,)).fetchone()


def _finish(site, *others) -> None:
    again = site.cli_sync()
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    for other in others:
        other.sync()
    site.sync()


def _kill_on(proxy_hits: dict, want: str, nth: int, action):
    def hook(n: int, line: str):
        if want in line:
            proxy_hits[want] = proxy_hits.get(want, 0) + 1
            if proxy_hits[want] == nth:
                return action
        return "pass"
    return hook


def test_client_killed_during_push_and_during_pull(make_site, server) -> None:
    a, b = make_site(), make_site()
    a.visits(N)
    holder: dict = {}
    hits: dict = {}
    proxy = Proxy(server.port, _kill_on(hits, "POST /v1/push", 3,
                                        lambda: holder["proc"].send_signal(signal.SIGKILL)))
    holder["proc"] = a.cli_sync(proxy.base)
    holder["proc"].wait(timeout=300)
    assert holder["proc"].returncode == -signal.SIGKILL
    assert a.scalar("SELECT COUNT(*) FROM outbox") > 0  # the third batch was never acked
    _finish(a)
    assert _server_count(server, a) == (N, N)
    assert a.scalar("SELECT COUNT(*) FROM outbox") == 0

    hits.clear()
    proxy.hook = _kill_on(hits, "GET /v1/pull", 3, ("after", lambda: (
        time.sleep(0.05), holder["proc"].send_signal(signal.SIGKILL))))
    holder["proc"] = b.cli_sync(proxy.base, "--page-size", "100")
    holder["proc"].wait(timeout=300)
    assert holder["proc"].returncode == -signal.SIGKILL
    assert b.scalar("SELECT COUNT(*) FROM visit") < N  # pages of a group may be lost: re-pulled
    _finish(b, a)
    assert a.snapshot() == b.snapshot()
    assert len(b.snapshot()["visit"]) == N
    proxy.close()


def test_server_killed_during_a_push(make_site, server) -> None:
    a, b = make_site(), make_site()
    a.visits(N)
    hits: dict = {}

    def kill_server_soon() -> str:
        threading.Timer(0.002, lambda: server.proc.send_signal(signal.SIGKILL)).start()
        return "pass"

    proxy = Proxy(server.port, _kill_on(hits, "POST /v1/push", 2, None))
    proxy.hook = _kill_on(hits, "POST /v1/push", 2, "soon")
    inner = proxy.hook
    proxy.hook = lambda n, line: kill_server_soon() if inner(n, line) == "soon" else "pass"
    first = a.cli_sync(proxy.base)
    _, err = first.communicate(timeout=300)
    assert first.returncode == 6, err
    server.proc.wait(timeout=30)
    server.proc = None
    server.start()
    _finish(a, b)
    assert _server_count(server, a) == (N, N)
    assert a.snapshot() == b.snapshot() and len(b.snapshot()["visit"]) == N
    proxy.close()


def test_connection_cut_mid_response(make_site, server) -> None:
    a, b = make_site(), make_site()
    a.visits(N)
    hits: dict = {}
    proxy = Proxy(server.port, _kill_on(hits, "POST /v1/push", 2, "cut"))
    first = a.cli_sync(proxy.base)
    _, err = first.communicate(timeout=300)
    assert first.returncode == 6, err
    assert "cannot reach" in err or "failed" in err
    hits.clear()
    proxy.hook = _kill_on(hits, "GET /v1/pull", 2, "cut")
    cut = b.cli_sync(proxy.base, "--page-size", "100")
    _, err = cut.communicate(timeout=300)
    assert cut.returncode == 6, err
    _finish(a, b)
    assert _server_count(server, a) == (N, N)
    assert a.snapshot() == b.snapshot() and len(b.snapshot()["visit"]) == N
    proxy.close()
