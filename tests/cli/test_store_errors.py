"""`kiosk checkin` on a store that cannot be written: exit 4 and one line, never a traceback.

Real processes on real faults: an immutable store, a store on a full tmpfs, a deleted store,
and a store the (unprivileged) user may not read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import init_store
from tests.conftest import KIOSK
from tests.real_faults import CANARY, delete_store, fill, read_only, tiny_tmpfs

EXIT_STORE = 4


def checkin(db: Path, env: dict[str, str], *prefix: str) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, KIOSK, "--config", str(DEFAULT_CONFIG), "--db", str(db),
                           "checkin", "--language", "de",
                           "--name", CANARY], capture_output=True, text=True, env=env,
                          timeout=120)


def assert_one_calm_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == EXIT_STORE, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("kiosk: store error: ")
    assert "Traceback" not in proc.stderr and CANARY not in proc.stderr + proc.stdout
    for word in words:
        assert word in lines[0]
    assert proc.stdout == ""


def test_read_only_store(tmp_path, cli_env):
    db = tmp_path / "site.db"
    init_store(db, "EVSC", "EVSC-EV").close()
    with read_only(db):
        proc = checkin(db, cli_env)
    assert_one_calm_line(proc, "read-only", "SQLITE_READONLY", str(db))


def test_disk_full(tmp_path, cli_env):
    with tiny_tmpfs(tmp_path / "small") as disk:
        db = disk / "site.db"
        init_store(db, "EVSC", "EVSC-EV").close()
        fill(disk)
        proc = checkin(db, cli_env)
    # SQLite reports a full disk at opening as an I/O error on its shared-memory file
    assert_one_calm_line(proc, "disk full", "SQLITE_IOERR")


def test_deleted_store(tmp_path, cli_env):
    db = tmp_path / "site.db"
    init_store(db, "EVSC", "EVSC-EV").close()
    delete_store(db)
    assert_one_calm_line(checkin(db, cli_env), "no store here")


def test_permission_denied(tmp_path, cli_env):
    """As an unprivileged user (root reads everything), on a store of mode 0600."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("setpriv (util-linux) is needed to run the command as another user")
    # pytest's own temporary directories are 0700: the store lives in one nobody may enter
    with tempfile.TemporaryDirectory(prefix="kiosk-perm-") as shared:
        os.chmod(shared, 0o755)
        db = Path(shared) / "site.db"
        init_store(db, "EVSC", "EVSC-EV").close()
        db.chmod(0o600)
        proc = checkin(db, cli_env, setpriv, "--reuid=65534", "--regid=65534",
                       "--clear-groups")
    assert_one_calm_line(proc, "Permission denied", str(db))
