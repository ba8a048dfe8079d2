"""Benchmark (not a test): the issue's sync benchmark at scale, 1,000,000 records by default.

Seven writer sites' envelopes (realistic visits of seven offices, each sealed into its
office's scope and signed with the site's own key) are generated once on a process pool and
cached in ``--cache``; they are bulk-loaded into a fresh server database (SQLite file, or a
fresh PostgreSQL database that is created and dropped), a real ``sync-server`` process serves
them, and two new machines of one office each run a timed **initial sync** of that office's
records (the server serves them a seventh of the network; pull, verify, decrypt, merge, apply,
publish the office's daily figures). Then one of them changes 500 records and the
other pulls them: the **nightly incremental** (encrypt, push, pull, verify, decrypt, apply).
Also timed: a sample of real HTTP pushes of the cached envelopes (server verify + store).
Printed: records/s, ratios to floors measured in the same run (raw AES-GCM on the same bodies,
raw ``sqlite3`` ``executemany`` of the same rows), bytes on the wire per changed record, and
requests of a sync with nothing to do.

    .venv/bin/python bench/bench_sync_million.py                       # SQLite, 1M records
    .venv/bin/python bench/bench_sync_million.py \\
        --database postgresql://postgres@127.0.0.1:5432/lw_bench_1m       # created + dropped
    .venv/bin/python bench/bench_sync_million.py --records 50000        # a quick look

Loading the server bypasses HTTP (it is setup, not what is measured); the cached envelopes
and the loaded SQLite server file are reused by later runs with the same ``--records``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from bench.bench_sync_network import floors, nightly
from kiosk.config import load_config
from kiosk.crypto.admin import AdminKeys
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.models import Visit
from kiosk.sync import records
from kiosk.sync.http import ServerAPI
from kiosk.sync.merge import Entry, State
from tests.e2e_sync.harness import NAMES, Server, Site
from wire.envelope import Envelope, Header, seal_batch
from wire.fields import FORMAT_VERSION
from wire.ids import NETWORK_SCOPE, office_of
from wire.trust import issue_certificate

OFFICES = ["EVSC", "MEHU", "BRAP", "HOHO", "LUED", "INWO", "INNO"]
CHUNK = 20_000
CACHE_FORMAT = "v4"
"""Part of the cache directory's name: envelopes cached by an older wire format are not reused."""


@dataclass
class Net:
    """What the harness's ``Site`` needs of a network: the admin's keys."""

    admin: AdminKeys


def _raw_private(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization as s
    return key.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption())


def _gen_chunk(out: str, net: str, writer: str, sign_raw: bytes, data_key: bytes, first: int,
               count: int, retention: int) -> str:
    office = office_of(writer)
    """Seal ``count`` visits of one writer (counters from ``first``) into one cache file."""
    sign = Ed25519PrivateKey.from_private_bytes(sign_raw)
    now = int(time.time() * 1000)
    items = []
    for i in range(first, first + count):
        day = time.strftime("%Y-%m-%d", time.gmtime(now / 1000 - 86400 * (i % 60)))
        rec = Visit(id=uuid.uuid4().hex, clocks={}, site=writer.split("-")[0],
                    location=writer.split("-")[0] + "-1", day=day, prefix="A", seq=i % 150 + 1,
                    ticket=f"A-{i % 150 + 1:03d}", language=["ar", "fa", "uk", "tr", "de"][i % 5],
                    checked_in_at=now - 86400_000 * (i % 60), status="done",
                    first_name=NAMES[i % len(NAMES)] + f" {i}", concerns=["wohnen", "jobcenter"],
                    note=f"Notiz {i}: Mietvertrag prüfen, Termin beim Jobcenter vereinbart")
        clock = f"{now - 60_000 - (count - (i - first)):013d}.00000.{writer}"
        state = State(False, {n: Entry(clock, getattr(rec, n), "") for n in Visit.SYNCED_FIELDS})
        values = {n: e.value for n, e in state.fields.items()}
        header = Header(v=FORMAT_VERSION, net=net, scope=office, gen=1,
                        rid=records.rid_for("visit", rec.id), site=writer, ctr=i, op="put",
                        exp=records.expiry_day("visit", values, retention))
        items.append((header, records.encode_body("visit", rec.id, state)))
    rows = []
    for env in seal_batch(items, data_key, sign):  # signed in trees, as the kiosk pushes
        header, raw = env.header, env.to_bytes()
        rows.append((header.rid, writer, header.ctr, header.exp, env.digest(), raw))
    with open(out, "wb") as fh:
        pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return out


