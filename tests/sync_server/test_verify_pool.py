"""Push signatures verified on the server's process pool agree with verifying inline."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.processes import spawn
from wire import batch_verify, fields
from wire import envelope as wire_envelope

SIGN = Ed25519PrivateKey.generate()
KEY = bytes(32)


def envelope(ctr: int, sign: Ed25519PrivateKey = SIGN) -> wire_envelope.Envelope:
    header = wire_envelope.Header(v=fields.FORMAT_VERSION, net="net-1", scope="EVSC", gen=1,
                      rid=uuid.uuid4().hex, site="EVSC-0001",
                      ctr=ctr, op="put", exp="2099-01-01")
    return wire_envelope.seal(header, b"body %d" % ctr, KEY, sign)


@pytest.fixture(scope="module")
def batch() -> list[wire_envelope.Envelope]:
    yield [envelope(i + 1) for i in range(batch_verify.POOL_MIN * 2 + 5)]
    batch_verify.shutdown()


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize("bad", [None, 0, 70, -1])
def test_first_bad_signature(batch: list[wire_envelope.Envelope], processes: int,
                             bad: int | None) -> None:
    envs = list(batch)
    if bad is not None:
        envs[bad] = envelope(999, Ed25519PrivateKey.generate())
    found = batch_verify.first_bad_signature(envs, SIGN.public_key(), processes)
    assert found == (None if bad is None else bad % len(envs))


def test_small_batches_and_a_dead_pool(batch: list[wire_envelope.Envelope]) -> None:
    assert batch_verify.first_bad_signature(batch[:3], SIGN.public_key(), 2) is None
    assert batch_verify.first_bad_signature(batch, SIGN.public_key(), 2) is None
    for proc in list(batch_verify._pool._processes.values()):  # kill the pool's workers
        proc.kill()
        proc.join()
    assert batch_verify.first_bad_signature(batch, SIGN.public_key(), 2) is None
    assert batch_verify.first_bad_signature(batch, SIGN.public_key(), 2) is None


def test_workers_exit_when_their_server_is_killed(tmp_path) -> None:
    """A SIGKILLed server process leaves no verify workers behind."""
    script = tmp_path / "server.py"
    script.write_text(
        "import os, signal, uuid\n"
        "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey\n"
        "from wire import batch_verify, fields, envelope as wire_envelope\n"
        "if __name__ == '__main__':\n"
        "    k = Ed25519PrivateKey.generate()\n"
        "    envs = [wire_envelope.seal(wire_envelope.Header(\n"
        "            v=fields.FORMAT_VERSION, net='n', scope='EVSC', gen=1,\n"
        "                            rid=uuid.uuid4().hex, site='EVSC',\n"
        "            ctr=i + 1, op='put', exp='2099-01-01'), b'x', bytes(32), k)\n"
        "            for i in range(batch_verify.POOL_MIN)]\n"
        "    assert batch_verify.first_bad_signature(envs, k.public_key(), 2) is None\n"
        "    print(*batch_verify._pool._processes, flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n")
    out = tmp_path / "out.txt"
    with open(out, "w") as fh:  # not a pipe: the workers would hold it open
        proc = spawn([sys.executable, str(script)], stdout=fh,
                     stderr=subprocess.DEVNULL)
        assert proc.wait(timeout=120) == -signal.SIGKILL
    workers = [int(pid) for pid in out.read_text().split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie is dead (its parent will reap it)
        return fh.read().split(")")[-1].split()[0] != "Z"


@pytest.mark.parametrize("processes", [1, 2])
def test_signed_trees_are_checked_per_envelope(processes: int) -> None:
    """A push sealed in trees: one verify per tree, and a tampered member is still named."""
    items = [(wire_envelope.Header(v=fields.FORMAT_VERSION, net="net-1", scope="EVSC", gen=1,
                       rid=uuid.uuid4().hex, site="EVSC-0001",
                       ctr=i + 1, op="put", exp="2099-01-01"), b"body %d" % i)
             for i in range(200)]
    envs = wire_envelope.seal_batch(items, KEY, SIGN)
    assert batch_verify.first_bad_signature(envs, SIGN.public_key(), processes) is None
    envs[70] = dataclasses.replace(envs[70], ciphertext=envs[71].ciphertext)
    assert batch_verify.first_bad_signature(envs, SIGN.public_key(), processes) == 70
