"""`kiosk doctor`: disk encryption read from fake sysfs/proc trees (dm-crypt, LVM on LUKS,
a plain disk, btrfs found through mountinfo, tmpfs) and from this machine's real one; file
modes and owner, keys, enrolment, backup key, clock and last sync on a real enrolled site."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import subprocess
from pathlib import Path

import pytest

from kiosk.doctor.blockdev import path_encryption
from kiosk.doctor.clock import check_clock
from kiosk.doctor.report import Status
from kiosk.doctor.site import check_last_sync
from tests.deploy.clinet import CliNetwork
from tests.e2e_sync.harness import BIN

LUKS_UUID = "CRYPT-LUKS2-5f1e0c2a9b3d4e6f8a7b6c5d4e3f2a1b-luks-5f1e0c2a"


def majmin_of(path: Path) -> str:
    dev = os.stat(path).st_dev
    return f"{os.major(dev)}:{os.minor(dev)}"


class FakeSys:
    """A sysfs tree under ``root/sys`` laid out as the kernel does (relative symlinks)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.virtual = root / "sys" / "devices" / "virtual" / "block"
        (root / "sys" / "dev" / "block").mkdir(parents=True)
        (root / "sys" / "block").mkdir(parents=True)

    def disk(self, name: str, majmin: str) -> Path:
        """A partition of a real disk (``sda3``): no dm/, no slaves."""
        part = self.root / "sys" / "devices" / "pci0000:00" / "block" / name[:3] / name
        part.mkdir(parents=True)
        (part / "dev").write_text(majmin + "\n")
        self._register(majmin, part)
        return part

    def dm(self, name: str, majmin: str, uuid: str, dm_name: str, *slaves: Path) -> Path:
        """A device-mapper device built on ``slaves``."""
        dev = self.virtual / name
        (dev / "dm").mkdir(parents=True)
        (dev / "slaves").mkdir()
        (dev / "dev").write_text(majmin + "\n")
        (dev / "dm" / "uuid").write_text(uuid + "\n")
        (dev / "dm" / "name").write_text(dm_name + "\n")
        for slave in slaves:
            (dev / "slaves" / slave.name).symlink_to(os.path.relpath(slave, dev / "slaves"))
        (self.root / "sys" / "block" / name).symlink_to(
            os.path.relpath(dev, self.root / "sys" / "block"))
        self._register(majmin, dev)
        return dev

    def _register(self, majmin: str, dev: Path) -> None:
        link = self.root / "sys" / "dev" / "block" / majmin
        link.symlink_to(os.path.relpath(dev, link.parent))

    def mountinfo(self, *lines: str) -> None:
        proc = self.root / "proc" / "self"
        proc.mkdir(parents=True)
        (proc / "mountinfo").write_text("".join(line + "\n" for line in lines))


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    return directory


def lvm_on_luks(root: Path, top: str) -> FakeSys:
    fake = FakeSys(root)
    sda3 = fake.disk("sda3", "8:3")
    luks = fake.dm("dm-0", "253:0", LUKS_UUID, "luks-5f1e0c2a", sda3)
    fake.dm("dm-1", top, "LVM-Xy7pQ9aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefghijklmnopqrs",
            "vg0-data", luks)
    return fake


def test_lvm_on_luks_is_encrypted(tmp_path: Path, store_dir: Path) -> None:
    lvm_on_luks(tmp_path / "root", majmin_of(store_dir))
    found = path_encryption(store_dir / "kiosk.db", tmp_path / "root")
    assert found.encrypted is True
    assert [line.strip() for line in found.chain] == [
        "dm-1 (LVM, vg0-data)", "dm-0 (dm-crypt LUKS2, luks-5f1e0c2a)"]


def test_dm_crypt_directly_on_a_partition_is_encrypted(tmp_path: Path, store_dir: Path) -> None:
    fake = FakeSys(tmp_path / "root")
    fake.dm("dm-0", majmin_of(store_dir), LUKS_UUID, "data", fake.disk("nvme0n1p2", "259:2"))
    assert path_encryption(store_dir, tmp_path / "root").encrypted is True


