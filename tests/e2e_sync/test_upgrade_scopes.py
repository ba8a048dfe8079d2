"""The upgrade to office scopes, on a network built with the release before them.

The release before office scopes (``tests/old_release.py``, from a shipped archive) builds
a real network: its own `sync-server` and `kiosk` code in processes on loopback, three
offices, two machines at one of them, check-ins with canary names and a mediator, synced until
every machine holds every office's visits (as that release did). Then the runbook's section
"Upgrading to office scopes" runs, block by block, with this release. Afterwards every machine
holds all of its own office's records (compared by id), the mediator register, and no other
office's visit in any table, in any form (store, WAL and key files searched); the server holds
no legacy envelope; and a new check-in syncs normally.

The old release runs on this checkout's virtual environment (its dependencies are a subset
of this release's, same version ranges) with its own source tree first on ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests import old_release
from tests.e2e_sync.harness import BIN, free_port
from tests.e2e_sync.test_scopes import forms
from tests.processes import spawn

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
RUNBOOK = ROOT / "deploy" / "README.md"
MACHINES = {"evsc1": "EVSC", "evsc2": "EVSC", "lued": "LUED", "inno": "INNO"}
"""The machines that are upgraded."""
STOLEN = "evsc9"
"""A machine of EVSC that checked a visitor in, synced, and was revoked before the upgrade:
its envelopes stay legacy until the finish, its visitor survives in its office's machines."""
OFFICE_OF = {**MACHINES, STOLEN: "EVSC"}
STAND_INS = """
systemctl() { echo "systemctl $*" >> "$WORK/calls.log"; }
set -euo pipefail
"""


CHECKINS = {"evsc1": ["Anna", "Berta"], "evsc2": ["Clara"], "lued": ["Dora", "Emil"],
            "inno": ["Frida"], STOLEN: ["Gustav"]}
"""The visitors each machine checks in with the old release (first names: letters only)."""


def canary(office: str, name: str) -> str:
    return f"Kanarie{office}{name}"


def upgrade_blocks() -> list[str]:
    """The shell blocks of the runbook's section, in order."""
    text = RUNBOOK.read_text()
    start = text.index("### Upgrading to office scopes")
    end = text.index("\n## ", start)
    return re.findall(r"^```sh\n(.*?)^```", text[start:end], re.M | re.S)


