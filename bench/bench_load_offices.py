"""Benchmark (not a test): many offices syncing at once against one real ``sync-server``.

70 simulated offices (ten networks' worth of sites, on one server) each push a day's changes
(``--records`` visits, sealed and signed in trees as the kiosk does) and pull everything
after their cursor in binary pages, all at the same moment (one thread per office). Then
one office makes a first sync of ``--first-sync`` records in batches, as a new office
with a long history would. Both phases run with the server's default quotas and rate
limit: the point is that honest offices never meet them (errors must be 0; a 429 would be
counted apart).

Printed: requests/s, p50/p99 latency, errors, 429s; the server's CPU time (all its
processes: uvicorn workers, verify pool, and on PostgreSQL the database backends) and peak
RSS, from ``/proc``; the client's own CPU time; and the ratio to a floor measured in the same
run: the same number of threads each sending trivial ``GET /v1/config`` requests.

    .venv/bin/python bench/bench_load_offices.py                       # SQLite, 1 worker
    .venv/bin/python bench/bench_load_offices.py --workers 3 \\
        --database postgresql://postgres@127.0.0.1:5432/lw_bench_load   # created + dropped

Loopback only; bounded by ``--offices``, ``--records`` and ``--first-sync``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_server_push_pull import BIN, free_port, signed
from wire import envelope, pull_page
from wire import fields as wire_fields
from wire import trust as wire_trust

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Office:
    code: str
    sign: Ed25519PrivateKey
    envelopes: list[str] = field(default_factory=list)
    http: requests.Session = field(default_factory=requests.Session)


@dataclass
class Tally:
    """Latency and outcome of every request of a phase (thread-safe appends)."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    limited: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, started: float, resp: requests.Response) -> None:
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            if resp.status_code == 429:
                self.limited += 1
            elif resp.status_code != 200:
                self.errors.append(f"{resp.status_code} {resp.text[:120]}")


def body(i: int) -> bytes:
    """A visit-sized plaintext (~850 bytes, like a real body's JSON)."""
    return (f'{{"k":"visit","id":"{uuid.uuid4().hex}","n":{i},"f":"'.encode()
            + os.urandom(400).hex().encode() + b'"}')


def seal(net: str, office: Office, data_key: bytes, n: int, start_ctr: int = 1) -> list[str]:
    exp = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    items = [(envelope.Header(v=wire_fields.FORMAT_VERSION, net=net,
                              scope=office.code.split("-")[0], gen=1,
                       rid=uuid.uuid4().hex, site=office.code, ctr=start_ctr + i, op="put",
                       exp=exp), body(i)) for i in range(n)]
    return [e.to_b64() for e in envelope.seal_batch(items, data_key, office.sign)]


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            pass
    return total / TICK


def peak_rss_mb(pids: list[int]) -> tuple[float, float]:
    """(largest single process, sum over processes) of VmHWM, in MB."""
    peaks = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            pass
    return (max(peaks, default=0.0), sum(peaks))


def pg_backends(url: str) -> list[int]:
    """PIDs of the PostgreSQL backends serving ``url``'s database (same machine)."""
    import psycopg2

    name = urlparse(url).path.lstrip("/")
    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=name)
    try:
        cur = conn.cursor()
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid()", (name,))
        return [r[0] for r in cur.fetchall()]
    finally:
        conn.close()


