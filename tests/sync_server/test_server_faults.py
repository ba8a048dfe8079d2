"""Real processes and real faults: SIGKILL mid-push, restore from backup, concurrent workers."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from server_harness import Client, Network, PgDatabase, ServerProcess, copy_sqlite

from wire import envelope as wire_envelope


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgres":
        pg = PgDatabase()
        yield pg.url
        pg.drop()
    else:
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"


def trusted_server(url: str, tmp_path: Path, network: Network, workers: int = 1
                   ) -> ServerProcess:
    srv = ServerProcess(url, tmp_path / "state", workers=workers)
    done = srv.cli("trust", network.root_line)
    assert done.returncode == 0, done.stderr
    return srv.start()


def wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_server_killed_during_push_stream_leaves_nothing_half_written(db_url, tmp_path):
    network = Network()
    srv = trusted_server(db_url, tmp_path, network)
    site = network.site()
    client = Client(srv.base, site)
    assert client.enroll().status_code == 200
    batches = [[network.envelope(site, body=os.urandom(200)) for _ in range(100)]
               for _ in range(30)]
    attempted: list[int] = []
    acked: list[int] = []

    def pusher() -> None:
        for index, batch in enumerate(batches):
            attempted.append(index)
            try:
                resp = client.push(batch)
            except requests.RequestException:
                return
            if resp.status_code != 200:
                return
            acked.append(index)

    thread = threading.Thread(target=pusher)
    thread.start()
    wait_for(lambda: len(acked) >= 3)
    srv.stop(signal.SIGKILL)
    thread.join(timeout=60)
    srv.start()
    client = Client(srv.base, site)
    present = {env.header.rid for _, env in client.pull_all()}
    for index in attempted:
        inside = [env.header.rid in present for env in batches[index]]
        assert all(inside) or not any(inside), f"batch {index} half written"
    for index in acked:
        assert all(env.header.rid in present for env in batches[index])
    assert len(attempted) < len(batches), "the kill came after the stream had finished"
    for batch in batches:  # the site resumes: re-push everything, nothing duplicated
        assert client.push(batch).status_code == 200
    pulled = client.pull_all()
    rids = [env.header.rid for _, env in pulled]
    assert len(rids) == len(set(rids)) == 3000
    srv.stop()
    if db_url.startswith("sqlite"):
        with sqlite3.connect(db_url[len("sqlite:///"):]) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_restore_from_backup_gets_a_new_epoch_and_loses_nothing(tmp_path):
    network = Network()
    db = tmp_path / "server.sqlite3"
    srv = trusted_server(f"sqlite:///{db}", tmp_path, network)
    site = network.site()
    client = Client(srv.base, site)
    assert client.enroll().status_code == 200
    early = [network.envelope(site) for _ in range(10)]
    assert client.push(early).status_code == 200
    epoch = srv.config()["epoch"]
    srv.stop()
    copy_sqlite(db, tmp_path / "backup.sqlite3")
    srv.start()
    assert srv.config()["epoch"] == epoch, "a plain restart must keep the epoch"
    late = [network.envelope(site) for _ in range(10)]
    assert Client(srv.base, site).push(late).status_code == 200
    srv.stop()
    copy_sqlite(tmp_path / "backup.sqlite3", db)
    srv.start()
    assert srv.config()["epoch"] != epoch
    client = Client(srv.base, site)
    assert {env.header.rid for _, env in client.pull_all()} == {e.header.rid for e in early}
    # The site sees the new epoch, resets its cursor and re-pushes its whole state.
    resp = client.push(early + late)
    assert resp.status_code == 200
    assert {env.header.rid for _, env in client.pull_all()} == {
        e.header.rid for e in early + late}
    srv.stop()
    before = srv.cli("status", "--json").stdout
    done = srv.cli("new-epoch", "--state-dir", str(srv.state_dir))
    assert done.returncode == 0, done.stderr
    assert srv.cli("status", "--json").stdout != before


def test_concurrent_pushers_and_pullers_never_skip_on_postgres(tmp_path):
    """Several server processes on PostgreSQL; every puller must see every envelope."""
    network = Network()
    pg = PgDatabase()
    srv = trusted_server(pg.url, tmp_path, network, workers=3)
    try:
        pushers = [Client(srv.base, network.site(office="EVSC")) for _ in range(4)]
        for client in pushers:
            assert client.enroll().status_code == 200
        readers = [Client(srv.base, network.site(office="EVSC")) for _ in range(2)]
        for client in readers:
            assert client.enroll().status_code == 200
        pushed: set[str] = set()
        errors: list[str] = []
        finished = threading.Event()
        seen: list[list[tuple[int, str]]] = [[] for _ in readers]

        def push_loop(client: Client) -> None:
            for _ in range(12):
                batch = [network.envelope(client.site) for _ in range(20)]
                resp = client.push(batch)
                if resp.status_code != 200:
                    errors.append(resp.text)
                    return
                pushed.update(e.header.rid for e in batch)

        def pull_loop(index: int) -> None:
            client, after = readers[index], 0
            while True:
                last_round = finished.is_set()
                while True:
                    resp = client.pull(after, limit=37)
                    if resp.status_code != 200:
                        errors.append(resp.text)
                        return
                    data = resp.json()
                    seen[index] += [(e["seq"], wire_envelope.Envelope.from_b64(e["env"]).header.rid)
                                    for e in data["envelopes"]]
                    after = data["next"]
                    if data["done"]:
                        break
                if last_round:
                    return

        threads = [threading.Thread(target=push_loop, args=(c,)) for c in pushers]
        threads += [threading.Thread(target=pull_loop, args=(i,)) for i in range(len(readers))]
        for thread in threads:
            thread.start()
        for thread in threads[:len(pushers)]:
            thread.join(timeout=300)
        finished.set()
        for thread in threads[len(pushers):]:
            thread.join(timeout=300)
        assert not errors, errors[:3]
        assert len(pushed) == 4 * 12 * 20
        for got in seen:
            seqs = [s for s, _ in got]
            assert seqs == sorted(set(seqs)), "pages out of order or repeated"
            assert {rid for _, rid in got} == pushed, "a puller skipped envelopes"
    finally:
        srv.stop()
        pg.drop()
