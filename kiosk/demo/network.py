"""A whole network on one machine: a sync server on loopback and three enrolled offices, one of
them with a second machine.

Why: an admin or a reviewer should see the product as the seven offices will, without a
server, a USB stick or a key ceremony. Every step is the real admin contract
(kiosk/sync/README.md), through the same services the `kiosk` commands an admin types call
(the store's init, the demo office seed, the queue's check-in, the enrolment service, the
sync client), and a real `sync-server serve` subprocess, so the demo also proves that the
contract works.

The server runs in its own session (process group); :meth:`DemoNetwork.stop` ends that group,
so nothing is left running after Ctrl+C.
"""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

#: Three offices with counselling in several languages: A, B and C of the demo. The first
#: has two machines (the kiosk's and the staff desk's), so the demo shows what an office
#: shares with itself and what it never shares with another.
OFFICES = ("EVSC", "LUED", "INWO")

#: Demo staff at every office (the same as `kiosk demo`'s; README lists the PINs).
STAFF = [
    ("Demo Admin", ["de", "en"], "1", "0000", True),
    ("Leyla Demir", ["de", "fa", "tr"], "2", "1234", False),
    ("Karim Haddad", ["de", "ar", "fr"], "1", "1234", False),
]


class DemoError(RuntimeError):
    """A step of the demo failed; the message names the step and the command's answer."""


@dataclass
class DemoSite:
    """One machine of the demo: its office, its store and its writer id (the CODE for
    enroll-site). A second machine of an office gets the office's records by sync."""

    office: str
    db: Path
    code: str = ""
    seeded: bool = True


