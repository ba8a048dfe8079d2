"""Push signatures verified on the server's process pool agree with verifying inline."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync_server import protocol as p
from sync_server import verify

SIGN = Ed25519PrivateKey.generate()
KEY = bytes(32)


def envelope(ctr: int, sign: Ed25519PrivateKey = SIGN) -> p.Envelope:
    header = p.Header(v=1, net="net-1", gen=1, rid=uuid.uuid4().hex, site="EVSC-0001",
                      ctr=ctr, op="put", exp="2099-01-01")
    return p.seal(header, b"body %d" % ctr, KEY, sign)


@pytest.fixture(scope="module")
def batch() -> list[p.Envelope]:
    yield [envelope(i + 1) for i in range(verify.POOL_MIN * 2 + 5)]
    verify.shutdown()


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize("bad", [None, 0, 70, -1])
def test_first_bad_signature(batch: list[p.Envelope], processes: int, bad: int | None) -> None:
    envs = list(batch)
    if bad is not None:
        envs[bad] = envelope(999, Ed25519PrivateKey.generate())
    found = verify.first_bad_signature(envs, SIGN.public_key(), processes)
    assert found == (None if bad is None else bad % len(envs))


def test_small_batches_and_a_dead_pool(batch: list[p.Envelope]) -> None:
    assert verify.first_bad_signature(batch[:3], SIGN.public_key(), 2) is None
    assert verify.first_bad_signature(batch, SIGN.public_key(), 2) is None
    for proc in list(verify._pool._processes.values()):  # kill the pool's workers
        proc.kill()
        proc.join()
    assert verify.first_bad_signature(batch, SIGN.public_key(), 2) is None
    assert verify.first_bad_signature(batch, SIGN.public_key(), 2) is None
