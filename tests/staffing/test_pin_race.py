"""Guessing a staff PIN from many processes at once: the lock-out limit holds for checks made,
not just for failures recorded (real processes, one real SQLite store)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk.staffing.profiles import MAX_FAILED_PINS, StaffDirectory
from kiosk.store.db import open_store

GUESSES = 12
GUESSER = """
import os, sys, time
from kiosk.config import load_config
from kiosk.paths import DEFAULT_CONFIG
from kiosk.staffing import profiles
from kiosk.store.db import open_store

db, staff, checks = sys.argv[1:4]
real = profiles.verify_pin

def counted(pin, stored):
    fd = os.open(checks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.write(fd, b"x")
    os.close(fd)
    return real(pin, stored)

profiles.verify_pin = counted
store = open_store(db)
directory = profiles.StaffDirectory(store, load_config(DEFAULT_CONFIG),
                                    lambda: int(time.time() * 1000))
print("ready", flush=True)
sys.stdin.readline()
try:
    directory.authenticate(staff, "9999")
except Exception as exc:
    print(type(exc).__name__, flush=True)
"""


def test_parallel_guesses_are_checked_at_most_the_limit(store_path: Path, config,
                                                         tmp_path: Path) -> None:
    store = open_store(store_path)
    staff = StaffDirectory(store, config, lambda: 1_800_000_000_000).add(
        "Leyla Demir", ["de", "fa"], "1234").id
    store.close()
    checks = tmp_path / "checks"
    procs = [subprocess.Popen([sys.executable, "-c", GUESSER, str(store_path), staff,
                               str(checks)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True) for _ in range(GUESSES)]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready"
        for proc in procs:  # all guess at once
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outcomes = [proc.communicate(timeout=120)[0].strip() for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    made = len(checks.read_bytes()) if checks.exists() else 0
    assert 1 <= made <= MAX_FAILED_PINS, outcomes
    assert sorted(set(outcomes)) <= ["LockedOut", "WrongPin"]
    assert outcomes.count("LockedOut") >= GUESSES - MAX_FAILED_PINS + 1