def free_port() -> int:
    """A TCP port on loopback that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def step(what: str) -> Iterator[None]:
    """Turn a named error of the step ``what`` into DemoError (one line, no traceback)."""
    from kiosk.commands.common import describe_error

    try:
        yield
    except DemoError:
        raise
    except Exception as exc:
        described = describe_error(exc)
        if described is None:
            raise
        raise DemoError(f"{what} failed (exit {described[1]}): {described[0]}") from None


class DemoNetwork:
    """Builds the network in ``root`` and owns the server process until :meth:`stop`."""

    def __init__(self, root: Path, *, offices: Sequence[str] = OFFICES, visits: int = 300,
                 waiting: int = 5, port: int | None = None,
                 say: Callable[[str], None] = print) -> None:
        self.root = Path(root)
        self.sites = [DemoSite(o, self.root / f"{o.lower()}.db") for o in offices]
        self.sites.insert(1, DemoSite(offices[0], self.root / f"{offices[0].lower()}-2.db",
                                      seeded=False))
        self.offices = list(offices)
        self.visits, self.waiting = visits, waiting
        self.port = port or free_port()
        self.say = say
        self.server: subprocess.Popen | None = None
        self.admin_key = self.root / "admin.key"
        self.passphrase = self.root / "admin.passphrase"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _server_cmd(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "sync_server", *args,
                "--database", f"sqlite:///{self.root / 'server' / 'sync.sqlite3'}"]

    def build(self) -> None:
        """Every step, with a progress line each; raises DemoError on the first failure."""
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "server").mkdir(exist_ok=True)
        steps = 4 + len(self.sites)
        self.say(f"[1/{steps}] network root key (admin.key, passphrase in a 0600 file)")
        self.passphrase.write_text(secrets.token_urlsafe(24) + "\n")
        self.passphrase.chmod(0o600)
        from kiosk.crypto.admin import init_network

        root_line = init_network(self.admin_key, "demo",
                                 self.passphrase.read_text().splitlines()[0]).root_line()
        self.say(f"[2/{steps}] sync server on {self.url} (trusting the root key)")
        trusted = subprocess.run(self._server_cmd("trust", root_line), capture_output=True,
                                 text=True, timeout=60)
        if trusted.returncode != 0:
            raise DemoError(f"sync-server trust failed: {trusted.stderr.strip()}")
        self.start_server()
        for i, site in enumerate(self.sites, start=3):
            if site.seeded:
                self.say(f"[{i}/{steps}] office {site.office}: store, {self.visits} past "
                         f"visits, {self.waiting} waiting, staff, keys, enrolment")
            else:
                self.say(f"[{i}/{steps}] office {site.office}, a second machine: store, "
                         "staff, keys, enrolment (its office's records come by sync)")
            self.make_site(site)
        self.say(f"[{steps - 1}/{steps}] a check-in at {self.sites[0].office} right now")
        self.ticket = self._check_in(self.sites[0])
        self.say(f"[{steps}/{steps}] sync round (every machine twice)")
        for _ in range(2):
            for site in self.sites:
                self._sync(site)

    def start_server(self) -> None:
        """`sync-server serve` in its own process group; waits until it answers."""
        log = (self.root / "server" / "server.log").open("ab")
        self.server = subprocess.Popen(
            self._server_cmd("serve", "--port", str(self.port), "--log-level", "warning",
                             "--state-dir", str(self.root / "server" / "state")),
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise DemoError("the sync server stopped at start; see "
                                f"{self.root / 'server' / 'server.log'}")
            try:
                if requests.get(self.url + "/v1/config", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise DemoError("the sync server did not answer within 60 s")

    def make_site(self, site: DemoSite) -> None:
        """init, seed, staff, keys public → enroll-site → import → enroll (the contract)."""
        self._init(site)
        if site.seeded:
            with step(f"seeding {site.office}"), self._context(site) as ctx:
                from kiosk.demo.office_seed import seed_office

                seed_office(ctx, self.visits, self.waiting,
                            random.Random(len(site.office) + ord(site.office[0])))
        self._add_staff(site.db)
        self._enrol(site)

    @staticmethod
    def _context(site: DemoSite) -> Any:
        from kiosk.context import open_context
        from kiosk.paths import resolve_config

        return open_context(resolve_config(None), site.db)

    @staticmethod
    def _init(site: DemoSite) -> None:
        """The store at the office's first location and the machine's keys beside it, as
        `kiosk init --site OFFICE` makes them."""
        from kiosk.config import load_config
        from kiosk.crypto.site_keys import create_site_keys
        from kiosk.paths import key_dir_for, resolve_config
        from kiosk.store.db import init_store

        with step(f"creating {site.office}'s store"):
            office = load_config(resolve_config(None)).office(site.office)
            store = init_store(site.db, office.code, office.locations[0].code)
            try:
                writer = store.writer
            finally:
                store.close()
            create_site_keys(key_dir_for(site.db), writer)

    def _check_in(self, site: DemoSite) -> str:
        """A walk-in (Arabic, post) checked in now, outside opening hours too; its ticket."""
        with step(f"the check-in at {site.office}"), self._context(site) as ctx:
            return ctx.queue.check_in(["post"], "ar", enforce_hours=False).ticket

    def _sync(self, site: DemoSite) -> None:
        """One sync of ``site`` with the demo's server (the URL its enrolment saved)."""
        from kiosk.paths import key_dir_for
        from kiosk.sync.client import run_sync

        with step(f"the sync of {site.code or site.office}"), self._context(site) as ctx:
            report = run_sync(ctx.store, ctx.config, key_dir_for(site.db))
        if report.quarantined:
            raise DemoError(f"the sync of {site.code or site.office} quarantined "
                            f"{report.quarantined} envelopes")

    def _enrol(self, site: DemoSite) -> None:
        """keys public → enroll-site → import → enroll, through the enrolment service."""
        from kiosk.context import open_context
        from kiosk.paths import key_dir_for, resolve_config
        from kiosk.store.db import open_store
        from kiosk.sync import enrolment

        key_dir = key_dir_for(site.db)
        mine = enrolment.public_line(key_dir)
        site.code = mine.writer
        bundle = site.db.with_suffix(".bundle")
        enrolment.certify_machine(self.admin_key, self.passphrase.read_text().splitlines()[0],
                                  site.office, mine.line, bundle)
        enrolment.import_bundle(key_dir, bundle, open_store=lambda: open_store(site.db))
        ctx = open_context(resolve_config(None), site.db)
        try:
            enrolment.enroll(ctx.store, key_dir, self.url)
        finally:
            ctx.close()

    @staticmethod
    def _add_staff(db: Path) -> None:
        from kiosk.context import open_context
        from kiosk.paths import resolve_config
        from kiosk.staffing.profiles import StaffDirectory

        ctx = open_context(resolve_config(None), db)
        try:
            directory = StaffDirectory(ctx.store, ctx.config, ctx.queue.now_ms)
            desks = ctx.config.office(ctx.store.site).desks
            for name, languages, desk, pin, admin in STAFF:
                directory.add(name, languages, pin, desk=desk if desk in desks else desks[0],
                              is_admin=admin)
        finally:
            ctx.close()

    def instructions(self, *, live: bool = True) -> str:
        """What to open, as exact commands (absolute paths, copy and paste).

        With ``live`` False the server is about to stop (``--no-wait``): only what works
        without it is listed, and how to start it again before a sync.
        """
        kiosk = Path(sys.executable).with_name("kiosk")
        exe = str(kiosk) if kiosk.exists() else "kiosk"
        server = Path(sys.executable).with_name("sync-server")
        server_exe = str(server) if server.exists() else "sync-server"
        database = f"sqlite:///{self.root / 'server' / 'sync.sqlite3'}"
        a, a2, b = self.sites[0], self.sites[1], self.sites[2]
        if live:
            sync = [f"  sync again (any machine):  {exe} --db {b.db} sync"]
        else:
            sync = ["  sync again: start the server first (Ctrl+C stops it), then sync any "
                    "machine:",
                    f"      {server_exe} serve --port {self.port} --database {database} "
                    f"--state-dir {self.root / 'server' / 'state'}",
                    f"      {exe} --db {b.db} sync"]
        return "\n".join([
            f"ready: {len(self.offices)} offices ({len(self.sites)} machines) synced through "
            f"{self.url}",
            f"  stores in {self.root}; {a.office}'s check-in {self.ticket} is now also on "
            f"{a.office}'s second machine, and on no other office's",
            "Open in other terminals:",
            f"  visitor kiosk of {a.office}:  {exe} --db {a.db} visitor",
            f"  staff console of {a.office} (its second machine):  {exe} --db {a2.db} staff",
            f"  staff console of {b.office}:  {exe} --db {b.db} staff",
            "      (Leyla Demir or Karim Haddad, PIN 1234; Demo Admin, PIN 0000);",
            f"      press k there: visits per office from every office's anonymous daily "
            f"figures, {a.office}'s included",
            f"  {a.office}'s records on its second machine (never in {b.office}'s store):",
            f"      {exe} --db {a2.db} export | grep '\"site\": \"{a.office}\"' | tail -n 3",
            f"  board of {a.office}:          {exe} --db {a.db} board",
            *sync,
            f"  the server's view:        {server_exe} status --database {database}",
            "Ctrl+C stops the server; nothing is left running." if live else
            "The demo's server is stopped now; the stores stay.",
        ])

    def stop(self) -> None:
        """End the server's whole process group (TERM, then KILL after 10 s)."""
        proc, self.server = self.server, None
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError):  # stragglers of the group, if any
            os.killpg(proc.pid, signal.SIGKILL)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_demo_network(root: Path | None, *, port: int | None = None, visits: int = 300,
                     wait: bool = True) -> int:
    """Build, print what to open, wait for Ctrl+C or SIGTERM, stop everything; exit code."""
    temporary = root is None
    if root is None:
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="lokal-willkommen-demo-"))
    elif root.exists() and any(root.iterdir()):
        print(f"error: {root} is not empty; choose a new directory", file=sys.stderr)
        return 2
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    net = DemoNetwork(root, port=port, visits=visits,
                      say=lambda text: print(text, flush=True))
    try:
        net.build()
        if wait:
            print(net.instructions(), flush=True)
        elif temporary:
            print(f"ready: {len(net.offices)} offices ({len(net.sites)} machines) synced; "
                  "the network was in a temporary directory and is removed now (--dir DIR "
                  "keeps it to open afterwards)", flush=True)
        else:
            print(net.instructions(live=False), flush=True)
        while wait:
            time.sleep(3600)
        return 0
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopping the demo network", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, _raise_interrupt)  # a second TERM during cleanup too
        net.stop()
        if temporary:
            shutil.rmtree(root, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
        print("stopped: nothing left running", flush=True)
