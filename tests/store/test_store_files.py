"""The store's files on disk: private from the start, and no erased name left in the WAL."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.store.db import open_store
from kiosk.store.models import Visit
from kiosk.sync.erase import erase_record

KIOSK = str(Path(sys.executable).with_name("kiosk"))
CANARY = "Kanarienvogel-Zahraa"


def files(path: Path) -> list[Path]:
    return [Path(str(path) + s) for s in ("", "-wal", "-shm") if Path(str(path) + s).exists()]


@pytest.fixture()
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_init_creates_store_wal_and_shm_0600(tmp_path: Path, cli_env, umask_022) -> None:
    db = tmp_path / "site.db"
    done = subprocess.run([KIOSK, "--db", str(db), "init", "--site", "EVSC"], env=cli_env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    store = open_store(db)  # a later process, same umask: WAL and SHM appear
    with store.writing() as w:
        w.put(Visit, None, {"site": "EVSC", "location": "EVSC-EV", "day": "2026-11-24",
                            "prefix": "A", "seq": 1, "ticket": "A-001", "language": "ar",
                            "checked_in_at": 1})
    try:
        found = files(db)
        assert len(found) == 3
        assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in found} == {
            p.name: 0o600 for p in found}
    finally:
        store.close()


def forms(text: str) -> list[bytes]:
    """The canary as it could sit in a file: UTF-8, UTF-16 either way, base64 at any offset."""
    raw = text.encode()
    out = [raw, text.encode("utf-16-le"), text.encode("utf-16-be")]
    for shift in range(3):
        encoded = base64.b64encode(bytes(shift) + raw)
        out.append(encoded[4 if shift else 0:-4])
    return out


HOLDER = """
import sys
from kiosk.store.db import open_store
store = open_store(sys.argv[1])
store.setting("site")
print("open", flush=True)
sys.stdin.readline()
"""


def test_erased_name_is_not_left_in_the_wal(store_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"  # a terminal keeps the store open
        store = open_store(store_path)
        with store.writing() as w:
            visit = w.put(Visit, None, {
                "site": "EVSC", "location": "EVSC-EV", "day": "2026-11-24", "prefix": "A",
                "seq": 1, "ticket": "A-001", "language": "ar", "checked_in_at": 1,
                "first_name": CANARY, "note": f"{CANARY} braucht Hilfe beim Jobcenter"})
        with store.writing() as w:
            w.put(Visit, visit.id, {"status": "called"})
        assert any(f in p.read_bytes() for p in files(store_path) for f in forms(CANARY))
        with store.writing() as w:
            erase_record(w, Visit, visit.id)
        leftovers = [(p.name, f) for p in files(store_path) for f in forms(CANARY)
                     if f in p.read_bytes()]
        assert leftovers == []
        store.close()
    finally:
        holder.communicate("done\n", timeout=30)
