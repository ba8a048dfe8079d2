"""The `sync-server` command line (a contract) and the store's purge, without HTTP."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from server_harness import BIN, Network

from sync_server.protocol import FORMAT_VERSION, Header, seal
from sync_server.store import envelopes, registry
from sync_server.store.db import open_database


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=60,
                          env=env)


@pytest.mark.parametrize("command", ["serve", "trust", "revoke", "status", "purge",
                                     "new-epoch"])
def test_help_everywhere(command):
    done = run(command, "--help")
    assert done.returncode == 0 and "--database" in done.stdout


def test_python_dash_m_runs_the_same_cli():
    done = subprocess.run([sys.executable, "-m", "sync_server", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "new-epoch" in done.stdout


def test_bad_input_exits_non_zero_with_a_message(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 's.sqlite3'}"
    cases = [
        (("trust", "not-a-key", "--database", db), 2, "lwroot1"),
        (("revoke", "not a code!", "--database", db), 2, "CODE"),
        (("revoke", "EVSC", "--database", db), 1, "no enrolled site"),
        (("revoke", "evsc-2", "--database", db), 1, "no enrolled site EVSC-2"),  # any case
        (("status", "--database", "mysql://x/y"), 2, "unsupported database"),
        (("status", "--database", "postgresql://nobody@127.0.0.1:1/x"), 1, "cannot open"),
        (("serve", "--database", db, "--workers", "0"), 2, "--workers"),
    ]
    for args, code, text in cases:
        done = run(*args)
        assert done.returncode == code, (args, done.stderr)
        assert text in done.stderr
    assert run("frobnicate").returncode == 2


def test_trust_is_pinned_once(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 's.sqlite3'}"
    first, second = Network(), Network()
    assert run("trust", first.root_line, "--database", db).returncode == 0
    again = run("trust", first.root_line, "--database", db)
    assert again.returncode == 0 and "already" in again.stdout
    other = run("trust", second.root_line, "--database", db)
    assert other.returncode == 1 and "another network root" in other.stderr


def test_purge_deletes_expired_envelopes_but_keeps_tombstones(tmp_path: Path):
    network = Network()
    open_database(f"sqlite:///{tmp_path / 's.sqlite3'}")
    registry.trust(network.root_line)
    site = network.site()
    registry.enroll(site.cert)

    def env(exp: str, op: str = "put"):
        site.ctr += 1
        header = Header(v=FORMAT_VERSION, net=network.net, scope=site.cert.office, gen=1,
                        rid=uuid.uuid4().hex, site=site.code, ctr=site.ctr, op=op, exp=exp)
        sealed = seal(header, b"" if op == "erase" else b"x", network.data_key, site.sign)
        return sealed, sealed.to_bytes()

    batch = [env("2099-01-01"), env("2099-01-02"), env("2099-01-01", "erase")]
    envelopes.push(site.code, batch)
    assert envelopes.purge_expired("2099-01-02") == (2, 2)
    left = envelopes.pull(site.code, (site.cert.office,), 0, 10)[0]
    assert len(left) == 1
    status = registry.status()
    assert status["envelopes"] == 1 and status["tombstones"] == 1
