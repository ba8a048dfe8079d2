"""End-to-end sync harness: a real `sync-server serve`, real site stores, a cutting proxy."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.clock.hlc import wall_clock_ms
from kiosk.config import NetworkConfig
from kiosk.crypto.admin import AdminKeys, enroll_site, parse_bundle
from kiosk.crypto.site_keys import (
    create_site_keys,
    data_keys,
    load_site_keys,
    merge_keyring,
    save_trust,
)
from kiosk.crypto.site_keys import load_trust as _load_trust
from kiosk.paths import key_dir_for
from kiosk.store.db import Store, WriteTransaction, init_store, open_store
from kiosk.store.models import Appointment, Visit, database
from kiosk.sync.client import run_sync
from kiosk.sync.erase import erase_record
from kiosk.sync.http import ServerAPI
from kiosk.sync.report import SyncReport
from tests.processes import spawn
from wire.envelope import Envelope, Header, seal
from wire.fields import FORMAT_VERSION, canonical_json
from wire.ids import NETWORK_SCOPE

BIN = Path(sys.executable).parent
NAMES = ["Fatima", "Oleksandr", "Ayşe", "Мария", "Zahra", "Jean-Luc", "Amina", "محمد"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`sync-server serve` on SQLite in a subprocess (restartable on the same file/port)."""

    def __init__(self, root: Path, root_line: str, url: str | None = None) -> None:
        self.root = root
        self.db = root / "server.sqlite3"
        self.url = url or f"sqlite:///{self.db}"
        self.env = {**os.environ, "SYNC_SERVER_STATE_DIR": str(root / "state")}
        self.port = free_port()
        self.log = root / "server.log"
        self.proc: subprocess.Popen | None = None
        done = self.cli("trust", root_line)
        assert done.returncode == 0, done.stderr

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "sync-server"), *args, "--database", self.url],
                              env=self.env, capture_output=True, text=True, timeout=60)

    def start(self) -> Server:
        with open(self.log, "ab") as log:
            self.proc = spawn(
                [str(BIN / "sync-server"), "serve", "--database", self.url, "--port",
                 str(self.port), "--log-level", "warning"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            try:
                if requests.get(self.base + "/v1/config", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)
        self.proc = None


class Network:
    """The admin's keys, in memory (the CLI test covers the admin file)."""

    def __init__(self) -> None:
        self.admin = AdminKeys("net-" + uuid.uuid4().hex[:8], Ed25519PrivateKey.generate(),
                               {NETWORK_SCOPE: {1: os.urandom(32)}})


class Site:
    """One office's store and keys, enrolled with the server."""

    def __init__(self, root: Path, office: str, net: Network, server: Server,
                 config: NetworkConfig) -> None:
        self.config, self.server = config, server
        # init_store's 4-hex suffix collides within a few hundred machines of one office
        # (the property test makes that many); a collision would replace a certificate.
        self.writer = f"{office}-{secrets.token_hex(4).upper()}"
        self.office = office
        self.path = root / f"{self.writer.lower()}.db"
        location = config.office(office).locations[0].code
        store = init_store(self.path, office, location)
        with store.db.atomic():
            store.set_setting("writer", self.writer)
        store.close()
        self.key_dir = key_dir_for(self.path)
        create_site_keys(self.key_dir, self.writer)
        keys = load_site_keys(self.key_dir)
        root_line, cert, entries = parse_bundle(
            enroll_site(net.admin, self.writer, keys.public_line()))
        save_trust(self.key_dir, root_line, cert)
        merge_keyring(self.key_dir, entries, _load_trust(self.key_dir), keys)
        ServerAPI(server.base, keys).call("POST", "/v1/enroll",
                                          body={"certificate": cert.to_dict()})
        self.store: Store = open_store(self.path)
        self.skew_ms = 0

    @contextmanager
    def writing(self) -> Iterator[WriteTransaction]:
        """A write transaction whose clock runs ``skew_ms`` off the real wall clock."""
        with self.activate().writing() as w:
            w.clock.physical = lambda: wall_clock_ms() + self.skew_ms
            yield w

    def activate(self) -> Store:
        database.initialize(self.store.db)
        return self.store

    def sync(self, url: str | None = None, **kw: Any) -> SyncReport:
        self.activate()
        return run_sync(self.store, self.config, self.key_dir, url or self.server.base, **kw)

    def cli_sync(self, url: str | None = None, *extra: str, **popen: Any) -> subprocess.Popen:
        return spawn(
            [str(BIN / "kiosk"), "--db", str(self.path), "sync", "--server",
             url or self.server.base, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)

    def visits(self, n: int, seed: int = 0) -> list[str]:
        ids = []
        with self.writing() as w:
            for i in range(n):
                rec = w.put(Visit, None, {
                    "site": self.store.site, "location": self.store.location,
                    "day": "2026-11-24", "prefix": "A", "seq": i + 1, "ticket": f"A-{i + 1:03d}",
                    "language": ["ar", "fa", "uk", "tr"][i % 4], "checked_in_at": 1_700_000_000_000,
                    "first_name": NAMES[(i + seed) % len(NAMES)] + f"{seed}x{i}",
                    "concerns": ["wohnen"], "note": f"Notiz {seed}/{i}: Mietvertrag prüfen"})
                ids.append(rec.id)
        return ids

    def put(self, model: type, record_id: str | None, fields: dict) -> str:
        with self.writing() as w:
            return w.put(model, record_id, fields).id

    def appointment(self, name: str) -> str:
        return self.put(Appointment, None, {
            "site": self.store.site, "location": self.store.location,
            "starts_at": 1_795_000_000_000, "language": "ar", "code_hash": "x" * 16,
            "name": name})

    def erase(self, model: type, record_id: str) -> None:
        with self.writing() as w:
            erase_record(w, model, record_id)

    def snapshot(self) -> dict[str, list[tuple]]:
        db = self.activate().db
        return {t: [tuple(r) for r in db.execute_sql(f'SELECT * FROM "{t}" ORDER BY id')]
                for t in ("visit", "appointment", "mediator")}

    def scalar(self, sql: str, *args: Any) -> Any:
        return self.activate().db.execute_sql(sql, args).fetchone()[0]

    def close(self) -> None:
        self.store.close()


def read_http(sock: socket.socket, buf: bytes) -> tuple[bytes | None, bytes]:
    """One HTTP/1.1 message (Content-Length framed) from ``sock``; (message, rest)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None, buf
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None, buf
        rest += chunk
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


class Proxy:
    """A tiny HTTP proxy for faults: ``hook(n, request_line)`` returns what to do with the
    n-th request: ``"pass"``; ``"cut"`` (forward, then relay half the answer and close); a
    callable (run after the server answered, before relaying); ``("after", fn)`` (run
    after relaying). The hook itself runs before the request is forwarded."""

    def __init__(self, target_port: int,
                 hook: Callable[[int, str], Any] = lambda n, line: "pass") -> None:
        self.target_port, self.hook = target_port, hook
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.count = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = None
        buf_c = buf_u = b""
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            while True:
                request, buf_c = read_http(client, buf_c)
                if request is None:
                    return
                line = request.split(b"\r\n", 1)[0].decode()
                with self.lock:
                    self.count += 1
                    action = self.hook(self.count, line)
                upstream.sendall(request)
                answer, buf_u = read_http(upstream, buf_u)
                if answer is None:
                    return
                if action == "cut":
                    client.sendall(answer[:len(answer) // 2])
                    return
                if callable(action):
                    action()
                client.sendall(answer)
                if isinstance(action, tuple) and action[0] == "after":
                    action[1]()
        except OSError:
            return
        finally:
            client.close()
            if upstream is not None:
                upstream.close()

    def close(self) -> None:
        self.listener.close()


def forged_envelope(site: Site) -> Envelope:
    """An envelope under a fresh rid, signed with ``site``'s own key and data key: what a
    stolen (revoked) machine could still make."""
    keys, trust = load_site_keys(site.key_dir), _load_trust(site.key_dir)
    header = Header(v=FORMAT_VERSION, net=trust.net, scope=trust.office, gen=1,
                    rid=uuid.uuid4().hex, site=site.writer, ctr=99, op="put", exp="2099-01-01")
    body = canonical_json({"k": "visit", "id": "x", "c": [], "f": {}})
    return seal(header, body, data_keys(site.key_dir, trust, keys)[(trust.office, 1)],
                keys.sign)
