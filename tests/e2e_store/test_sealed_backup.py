"""Sealed site backups through the real `kiosk` command: no name readable in the file, opened
only with the admin's private key, and nothing written when the key or the file is wrong."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from kiosk.paths import key_dir_for
from tests.conftest import KIOSK
from tests.e2e_store.canaries import leaks

#: Names no real record holds, in two scripts, so that any occurrence is ours.
CANARIES = ["Zaynab Qasimi-Kanarienvogel", "زينب قاسمي كناري"]
AGE_MAGIC = b"age-encryption.org/v1\n"


def kiosk(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK, *args], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)


def ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, (done.args, done.stdout, done.stderr)
    return done


@pytest.fixture
def site(store_path: Path, cli_env: dict) -> Path:
    """A store with visitors named after the canaries."""
    for name in CANARIES:
        ok(kiosk(cli_env, "--db", str(store_path), "checkin", "--language", "ar", "--name",
                 name))
    return store_path


def keygen(env: dict, out: Path) -> str:
    """A backup key pair made as the admin does; the public key line."""
    done = ok(kiosk(env, "keys", "backup-keygen", "--out", str(out)))
    return done.stdout.strip()


def configured(site: Path, tmp_path: Path, env: dict) -> Path:
    """Configure the site's backup recipient; returns the private key file."""
    key = tmp_path / "admin" / "backup.key"
    key.parent.mkdir(exist_ok=True)
    ok(kiosk(env, "--db", str(site), "keys", "backup-recipient", keygen(env, key)))
    return key


