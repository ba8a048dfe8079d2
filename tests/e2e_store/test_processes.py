"""Several real processes on one store file, and a process killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from kiosk.config import load_config
from kiosk.context import make_context
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import open_store
from kiosk.store.models import Visit
from tests.processes import spawn as spawn_process

WORKER = str(Path(__file__).with_name("worker.py"))


def spawn(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    return spawn_process([sys.executable, WORKER, *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)


def finish(proc: subprocess.Popen) -> list[str]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return [line for line in out.splitlines() if line != "ready"]


def test_four_processes_checking_in_never_share_a_ticket_and_lose_none(store_path):
    procs = [spawn(str(store_path), "checkin", "200") for _ in range(4)]
    printed = [ticket for proc in procs for ticket in finish(proc)]
    assert len(printed) == 800
    assert len(set(printed)) == 800
    store = open_store(store_path)
    stored = sorted(v.ticket for v in Visit.select(Visit.ticket))
    assert stored == sorted(printed)
    assert stored == [f"A-{n:03d}" for n in range(1, 801)]
    store.close()


def test_two_processes_calling_next_never_get_the_same_visitor(store_path):
    store = open_store(store_path)
    ctx = make_context(load_config(DEFAULT_CONFIG), store)
    expected = {ctx.queue.check_in([], "de", enforce_hours=False).visit_id for _ in range(300)}
    store.close()
    go = store_path.with_name("go")
    procs = [spawn(str(store_path), "callnext", desk, str(go)) for desk in ("1", "2")]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    go.touch()
    results = [finish(proc) for proc in procs]
    assert results[0] and results[1], "both consoles should have called someone"
    assert not set(results[0]) & set(results[1])
    assert set(results[0]) | set(results[1]) == expected
    assert len(results[0]) + len(results[1]) == 300


def test_sigkill_mid_stream_loses_no_acknowledged_check_in(store_path):
    proc = spawn(str(store_path), "checkin", "100000")
    acknowledged = []
    assert proc.stdout.readline().strip() == "ready"
    while len(acknowledged) < 150:
        acknowledged.append(proc.stdout.readline().strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    proc.stdout.close()
    proc.stderr.close()

    store = open_store(store_path)  # opens cleanly: WAL recovery, no error
    assert store.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {v.ticket for v in Visit.select(Visit.ticket)}
    assert set(acknowledged) <= stored
    highest = max(int(t.split("-")[1]) for t in stored)
    assert len(stored) == highest  # no gaps, no duplicates
    ctx = make_context(load_config(DEFAULT_CONFIG), store)
    assert ctx.queue.check_in([], "de", enforce_hours=False).ticket == f"A-{highest + 1:03d}"
    store.close()
