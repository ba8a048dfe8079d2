"""Benchmark (not a test): end-to-end sync of a network through a real `sync-server`.

Seven sites write N visits and push them; then a new site's **initial sync** (pull, verify,
decrypt, merge, apply) and a **nightly incremental sync** of 500 changed records (encrypt,
push, pull, verify, decrypt, apply) are timed. Printed: records/s end to end; ratios to two
floors measured in the same run on the same data — raw AES-256-GCM encrypt+decrypt of the
same padded bodies, and a raw ``sqlite3`` ``executemany`` of the same rows; bytes on the wire
per changed record; requests of a sync with nothing to do; and the pull pipeline opened
inline versus on the two-core process pool.

    .venv/bin/python bench/bench_sync_network.py [--records 20000] [--database postgresql://..]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bench._common import scratch_dir
from kiosk.config import load_config
from kiosk.crypto.site_keys import data_keys, load_site_keys, load_trust
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.models import Visit
from kiosk.sync import records
from kiosk.sync.apply import load_rows
from kiosk.sync.http import ServerAPI
from kiosk.sync.pipeline import Opener
from tests.e2e_sync.harness import Network, Server, Site
from wire.envelope import pad
from wire.fields import b64d

OFFICES = ["EVSC", "MEHU", "BRAP", "HOHO", "LUED", "INWO", "INNO"]


def floor_aes(bodies: list[bytes]) -> float:
    key, nonce, aad = os.urandom(32), os.urandom(12), b"h" * 120
    padded = [pad(b) for b in bodies]
    start = time.perf_counter()
    aes = AESGCM(key)
    for body in padded:
        aes.decrypt(nonce, aes.encrypt(nonce, body, aad), aad)
    return time.perf_counter() - start


def floor_sqlite(rows: list[tuple], columns: int, path: Path) -> float:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=wal")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(f"CREATE TABLE t ({', '.join(f'c{i}' for i in range(columns))}, "
               "PRIMARY KEY (c0))")
    start = time.perf_counter()
    with db:
        db.executemany(f"INSERT INTO t VALUES ({', '.join('?' * columns)})", rows)
    took = time.perf_counter() - start
    db.close()
    return took


def floors(store, tmp: Path, sample: int = 100_000) -> tuple[float, float]:
    """Records/s of raw AES-GCM enc+dec of (up to ``sample`` of) the store's visit bodies,
    and of a raw ``sqlite3`` ``executemany`` of all its visit rows: the floors to compare to."""
    ids = [r[0] for r in store.db.execute_sql("SELECT id FROM visit LIMIT ?", (sample,))]
    bodies = [records.encode_body("visit", rid, records.row_state(
        Visit, values, clocks, False, {}, {}))
        for rid, (values, clocks, _) in load_rows(store, Visit, ids).items()]
    raw_rows = [tuple(r) for r in store.db.execute_sql("SELECT * FROM visit")]
    return (len(bodies) / floor_aes(bodies),
            len(raw_rows) / floor_sqlite(raw_rows, len(raw_rows[0]), tmp / "floor.db"))


def nightly(changer, receiver, ids: list[str], page_size: int, of: str = "") -> None:
    """Change ``ids`` at one site, sync it and then another; print time, bytes, requests."""
    with changer.writing() as w:
        for rid in ids:
            w.put(Visit, rid, {"status": "done", "note": "Termin beim Jobcenter vereinbart"})
    up = changer.sync(page_limit=page_size)
    down = receiver.sync(page_limit=page_size)
    n, seconds = len(ids), up.seconds + down.seconds
    print(f"nightly incremental, {n} changed{of}: push {up.seconds:.2f} s + pull "
          f"{down.seconds:.2f} s = {n / seconds:,.0f} records/s; on the wire "
          f"{(up.bytes_sent + down.bytes_received) / n:,.0f} bytes per changed record (push "
          f"{up.bytes_sent / n:,.0f}, pull {down.bytes_received / n:,.0f}); "
          f"{up.requests + down.requests} requests")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--sites", type=int, default=7)
    ap.add_argument("--changed", type=int, default=500)
    ap.add_argument("--page-size", type=int, default=1000)
    ap.add_argument("--database", help="server database URL (default: SQLite file)")
    args = ap.parse_args()
    tmp = scratch_dir()
    config = load_config(DEFAULT_CONFIG)
    net = Network()
    (tmp / "srv").mkdir()
    server = Server(tmp / "srv", net.admin.root_line(), args.database).start()
    try:
        sites = []
        for i in range(args.sites):
            (tmp / f"s{i}").mkdir()
            sites.append(Site(tmp / f"s{i}", OFFICES[i % 7], net, server, config))
        per = args.records // len(sites)
        t0 = time.perf_counter()
        for i, site in enumerate(sites):
            site.visits(per, seed=i)
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        pushed = sum(site.sync(page_limit=args.page_size).pushed for site in sites)
        t_push = time.perf_counter() - t0
        total = per * len(sites)
        print(f"records: {total} visits from {len(sites)} sites "
              f"(local writes {total / t_write:,.0f}/s)")
        print(f"push (seal, sign, POST, server store): {pushed / t_push:,.0f} records/s")

        (tmp / "new").mkdir()
        fresh = Site(tmp / "new", "EVSC", net, server, config)
        report = fresh.sync(page_limit=args.page_size)
        rate = report.pulled / report.seconds
        print(f"initial sync of a new machine of EVSC (its office's records and the "
              f"network's): {report.pulled} envelopes in "
              f"{report.seconds:.1f} s = {rate:,.0f} records/s end to end "
              f"(goal >= 10,000), {report.requests} requests")
        store = fresh.activate()
        aes, lite = floors(store, tmp)
        print(f"  floor raw AES-GCM enc+dec of the same bodies: {aes:,.0f}/s "
              f"-> end to end takes {aes / rate:.1f}x as long")
        print(f"  floor raw sqlite3 executemany of the same rows: {lite:,.0f}/s "
              f"-> end to end takes {lite / rate:.1f}x as long")

        # both caught up: the new site (it just pulled everything) and the last site of the
        # initial round (it pulled what every other site had pushed before it)
        changer, receiver = fresh, sites[0]  # two machines of one office (EVSC)
        changed = [r[0] for r in changer.activate().db.execute_sql(
            "SELECT id FROM visit ORDER BY id LIMIT ?", (args.changed,))]
        nightly(changer, receiver, changed, args.page_size)
        print(f"sync with nothing to do: {fresh.sync().requests} request(s) (goal <= 2)")

        keys, trust = load_site_keys(fresh.key_dir), load_trust(fresh.key_dir)
        page = ServerAPI(server.base, keys).call("GET", "/v1/pull",
                                                 params={"after": 0, "limit": 1000})
        items = [(e["seq"], b64d(e["env"])) for e in page["envelopes"]]
        dks = data_keys(fresh.key_dir, trust, keys)
        pubs = {s: b64d(c) for s, c in store.db.execute_sql(
            "SELECT site, sign_pub FROM sync_peer")}
        for workers in (1, 2):
            with Opener(workers=workers, threshold=1) as opener:
                opener.open(items[:50], pubs, dks, trust.net,
                            office=trust.office)  # start the pool
                t0 = time.perf_counter()
                for _ in range(3):
                    opener.open(items, pubs, dks, trust.net, office=trust.office)
                took = (time.perf_counter() - t0) / 3
            print(f"  pull pipeline verify+decrypt+decode, {workers} process(es): "
                  f"{len(items) / took:,.0f} envelopes/s")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