def generate(cache: Path, total: int, sites: int, retention: int) -> dict:
    """Keys and envelopes of the network, generated once (cached in ``cache``)."""
    meta_path = cache / "network.json"
    if meta_path.exists():
        return json.loads(meta_path.read_text())
    cache.mkdir(parents=True, exist_ok=True)
    root = Ed25519PrivateKey.generate()
    data_keys = {office: os.urandom(32) for office in [*OFFICES, NETWORK_SCOPE]}
    net = "bench-" + uuid.uuid4().hex[:8]
    writers = []
    for i in range(sites):
        sign, kex = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
        code = f"{OFFICES[i % 7]}-{uuid.uuid4().hex[:8].upper()}"
        cert = issue_certificate(root, net, code, sign.public_key(), kex.public_key())
        writers.append({"code": code, "sign": _raw_private(sign).hex(), "cert": cert.to_dict()})
    per = total // sites
    t0 = time.perf_counter()
    jobs = []
    import multiprocessing
    with ProcessPoolExecutor(os.cpu_count() or 2,
                             mp_context=multiprocessing.get_context("forkserver")) as pool:
        for w in writers:
            for first in range(1, per + 1, CHUNK):
                out = cache / f"env-{w['code']}-{first:08d}.pkl"
                jobs.append(pool.submit(_gen_chunk, str(out), net, w["code"],
                                        bytes.fromhex(w["sign"]),
                                        data_keys[office_of(w["code"])], first,
                                        min(CHUNK, per - first + 1), retention))
        files = [j.result() for j in jobs]
    meta = {"net": net, "root": _raw_private(root).hex(),
            "data_keys": {k: v.hex() for k, v in data_keys.items()},
            "writers": writers, "files": files, "records": per * sites}
    meta_path.write_text(json.dumps(meta))
    print(f"generated {per * sites:,} envelopes in {time.perf_counter() - t0:.0f} s "
          f"(cached in {cache})")
    return meta


def load_server(url: str, meta: dict) -> None:
    """Enrol the writers and bulk-insert every envelope (and its ledger row) with plain SQL."""
    from sync_server.store import envelopes, registry
    from sync_server.store.db import (
        Counter,
        Ledger,
        Site,
        StoredEnvelope,
        database,
        open_database,
    )
    from wire.trust import SiteCertificate

    db = open_database(url)
    for w in meta["writers"]:
        registry.enroll(SiteCertificate.from_dict(w["cert"]))
    t0 = time.perf_counter()
    seq = 0
    highs: dict[str, int] = {}
    with database.connection_context():
        for path in meta["files"]:
            with open(path, "rb") as fh:
                rows = pickle.load(fh)
            env_rows, ledger = [], []
            for rid, site, ctr, exp, digest, raw in rows:
                seq += 1
                env_rows.append({"seq": seq, "rid": rid, "scope": office_of(site), "site": site,
                                 "ctr": ctr, "op": "put", "gen": 1, "exp": exp,
                                 "digest": digest, "blob": raw})
                ledger.append({"site": site, "ctr": ctr, "digest": digest, "exp": exp})
                highs[site] = max(highs.get(site, 0), ctr)
            with database.atomic():
                envelopes._insert_rows(StoredEnvelope, env_rows, 100)
                envelopes._insert_rows(Ledger, ledger, 200)
        with database.atomic():
            Counter.update(value=seq).where(Counter.name == "seq").execute()
            for site, high in highs.items():
                Site.update(high_ctr=high).where(Site.code == site).execute()
    db.close_all() if hasattr(db, "close_all") else db.close()
    print(f"server loaded with {seq:,} envelopes in {time.perf_counter() - t0:.0f} s "
          "(setup, not measured)")


def push_sample(server: Server, meta: dict, n: int) -> float:
    """Re-push ``n`` cached envelopes of one writer over real HTTP into a scratch writer slot.

    They are already stored, so the server verifies each signature and answers
    ``duplicate``: the cost measured is HTTP + parse + verify + ledger look-up.
    """
    from kiosk.crypto.site_keys import SiteKeys
    w = meta["writers"][0]
    with open(meta["files"][0], "rb") as fh:
        rows = pickle.load(fh)[:n]
    keys = SiteKeys(w["code"], Ed25519PrivateKey.from_private_bytes(bytes.fromhex(w["sign"])),
                    X25519PrivateKey.generate())
    api = ServerAPI(server.base, keys)
    batch = int(api.call("GET", "/v1/config", signed=False)["limits"]["max_batch"])
    texts = [Envelope.from_bytes(r[5]).to_b64() for r in rows]
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        api.call("POST", "/v1/push", body={"envelopes": texts[i:i + batch]})
    took = time.perf_counter() - t0
    api.close()
    return len(texts) / took


