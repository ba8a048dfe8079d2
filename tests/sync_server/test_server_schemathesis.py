"""Property-based API fuzzing from the OpenAPI document: no input may cause a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from server_harness import Client, Network, ServerProcess, SiteKeys

from sync_server import protocol as p


class SignAuth(requests.auth.AuthBase):
    """Signs whatever schemathesis generated, so fuzzed input reaches the handlers."""

    def __init__(self, site: SiteKeys) -> None:
        self.site = site

    def __call__(self, req: requests.PreparedRequest) -> requests.PreparedRequest:
        parts = urlsplit(req.url)
        body = req.body or b""
        body = body.encode() if isinstance(body, str) else body
        req.headers.update(p.sign_request(self.site.sign, self.site.code, req.method,
                                          parts.path, parts.query, body))
        return req


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess,
                                                                            SiteKeys]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    network = Network()
    srv = ServerProcess(f"sqlite:///{tmp / 'fuzz.sqlite3'}", tmp / "state")
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