def pg_admin(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    try:
        conn.cursor().execute(sql)
    finally:
        conn.close()


def run_all(offices: list[Office], work: Callable[[Office], None]) -> float:
    """Start every office's ``work`` at the same moment; wall seconds until all are done."""
    gate = threading.Barrier(len(offices) + 1)
    failures: list[BaseException] = []

    def one(office: Office) -> None:
        gate.wait()
        try:
            work(office)
        except BaseException as exc:  # reported below, the run goes on
            failures.append(exc)

    threads = [threading.Thread(target=one, args=(o,)) for o in offices]
    for t in threads:
        t.start()
    gate.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    if failures:
        print(f"  {len(failures)} offices failed: {failures[0]!r}")
    return time.perf_counter() - started


def summary(name: str, tally: Tally, wall: float, server_cpu: float, client_cpu: float
            ) -> float:
    lat = sorted(tally.latencies)
    rate = len(lat) / wall
    p50 = statistics.median(lat) * 1000
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    print(f"{name}: {len(lat)} requests in {wall:.2f} s = {rate:,.0f} requests/s; latency "
          f"p50 {p50:.0f} ms, p99 {p99:.0f} ms; errors {len(tally.errors)}, 429s "
          f"{tally.limited}; CPU: server {server_cpu:.2f} s, client {client_cpu:.2f} s")
    for err in tally.errors[:3]:
        print(f"  error: {err}")
    return rate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offices", type=int, default=70)
    ap.add_argument("--records", type=int, default=150, help="changes per office and day")
    ap.add_argument("--first-sync", type=int, default=150_000,
                    help="records of one office's first sync (0: skip that phase)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--database", help="postgresql://…/NAME (created, then dropped)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    url = args.database or f"sqlite:///{tmp / 'server.sqlite3'}"
    if args.database:
        pg_admin(f'CREATE DATABASE "{urlparse(url).path.lstrip("/")}"')
    net, root, data_key = "load-" + uuid.uuid4().hex[:6], Ed25519PrivateKey.generate(), \
        os.urandom(32)
    env = {**os.environ, "SYNC_SERVER_STATE_DIR": str(tmp / "state")}
    subprocess.run([str(BIN), "trust", wire_trust.format_root_public(net, root), "--database", url],
                   env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([str(BIN), "serve", "--database", url, "--port", str(port),
                               "--workers", str(args.workers), "--log-level", "warning"],
                              env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if requests.get(base + "/v1/config", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        offices = []
        for i in range(args.offices):
            sign = Ed25519PrivateKey.generate()
            office = Office(f"L{i:03d}X", sign)
            cert = wire_trust.issue_certificate(root, net, office.code, sign.public_key(),
                                       X25519PrivateKey.generate().public_key())
            signed(office.http, base, sign, office.code, "POST", "/v1/enroll",
                   body={"certificate": cert.to_dict()}).raise_for_status()
            office.envelopes = seal(net, office, data_key, args.records)
            offices.append(office)
        engine = "PostgreSQL" if args.database else "SQLite"
        print(f"{args.offices} offices x {args.records} records, server on {engine} with "
              f"{args.workers} worker(s), {os.cpu_count()} cores (shared machine)")

        def measured(name: str, work: Callable[[Office], None], tally: Tally) -> float:
            pids = process_tree(server.pid) + (pg_backends(url) if args.database else [])
            cpu0, client0 = cpu_s(pids), time.process_time()
            wall = run_all(offices, work)
            pids = process_tree(server.pid) + (pg_backends(url) if args.database else [])
            return summary(name, tally, wall, cpu_s(pids) - cpu0, time.process_time() - client0)

        floor_tally = Tally()

        def floor(office: Office) -> None:
            for _ in range(4):
                t0 = time.perf_counter()
                floor_tally.note(t0, office.http.get(base + "/v1/config", timeout=120))

        floor_rate = measured("floor: trivial GET /v1/config, same threads", floor, floor_tally)

        tally = Tally()
        moved: list[int] = []

        def day(office: Office) -> None:
            t0 = time.perf_counter()
            tally.note(t0, office.http.get(base + "/v1/config", timeout=120))
            t0 = time.perf_counter()
            tally.note(t0, signed(office.http, base, office.sign, office.code, "POST",
                                  "/v1/push", body={"envelopes": office.envelopes}))
            cursor, pulled = 0, 0
            while True:
                t0 = time.perf_counter()
                resp = signed(office.http, base, office.sign, office.code, "GET", "/v1/pull",
                              params={"after": cursor, "format": "binary", "limit": 1000})
                tally.note(t0, resp)
                if resp.status_code != 200:
                    return
                meta, items = pull_page.decode(resp.content)
                cursor, pulled = meta["next"], pulled + len(items)
                if meta["done"]:
                    with tally.lock:
                        moved.append(pulled)
                    return

        started = time.perf_counter()
        rate = measured("day: every office pushes and pulls at once", day, tally)
        took = time.perf_counter() - started
        pushed = args.offices * args.records
        print(f"  records: {pushed:,} pushed, {sum(moved):,} pulled "
              f"({(pushed + sum(moved)) / took:,.0f} records/s moved)")
        print(f"  ratio to the floor: the day's requests go at {rate / floor_rate:.2f}x the "
              f"floor's rate ({floor_rate:,.0f} requests/s)")
        peak, total = peak_rss_mb(process_tree(server.pid))
        print(f"  server peak RSS: largest process {peak:.0f} MB, all server processes "
              f"{total:.0f} MB")

        if args.first_sync:
            office = offices[0]
            first = Tally()
            envs = seal(net, office, data_key, args.first_sync, start_ctr=args.records + 1)
            batch = requests.get(base + "/v1/config", timeout=10).json()["limits"]["max_batch"]

            def first_sync(o: Office) -> None:
                for i in range(0, len(envs), batch):
                    t0 = time.perf_counter()
                    first.note(t0, signed(o.http, base, o.sign, o.code, "POST", "/v1/push",
                                          body={"envelopes": envs[i:i + batch]}))

            pids = process_tree(server.pid) + (pg_backends(url) if args.database else [])
            cpu0, client0 = cpu_s(pids), time.process_time()
            wall = run_all([office], first_sync)
            pids = process_tree(server.pid) + (pg_backends(url) if args.database else [])
            summary(f"first sync of one office, {args.first_sync:,} records in batches of "
                    f"{batch}", first, wall, cpu_s(pids) - cpu0, time.process_time() - client0)
            print(f"  {args.first_sync / wall:,.0f} records/s pushed")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
        if args.database:
            pg_admin(f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
