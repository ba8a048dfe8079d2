"""Benchmark (not a test): push and pull N envelopes through a real `sync-server` process.

Prints envelopes/s for push and pull, and the ratio to a floor measured in the same run: a
raw ``sqlite3`` ``executemany`` of the same rows into the same kind of table (WAL,
synchronous=FULL, one transaction per batch of the same size, like the server's pushes).

    .venv/bin/python bench/bench_server_push_pull.py [-n 20000] [--database postgresql://...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from wire import envelope as wire_envelope
from wire import fields, signing
from wire import trust as wire_trust

BIN = Path(sys.executable).parent / "sync-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def signed(session: requests.Session, base: str, key: Ed25519PrivateKey, site: str,
           method: str, path: str, params: dict | None = None, body: object = None
           ) -> requests.Response:
    data = b"" if body is None else json.dumps(body).encode()
    query = "&".join(f"{k}={v}" for k, v in (params or {}).items())
    headers = signing.sign_request(key, site, method, path, query, data)
    headers["Content-Type"] = "application/json"
    url = base + path + ("?" + query if query else "")
    return session.request(method, url, data=data, headers=headers, timeout=120)


def raw_floor(rows: list[tuple], batch: int, path: Path) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=full")
    conn.execute("CREATE TABLE envelope (seq INTEGER PRIMARY KEY, rid TEXT, site TEXT, "
                 "ctr INTEGER, op TEXT, gen INTEGER, exp TEXT, digest TEXT, blob BLOB)")
    conn.execute("CREATE UNIQUE INDEX e_sc ON envelope(site, ctr)")
    conn.execute("CREATE INDEX e_rs ON envelope(rid, site)")
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO envelope VALUES (?,?,?,?,?,?,?,?,?)", rows[i:i + batch])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20000, help="envelopes (default 20000)")
    parser.add_argument("--body", type=int, default=700, help="plaintext bytes per record")
    parser.add_argument("--database", help="server database URL (default: a temp SQLite)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    url = args.database or f"sqlite:///{tmp / 'server.sqlite3'}"
    net, root, data_key = "bench-" + uuid.uuid4().hex[:6], Ed25519PrivateKey.generate(), \
        os.urandom(32)
    env = {**os.environ, "SYNC_SERVER_STATE_DIR": str(tmp / "state")}
    subprocess.run([str(BIN), "trust", wire_trust.format_root_public(net, root), "--database", url],
                   env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([str(BIN), "serve", "--database", url, "--port", str(port),
                               "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(base + "/v1/config", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        limits = requests.get(base + "/v1/config", timeout=5).json()["limits"]
        batch = limits["max_batch"]
        sign, kex = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
        cert = wire_trust.issue_certificate(root, net, "BENCH", sign.public_key(), kex.public_key())
        http = requests.Session()
        resp = signed(http, base, sign, "BENCH", "POST", "/v1/enroll",
                      body={"certificate": cert.to_dict()})
        resp.raise_for_status()
        t0 = time.perf_counter()
        # within the server's latest expiry (retention + margin)
        exp = (dt.date.today() + dt.timedelta(days=365)).isoformat()
        envs = wire_envelope.seal_batch([(wire_envelope.Header(
            v=fields.FORMAT_VERSION, net=net, scope="BENCH", gen=1,
                                       rid=uuid.uuid4().hex, site="BENCH",
                                       ctr=i + 1, op="put", exp=exp),
                              os.urandom(args.body // 2).hex().encode()[:args.body])
                             for i in range(args.n)], data_key, sign)  # trees, as the kiosk
        seal_s = time.perf_counter() - t0
        encoded = [e.to_b64() for e in envs]
        t0 = time.perf_counter()
        for i in range(0, len(encoded), batch):
            signed(http, base, sign, "BENCH", "POST", "/v1/push",
                   body={"envelopes": encoded[i:i + batch]}).raise_for_status()
        push_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        after, pulled, requests_made = 0, 0, 0
        while True:
            page = signed(http, base, sign, "BENCH", "GET", "/v1/pull",
                          params={"after": after, "limit": limits["max_pull_limit"]}).json()
            requests_made += 1
            pulled += len(page["envelopes"])
            after = page["next"]
            if page["done"]:
                break
        pull_s = time.perf_counter() - t0
        assert pulled == args.n, (pulled, args.n)
        rows = [(i + 1, e.header.rid, "BENCH", e.header.ctr, "put", 1, e.header.exp,
                 e.digest(), e.to_bytes()) for i, e in enumerate(envs)]
        floor_s = raw_floor(rows, batch, tmp / "floor.sqlite3")
    finally:
        server.terminate()
        server.wait(timeout=30)
    size = sum(len(e.to_bytes()) for e in envs) / len(envs)
    floor_rate = args.n / floor_s
    print(f"database: {url.split('://')[0]}, {args.n} envelopes of {size:.0f} bytes "
          f"({args.body}-byte bodies), batches of {batch}")
    print(f"seal (client side, for reference): {args.n / seal_s:10.0f} envelopes/s")
    print(f"push over HTTP:                    {args.n / push_s:10.0f} envelopes/s "
          f"= {args.n / push_s / floor_rate:.2f} x raw sqlite3 executemany "
          f"({floor_rate:.0f}/s)")
    print(f"pull over HTTP:                    {args.n / pull_s:10.0f} envelopes/s "
          f"in {requests_made} requests")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
