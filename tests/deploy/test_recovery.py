"""Recovery as the runbook does it: server backup/restore, a site restored from backup, a
stolen machine replaced. Real processes only."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.clinet import CliNetwork
from tests.e2e_sync.harness import BIN


@pytest.fixture()
def net(tmp_path: Path, cli_env) -> Iterator[CliNetwork]:
    network = CliNetwork(tmp_path, cli_env)
    yield network
    network.close()


def ids(visits: list[dict]) -> set[str]:
    return {v["id"] for v in visits}


def backup_key(net: CliNetwork) -> tuple[Path, str]:
    """The admin's backup key pair (private key file, public key line)."""
    key = net.root / "backup.key"
    if not key.exists():
        subprocess.run([str(BIN / "kiosk"), "keys", "backup-keygen", "--out", str(key)],
                       env=net.env, capture_output=True, check=True)
    public = next(line.split()[-1] for line in key.read_text().splitlines()
                  if line.startswith("# public key:"))
    return key, public


def open_with_age(key: Path, sealed: Path, out: Path) -> None:
    """Open a sealed backup as the runbook does, with the age tool."""
    age = shutil.which("age")
    assert age, "the age tool is needed (Debian: apt install age)"
    subprocess.run([age, "-d", "-i", str(key), "-o", str(out), str(sealed)], check=True,
                   timeout=120)


def server_cli(net: CliNetwork, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "sync-server"), *args, "--database", net.server.url],
                          env=net.server.env, capture_output=True, text=True, timeout=60)


def test_server_backup_restored_then_sites_repush_and_a_new_site_gets_everything(
        net: CliNetwork, tmp_path: Path) -> None:
    a, _ = net.new_site("a", "EVSC")
    b, _ = net.new_site("b", "EVSC")  # a second machine of the office
    for _ in range(3):
        net.checkin(a)
    net.sync(a)
    net.sync(b)
    key, public = backup_key(net)
    backup = tmp_path / "server-backup.sqlite3.age"
    done = server_cli(net, "backup", str(backup), "--backup-recipient", public)  # it runs
    # three visits and the office's figures of the day
    assert done.returncode == 0 and "backed up 4 envelopes" in done.stdout, done.stderr
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    again = server_cli(net, "backup", str(backup), "--backup-recipient", public)
    assert again.returncode == 2  # never overwrites
    for _ in range(2):
        net.checkin(a)
        net.checkin(b)
    net.sync(a)
    net.sync(b)

    net.server.stop()  # the disk died; the admin restores last night's copy
    for suffix in ("", "-wal", "-shm"):
        Path(f"{net.server.db}{suffix}").unlink(missing_ok=True)
    open_with_age(key, backup, Path(net.server.db))
    net.server.start()
    assert "new epoch" in net.server.log.read_text()  # detected by the high-water mark

    net.sync(a)
    net.sync(b)
    net.sync(a)
    c, _ = net.new_site("c", "EVSC")  # a new machine of the office gets all of its records
    net.sync(c)
    everything = ids(net.visits(a))
    assert len(everything) == 7
    assert ids(net.visits(b)) == ids(net.visits(c)) == everything
    other, _ = net.new_site("other", "INWO")  # ... and another office's, none of them
    net.sync(other)
    assert net.visits(other) == []


