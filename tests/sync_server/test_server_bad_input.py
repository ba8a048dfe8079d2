"""Bad input gets a 4xx JSON error with a code, and nothing is written."""

from __future__ import annotations

import json
import os
import socket
from urllib.parse import urlparse

import pytest
import requests
from server_harness import Client, ServerProcess

from wire import fields


def stored_total(server: ServerProcess) -> int:
    return json.loads(server.cli("status", "--json").stdout)["envelopes"]


def assert_error(resp: requests.Response, status: int, code: str | None = None) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    if code is not None:
        assert body["error"]["code"] == code


@pytest.mark.parametrize(("raw", "status", "code"), [
    (b'{"envelopes": [', 400, "malformed_json"),
    (b"\xff\xfe not json", 400, "malformed_json"),
    (b'{"envelopes": 5}', 422, "invalid_request"),
    (b'{"envelopes": []}', 422, "invalid_request"),
    (b'{"envelopes": [5]}', 422, "invalid_request"),
    (b'{"envelopes": ["AAAA"], "extra": 1}', 422, "invalid_request"),
    (b'["not", "an", "object"]', 422, "invalid_request"),
    (b'{"envelopes": ["***"]}', 422, "invalid_request"),
    (b'{"envelopes": ["AAAA"]}', 422, "malformed"),
])
def test_malformed_push_bodies(server, enrolled, raw, status, code):
    client: Client = enrolled()
    total = stored_total(server)
    assert_error(client.request("POST", "/v1/push", raw=raw), status, code)
    assert stored_total(server) == total


def test_unknown_version_and_truncated_envelope(server, network, enrolled):
    client = enrolled()
    raw = network.envelope(client.site).to_bytes()
    resp = client.request("POST", "/v1/push",
                          body={"envelopes": [fields.b64e(raw.replace(b'"v":2', b'"v":3'))]})
    assert_error(resp, 422, "unsupported_version")
    resp = client.request("POST", "/v1/push",  # a release-1 envelope: no scope
                          body={"envelopes": [fields.b64e(raw.replace(b'"v":2', b'"v":1'))]})
    assert_error(resp, 422, "unsupported_version")
    resp = client.request("POST", "/v1/push", body={"envelopes": [fields.b64e(raw[:-5])]})
    assert_error(resp, 422, "malformed")


def test_batch_and_envelope_limits(server, network, enrolled):
    client = enrolled()
    total = stored_total(server)
    resp = client.push([network.envelope(client.site) for _ in range(501)])
    assert_error(resp, 413, "batch_too_large")
    big = network.envelope(client.site, body=os.urandom(70_000))
    assert len(big.to_bytes()) > 64 * 1024
    assert_error(client.push([big]), 413, "envelope_too_large")
    assert stored_total(server) == total


def test_oversized_body_refused_before_parsing(server, enrolled):
    client = enrolled()
    huge = b'{"envelopes": ["' + b"A" * (1024 * 1024 + 10) + b'"]}'
    assert_error(client.request("POST", "/v1/push", raw=huge), 413, "request_too_large")


def test_oversized_chunked_stream_refused(server):
    """No Content-Length: the streamed body is counted as it arrives."""

    def chunks():
        yield b'{"envelopes": ["'
        for _ in range(40):
            yield b"A" * 32768
        yield b'"]}'

    resp = requests.post(server.base + "/v1/push", data=chunks(), timeout=30,
                         headers={"Content-Type": "application/json"})
    assert_error(resp, 413, "request_too_large")


def test_lying_content_length(server):
    host = urlparse(server.base)
    with socket.create_connection((host.hostname, host.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
        answer = sock.recv(4096)
    assert b" 400 " in answer.split(b"\r\n")[0] or b" 413 " in answer.split(b"\r\n")[0]


@pytest.mark.parametrize("params", [{"after": -1}, {"limit": 0}, {"after": "x"},
                                    {"limit": 10**9}, {"after": 2**64}])
def test_bad_pull_parameters(server, enrolled, params):
    client = enrolled()
    assert_error(client.request("GET", "/v1/pull", params=params), 422, "invalid_request")


def test_unknown_route_and_method_are_json(server):
    assert_error(requests.get(server.base + "/v2/nothing", timeout=10), 404, "not_found")
    assert_error(requests.delete(server.base + "/v1/push", timeout=10), 405,
                 "method_not_allowed")


@pytest.mark.parametrize("cert_patch", [
    {"site": "lowercase"}, {"serial": "nothex"}, {"issued": "yesterday"}, {"v": 9},
    {"sign_pub": "AAAA"},
])
def test_bad_certificates(server, network, cert_patch):
    site = network.site()
    client = Client(server.base, site)
    cert = {**site.cert.to_dict(), **cert_patch}
    resp = client.request("POST", "/v1/enroll", body={"certificate": cert})
    assert 400 <= resp.status_code < 500
    assert "error" in resp.json()


def test_bad_keyring_entries(server, network, enrolled):
    client = enrolled()
    good = network.keyring_entry(client.site.cert.office, 99,
                                 {client.site.code: client.site.kex.public_key()}).to_dict()
    for patch in ({"gen": 0}, {"alg": "rot13"}, {"wrapped": {}}, {"net": "other-net"},
                  {"gen": "1"}, {"scope": "lower"}, {"scope": None}):
        resp = client.request("POST", "/v1/keyring", body={**good, **patch})
        assert 400 <= resp.status_code < 500, patch
        assert "error" in resp.json()
    assert 99 not in {e["gen"] for e in client.request("GET", "/v1/keyring").json()["entries"]}


def test_openapi_document(server):
    doc = requests.get(server.base + "/openapi.json", timeout=10).json()
    assert {"/v1/push", "/v1/pull", "/v1/enroll", "/v1/config", "/v1/keyring",
            "/v1/sites", "/v1/status"} <= set(doc["paths"])
