"""Verify and open pulled envelopes, on both cores.

Parsing, checking the signed tree, decrypting, decoding and building the SQL row cost about
100 µs per record, twice what the main process needs to store it: a page is split across a
small process pool (threads do not help, the work holds the GIL) while the main process
applies the previous page. Small pages are opened inline, where starting the pool would cost
more than it saves. Workers get only the keys they need for the page.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.clock.hlc import Timestamp
from kiosk.sync import records
from kiosk.sync.apply import Opened
from sync_server.protocol import (
    ERASE_BODY,
    NETWORK_SCOPE,
    Envelope,
    ProtocolError,
    open_envelope,
    verify,
)
from sync_server.protocol_base import office_of
from sync_server.verify import watch_parent

POOL_THRESHOLD = 200
"""Pages smaller than this are opened in the calling process."""
START_POOL_AT = 2000
"""A sync whose only page is smaller than this does not start the pool."""
MAX_DRIFT_MS = 15 * 60 * 1000
"""Field clocks further ahead of this machine's own clock than this are quarantined
(``clock_ahead``, retried at later syncs): a writer up to 10 minutes fast is read by a
reader up to 5 minutes slow. Only the local clock counts: a server's time is not
authenticated, and a server claiming to be two years ahead must not let a writer that is
two years fast win every merge."""


RETIRED = "#"
"""``pub_raw`` keys ``SITE#SEQ`` are retired certificates' keys, good up to sequence SEQ."""
REVOKED = "!"
"""``pub_raw`` keys ``SITE!CTR`` are keys on the root-signed revocation list, good for the
writer's own counters up to CTR; such a writer has no other key."""


Retired = dict[str, list[tuple[Ed25519PublicKey, int]]]
"""Per site: retired keys and the sequence up to which each is good."""
Revoked = dict[str, tuple[Ed25519PublicKey, int]]
"""Per revoked writer: the revoked certificate's key and its last valid counter."""


def split_keys(pub_raw: dict[str, bytes]
               ) -> tuple[dict[str, Ed25519PublicKey], Retired, Revoked]:
    """(current key per site, retired keys per site with the sequence they are good up to,
    revoked writers' keys with the counter they are good up to)."""
    current: dict[str, Ed25519PublicKey] = {}
    retired: Retired = {}
    revoked: Revoked = {}
    for name, raw in pub_raw.items():
        key = Ed25519PublicKey.from_public_bytes(raw)
        site, mark, upto = name.partition(REVOKED)
        if mark:
            revoked[site] = (key, int(upto))
            continue
        site, _, upto = name.partition(RETIRED)
        if upto:
            retired.setdefault(site, []).append((key, int(upto)))
        else:
            current[site] = key
    return current, retired, revoked


def _signed_by(env: Envelope, seq: int, key: Ed25519PublicKey | None,
               retired: list[tuple[Ed25519PublicKey, int]]) -> bool:
    for candidate in [key] + [k for k, upto in retired if seq <= upto]:
        if candidate is None:
            continue
        try:
            verify(env, candidate)
        except ProtocolError:
            continue
        return True
    return False


DataKeys = dict[tuple[str, int], bytes]
"""Data keys by (scope, generation)."""


