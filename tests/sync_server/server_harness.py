"""Test harness: a network's keys, a real `sync-server serve` process, a signing client."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from tests.processes import spawn
from wire import envelope as wire_envelope
from wire import fields, trust
from wire import signing as wire_signing

BIN = Path(sys.executable).parent / "sync-server"
PG_DSN = dict(host="127.0.0.1", port=5432, user="postgres", dbname="test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_code() -> str:
    return "T" + "".join(secrets.choice(string.ascii_uppercase + string.digits)
                         for _ in range(7))


@dataclass
class SiteKeys:
    code: str
    sign: Ed25519PrivateKey
    kex: X25519PrivateKey
    cert: trust.SiteCertificate
    ctr: int = 0


@dataclass
class Network:
    """A network's root key, id and one data key, as the admin would hold them."""

    net: str = field(default_factory=lambda: "net-" + uuid.uuid4().hex[:8])
    root: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    data_key: bytes = field(default_factory=lambda: os.urandom(32))

    @property
    def root_line(self) -> str:
        return trust.format_root_public(self.net, self.root)

    def site(self, code: str | None = None, office: str | None = None,
             **cert_kw: Any) -> SiteKeys:
        """A certified machine: ``code``, else a new machine of ``office``, else a machine
        that is an office of its own."""
        sign, kex = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
        if code is None:
            code = f"{office}-{secrets.token_hex(3).upper()}" if office else site_code()
        cert = trust.issue_certificate(self.root, self.net, code, sign.public_key(),
                                   kex.public_key(), **cert_kw)
        return SiteKeys(code, sign, kex, cert)

    def keyring_entry(self, scope: str, gen: int, recipients: dict[str, Any], **kw: Any
                      ) -> trust.KeyringEntry:
        """This network's data key as generation ``gen`` of ``scope``, root-signed."""
        return trust.make_keyring_entry(self.root, self.net, scope, gen, self.data_key,
                                    recipients, **kw)

    def envelope(self, site: SiteKeys, *, rid: str | None = None, op: str = "put",
                 body: bytes = b"state", exp: str | None = None, ctr: int | None = None,
                 scope: str | None = None) -> wire_envelope.Envelope:
        if ctr is None:
            site.ctr += 1
            ctr = site.ctr
        exp = exp or (dt.date.today() + dt.timedelta(days=365)).isoformat()
        header = wire_envelope.Header(v=fields.FORMAT_VERSION, net=self.net,
                                      scope=scope or site.cert.office,
                          gen=1, rid=rid or uuid.uuid4().hex, site=site.code, ctr=ctr, op=op,
                          exp=exp)
        return wire_envelope.seal(header, b"" if op == "erase" else body, self.data_key, site.sign)


class Client:
    """Signs every request as one site, like the kiosk's sync client will."""

    def __init__(self, base: str, site: SiteKeys) -> None:
        self.base, self.site = base, site
        self.http = requests.Session()

    def request(self, method: str, path: str, *, params: dict | None = None,
                body: Any = None, raw: bytes | None = None, sign_key: Any = None,
                timestamp: int | None = None, nonce: str | None = None,
                headers: dict | None = None) -> requests.Response:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        query = requests.models.RequestEncodingMixin._encode_params(params or {})
        signed = wire_signing.sign_request(sign_key or self.site.sign, self.site.code, method, path,
                                query, data, timestamp=timestamp, nonce=nonce)
        all_headers = {**signed, "Content-Type": "application/json", **(headers or {})}
        url = self.base + path + (("?" + query) if query else "")
        return self.http.request(method, url, data=data, headers=all_headers, timeout=30)

    def enroll(self, cert: trust.SiteCertificate | None = None) -> requests.Response:
        cert = cert or self.site.cert
        return self.request("POST", "/v1/enroll", body={"certificate": cert.to_dict()})

    def push(self, envs: list[wire_envelope.Envelope]) -> requests.Response:
        return self.request("POST", "/v1/push", body={"envelopes": [e.to_b64() for e in envs]})

    def pull(self, after: int = 0, limit: int = 500) -> requests.Response:
        return self.request("GET", "/v1/pull", params={"after": after, "limit": limit})

    def pull_all(self, after: int = 0,
                 limit: int = 500) -> list[tuple[int, wire_envelope.Envelope]]:
        out: list[tuple[int, wire_envelope.Envelope]] = []
        while True:
            page = self.pull(after, limit)
            assert page.status_code == 200, page.text
            data = page.json()
            out += [(e["seq"], wire_envelope.Envelope.from_b64(e["env"]))
                    for e in data["envelopes"]]
            after = data["next"]
            if data["done"]:
                return out


class PgDatabase:
    """A fresh PostgreSQL database per test run, dropped afterwards."""

    def __init__(self) -> None:
        self.name = "lw_sync_" + uuid.uuid4().hex[:10]
        self._admin(f'CREATE DATABASE "{self.name}"')
        self.url = f"postgresql://postgres@127.0.0.1:5432/{self.name}"

    @staticmethod
    def _admin(sql: str) -> None:
        conn = psycopg2.connect(**PG_DSN)
        conn.autocommit = True
        try:
            conn.cursor().execute(sql)
        finally:
            conn.close()

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class ServerProcess:
    """`sync-server serve` in a subprocess on a free loopback port."""

    def __init__(self, database_url: str, state_dir: Path, *, workers: int = 1,
                 env: dict[str, str] | None = None) -> None:
        self.database_url, self.state_dir, self.workers = database_url, state_dir, workers
        self.env = {**os.environ, "SYNC_SERVER_STATE_DIR": str(state_dir), **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log = state_dir / f"server-{uuid.uuid4().hex[:6]}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN), *args, "--database", self.database_url],
                              env=self.env, capture_output=True, text=True, timeout=60)

    def start(self) -> ServerProcess:
        self.port = free_port()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = spawn(
                [str(BIN), "serve", "--database", self.database_url, "--port", str(self.port),
                 "--workers", str(self.workers), "--log-level", "warning"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.log.read_text()[-2000:])
            try:
                if requests.get(self.base + "/v1/config", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start: " + self.log.read_text()[-2000:])

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None

    def config(self) -> dict[str, Any]:
        return requests.get(self.base + "/v1/config", timeout=10).json()


def copy_sqlite(src: Path, dst: Path) -> None:
    """Copy an SQLite database file with its WAL (a crude file-level backup)."""
    for suffix in ("", "-wal", "-shm"):
        s, d = Path(str(src) + suffix), Path(str(dst) + suffix)
        if s.exists():
            shutil.copy2(s, d)
        elif d.exists():
            d.unlink()
