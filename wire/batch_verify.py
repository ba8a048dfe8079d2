"""Push signatures verified once per signed tree, on a small process pool when there are many.

An Ed25519 verify (``cryptography``) costs about 0.1 ms on the reference machine. Writers sign
trees of envelopes (:mod:`wire.envelope`), so a push of 500 envelopes from the kiosk
carries about 16 distinct signed roots; those are verified inline. A client that signs every
envelope alone still works, and its many distinct roots are split across
``verify_processes`` workers, where handing them to another process costs less than it
saves. The pool is started lazily by the first such batch, from a ``forkserver`` (never
plain fork: a child must not inherit the server's open database connections).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from wire.envelope import Envelope

POOL_MIN = 64
"""Batches smaller than this are verified in the request's own thread."""

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _first_bad(pub_raw: bytes, items: list[tuple[bytes, bytes]]) -> int | None:
    """Index of the first (signed bytes, signature) pair that does not verify, or None."""
    key = Ed25519PublicKey.from_public_bytes(pub_raw)
    for i, (data, sig) in enumerate(items):
        try:
            key.verify(sig, data)
        except InvalidSignature:
            return i
    return None


def watch_parent(pid: int, interval: float = 1.0) -> None:
    """Pool-worker initializer: exit once process ``pid`` is gone.

    A pool worker holds its own queue's write end, so it never sees EOF when the server
    is SIGKILLed (systemd kills the whole cgroup; a bare ``kill -9`` would leave idle
    orphans behind without this).
    """

    def watch() -> None:
        while True:
            time.sleep(interval)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _get_pool(processes: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != processes:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["wire.batch_verify"])
            _pool = ProcessPoolExecutor(processes, mp_context=ctx, initializer=watch_parent,
                                        initargs=(os.getpid(),))
            _pool_size = processes
        return _pool


def shutdown() -> None:
    """Stop this process's pool (at server shutdown; a new one starts if needed again)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


def first_bad_signature(envelopes: list[Envelope], key: Ed25519PublicKey,
                        processes: int) -> int | None:
    """Index of the first envelope whose signature fails for ``key``, or None if all verify.

    Args:
        envelopes: parsed envelopes of one push.
        key: the authenticated writer's public key.
        processes: pool size; 0 or 1 verifies inline.
    """
    first_of: dict[tuple[bytes, bytes], int] = {}
    for index, env in enumerate(envelopes):
        first_of.setdefault((env.signed_bytes(), env.signature), index)
    items = list(first_of)
    pub_raw = key.public_bytes_raw()
    bad = _distinct_bad(pub_raw, items, processes)
    if bad is None:
        return None
    failed = items[bad]
    return next(i for i, e in enumerate(envelopes)
                if (e.signed_bytes(), e.signature) == failed)


def _distinct_bad(pub_raw: bytes, items: list[tuple[bytes, bytes]], processes: int
                  ) -> int | None:
    if processes < 2 or len(items) < POOL_MIN:
        return _first_bad(pub_raw, items)
    size = -(-len(items) // processes)
    try:
        pool = _get_pool(processes)
        futures = [pool.submit(_first_bad, pub_raw, items[i:i + size])
                   for i in range(0, len(items), size)]
        found = [fut.result() for fut in futures]
    except BrokenProcessPool:  # a worker died (OOM killer, an admin's kill): start afresh
        shutdown()
        return _first_bad(pub_raw, items)
    for start, bad in zip(range(0, len(items), size), found, strict=True):
        if bad is not None:
            return start + bad
    return None
