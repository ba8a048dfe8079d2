"""Backup while check-ins stream in, and restore: nothing acknowledged before the backup is lost."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from kiosk.store.db import open_store
from kiosk.store.models import Visit
from tests.conftest import KIOSK
from tests.e2e_store.test_processes import spawn


def backup_key(store_path: Path, tmp_path: Path, env: dict) -> Path:
    """An admin's backup key pair; its public half configured at the site. The private key."""
    key = tmp_path / "admin-backup.key"
    made = subprocess.run([KIOSK, "keys", "backup-keygen", "--out", str(key)],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    subprocess.run([KIOSK, "--db", str(store_path), "keys", "backup-recipient",
                    made.stdout.strip()], capture_output=True, env=env, timeout=120, check=True)
    return key


def test_backup_during_a_stream_of_check_ins_keeps_every_acknowledged_one(
        store_path, tmp_path, cli_env):
    key = backup_key(store_path, tmp_path, cli_env)
    proc = spawn(str(store_path), "checkin", "100000")
    assert proc.stdout.readline().strip() == "ready"
    before = [proc.stdout.readline().strip() for _ in range(120)]
    backup = tmp_path / "backup.db"
    done = subprocess.run([KIOSK, "--db", str(store_path), "backup", str(backup)],
                          capture_output=True, text=True, env=cli_env, timeout=120)
    after = [proc.stdout.readline().strip() for _ in range(20)]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert done.returncode == 0, done.stderr
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    restored = tmp_path / "restored.db"
    subprocess.run([KIOSK, "--db", str(restored), "restore", str(backup), "--identity",
                    str(key)], check=True, capture_output=True, env=cli_env, timeout=120)
    store = open_store(restored)
    tickets = {v.ticket for v in Visit.select(Visit.ticket)}
    assert set(before) <= tickets
    assert len(tickets) >= len(before) and after  # the stream went on during the backup
    assert store.site == "EVSC"
    store.close()


def test_restore_refuses_to_overwrite_and_refuses_garbage(store_path, tmp_path, cli_env):
    key = backup_key(store_path, tmp_path, cli_env)
    backup = tmp_path / "b.db"
    run = lambda *a: subprocess.run([KIOSK, *a], capture_output=True, text=True,  # noqa: E731
                                    env=cli_env, timeout=120)
    assert run("--db", str(store_path), "backup", str(backup)).returncode == 0
    again = run("--db", str(store_path), "backup", str(backup))
    assert again.returncode == 4 and "already exists" in again.stderr
    refused = run("--db", str(store_path), "restore", str(backup))
    assert refused.returncode == 4 and "--force" in refused.stderr
    junk = tmp_path / "junk.db"
    junk.write_text("definitely not a store")
    bad = run("--db", str(tmp_path / "new.db"), "restore", str(junk))
    assert bad.returncode == 4 and "not a kiosk backup" in bad.stderr
    assert not (tmp_path / "new.db").exists()
    assert run("--db", str(store_path), "restore", str(backup), "--force", "--identity",
               str(key)).returncode == 0
