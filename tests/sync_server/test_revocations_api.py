"""The server keeps the root-signed revocation list: newer versions only, root-signed only,
and the machines it names are locked out (SQLite and PostgreSQL)."""

from __future__ import annotations

import os

import requests
from server_harness import Client, Network, ServerProcess

from sync_server import protocol as p
from sync_server.protocol_revocation import Revocation, sign_revocation_list


def held_version(server: ServerProcess) -> int:
    answer = requests.get(server.base + "/v1/revocations", timeout=10)
    assert answer.status_code == 200, answer.text
    listed = answer.json()["revocations"]
    return listed["version"] if listed else 0


def post(server: ServerProcess, body: object) -> requests.Response:
    return requests.post(server.base + "/v1/revocations", json=body, timeout=10)


def entry(client: Client, upto: int = 0) -> Revocation:
    return Revocation(client.site.code, client.site.cert.sign_pub, upto, "stolen")


def test_a_root_signed_list_is_stored_served_and_locks_its_machines_out(
        server: ServerProcess, network: Network, enrolled) -> None:
    stolen, other = enrolled(), enrolled()
    assert stolen.push([network.envelope(stolen.site)]).status_code == 200
    version = held_version(server) + 1
    rl = sign_revocation_list(network.root, network.net, version, [entry(stolen, 1)])
    answer = post(server, rl.to_dict())
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"version": version, "result": "stored",
                             "locked_out": [stolen.site.code]}
    assert requests.get(server.base + "/v1/revocations",
                        timeout=10).json()["revocations"] == rl.to_dict()
    refused = stolen.push([network.envelope(stolen.site)])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "site_revoked"
    # a new certificate for the listed writer id cannot bring it back
    again = Client(server.base, network.site(code=stolen.site.code))
    answer = again.enroll()
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "certificate_revoked"
    # every pull page names the version, so sites notice a difference
    page = other.pull()
    assert page.status_code == 200 and page.json()["revocations"] == version


def test_a_list_that_is_not_newer_is_refused_with_409(
        server: ServerProcess, network: Network, enrolled) -> None:
    a, b = enrolled(), enrolled()
    version = held_version(server) + 1
    first = sign_revocation_list(network.root, network.net, version, [entry(a)])
    assert post(server, first.to_dict()).status_code == 200
    assert post(server, first.to_dict()).json()["result"] == "unchanged"
    for stale in (version, version - 1):
        other = sign_revocation_list(network.root, network.net, stale, [entry(b)])
        answer = post(server, other.to_dict())
        assert answer.status_code == 409, answer.text
        assert answer.json()["error"]["code"] == "stale_revocations"
    assert held_version(server) == version
    assert b.push([network.envelope(b.site)]).status_code == 200  # not locked out


def test_a_list_the_root_did_not_sign_is_refused(server: ServerProcess, network: Network,
                                                enrolled) -> None:
    a = enrolled()
    version = held_version(server) + 1
    forged = sign_revocation_list(p.Ed25519PrivateKey.generate(), network.net, version,
                                  [entry(a)])
    answer = post(server, forged.to_dict())
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "bad_signature"
    broken = {**forged.to_dict(), "entries": [{"writer": a.site.code}]}
    answer = post(server, broken)
    assert answer.status_code == 422 and "error" in answer.json()
    assert held_version(server) == version - 1
    assert a.push([network.envelope(a.site)]).status_code == 200


def test_a_generation_reissued_with_another_key_is_refused(
        server: ServerProcess, network: Network, enrolled) -> None:
    a = enrolled()
    office = a.site.cert.office
    first = p.make_keyring_entry(network.root, network.net, office, 7, os.urandom(32),
                                 {a.site.code: a.site.kex.public_key()},
                                 issued="2026-01-01T00:00:00Z")
    assert a.request("POST", "/v1/keyring", body=first.to_dict()).json()["result"] == "stored"
    other_key = p.make_keyring_entry(network.root, network.net, office, 7, os.urandom(32),
                                     {a.site.code: a.site.kex.public_key()},
                                     issued="2026-02-01T00:00:00Z")
    answer = a.request("POST", "/v1/keyring", body=other_key.to_dict())
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"]["code"] == "generation_rekeyed"
    served = a.request("GET", "/v1/keyring").json()["entries"]
    assert [e["key_id"] for e in served if e["gen"] == 7] == [first.key_id]
