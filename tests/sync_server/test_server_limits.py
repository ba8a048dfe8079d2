"""Per-site limits of a real server: expiry, quotas, request rate; headers parsed strictly."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_harness import Client, Network, PgDatabase, ServerProcess
from test_server_bad_input import assert_error, stored_total


def test_expiry_far_in_the_future_is_refused(server, network, enrolled):
    client = enrolled()
    total = stored_total(server)
    assert_error(client.push([network.envelope(client.site, exp="9999-12-31")]), 422,
                 "expiry_too_late")
    assert stored_total(server) == total
    # the longest honest expiry: the mediator register's ten years, from today
    ten_years = (dt.date.today() + dt.timedelta(days=3650)).isoformat()
    answer = client.push([network.envelope(client.site, exp=ten_years)])
    assert answer.status_code == 200, answer.text
    assert stored_total(server) == total + 1


@pytest.mark.parametrize("value", ["²", "12³", "¹²³", "17.5", "+17", "0x1f"])
def test_non_ascii_digit_timestamps_are_a_json_401(server, enrolled, value):
    client = enrolled()
    resp = client.request("GET", "/v1/status", headers={"X-LW-Timestamp": value})
    assert_error(resp, 401, "unauthenticated")


@pytest.fixture(params=["sqlite", "postgres"])
def limited(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[ServerProcess,
                                                                               Network]]:
    """A server whose sites may hold 10 envelopes or 12,000 bytes, and make 3 requests at
    once, then one every 2 s."""
    pg = PgDatabase() if request.param == "postgres" else None
    url = pg.url if pg else f"sqlite:///{tmp_path / 'limited.sqlite3'}"
    network = Network()
    srv = ServerProcess(url, tmp_path / "state", env={
        "SYNC_SERVER_MAX_SITE_ENVELOPES": "10", "SYNC_SERVER_MAX_SITE_BYTES": "12000",
        "SYNC_SERVER_RATE_PER_S": "1", "SYNC_SERVER_RATE_BURST": "1000"})
    assert srv.cli("trust", network.root_line).returncode == 0
    srv.start()
    yield srv, network
    srv.stop()
    if pg is not None:
        pg.drop()


def _client(srv: ServerProcess, network: Network) -> Client:
    client = Client(srv.base, network.site())
    assert client.enroll().status_code == 200
    return client


def test_storage_quotas_per_site(limited):
    srv, network = limited
    a, b = _client(srv, network), _client(srv, network)
    assert a.push([network.envelope(a.site) for _ in range(8)]).status_code == 200
    before = stored_total(srv)
    over = a.push([network.envelope(a.site) for _ in range(3)])
    assert_error(over, 507, "quota_exceeded")
    assert "10" in over.json()["error"]["message"]
    assert stored_total(srv) == before  # all or nothing
    assert a.push([network.envelope(a.site) for _ in range(2)]).status_code == 200

    # bytes: three envelopes of ~4.6 KB fit 12,000 bytes only twice
    big = [network.envelope(b.site, body=os.urandom(4000)) for _ in range(3)]
    assert b.push(big[:2]).status_code == 200
    assert_error(b.push(big[2:]), 507, "quota_exceeded")
    # superseding an envelope frees its bytes: the same record again fits
    rid = big[0].header.rid
    assert b.push([network.envelope(b.site, rid=rid, body=b"small")]).status_code == 200
    assert b.push(big[2:]).status_code == 200
    status = json.loads(srv.cli("status", "--json").stdout)
    assert {s["code"]: s["envelopes"] for s in status["sites"]} == {a.site.code: 10,
                                                                    b.site.code: 3}


def test_rate_limit_per_site_answers_429_with_retry_after(tmp_path):
    network = Network()
    srv = ServerProcess(f"sqlite:///{tmp_path / 'rate.sqlite3'}", tmp_path / "state", env={
        "SYNC_SERVER_RATE_PER_S": "1", "SYNC_SERVER_RATE_BURST": "3"})
    assert srv.cli("trust", network.root_line).returncode == 0
    srv.start()
    try:
        a, b = _client(srv, network), _client(srv, network)
        answers = [a.request("GET", "/v1/status") for _ in range(6)]
        codes = [r.status_code for r in answers]
        assert codes[:3] == [200, 200, 200]
        assert 429 in codes[3:]
        limited = next(r for r in answers if r.status_code == 429)
        assert_error(limited, 429, "rate_limited")
        assert int(limited.headers["Retry-After"]) >= 1
        assert b.request("GET", "/v1/status").status_code == 200  # another site is not slowed
    finally:
        srv.stop()