def open_one(seq: int, raw: bytes, pubkeys: dict[str, Ed25519PublicKey],
             datakeys: DataKeys, net: str, now_ms: int,
             max_drift_ms: int = MAX_DRIFT_MS, skip_site: str = "",
             retired: Retired | None = None, office: str = "",
             revoked: Revoked | None = None) -> Opened:
    """Parse, verify the writer's signature, decrypt and decode one envelope.

    Envelopes written by ``skip_site`` (this site: they hold nothing it lacks) come back
    with reason ``own`` after parsing only. An envelope of a scope this machine is not in
    (another office's), or of a scope its writer may not write, is refused whatever the
    server says (``foreign_scope``, ``scope_forbidden``).
    """
    out = Opened(seq, raw)
    try:
        env = Envelope.from_bytes(raw)
    except ProtocolError as exc:
        out.reason, out.detail = "malformed", exc.message
        return out
    h = env.header
    out.site, out.rid, out.gen, out.op, out.scope = h.site, h.rid, h.gen, h.op, h.scope
    if skip_site and h.site == skip_site:
        out.reason = "own"
        return out
    if h.net != net:
        out.reason, out.detail = "wrong_network", "envelope of another network"
        return out
    if h.scope not in (office, NETWORK_SCOPE):
        out.reason, out.detail = "foreign_scope", f"envelope of scope {h.scope}"
        return out
    writer_office = office_of(h.site)
    if h.scope not in (writer_office, NETWORK_SCOPE):
        out.reason, out.detail = "scope_forbidden", f"{h.site} may not write scope {h.scope}"
        return out
    listed = (revoked or {}).get(h.site)
    if listed is not None:
        # the root's revocation list decides alone: no certificate or sequence a server
        # lists counts for this writer
        rkey, upto_ctr = listed
        if h.ctr > upto_ctr:
            out.reason, out.detail = "revoked", (f"{h.site} is revoked from its counter "
                                                 f"{upto_ctr + 1} on (root-signed list)")
            return out
        if not _signed_by(env, seq, rkey, []):
            out.reason, out.detail = "revoked", (f"{h.site} is revoked; this envelope is not "
                                                 "signed by its revoked certificate's key")
            return out
        key, olds = rkey, []
    else:
        key = pubkeys.get(h.site)
        olds = (retired or {}).get(h.site, [])
    if key is None and not any(seq <= upto for _, upto in olds):
        out.reason, out.detail = "unknown_writer", f"no valid certificate for {h.site}" + (
            " (revoked before this envelope was stored)" if olds else "")
        return out
    if listed is None and not _signed_by(env, seq, key, olds):
        out.reason, out.detail = "bad_signature", "signature does not verify for its writer"
        return out
    data_key = datakeys.get((h.scope, h.gen))
    if data_key is None:
        out.reason, out.detail = "unknown_generation", (f"no data key of generation {h.gen} "
                                                        f"of scope {h.scope}")
        return out
    try:
        body = open_envelope(env, data_key)
    except ProtocolError as exc:
        if exc.code == "body_too_large":
            out.reason, out.detail = "too_large", exc.message
        else:
            out.reason, out.detail = "decryption_failed", "tag or padding check failed"
        return out
    if h.op == "erase":
        if body and not ERASE_BODY.fullmatch(body):
            out.reason, out.detail = "bad_body", "an erasure carries more than its clock"
            return out
        out.erased_clock = body.decode("ascii")
        return out
    try:
        kind, record_id, newest, row = records.decode_row(body)
    except records.BodyError as exc:
        out.reason, out.detail = exc.reason, str(exc)
        return out
    if records.rid_for(kind, record_id) != h.rid:
        out.reason, out.detail = "rid_mismatch", "body belongs to another record id"
        return out
    problem = records.scope_problem(kind, h.scope, writer_office, row[0] if row else None)
    if problem:
        out.reason, out.detail = "scope_forbidden", problem
        return out
    if newest:
        try:
            wall = Timestamp.parse(newest).wall_ms
        except ValueError:
            out.reason, out.detail = "bad_body", "a field clock does not parse"
            return out
        if wall > now_ms + max_drift_ms:
            out.reason = "clock_ahead"
            out.detail = f"clock {(wall - now_ms) // 1000} s ahead of local time"
            return out
        out.newest = newest
    if skip_site and row is not None and f'.{skip_site}"' in row[1]:
        # fields this machine wrote, passed on by another: the merge checks it still has them
        out.own_newest = max(c for c in orjson.loads(row[1]) if c.endswith(f".{skip_site}"))
    # the fields themselves are decoded in the main process only where a merge needs them
    out.kind, out.record_id, out.body, out.db_row = kind, record_id, body, row
    return out


Item = tuple[int, bytes]
"""(seq, envelope bytes), as a binary pull page or the quarantine holds them."""


def _open_chunk(chunk: list[Item], pub_raw: dict[str, bytes], datakeys: DataKeys,
                net: str, now_ms: int, skip_site: str, office: str) -> list[Opened]:
    pubkeys, retired, revoked = split_keys(pub_raw)
    out = []
    for seq, raw in chunk:
        o = open_one(seq, raw, pubkeys, datakeys, net, now_ms, skip_site=skip_site,
                     retired=retired, office=office, revoked=revoked)
        o.raw = b""  # the caller has the bytes: not sent back between processes
        out.append(o)
    return out


class Opener:
    """Opens pages, inline or on a process pool; use as a context manager."""

    def __init__(self, workers: int | None = None, threshold: int = POOL_THRESHOLD) -> None:
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.threshold = threshold
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Opener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def submit(self, items: Iterable[Item], pub_raw: dict[str, bytes],
               datakeys: DataKeys, net: str, now_ms: int | None = None,
               skip_site: str = "", more: bool = True, office: str = ""
               ) -> Callable[[], list[Opened]]:
        """Start opening a page; the returned function waits and gives the results.

        The pool works on this page while the caller applies the previous one. A last page
        (``more`` false) of fewer than ``START_POOL_AT`` envelopes is opened here if no pool
        runs yet: starting one costs more than a nightly sync's few hundred verifies.
        """
        items = list(items)
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        small = len(items) < self.threshold or (self._pool is None and not more
                                                 and len(items) < START_POOL_AT)
        if small or self.workers < 2:
            done = _open_chunk(items, pub_raw, datakeys, net, now_ms, skip_site, office)
            return lambda: _reattach(done, items)
        if self._pool is None:
            # Never plain fork: a child inheriting the parent's open SQLite connections can
            # delete the WAL and shm files under it ("disk I/O error"). Forkserver children
            # start from a clean process that imported only this module.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["kiosk.sync.pipeline"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx,
                                             initializer=watch_parent, initargs=(os.getpid(),))
        size = -(-len(items) // (self.workers * 2))
        futures = [self._pool.submit(_open_chunk, items[i:i + size], pub_raw, datakeys, net,
                                     now_ms, skip_site, office)
                   for i in range(0, len(items), size)]

        def collect() -> list[Opened]:
            out: list[Opened] = []
            for fut in futures:
                out.extend(fut.result())
            return _reattach(out, items)

        return collect

    def open(self, items: Iterable[Item], pub_raw: dict[str, bytes],
             datakeys: DataKeys, net: str, now_ms: int | None = None,
             skip_site: str = "", office: str = "") -> list[Opened]:
        """Every item opened, in input order."""
        return self.submit(items, pub_raw, datakeys, net, now_ms, skip_site,
                           office=office)()


def _reattach(opened: list[Opened], items: list[Item]) -> list[Opened]:
    """Give each result its envelope's bytes again (workers send back none of them)."""
    for o, (_, raw) in zip(opened, items, strict=True):
        o.raw = raw
    return opened
