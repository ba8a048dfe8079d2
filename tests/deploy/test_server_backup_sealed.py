"""`sync-server backup` seals its copy of the SQLite database to the admin's backup key.

Real `sync-server` and `kiosk` processes on a real database. The canary is the network id
the server keeps in clear in its registry: in a sealed backup it must not be found in any
form; with `--plaintext` it is, and the command warns.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.e2e_store.canaries import leaks
from tests.e2e_sync.harness import BIN

NETWORK = "kanarien-netz-sieben"


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / args[0]), *args[1:]], capture_output=True, text=True,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
def server(tmp_path: Path, cli_env: dict) -> tuple[dict, Path]:
    """A server database that trusts the canary network; (env, database file)."""
    env = {k: v for k, v in cli_env.items() if not k.startswith("SYNC_SERVER_")}
    env["SYNC_SERVER_DATA_DIR"] = str(tmp_path / "srv")
    env["SYNC_SERVER_STATE_DIR"] = str(tmp_path / "srv" / "state")
    (tmp_path / "srv").mkdir()
    passphrase = tmp_path / "pass"
    passphrase.write_text("a long passphrase\n")
    root = run(env, "kiosk", "keys", "init-network", "--network", NETWORK, "--out",
               str(tmp_path / "admin.key"), "--passphrase-file", str(passphrase))
    assert root.returncode == 0, root.stderr
    trusted = run(env, "sync-server", "trust", root.stdout.strip())
    assert trusted.returncode == 0, trusted.stderr
    return env, tmp_path / "srv" / "sync-server.sqlite3"


def keygen(env: dict, out: Path) -> str:
    done = run(env, "kiosk", "keys", "backup-keygen", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def open_with_age(key: Path, sealed: Path, out: Path) -> subprocess.CompletedProcess:
    age = shutil.which("age")
    assert age, "the age tool is needed (Debian: apt install age)"
    return subprocess.run([age, "-d", "-i", str(key), "-o", str(out), str(sealed)],
                          capture_output=True, text=True, timeout=120)


def network_in(db: Path) -> bool:
    con = sqlite3.connect(db)
    try:
        return any(NETWORK in str(row) for table, in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")
            for row in con.execute(f'SELECT * FROM "{table}"'))
    finally:
        con.close()


def test_sealed_server_backup_hides_the_registry_and_opens_only_with_the_right_key(
        server: tuple[dict, Path], tmp_path: Path) -> None:
    env, db = server
    assert network_in(db)  # the canary is really in the database
    key, other = tmp_path / "backup.key", tmp_path / "other.key"
    public = keygen(env, key)
    keygen(env, other)
    before = set(os.listdir(db.parent))
    sealed = tmp_path / "server.sqlite3.age"
    done = run(env, "sync-server", "backup", str(sealed), "--backup-recipient", public)
    assert done.returncode == 0 and "sealed" in done.stdout, done.stderr
    assert sealed.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert leaks(sealed.read_bytes(), NETWORK) == []
    assert oct(sealed.stat().st_mode & 0o777) == "0o600"
    assert set(os.listdir(db.parent)) - {"sync-server.sqlite3-wal",
                                         "sync-server.sqlite3-shm"} <= before

    wrong = open_with_age(other, sealed, tmp_path / "wrong.sqlite3")
    assert wrong.returncode != 0 and not (tmp_path / "wrong.sqlite3").exists()
    opened = tmp_path / "opened.sqlite3"
    assert open_with_age(key, sealed, opened).returncode == 0
    assert network_in(opened)


def test_the_recipient_may_come_from_the_environment(server: tuple[dict, Path],
                                                     tmp_path: Path) -> None:
    env, _ = server
    key = tmp_path / "backup.key"
    env = {**env, "SYNC_SERVER_BACKUP_RECIPIENTS": keygen(env, key)}
    sealed = tmp_path / "server.age"
    done = run(env, "sync-server", "backup", str(sealed))
    assert done.returncode == 0, done.stderr
    assert open_with_age(key, sealed, tmp_path / "opened.sqlite3").returncode == 0


def test_without_a_recipient_the_server_backup_is_refused_with_the_way_to_configure_it(
        server: tuple[dict, Path], tmp_path: Path) -> None:
    env, _ = server
    target = tmp_path / "server.age"
    done = run(env, "sync-server", "backup", str(target))
    assert done.returncode == 2 and not target.exists()
    assert "--backup-recipient" in done.stderr and "SYNC_SERVER_BACKUP_RECIPIENTS" in done.stderr
    bad = run(env, "sync-server", "backup", str(target), "--backup-recipient", "age1nonsense")
    assert bad.returncode == 2 and "not a valid age public key" in bad.stderr
    assert "Traceback" not in done.stderr + bad.stderr and not target.exists()


def test_plaintext_server_backup_only_when_asked_and_it_warns(server: tuple[dict, Path],
                                                              tmp_path: Path) -> None:
    env, _ = server
    target = tmp_path / "server.sqlite3"
    done = run(env, "sync-server", "backup", str(target), "--plaintext")
    assert done.returncode == 0 and "UNSEALED" in done.stderr, done.stderr
    assert leaks(target.read_bytes(), NETWORK) == ["utf-8"]