def repull(site: Site, page_size: int) -> None:
    """What every site does after a server restore: pull everything again from seq 0
    (every record is already held, so each merges as a no-op after its checks)."""
    from kiosk.sync.state import CURSOR, set_int

    store = site.activate()
    with store.db.atomic():
        set_int(store, CURSOR, 0)
    report = site.sync(page_limit=page_size)
    print(f"re-pull of everything already held (as after a server restore): "
          f"{report.pulled:,} in {report.seconds:.1f} s = "
          f"{report.pulled / report.seconds:,.0f} records/s")


def pg_admin(url: str, sql: str) -> None:
    import psycopg2
    base = url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(base)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--sites", type=int, default=7)
    ap.add_argument("--changed", type=int, default=500)
    ap.add_argument("--page-size", type=int, default=1000)
    ap.add_argument("--push-sample", type=int, default=20_000)
    ap.add_argument("--database", help="postgresql://…/NAME (created, then dropped)")
    ap.add_argument("--repull", action="store_true",
                    help="also time a full re-pull (as after a server restore)")
    ap.add_argument("--cache", type=Path, help="where generated envelopes are kept "
                    "(default: $TMPDIR/lw-sync-bench-v3-<records>)")
    args = ap.parse_args()
    config = load_config(DEFAULT_CONFIG)
    cache = args.cache or (Path(tempfile.gettempdir())
                           / f"lw-sync-bench-{CACHE_FORMAT}-{args.records}")
    meta = generate(cache, args.records, args.sites, config.retention_days)
    admin = AdminKeys(meta["net"], Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex(meta["root"])), {scope: {1: bytes.fromhex(key)}
                                       for scope, key in meta["data_keys"].items()})
    tmp = Path(tempfile.mkdtemp(prefix="lw-sync-run-"))
    (tmp / "srv").mkdir()
    template = cache / "server-template.sqlite3"
    url = args.database
    if url:
        pg_admin(url, f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
    elif template.exists():
        shutil.copy(template, tmp / "srv" / "server.sqlite3")
    server = Server(tmp / "srv", admin.root_line(), url)
    try:
        if url or not template.exists():
            load_server(server.url, meta)
            if not url:
                con = sqlite3.connect(server.db)
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.close()
                shutil.copy(server.db, template)
        server.start()
        total = meta["records"]
        kind = "postgresql" if url else "sqlite"
        print(f"network: {total:,} visits from {args.sites} sites, server on {kind}")
        rate = push_sample(server, meta, min(args.push_sample, total // args.sites))
        print(f"server push over HTTP (verify + ledger), sample of "
              f"{min(args.push_sample, total // args.sites):,}: {rate:,.0f} envelopes/s")
        fresh = []
        for i, office in enumerate(("EVSC", "EVSC")):  # two machines of one office
            (tmp / f"new{i}").mkdir()
            site = Site(tmp / f"new{i}", office, Net(admin), server, config)
            report = site.sync(page_limit=args.page_size)
            rate = report.pulled / report.seconds
            print(f"initial sync of new machine {i + 1} of {office}: {report.pulled:,} "
                  f"envelopes in {report.seconds:.1f} s = {rate:,.0f} records/s "
                  f"end to end (goal >= 10,000), {report.requests} requests")
            fresh.append((site, report))
        site, report = fresh[0]
        store = site.activate()
        aes_rate, lite_rate = floors(store, tmp)
        e2e = report.pulled / report.seconds
        print(f"  floor raw AES-GCM enc+dec of the same bodies: {aes_rate:,.0f}/s "
              f"-> end to end takes {aes_rate / e2e:.0f}x as long")
        print(f"  floor raw sqlite3 executemany of the same rows: {lite_rate:,.0f}/s "
              f"-> end to end takes {lite_rate / e2e:.1f}x as long")
        changer, receiver = fresh[0][0], fresh[1][0]
        changed = [r[0] for r in store.db.execute_sql("SELECT id FROM visit LIMIT ?",
                                                      (args.changed,))]
        nightly(changer, receiver, changed, args.page_size, f" of {total:,}")
        print(f"sync with nothing to do: {receiver.sync().requests} request(s) (goal <= 2)")
        if args.repull:
            repull(receiver, args.page_size)
        for s, _ in fresh:
            s.close()
    finally:
        server.stop()
        if url:
            pg_admin(url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
