"""Property-based API fuzzing: from the OpenAPI document, of the signed-request headers, and of
generated protocol objects (signed envelopes, certificates, keyring entries) that get past
parsing and signature checks into the handlers. No input may cause a 5xx."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from server_harness import Client, Network, ServerProcess, SiteKeys

from wire import envelope as wire_envelope
from wire import fields as wire_fields
from wire import ids, signing
from wire import trust as wire_trust
from wire.ids import SITE_RE


class SignAuth(requests.auth.AuthBase):
    """Signs whatever schemathesis generated, so fuzzed input reaches the handlers."""

    def __init__(self, site: SiteKeys) -> None:
        self.site = site

    def __call__(self, req: requests.PreparedRequest) -> requests.PreparedRequest:
        parts = urlsplit(req.url)
        body = req.body or b""
        body = body.encode() if isinstance(body, str) else body
        req.headers.update(signing.sign_request(self.site.sign, self.site.code, req.method,
                                          parts.path, parts.query, body))
        return req


@pytest.fixture(scope="module")
def fuzz_network() -> Network:
    return Network()


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory,
                fuzz_network: Network) -> Iterator[tuple[ServerProcess, SiteKeys]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    network = fuzz_network
    srv = ServerProcess(f"sqlite:///{tmp / 'fuzz.sqlite3'}", tmp / "state",
                        env={"SYNC_SERVER_RATE_PER_S": "0"})
    assert srv.cli("trust", network.root_line).returncode == 0
    srv.start()
    site = network.site()
    assert Client(srv.base, site).enroll().status_code == 200
    yield srv, site
    srv.stop()


@pytest.fixture(scope="module")
def api_schema(fuzz_server):
    srv, _ = fuzz_server
    return schemathesis.openapi.from_url(srv.base + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case, fuzz_server):
    srv, site = fuzz_server
    signed = case.call(base_url=srv.base, auth=SignAuth(site))
    case.validate_response(signed, checks=[not_a_server_error])
    unsigned = case.call(base_url=srv.base)
    case.validate_response(unsigned, checks=[not_a_server_error])


# --- generated protocol objects: signed, structurally valid, so they reach the handlers ----

HEADER_TEXT = st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF,
                                    exclude_categories=("Cc", "Zs")), max_size=80)
"""What an HTTP header value can carry (latin-1, no controls; requests refuses the rest)."""
DAYS = st.dates(dt.date(1970, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat)
SITES = st.from_regex(SITE_RE, fullmatch=True)


def error_or_ok(resp: requests.Response) -> None:
    """Never a server error; every refusal is the JSON error shape."""
    assert resp.status_code < 500, resp.text
    if resp.status_code >= 400:
        assert set(resp.json()["error"]) == {"code", "message"}


@given(which=st.sampled_from(signing.REQUEST_HEADERS),
       value=HEADER_TEXT | st.text("0123456789²³¹", min_size=1, max_size=12),
       path=st.sampled_from(["/v1/status", "/v1/pull", "/v1/sites"]))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_auth_headers_are_4xx(fuzz_server, which, value, path) -> None:
    srv, site = fuzz_server
    client = Client(srv.base, site)
    error_or_ok(client.request("GET", path, headers={which: value}))


@st.composite
def envelopes(draw, network: Network, site: SiteKeys) -> wire_envelope.Envelope:
    """A sealed, signed envelope with drawn header fields, sometimes with one bit flipped."""
    op = draw(st.sampled_from(["put", "erase"]))
    header = wire_envelope.Header(
        v=wire_fields.FORMAT_VERSION, net=draw(st.sampled_from([network.net, "other-net"])),
        scope=draw(st.sampled_from([site.cert.office, ids.NETWORK_SCOPE, "EVSC"])),
        gen=draw(st.integers(1, 2**31 - 1)), rid=draw(st.uuids(version=4)).hex,
        site=draw(st.sampled_from([site.code, "EVSC-0001"])),
        ctr=draw(st.integers(1, wire_fields.MAX_CTR)), op=op, exp=draw(DAYS))
    body = b"" if op == "erase" else draw(st.binary(max_size=2000))
    env = wire_envelope.seal(header, body, network.data_key, site.sign)
    return env


@given(data=st.data(), flip=st.none() | st.integers(0, 10_000))
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_envelopes_reach_the_push_handler(fuzz_server, fuzz_network, data,
                                                    flip) -> None:
    srv, site = fuzz_server
    batch = data.draw(st.lists(envelopes(fuzz_network, site), min_size=1, max_size=4))
    raws = [e.to_bytes() for e in batch]
    if flip is not None:
        raw = bytearray(raws[0])
        raw[flip % len(raw)] ^= 1 << (flip % 8)
        raws[0] = bytes(raw)
    resp = Client(srv.base, site).request(
        "POST", "/v1/push", body={"envelopes": [wire_fields.b64e(r) for r in raws]})
    error_or_ok(resp)


@given(code=SITES, issued=st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(9999, 1, 1)),
       foreign_root=st.booleans())
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_certificates_reach_enrol(fuzz_server, fuzz_network, code, issued,
                                            foreign_root) -> None:
    srv, _ = fuzz_server
    network = Network() if foreign_root else fuzz_network
    site = network.site(code, issued=issued.strftime("%Y-%m-%dT%H:%M:%SZ"))
    error_or_ok(Client(srv.base, site).enroll())


@given(gen=st.integers(1, 2**31 - 1), recipients=st.lists(SITES, min_size=1, max_size=5),
       foreign_root=st.booleans(), scope=st.sampled_from([ids.NETWORK_SCOPE, "EVSC", "MEHU"]))
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_keyring_entries_reach_the_keyring(fuzz_server, fuzz_network, gen,
                                                     recipients, foreign_root, scope) -> None:
    srv, site = fuzz_server
    root = Network().root if foreign_root else fuzz_network.root
    entry = wire_trust.make_keyring_entry(root, fuzz_network.net, scope, gen, os.urandom(32),
                                 {r: site.kex.public_key() for r in recipients})
    error_or_ok(Client(srv.base, site).request("POST", "/v1/keyring", body=entry.to_dict()))
