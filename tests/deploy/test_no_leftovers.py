"""A fixture that fails half-way through its set-up leaves no process behind.

Runs pytest on a small test module (in a subprocess, as CI runs the suite) whose fixture
starts a real `sync-server serve` and then fails before it could yield or clean up; after that
pytest has ended, no process of it may still run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
SERVER = Path(sys.executable).with_name("sync-server")

FAILING_SETUP = '''
import time
import pytest
import requests
from tests.processes import spawn


@pytest.fixture
def server(tmp_path):
    proc = spawn([{server!r}, "serve", "--database", "sqlite:///{db}", "--port", "{port}",
                  "--log-level", "warning"], env={{"SYNC_SERVER_STATE_DIR": "{state}"}})
    for _ in range(600):
        try:
            requests.get("http://127.0.0.1:{port}/v1/config", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError("a set-up step after the server started failed")


def test_uses_the_server(server):
    pass
'''


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _running(marker: str) -> list[int]:
    """Pids whose full command line (from /proc, never cut short) contains `marker`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:  # the process ended meanwhile
            continue
    return found


def test_a_fixture_failing_after_starting_a_server_leaves_nothing_running(tmp_path) -> None:
    db = tmp_path / "leftover-canary.sqlite3"
    module = tmp_path / "test_failing_setup.py"
    module.write_text(FAILING_SETUP.format(server=str(SERVER), db=db, port=_free_port(),
                                           state=tmp_path / "state"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-p", "tests.processes", "--rootdir", str(tmp_path), "-c", os.devnull, str(module)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr  # the set-up error, as designed
    assert "a set-up step after the server started failed" in done.stdout
    assert db.exists(), "the server never started, so the test proves nothing"
    assert _running(str(db)) == []