def test_a_plain_partition_and_lvm_on_a_plain_disk_are_not(tmp_path: Path,
                                                           store_dir: Path) -> None:
    fake = FakeSys(tmp_path / "plain")
    fake.disk("sda2", majmin_of(store_dir))
    assert path_encryption(store_dir, tmp_path / "plain").encrypted is False
    fake = FakeSys(tmp_path / "lvm")
    fake.dm("dm-0", majmin_of(store_dir), "LVM-abc", "vg0-data", fake.disk("sda2", "8:2"))
    found = path_encryption(store_dir, tmp_path / "lvm")
    assert found.encrypted is False and found.chain[0] == "dm-0 (LVM, vg0-data)"


def test_an_lvm_volume_over_one_encrypted_and_one_plain_disk_is_not(tmp_path: Path,
                                                                    store_dir: Path) -> None:
    fake = FakeSys(tmp_path / "root")
    luks = fake.dm("dm-0", "253:0", LUKS_UUID, "luks-a", fake.disk("sda3", "8:3"))
    fake.dm("dm-1", majmin_of(store_dir), "LVM-abc", "vg0-data", luks,
            fake.disk("sdb1", "8:17"))
    assert path_encryption(store_dir, tmp_path / "root").encrypted is False


def test_a_filesystem_without_a_block_device_number_is_found_through_mountinfo(
        tmp_path: Path, store_dir: Path) -> None:
    fake = FakeSys(tmp_path / "root")  # st_dev is not registered, as with btrfs
    fake.dm("dm-4", "253:4", LUKS_UUID, "cryptdata", fake.disk("sda3", "8:3"))
    mount_point = str(store_dir).replace(" ", "\\040")
    fake.mountinfo("27 1 254:9 / / rw,relatime - ext4 /dev/vda rw",
                   f"90 27 {majmin_of(store_dir)} /@data {mount_point} rw,noatime shared:5 - "
                   f"btrfs /dev/mapper/cryptdata rw,ssd")
    found = path_encryption(store_dir / "kiosk.db", tmp_path / "root")
    assert found.encrypted is True
    assert found.chain[0] == f"btrfs at {store_dir} on /dev/mapper/cryptdata"


def test_tmpfs_fails_and_an_unknown_device_cannot_be_told(tmp_path: Path,
                                                          store_dir: Path) -> None:
    fake = FakeSys(tmp_path / "tmpfs")
    fake.mountinfo(f"40 27 {majmin_of(store_dir)} / {store_dir} rw - tmpfs tmpfs rw")
    found = path_encryption(store_dir, tmp_path / "tmpfs")
    assert found.encrypted is False and "power cut" in found.reason
    FakeSys(tmp_path / "empty").mountinfo()
    assert path_encryption(store_dir, tmp_path / "empty").encrypted is None


def test_this_machines_real_sysfs_names_the_real_device(tmp_path: Path) -> None:
    device = Path(f"/sys/dev/block/{majmin_of(tmp_path)}")
    found = path_encryption(tmp_path)
    if device.exists():  # a block device (here: the VM's plain virtio disk)
        assert found.chain[0].split()[0] == device.resolve().name
        slaves = device / "slaves"
        if not (device / "dm").exists() and not (slaves.is_dir() and any(slaves.iterdir())):
            assert found.encrypted is False  # a plain disk or partition
    else:  # overlay or btrfs: found through mountinfo, or honestly unknown
        assert found.encrypted is not None or found.reason


def test_clock_from_timedatectl_or_timesyncd(tmp_path: Path) -> None:
    assert check_clock(Path("/"), ask=lambda: "yes").status is Status.OK
    assert check_clock(Path("/"), ask=lambda: "no").status is Status.FAIL
    assert check_clock(tmp_path, ask=lambda: "yes").status is Status.WARN  # not this system
    flag = tmp_path / "run" / "systemd" / "timesync" / "synchronized"
    flag.parent.mkdir(parents=True)
    flag.touch()
    assert check_clock(tmp_path, ask=lambda: None).status is Status.OK


def test_last_sync_age() -> None:
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    ms = lambda hours: {"sync.last_sync_at": str(int(  # noqa: E731
        (now - dt.timedelta(hours=hours)).timestamp() * 1000))}
    assert check_last_sync(ms(10), now).status is Status.OK
    assert check_last_sync(ms(60), now).status is Status.WARN
    assert check_last_sync(ms(24 * 8), now).status is Status.FAIL
    assert check_last_sync({}, now).status is Status.WARN