def names_in(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        return {row[0] for row in con.execute("SELECT first_name FROM visit") if row[0]}
    finally:
        con.close()


def listing(directory: Path) -> set[str]:
    """The directory's entries, ignoring SQLite's own -wal/-shm files."""
    return {p.name for p in directory.iterdir() if not p.name.endswith(("-wal", "-shm"))}


def test_sealed_backup_shows_no_name_and_restores_only_with_the_right_key(
        site: Path, tmp_path: Path, cli_env: dict) -> None:
    key = configured(site, tmp_path, cli_env)
    backup = tmp_path / "out" / "evsc.db.age"
    backup.parent.mkdir()
    before = listing(site.parent)
    done = ok(kiosk(cli_env, "--db", str(site), "backup", str(backup)))
    assert "sealed" in done.stdout
    data = backup.read_bytes()
    assert data.startswith(AGE_MAGIC)
    for name in CANARIES:
        assert leaks(data, name) == [], name
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert listing(site.parent) == before  # no plaintext working copy left beside the store
    assert listing(backup.parent) == {"evsc.db.age"}

    other = tmp_path / "admin" / "other.key"
    keygen(cli_env, other)
    target = tmp_path / "restored" / "kiosk.db"
    wrong = kiosk(cli_env, "--db", str(target), "restore", str(backup), "--identity", str(other))
    assert wrong.returncode == 7 and "does not open the backup" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert not target.exists() and listing(target.parent) == set()  # nothing written

    ok(kiosk(cli_env, "--db", str(target), "restore", str(backup), "--identity", str(key)))
    assert names_in(target) == set(CANARIES)
    assert listing(target.parent) == {"kiosk.db"}


def test_a_damaged_or_cut_backup_is_refused_and_nothing_is_written(
        site: Path, tmp_path: Path, cli_env: dict) -> None:
    key = configured(site, tmp_path, cli_env)
    backup = tmp_path / "b.age"
    ok(kiosk(cli_env, "--db", str(site), "backup", str(backup)))
    data = bytearray(backup.read_bytes())
    data[-200] ^= 0x01
    flipped, cut = tmp_path / "flipped.age", tmp_path / "cut.age"
    flipped.write_bytes(bytes(data))
    cut.write_bytes(backup.read_bytes()[: len(data) // 2])
    target = tmp_path / "r" / "kiosk.db"
    target.parent.mkdir()
    for bad in (flipped, cut):
        done = kiosk(cli_env, "--db", str(target), "restore", str(bad), "--identity", str(key))
        assert done.returncode == 7 and "damaged" in done.stderr, done.stderr
        assert listing(target.parent) == set()


def test_without_a_backup_key_the_backup_is_refused_and_says_how_to_configure_one(
        site: Path, tmp_path: Path, cli_env: dict) -> None:
    backup = tmp_path / "b.age"
    done = kiosk(cli_env, "--db", str(site), "backup", str(backup))
    assert done.returncode == 3
    assert "kiosk keys backup-recipient" in done.stderr and "--plaintext" in done.stderr
    assert not backup.exists() and "Traceback" not in done.stderr


def test_plaintext_only_when_asked_and_it_warns(site: Path, tmp_path: Path,
                                                 cli_env: dict) -> None:
    configured(site, tmp_path, cli_env)
    backup = tmp_path / "plain.db"
    done = ok(kiosk(cli_env, "--db", str(site), "backup", str(backup), "--plaintext"))
    assert "UNENCRYPTED" in done.stderr
    data = backup.read_bytes()
    assert data.startswith(b"SQLite format 3\0")
    assert leaks(data, CANARIES[0]) == ["utf-8"]  # the canary search sees a real leak
    target = tmp_path / "r.db"
    ok(kiosk(cli_env, "--db", str(target), "restore", str(backup)))  # no key needed
    assert names_in(target) == set(CANARIES)


def test_the_private_key_is_never_an_argument_and_is_asked_for(site: Path, tmp_path: Path,
                                                               cli_env: dict) -> None:
    key = configured(site, tmp_path, cli_env)
    backup = tmp_path / "b.age"
    ok(kiosk(cli_env, "--db", str(site), "backup", str(backup)))
    target = tmp_path / "r.db"
    no_key = kiosk(cli_env, "--db", str(target), "restore", str(backup))
    assert no_key.returncode == 5 and "--identity" in no_key.stderr and not target.exists()
    secret_line = next(line for line in key.read_text().splitlines()
                       if line.startswith("AGE-SECRET-KEY-"))
    as_recipient = kiosk(cli_env, "--db", str(site), "keys", "backup-recipient", secret_line)
    assert as_recipient.returncode == 5 and "private key" in as_recipient.stderr
    assert secret_line not in as_recipient.stderr + as_recipient.stdout
    again = kiosk(cli_env, "keys", "backup-keygen", "--out", str(key))
    assert again.returncode == 4 and "never overwritten" in again.stderr
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert (key_dir_for(site) / "backup-recipients.txt").read_text().count("age1") == 1


def test_the_age_tool_opens_a_kiosk_backup_and_its_keys_work_for_kiosk_restore(
        site: Path, tmp_path: Path, cli_env: dict) -> None:
    age, age_keygen = shutil.which("age"), shutil.which("age-keygen")
    assert age and age_keygen, "the age tool is needed (Debian: apt install age)"
    key = configured(site, tmp_path, cli_env)
    backup = tmp_path / "b.age"
    ok(kiosk(cli_env, "--db", str(site), "backup", str(backup)))
    opened = tmp_path / "opened.db"
    subprocess.run([age, "-d", "-i", str(key), "-o", str(opened), str(backup)], check=True,
                   timeout=120)
    assert names_in(opened) == set(CANARIES)

    their_key = tmp_path / "age-keygen.key"
    subprocess.run([age_keygen, "-o", str(their_key)], check=True, capture_output=True,
                   timeout=60)
    public = subprocess.run([age_keygen, "-y", str(their_key)], check=True, text=True,
                            capture_output=True, timeout=60).stdout.strip()
    ok(kiosk(cli_env, "--db", str(site), "keys", "backup-recipient", public))
    assert ok(kiosk(cli_env, "--db", str(site), "keys", "backup-recipient")).stdout.split() \
        == [public]
    second = tmp_path / "b2.age"
    ok(kiosk(cli_env, "--db", str(site), "backup", str(second)))
    target = tmp_path / "r.db"
    ok(kiosk(cli_env, "--db", str(target), "restore", str(second), "--identity",
             str(their_key)))
    assert json.loads(ok(kiosk(cli_env, "--db", str(target), "sites", "--json")).stdout)
    assert names_in(target) == set(CANARIES)
