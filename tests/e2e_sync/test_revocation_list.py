"""Revocation is the root's signed list, kept by every site: a restored or dishonest server
cannot re-admit a stolen terminal, and what it wrote before stays readable everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from kiosk.crypto.admin import rotate
from kiosk.crypto.revocation import revoke
from kiosk.crypto.site_keys import data_keys, load_site_keys, load_trust
from kiosk.sync import revocations
from kiosk.sync.errors import SyncError
from kiosk.sync.http import ServerAPI
from sync_server import pull_page
from sync_server.protocol_revocation import RevocationList
from tests.e2e_sync.harness import Network, Server, Site, forged_envelope
from tests.e2e_sync.test_restores import _backup, _restore, server  # noqa: F401
from tests.sync_client.doctored import DoctoredServer, Exchange


def high_ctr(srv: Server, code: str) -> int:
    status = json.loads(srv.cli("status", "--json").stdout)
    return next(s["high_ctr"] for s in status["sites"] if s["code"] == code)


def revoked_at_server(srv: Server, code: str) -> bool:
    status = json.loads(srv.cli("status", "--json").stdout)
    return next(s["revoked_at"] for s in status["sites"] if s["code"] == code) is not None


def publish(srv: Server, rl: RevocationList) -> dict:
    answer = requests.post(srv.base + "/v1/revocations", json=rl.to_dict(), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def rotate_and_publish(network: Network, at: Site) -> list[tuple[str, int]]:
    network.admin, entries = rotate(network.admin)
    api = ServerAPI(at.server.base, load_site_keys(at.key_dir))
    for entry in entries:
        api.call("POST", "/v1/keyring", body=entry.to_dict())
    return [(e.scope, e.gen) for e in entries]


def generations(site: Site) -> set[tuple[str, int]]:
    return set(data_keys(site.key_dir, load_trust(site.key_dir), load_site_keys(site.key_dir)))


def visit_ids(site: Site) -> set[str]:
    return {r[0] for r in site.snapshot()["visit"]}


def reasons(site: Site) -> set[str]:
    return {r[0] for r in site.activate().db.execute_sql("SELECT reason FROM sync_quarantine")}


def held(site: Site) -> int:
    return revocations.version(site.activate(), load_trust(site.key_dir))


def test_a_server_restored_from_before_the_revocation_does_not_readmit_the_stolen_terminal(
        make_site, server: Server, network: Network, tmp_path: Path) -> None:  # noqa: F811
    stolen, other = make_site(), make_site()
    before = set(stolen.visits(3))
    stolen.sync()
    other.sync()
    _backup(server, tmp_path)  # last night's backup, from before the theft
    rl = revoke(network.admin, stolen.writer, high_ctr(server, stolen.writer))
    assert publish(server, rl)["locked_out"] == [stolen.writer]
    new_gens = rotate_and_publish(network, other)
    other.visits(1, seed=2)  # a site takes a new generation up when it next writes
    other.sync()
    assert held(other) == 1 and set(new_gens) <= generations(other)

    _restore(server, tmp_path)  # the restored server knows nothing of it
    after = set(stolen.visits(2, seed=1))
    stolen.sync()  # accepted there: the restored server never heard of the revocation
    assert not set(new_gens) & generations(stolen)  # and it still cannot open what is next

    report = other.sync()
    assert any("gave it version 1" in n for n in report.notes)  # re-taught
    assert revoked_at_server(server, stolen.writer)
    with pytest.raises(SyncError):
        stolen.sync()
    assert before <= visit_ids(other) and not after & visit_ids(other)
    assert reasons(other) == {"revoked"}

    newcomer = make_site()  # enrolled after the revocation, with the admin's current keys
    newcomer.sync()
    assert held(newcomer) == 1
    assert before <= visit_ids(newcomer) and not after & visit_ids(newcomer)


def test_a_server_that_lists_the_revoked_machine_again_or_offers_an_old_list_is_not_believed(
        make_site, server: Server, network: Network) -> None:  # noqa: F811
    stolen, spare, other = make_site(), make_site(), make_site()
    stolen.visits(2)
    stolen.sync()
    old_list = revoke(network.admin, spare.writer, 0, "lost")  # version 1
    publish(server, old_list)
    publish(server, revoke(network.admin, stolen.writer, high_ctr(server, stolen.writer)))
    other.sync()
    assert held(other) == 2
    forged = forged_envelope(stolen)  # counter 99, after its cut-off
    slipped: list[int] = []
    def lie(ex: Exchange, forward) -> None:
        forward()
        if ex.path.startswith("/v1/sites"):  # the stolen certificate is active again
            data = json.loads(ex.answer)
            data["certificates"] += [r["certificate"] for r in data.pop("retired")]
            data["retired"] = []
            ex.answer = json.dumps(data).encode()
        elif ex.path.startswith("/v1/pull"):
            meta, items = pull_page.decode(ex.answer)
            if not slipped:  # slipped in by the server after the revocation
                slipped.append(meta["next"] + 1)
                items.append((slipped[0], forged.to_bytes()))
                meta["next"] = slipped[0]
            meta = {k: v for k, v in meta.items() if k != "count"}
            ex.answer = pull_page.encode(items, {**meta, "revocations": 3})  # claims newer
        elif ex.method == "GET" and ex.path.startswith("/v1/revocations"):
            ex.answer = json.dumps({"revocations": old_list.to_dict()}).encode()  # old one

    doctored = DoctoredServer(server.base, lie)
    try:
        report = other.sync(doctored.base)
    finally:
        doctored.close()
    assert held(other) == 2  # never rolled back
    assert reasons(other) == {"revoked"}
    assert forged.header.rid not in {
        r[0] for r in other.activate().db.execute_sql("SELECT rid FROM sync_record")}
    taught = [ex for ex in doctored.seen if ex.method == "POST"
              and ex.path == "/v1/revocations"]
    assert [json.loads(ex.body)["version"] for ex in taught] == [2]
    assert any("revocation list is older" in n for n in report.notes)


def test_a_new_site_reads_a_revoked_machines_older_envelopes_with_the_lists_key_alone(
        make_site, server: Server, network: Network) -> None:  # noqa: F811
    stolen = make_site()
    before = set(stolen.visits(3))
    stolen.sync()
    upto = high_ctr(server, stolen.writer)
    publish(server, revoke(network.admin, stolen.writer, upto))

    def forget(ex: Exchange, forward) -> None:  # the server no longer lists it at all
        forward()
        if ex.path.startswith("/v1/sites"):
            data = json.loads(ex.answer)
            data["certificates"] = [c for c in data["certificates"]
                                    if c["site"] != stolen.writer]
            data["retired"] = []
            ex.answer = json.dumps(data).encode()

    newcomer = make_site()  # enrolled after the revocation
    doctored = DoctoredServer(server.base, forget)
    try:
        report = newcomer.sync(doctored.base)
    finally:
        doctored.close()
    assert report.quarantined == 0 and visit_ids(newcomer) == before
    assert held(newcomer) == 1