class Net:
    """Paths, environment and commands of the network under test."""

    def __init__(self, tmp: Path, old_tree: Path) -> None:
        self.tmp, self.old_tree = tmp, old_tree
        self.admin = tmp / "usb"
        self.work = tmp / "work"
        self.prefix = tmp / "prefix"
        for d in (self.admin, self.work, self.prefix / "bin"):
            d.mkdir(parents=True)
        pip = self.prefix / "bin" / "pip"  # stand-in: this release is installed already
        pip.write_text(f'#!/bin/sh\necho "pip $*" >> "{self.work}/calls.log"\n')
        pip.chmod(0o755)
        # typed by the admin in real life; a file for the test, never on the stick with the key
        self.passphrase = tmp / "run" / "admin-passphrase"
        self.passphrase.parent.mkdir()
        self.passphrase.write_text("the admin's long passphrase\n")
        self.db = tmp / "server" / "sync.sqlite3"
        self.db.parent.mkdir()
        self.url = f"sqlite:///{self.db}"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "XDG_DATA_HOME": str(tmp / "xdg-data"),
                    "XDG_CONFIG_HOME": str(tmp / "xdg-config"),
                    "SYNC_SERVER_DATABASE_URL": self.url,
                    "SYNC_SERVER_STATE_DIR": str(tmp / "server" / "state")}
        for name in ("KIOSK_DB", "KIOSK_CONFIG", "PYTHONPATH"):
            self.env.pop(name, None)
        self.server: subprocess.Popen | None = None

    def data(self, machine: str) -> Path:
        return self.tmp / "machines" / machine

    def store(self, machine: str) -> Path:
        return self.data(machine) / "kiosk.db"

    def old_env(self) -> dict[str, str]:
        return {**self.env, "PYTHONPATH": str(self.old_tree)}

    def old(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """A command of the old release (``kiosk`` or ``sync_server``), run outside this
        checkout so that its own tree is the one imported."""
        done = subprocess.run([*old_release.command(program), *args], cwd=self.tmp,
                              env=self.old_env(), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    def old_kiosk(self, machine: str, *args: str) -> subprocess.CompletedProcess:
        return self.old("kiosk", "--db", str(self.store(machine)), *args)

    def start_server(self, old: bool) -> None:
        command = (old_release.command("sync_server") if old
                   else [str(BIN / "sync-server")])
        log = open(self.tmp / "server" / "server.log", "ab")  # noqa: SIM115 (the child's)
        self.server = spawn([*command, "serve", "--database", self.url, "--port",
                             str(self.port), "--log-level", "warning"],
                            cwd=self.tmp, env=self.old_env() if old else self.env,
                            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.server.poll() is None, (self.tmp / "server" / "server.log").read_text()
            try:
                if requests.get(self.base + "/v1/config", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop_server(self) -> None:
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, 15)
            self.server.wait(timeout=30)
        self.server = None

    def run_block(self, block: str, machine: str | None = None) -> str:
        env = {**self.env, "PATH": f"{BIN}:{self.env['PATH']}", "PREFIX": str(self.prefix),
               "ADMIN": str(self.admin), "PASSPHRASE": str(self.passphrase),
               "SYNC_URL": self.base, "WORK": str(self.work),
               "DATA": str(self.data(machine or "evsc1"))}
        done = subprocess.run(["bash", "-c", STAND_INS + block], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (block, done.stdout, done.stderr)
        return done.stdout

    def new_kiosk(self, machine: str, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(BIN / "kiosk"), "--db", str(self.store(machine)), *args],
                              env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done


def rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(con.execute(sql))
    finally:
        con.close()


def server_status(net: Net) -> dict:
    return json.loads(subprocess.run(
        [str(BIN / "sync-server"), "status", "--json"], env=net.env, capture_output=True,
        text=True, timeout=60, check=True).stdout)


def files_of(net: Net, machine: str) -> bytes:
    """The store, its WAL and its key directory, as bytes."""
    store = net.store(machine)
    blobs = [p.read_bytes() for p in store.parent.glob(store.name + "*") if p.is_file()]
    keys = store.parent / (store.stem + "-keys")
    blobs += [p.read_bytes() for p in keys.iterdir() if p.is_file()]
    return b"".join(blobs)


@pytest.fixture(scope="module")
def old_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The old release's source tree."""
    return old_release.unpack(tmp_path_factory.mktemp("old-release"))


def build_old_network(net: Net) -> dict[str, set[str]]:
    """Three offices, two machines at EVSC, synced with the old release; visit ids by office."""
    root_line = net.old("kiosk", "keys", "init-network", "--network", "dortmund", "--out",
                        str(net.admin / "admin.key"), "--passphrase-file",
                        str(net.passphrase)).stdout.strip()
    net.old("sync_server", "trust", root_line, "--database", net.url)
    net.start_server(old=True)
    for machine, office in OFFICE_OF.items():
        net.data(machine).mkdir(parents=True)
        net.old_kiosk(machine, "init", "--site", office)
        shown = net.old_kiosk(machine, "keys", "public")
        code = shown.stderr.split()[-1]
        bundle = net.admin / f"{machine}.v1.bundle"
        net.old("kiosk", "keys", "enroll-site", code, "--public-key", shown.stdout.strip(),
                "--admin-key", str(net.admin / "admin.key"), "--passphrase-file",
                str(net.passphrase), "--out", str(bundle))
        net.old_kiosk(machine, "keys", "import", str(bundle))
        net.old_kiosk(machine, "enroll", "--server", net.base)
    for machine, names in CHECKINS.items():
        for name in names:
            net.old_kiosk(machine, "checkin", "--language", "ar", "--name",
                          canary(OFFICE_OF[machine], name))
    net.old_kiosk("lued", "staff-admin", "add-mediator", "Sprachmittlerin Tigrinya",
                  "--languages", "ti")
    for _ in range(2):
        for machine in OFFICE_OF:
            net.old_kiosk(machine, "sync")
    stolen = rows(net.store(STOLEN), "SELECT value FROM setting WHERE key = 'writer'")[0][0]
    net.old("sync_server", "revoke", stolen, "--database", net.url)
    net.stop_server()
    ids: dict[str, set[str]] = {}
    for machine in OFFICE_OF:
        for visit_id, office in rows(net.store(machine), "SELECT id, site FROM visit"):
            ids.setdefault(office, set()).add(visit_id)
    return ids


def test_a_network_of_the_old_release_upgrades_with_nothing_lost(
        tmp_path: Path, old_tree: Path) -> None:
    net = Net(tmp_path, old_tree)
    ids = build_old_network(net)
    # the old release spread every office's visits to every machine: what this upgrade ends
    assert {o: len(v) for o, v in ids.items()} == {"EVSC": 4, "LUED": 2, "INNO": 1}
    assert canary("EVSC", "Anna").encode() in files_of(net, "lued")

    server_block, admin_block, site_block, finish_block, sync_block = upgrade_blocks()
    net.run_block(server_block)
    net.start_server(old=False)
    sites = json.loads((net.admin / "sites.json").read_text())
    assert sorted(c["site"].split("-")[0] for c in sites) == ["EVSC", "EVSC", "INNO", "LUED"]
    upgrade = server_status(net)["scopes_upgrade"]
    assert upgrade["state"] == "pending" and upgrade["legacy_envelopes"] > 0
    assert len(upgrade["machines_waiting"]) == 4
    net.run_block(admin_block)
    for machine in MACHINES:
        net.run_block(site_block, machine)
    # confirmed everywhere: every machine synced in the new format
    assert server_status(net)["scopes_upgrade"]["machines_waiting"] == []
    # a server restored meanwhile (new epoch): each machine pushes its whole state again,
    # never the other offices' copies it still holds (its office's peers would refuse them)
    subprocess.run([str(BIN / "sync-server"), "new-epoch"], env=net.env, capture_output=True,
                   timeout=60, check=True)
    for machine in MACHINES:
        net.new_kiosk(machine, "sync")  # exit 0: nothing quarantined (that would be 9)
    net.run_block(finish_block)
    for machine in MACHINES:
        net.run_block(sync_block, machine)

    status = server_status(net)
    assert status["scopes_upgrade"] == {"state": "finished", "legacy_envelopes": 0,
                                        "machines_waiting": []}
    for machine, office in MACHINES.items():
        held = {i for (i,) in rows(net.store(machine), "SELECT id FROM visit")}
        assert held == ids[office], machine  # all of its office's visits, nothing else
        assert rows(net.store(machine), "SELECT name FROM mediator") == [
            ("Sprachmittlerin Tigrinya",)]
        assert rows(net.store(machine), "SELECT COUNT(*) FROM sync_record WHERE erased = 0 "
                    f"AND (scope IS NULL OR scope NOT IN ('{office}', 'network'))") == [(0,)]

    net.stop_server()
    for machine, office in MACHINES.items():
        blob = files_of(net, machine)
        for other_machine, names in CHECKINS.items():
            other = OFFICE_OF[other_machine]
            for name in names:
                if other == office:
                    assert canary(other, name).encode() in blob, (machine, name)
                    continue
                for form in forms(canary(other, name)):
                    assert form not in blob, (machine, other, name)
    net.start_server(old=False)

    # the server holds each office's records in its scope: a new machine of EVSC, enrolled
    # from the converted admin file, receives all of them and the mediator register
    net.data("evsc3").mkdir(parents=True)
    net.new_kiosk("evsc3", "init", "--site", "EVSC")
    shown = net.new_kiosk("evsc3", "keys", "public")
    subprocess.run([str(BIN / "kiosk"), "keys", "enroll-site", shown.stderr.split()[-1],
                    "--public-key", shown.stdout.strip(), "--admin-key",
                    str(net.admin / "admin.key"), "--passphrase-file",
                    str(net.passphrase), "--out", str(net.admin / "evsc3.bundle")],
                   env=net.env, capture_output=True, timeout=60, check=True)
    net.new_kiosk("evsc3", "keys", "import", str(net.admin / "evsc3.bundle"))
    net.new_kiosk("evsc3", "enroll", "--server", net.base)
    net.new_kiosk("evsc3", "sync")
    assert {i for (i,) in rows(net.store("evsc3"), "SELECT id FROM visit")} == ids["EVSC"]
    assert rows(net.store("evsc3"), "SELECT name FROM mediator") == [
        ("Sprachmittlerin Tigrinya",)]

    # a new check-in syncs normally: to the office's other machine, to no other office
    net.new_kiosk("evsc1", "checkin", "--language", "fa", "--name", "NeuNachUpgrade")
    for machine in ("evsc1", "evsc2", "lued"):
        net.new_kiosk(machine, "sync")  # exit 0: nothing quarantined (that would be 9)
    names = {n for (n,) in rows(net.store("evsc2"), "SELECT first_name FROM visit")}
    assert "NeuNachUpgrade" in names
    assert b"NeuNachUpgrade" not in files_of(net, "lued")
    net.stop_server()