def test_postgres_server_backup_is_refused_with_the_way_to_do_it() -> None:
    done = subprocess.run([str(BIN / "sync-server"), "backup", "/tmp/never-written",
                           "--database", "postgresql://nobody@127.0.0.1:1/none"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and not Path("/tmp/never-written").exists()


def test_site_restored_from_backup_syncs_and_catches_up(net: CliNetwork,
                                                        tmp_path: Path) -> None:
    a, _ = net.new_site("a", "EVSC")
    b, _ = net.new_site("b", "LUED")
    keys = Path(a).with_name("a-keys")
    first = [net.checkin(a) for _ in range(2)]
    net.sync(a)
    store_backup, keys_backup = tmp_path / "a-backup.db", tmp_path / "a-keys-backup"
    net.sync(a)
    key, public = backup_key(net)
    subprocess.run([str(BIN / "kiosk"), "--db", a, "keys", "backup-recipient", public],
                   check=True, env=net.env, capture_output=True)
    subprocess.run([str(BIN / "kiosk"), "--db", a, "backup", str(store_backup)], check=True,
                   env=net.env, capture_output=True)
    shutil.copytree(keys, keys_backup)  # the runbook: keys are backed up beside the store
    later = [net.checkin(a) for _ in range(2)]
    net.sync(a)
    net.checkin(b)
    net.sync(b)
    before = ids(net.visits(a))

    for suffix in ("", "-wal", "-shm"):  # the machine breaks: store and keys gone
        Path(f"{a}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(keys)
    subprocess.run([str(BIN / "kiosk"), "--db", a, "restore", str(store_backup),
                    "--identity", str(key)], check=True, env=net.env, capture_output=True)
    shutil.copytree(keys_backup, keys)
    assert len(net.visits(a)) == 2
    assert net.sync(a, ok=False).returncode == 8  # the server saw newer writes from it
    net.sync(a, "--reincarnate")
    caught_up = ids(net.visits(a))
    assert before == caught_up and len(caught_up) == 4  # its own 4; LUED's is not its to hold
    assert net.checkin(a) == "A-005"  # today's numbers continue after the lost ones
    assert first + later == ["A-001", "A-002", "A-003", "A-004"]
    net.sync(a)
    net.sync(b)
    assert {v["site"] for v in net.visits(a)} == {"EVSC"}
    assert {v["site"] for v in net.visits(b)} == {"LUED"}


def replace_stolen_machine(net: CliNetwork) -> tuple[str, str, list[str]]:
    """Old EVSC machine checks in 3 and syncs, LUED 1; EVSC is stolen: revoke, rotate (at the
    LUED site: the admin's roster decides), a new EVSC machine is enrolled and syncs. Returns
    (new db, LUED db, the old tickets)."""
    old, old_code = net.new_site("evsc-old", "EVSC")
    b, _ = net.new_site("lued", "LUED")
    tickets = [net.checkin(old) for _ in range(3)]
    net.sync(old)
    net.checkin(b)
    net.sync(b)
    done = server_cli(net, "revoke", old_code)
    assert done.returncode == 0, done.stderr
    assert net.sync(old, ok=False).returncode == 7  # the stolen terminal is refused now
    subprocess.run([str(BIN / "kiosk"), "--db", b, "keys", "rotate", "--admin-key",
                    str(net.admin), "--passphrase-file", str(net.passphrase)], check=True,
                   env=net.env, capture_output=True)
    new, new_code = net.new_site("evsc-new", "EVSC")
    assert new_code != old_code and new_code.startswith("EVSC-")
    net.sync(new, ok=False)
    return new, b, tickets


def test_stolen_machine_replaced_new_machine_enrols_and_receives_the_network(
        net: CliNetwork) -> None:
    new, b, tickets = replace_stolen_machine(net)
    assert tickets == ["A-001", "A-002", "A-003"]
    # what the stolen machine wrote before its revocation: its office's, and only that
    assert {v["site"] for v in net.visits(new)} == {"EVSC"}
    net.checkin(new)
    net.sync(new, ok=False)
    net.sync(b)
    assert len([v for v in net.visits(new) if v["site"] == "EVSC"]) == 4
    assert [v for v in net.visits(b) if v["site"] == "EVSC"] == []


def test_stolen_machine_replaced_gets_its_records_and_continues_the_days_numbers(
        net: CliNetwork) -> None:
    new, b, _ = replace_stolen_machine(net)
    visits = net.visits(new)
    assert len(visits) == 3 and {v["site"] for v in visits} == {"EVSC"}
    assert [net.checkin(new) for _ in range(2)] == ["A-004", "A-005"]
    net.sync(new)
    net.sync(b)
    evsc_today = [v["ticket"] for v in net.visits(new) if v["site"] == "EVSC"]
    assert sorted(evsc_today) == ["A-001", "A-002", "A-003", "A-004", "A-005"]


def copy_sqlite(src: Path, dst: Path) -> None:
    """A stopped store or server database with its WAL, as a disk image backup holds it."""
    for suffix in ("", "-wal", "-shm"):
        s, d = Path(f"{src}{suffix}"), Path(f"{dst}{suffix}")
        if s.exists():
            shutil.copy2(s, d)
        else:
            d.unlink(missing_ok=True)


def test_site_restored_while_the_server_was_restored_too_is_told_to_reincarnate(
        net: CliNetwork, tmp_path: Path) -> None:
    a, _ = net.new_site("a", "EVSC")
    b, _ = net.new_site("b", "EVSC")  # the office's second machine holds a's visits too
    assert [net.checkin(a) for _ in range(2)] == ["A-001", "A-002"]
    net.sync(a)
    net.sync(b)
    copy_sqlite(Path(a), tmp_path / "a-backup.db")  # the site's backup ...
    net.server.stop()
    copy_sqlite(Path(net.server.db), tmp_path / "server-backup.sqlite3")  # ... the server's
    net.server.start()
    assert [net.checkin(a) for _ in range(2)] == ["A-003", "A-004"]
    net.sync(a)
    net.sync(b)
    for _ in range(2):  # the same server backup put back twice, as the runbook does it
        net.server.stop()
        copy_sqlite(tmp_path / "server-backup.sqlite3", Path(net.server.db))
        net.server.start()
        net.sync(b)
    copy_sqlite(tmp_path / "a-backup.db", Path(a))  # and a's store from before A-003
    # the server's copy says nothing of a's lost counters; b's re-pushed state does
    done = net.sync(a, ok=False)
    assert done.returncode == 8, done.stderr
    assert "--reincarnate" in done.stderr
    net.sync(a, "--reincarnate")
    assert net.checkin(a) == "A-005"  # the day's numbers continue after the lost ones
    net.sync(a)
    net.sync(b)
    tickets = sorted(v["ticket"] for v in net.visits(b))
    assert tickets == ["A-001", "A-002", "A-003", "A-004", "A-005"]
    assert sorted(v["ticket"] for v in net.visits(a)) == tickets
