"""The HTTP API against a real server process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import uuid

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from server_harness import Client, Network, ServerProcess

from wire import envelope as wire_envelope
from wire import fields, ids, pull_page, trust
from wire import signing as wire_signing


def stored_total(server: ServerProcess) -> int:
    done = server.cli("status", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["envelopes"]


def pulled_of(client: Client, after: int = 0) -> dict[str, list[wire_envelope.Envelope]]:
    by_rid: dict[str, list[wire_envelope.Envelope]] = {}
    for _, env in client.pull_all(after):
        by_rid.setdefault(env.header.rid, []).append(env)
    return by_rid


def error_code(resp: requests.Response) -> str:
    return resp.json()["error"]["code"]


def test_config_publishes_limits_time_and_epoch(server: ServerProcess, network: Network):
    data = server.config()
    assert data["net"] == network.net
    assert data["limits"]["max_batch"] == 500
    assert len(data["epoch"]) == 32 and data["server_time"] > 0


def test_push_pull_round_trip(server, network, enrolled):
    a, b = enrolled(), enrolled()
    bodies = [f"Fatima {i}".encode() for i in range(3)]
    envs = [network.envelope(a.site, body=body) for body in bodies]
    resp = a.push(envs)
    assert resp.status_code == 200, resp.text
    data = resp.json()
    assert [r["status"] for r in data["results"]] == ["stored"] * 3
    assert data["acked"] == [e.header.ctr for e in envs]
    assert data["site_high"] == envs[-1].header.ctr
    assert data["epoch"] == server.config()["epoch"]
    got = {env.header.rid: env for _, env in b.pull_all()}
    for env, body in zip(envs, bodies, strict=True):
        back = got[env.header.rid]
        assert back.to_bytes() == env.to_bytes()
        wire_envelope.verify(back, a.site.sign.public_key())
        assert wire_envelope.open_envelope(back, network.data_key) == body


def test_pull_pages_in_sequence_order(server, network, enrolled):
    a = enrolled()
    before = a.pull_all()
    cursor = before[-1][0] if before else 0
    a.push([network.envelope(a.site) for _ in range(25)])
    seen, after = [], cursor
    while True:
        page = a.pull(after, limit=7).json()
        seen += [e["seq"] for e in page["envelopes"]]
        assert len(page["envelopes"]) <= 7
        after = page["next"]
        if page["done"]:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) >= 25


def test_same_batch_twice_changes_nothing(server, network, enrolled):
    a = enrolled()
    envs = [network.envelope(a.site) for _ in range(5)]
    assert a.push(envs).status_code == 200
    total = stored_total(server)
    seq = a.pull_all()[-1][0]
    again = a.push(envs)
    assert again.status_code == 200
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
    assert stored_total(server) == total
    assert a.pull_all(seq) == []


def test_counter_reused_with_other_content_is_409_and_writes_nothing(server, network,
                                                                   enrolled):
    a = enrolled()
    first = network.envelope(a.site, body=b"before backup")
    assert a.push([first]).status_code == 200
    total = stored_total(server)
    reused = network.envelope(a.site, body=b"after restore", ctr=first.header.ctr)
    fresh = network.envelope(a.site)
    resp = a.push([fresh, reused])
    assert resp.status_code == 409
    assert error_code(resp) == "counter_reused"
    assert stored_total(server) == total
    rids = pulled_of(a)
    assert fresh.header.rid not in rids


def test_newest_per_record_and_site_supersedes(server, network, enrolled):
    a, b = enrolled(), enrolled()
    rid = uuid.uuid4().hex
    a1 = network.envelope(a.site, rid=rid, body=b"v1")
    a2 = network.envelope(a.site, rid=rid, body=b"v2")
    a3 = network.envelope(a.site, rid=rid, body=b"v3")
    b1 = network.envelope(b.site, rid=rid, body=b"b1")
    assert a.push([a1]).status_code == 200
    assert b.push([b1]).status_code == 200
    resp = a.push([a3, a2])  # in one batch, out of order
    assert {r["ctr"]: r["status"] for r in resp.json()["results"]} == {
        a2.header.ctr: "superseded", a3.header.ctr: "stored"}
    late = a.push([a1])  # an old one again: already seen, same bytes
    assert late.json()["results"][0]["status"] == "duplicate"
    kept = pulled_of(b)[rid]
    assert sorted(e.header.ctr for e in kept) == sorted([a3.header.ctr, b1.header.ctr])
    assert {e.header.site for e in kept} == {a.site.code, b.site.code}


def test_erasure_is_sticky(server, network, enrolled):
    a, b = enrolled(), enrolled()
    rid = uuid.uuid4().hex
    assert a.push([network.envelope(a.site, rid=rid)]).status_code == 200
    assert b.push([network.envelope(b.site, rid=rid)]).status_code == 200
    erase = network.envelope(a.site, rid=rid, op="erase")
    assert a.push([erase]).json()["results"][0]["status"] == "stored"
    later = b.push([network.envelope(b.site, rid=rid, body=b"resurrect?")])
    assert later.status_code == 200
    assert later.json()["results"][0]["status"] == "erased"
    kept = pulled_of(b)[rid]
    assert [e.header.op for e in kept] == ["erase"]
    wire_envelope.verify(kept[0], a.site.sign.public_key())
    again = a.push([network.envelope(a.site, rid=rid, op="erase")])
    assert again.json()["results"][0]["status"] == "erased"


def test_expired_envelope_is_acknowledged_not_stored(server, network, enrolled):
    a = enrolled()
    old = network.envelope(a.site, exp="2001-01-01")
    assert a.push([old]).json()["results"][0]["status"] == "expired"
    assert old.header.rid not in pulled_of(a)


def test_revoked_site_is_refused_at_once_and_replacement_enrols(server, network, enrolled):
    a, b = enrolled(), enrolled()
    kept = network.envelope(a.site)
    assert a.push([kept]).status_code == 200
    done = server.cli("revoke", a.site.code)
    assert done.returncode == 0, done.stderr
    resp = a.push([network.envelope(a.site)])
    assert resp.status_code == 403 and error_code(resp) == "site_revoked"
    assert a.pull().status_code == 403
    assert kept.header.rid in pulled_of(b)  # what it wrote before stays readable
    assert a.enroll().status_code == 403  # the stolen certificate cannot come back
    listed = b.request("GET", "/v1/sites").json()
    assert a.site.cert.site not in {c["site"] for c in listed["certificates"]}
    kept_seq = max(e["seq"] for e in b.pull().json()["envelopes"])
    [retired] = [r for r in listed["retired"] if r["certificate"]["site"] == a.site.code]
    assert retired["certificate"] == a.site.cert.to_dict() and retired["retired_seq"] >= kept_seq
    replacement = network.site(a.site.code, issued="2099-01-01T00:00:00Z")
    new = Client(server.base, replacement)
    assert new.enroll().json()["result"] == "replaced"
    replacement.ctr = 1000
    assert new.push([network.envelope(replacement)]).status_code == 200
    assert a.push([network.envelope(a.site)]).status_code == 401  # old key no longer matches


def test_authentication_refusals(server, network, enrolled):
    a = enrolled()
    stranger = Client(server.base, network.site())
    resp = stranger.pull()
    assert resp.status_code == 401 and error_code(resp) == "unknown_site"
    resp = a.request("GET", "/v1/pull", sign_key=Ed25519PrivateKey.generate())
    assert resp.status_code == 401 and error_code(resp) == "bad_signature"
    resp = a.request("GET", "/v1/pull", timestamp=1_000_000)
    assert resp.status_code == 401 and error_code(resp) == "stale_request"
    nonce = fields.b64e(b"0123456789abcdef")
    assert a.request("GET", "/v1/pull", nonce=nonce).status_code == 200
    resp = a.request("GET", "/v1/pull", nonce=nonce)
    assert resp.status_code == 401 and error_code(resp) == "replayed_nonce"
    resp = requests.get(server.base + "/v1/pull", timeout=10)
    assert resp.status_code == 401 and error_code(resp) == "unauthenticated"
    # Body swapped after signing: the signature covers sha256(body).
    headers = wire_signing.sign_request(a.site.sign, a.site.code, "POST", "/v1/push", "",
                                        b'{"a":1}')
    resp = requests.post(server.base + "/v1/push", data=b'{"envelopes":["AAAA"]}',
                         headers=headers, timeout=10)
    assert resp.status_code == 401


def test_foreign_or_forged_envelopes_are_refused(server, network, enrolled):
    a, b = enrolled(), enrolled()
    total = stored_total(server)
    resp = a.push([network.envelope(a.site), network.envelope(b.site)])
    assert resp.status_code == 403 and error_code(resp) == "foreign_envelope"
    forged = wire_envelope.seal(network.envelope(a.site).header, b"x", network.data_key,
                    Ed25519PrivateKey.generate())
    resp = a.push([forged])
    assert resp.status_code == 403 and error_code(resp) == "bad_signature"
    other = Network()
    resp = a.push([other.envelope(a.site)])
    assert resp.status_code == 403 and error_code(resp) == "wrong_network"
    # a batch large enough for the verify pool: one forgery deep inside refuses all of it
    batch = [network.envelope(a.site) for _ in range(150)]
    batch[117] = wire_envelope.seal(batch[117].header, b"x", network.data_key,
                                    Ed25519PrivateKey.generate())
    resp = a.push(batch)
    assert resp.status_code == 403 and error_code(resp) == "bad_signature"
    assert "envelope 117" in resp.json()["error"]["message"]
    assert stored_total(server) == total
    assert a.push(batch[:117]).status_code == 200
    assert stored_total(server) == total + 117


def test_enrolment_requires_root_signature_and_key_possession(server, network):
    rogue = Network(net=network.net)
    resp = Client(server.base, rogue.site()).enroll()
    assert resp.status_code == 403 and error_code(resp) == "bad_signature"
    site = network.site()
    resp = Client(server.base, site).request(
        "POST", "/v1/enroll", body={"certificate": site.cert.to_dict()},
        sign_key=Ed25519PrivateKey.generate())
    assert resp.status_code == 401
    client = Client(server.base, site)
    assert client.enroll().json()["result"] == "enrolled"
    assert client.enroll().json()["result"] == "unchanged"


def test_keyring_accepts_only_root_signed_generations(server, network, enrolled):
    a = enrolled()
    recipients = {a.site.code: a.site.kex.public_key()}
    office = a.site.cert.office
    entry = network.keyring_entry(office, 7, recipients, issued="2030-01-01T00:00:00Z")
    resp = a.request("POST", "/v1/keyring", body=entry.to_dict())
    assert resp.status_code == 200 and resp.json()["result"] in {"stored", "unchanged"}
    forged = trust.make_keyring_entry(Ed25519PrivateKey.generate(), network.net, office, 8,
                                  network.data_key, recipients)
    resp = a.request("POST", "/v1/keyring", body=forged.to_dict())
    assert resp.status_code == 403
    older = network.keyring_entry(office, 7, recipients, issued="2029-01-01T00:00:00Z")
    assert a.request("POST", "/v1/keyring", body=older.to_dict()).status_code == 409
    entries = a.request("GET", "/v1/keyring").json()["entries"]
    back = trust.KeyringEntry.from_dict(next(e for e in entries
                                         if (e["scope"], e["gen"]) == (office, 7)))
    trust.verify_keyring_entry(back, network.root.public_key())
    assert trust.unwrap_data_key(back, a.site.code, a.site.kex) == network.data_key
    assert (office, 8) not in {(e["scope"], e["gen"]) for e in entries}


def test_status_shows_sites_without_content(server, network, enrolled):
    a = enrolled()
    assert a.push([network.envelope(a.site, body=b"Canary-Zeynep")]).status_code == 200
    data = a.request("GET", "/v1/status").json()
    mine = next(s for s in data["sites"] if s["code"] == a.site.code)
    assert mine["envelopes"] == 1 and mine["last_push"] is not None
    assert "Canary" not in json.dumps(data)
    human = server.cli("status")
    assert human.returncode == 0 and a.site.code in human.stdout


def test_binary_pull_pages_hold_what_json_pages_hold(server, network, enrolled):
    a = enrolled()
    a.push([network.envelope(a.site) for _ in range(12)])
    for after, limit in ((0, 5), (3, 100)):
        as_json = a.pull(after, limit).json()
        resp = a.request("GET", "/v1/pull",
                         params={"after": after, "limit": limit, "format": "binary"})
        assert resp.status_code == 200
        assert resp.headers["content-type"] == pull_page.MEDIA_TYPE
        meta, items = pull_page.decode(resp.content)
        assert [(e["seq"], fields.b64d(e["env"])) for e in as_json["envelopes"]] == items
        for key in ("next", "done", "site_high", "epoch"):
            assert meta[key] == as_json[key]
    bad = a.request("GET", "/v1/pull", params={"after": 0, "format": "xml"})
    assert bad.status_code == 422 and "error" in bad.json()


def test_a_machine_writes_and_reads_only_its_office_scope_and_the_network(server, network,
                                                                          enrolled):
    a, a2 = enrolled(), enrolled()  # two machines of one office
    other_office = enrolled(of=network.site().cert.office)
    own = network.envelope(a.site)
    shared = network.envelope(a.site, scope=ids.NETWORK_SCOPE)
    theirs = network.envelope(other_office.site)
    assert a.push([own, shared]).status_code == 200
    assert other_office.push([theirs]).status_code == 200
    # into another office's scope: refused whole, nothing stored
    total = stored_total(server)
    resp = a.push([network.envelope(a.site), network.envelope(a.site, scope=theirs.header.scope)])
    assert resp.status_code == 403 and error_code(resp) == "foreign_scope"
    assert "scope" in resp.json()["error"]["message"]
    assert stored_total(server) == total
    # each is served its own office's envelopes and the network's, never another office's
    assert {own.header.rid, shared.header.rid} <= set(pulled_of(a2))
    assert theirs.header.rid not in pulled_of(a2)
    got = pulled_of(other_office)
    assert shared.header.rid in got and own.header.rid not in got
    assert theirs.header.rid in got
    # nor in the binary page format
    raw = other_office.request("GET", "/v1/pull", params={"after": 0, "limit": 1000,
                                                           "format": "binary"}).content
    assert own.to_bytes() not in raw and shared.to_bytes() in raw


def test_an_erasure_acts_only_within_its_own_scope(server, network, enrolled):
    a = enrolled()
    intruder = enrolled(of=network.site().cert.office)
    rid = uuid.uuid4().hex
    assert a.push([network.envelope(a.site, rid=rid)]).status_code == 200
    # another office's machine "erases" the rid: in its own scope (the only one it may
    # write), which leaves the record of a's office alone
    forged = intruder.push([network.envelope(intruder.site, rid=rid, op="erase")])
    assert forged.status_code == 200
    assert intruder.push([network.envelope(intruder.site, rid=rid, op="erase",
                                           scope=a.site.cert.office)]).status_code == 403
    kept = pulled_of(a)[rid]
    assert [e.header.op for e in kept] == ["put"]


def test_the_keyring_serves_a_machine_its_office_scope_and_the_network_only(
        server, network, enrolled):
    a = enrolled()
    other = enrolled(of=network.site().cert.office)
    mine = network.keyring_entry(a.site.cert.office, 1, {a.site.code: a.site.kex.public_key()})
    shared = network.keyring_entry(ids.NETWORK_SCOPE, 5, {
        a.site.code: a.site.kex.public_key(), other.site.code: other.site.kex.public_key()})
    theirs = network.keyring_entry(other.site.cert.office, 1,
                                   {other.site.code: other.site.kex.public_key()})
    for client, entry in ((a, mine), (a, shared), (other, theirs)):
        resp = client.request("POST", "/v1/keyring", body=entry.to_dict())
        assert resp.status_code == 200, resp.text
    served = {(e["scope"], e["gen"]) for e in
              a.request("GET", "/v1/keyring").json()["entries"]}
    assert {(a.site.cert.office, 1), (ids.NETWORK_SCOPE, 5)} <= served
    assert all(scope in (a.site.cert.office, ids.NETWORK_SCOPE) for scope, _ in served)