# --- the command, on a real enrolled site -------------------------------------------------


@pytest.fixture
def enrolled(tmp_path: Path, cli_env: dict) -> tuple[CliNetwork, str]:
    net = CliNetwork(tmp_path, cli_env)
    db, _ = net.new_site("evsc", "EVSC")
    net.checkin(db)
    net.sync(db)
    yield net, db
    net.close()


def doctor(net: CliNetwork, db: str, *args: str) -> tuple[int, dict]:
    done = subprocess.run([str(BIN / "kiosk"), "--db", db, "doctor", "--json",
                           "--service-user", getpass.getuser(), *args], env=net.env,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, {f["check"]: f for f in json.loads(done.stdout)["findings"]}


def tighten(db: str) -> None:
    """What the runbook's install does: the store and its WAL private."""
    for path in (Path(db), Path(f"{db}-wal")):
        if path.exists():
            path.chmod(0o600)


def test_doctor_passes_a_well_installed_site_and_names_each_fault(
        enrolled: tuple[CliNetwork, str], tmp_path: Path) -> None:
    net, db = enrolled
    store = Path(db)
    healthy = tmp_path / "healthy-root"
    lvm_on_luks(healthy, majmin_of(store))
    flag = healthy / "run" / "systemd" / "timesync" / "synchronized"
    flag.parent.mkdir(parents=True)
    flag.touch()
    key = tmp_path / "backup.key"
    public = subprocess.run([str(BIN / "kiosk"), "keys", "backup-keygen", "--out", str(key)],
                            env=net.env, capture_output=True, text=True, check=True).stdout
    subprocess.run([str(BIN / "kiosk"), "--db", db, "keys", "backup-recipient",
                    public.strip()], env=net.env, capture_output=True, check=True)
    tighten(db)

    code, found = doctor(net, db, "--root", str(healthy))
    assert {name: f["status"] for name, f in found.items()} == {
        "store": "ok", "disk-encryption": "ok", "file-modes": "ok", "file-owner": "ok",
        "site-keys": "ok", "enrolment": "ok", "backup-key": "ok", "leftovers": "ok",
        "clock": "ok", "free-space": "ok", "last-sync": "ok"}
    assert code == 0
    assert "dm-crypt LUKS2" in found["disk-encryption"]["summary"]

    plain = tmp_path / "plain-root"
    FakeSys(plain).disk("sda2", majmin_of(store))
    store.chmod(0o644)
    (store.with_name("evsc-keys") / "backup-recipients.txt").unlink()
    (store.parent / ".backup-work-killed").mkdir()  # as a SIGKILLed backup leaves it
    code, found = doctor(net, db, "--root", str(plain))
    assert code == 1
    assert found["disk-encryption"]["status"] == "fail"
    assert "Full-disk encryption" in found["disk-encryption"]["action"]
    assert found["file-modes"]["status"] == "fail"
    assert found["file-modes"]["action"].startswith(f"chmod 600 {store}")
    assert found["backup-key"]["status"] == "fail"
    assert found["leftovers"]["status"] == "warn"
    assert ".backup-work-killed" in found["leftovers"]["action"]
    assert found["clock"]["status"] == "warn"  # no flag in that tree, timedatectl not asked


def test_doctor_on_this_machine_reads_the_real_sysfs_and_a_missing_store_fails(
        enrolled: tuple[CliNetwork, str], tmp_path: Path) -> None:
    net, db = enrolled
    code, found = doctor(net, db)
    expected = path_encryption(Path(db))
    status = {True: "ok", False: "fail", None: "warn"}[expected.encrypted]
    assert found["disk-encryption"]["status"] == status
    code, found = doctor(net, str(tmp_path / "nowhere.db"))
    assert code == 1 and found["store"]["status"] == "fail"
    assert "kiosk init" in found["store"]["action"]
    table = subprocess.run([str(BIN / "kiosk"), "--db", str(tmp_path / "nowhere.db"),
                            "doctor", "--service-user", getpass.getuser()], env=net.env,
                           capture_output=True, text=True, timeout=120)
    assert table.returncode == 1 and "FAIL  store" in table.stdout
    assert "--root" not in subprocess.run([str(BIN / "kiosk"), "doctor", "--help"],
                                          env=net.env, capture_output=True, text=True).stdout
