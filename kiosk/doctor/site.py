"""Checks of the site itself: its store and keys, enrolment, backups, disk and last sync."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from kiosk.doctor.blockdev import path_encryption
from kiosk.doctor.report import Finding, Status

FDE_HOWTO = ("put the data directory on a LUKS2 volume unlocked by TPM2 and a PIN "
             "(deploy/README.md, 'Full-disk encryption')")
#: Below this much free space the store may fail a check-in: fail.
MIN_FREE_BYTES = 256 * 1024 * 1024
#: Below this, warn (a month of a busy office plus a backup's working copy fits easily).
LOW_FREE_BYTES = 1024 * 1024 * 1024
#: The sync runs nightly: more than two nights without one is worth a look, a week is a fault.
SYNC_WARN_AFTER = dt.timedelta(hours=48)
SYNC_FAIL_AFTER = dt.timedelta(days=7)
_SETTINGS = ("site", "sync.server", "sync.last_sync_at")


def read_settings(store: Path) -> dict[str, str]:
    """The few settings the checks need, read-only (never migrates or writes the store)."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10)
    try:
        marks = ",".join("?" * len(_SETTINGS))
        rows = con.execute(f"SELECT key, value FROM setting WHERE key IN ({marks})",
                           _SETTINGS).fetchall()
    finally:
        con.close()
    return dict(rows)


def check_store(store: Path) -> tuple[Finding, dict[str, str] | None]:
    """The store is there and readable; its settings for the checks that follow."""
    if not store.is_file():
        return Finding("store", Status.FAIL, f"no store at {store}",
                       "create it with `kiosk init --site CODE`, restore it from a backup "
                       "(`kiosk restore`), or name it with --db"), None
    try:
        settings = read_settings(store)
    except sqlite3.Error as exc:
        return Finding("store", Status.FAIL, f"the store at {store} cannot be read ({exc})",
                       "restore it from the last backup (deploy/README.md §6)"), None
    return Finding("store", Status.OK,
                   f"store of site {settings.get('site', '?')} at {store}"), settings


def check_disk_encryption(store: Path, root: Path = Path("/")) -> Finding:
    """The store lies on an encrypted block device (dm-crypt, also below LVM or RAID)."""
    found = path_encryption(store, root)
    chain = " → ".join(line.strip() for line in found.chain)
    if found.encrypted:
        return Finding("disk-encryption", Status.OK, f"the store's disk is encrypted: {chain}")
    if found.encrypted is None:
        return Finding("disk-encryption", Status.WARN,
                       f"cannot tell whether the store's disk is encrypted: {found.reason}",
                       "check with `lsblk -o NAME,TYPE,FSTYPE,MOUNTPOINTS`; " + FDE_HOWTO)
    note = f" ({found.reason})" if found.reason else ""
    return Finding("disk-encryption", Status.FAIL,
                   f"the store's disk is NOT encrypted: {chain}{note}; a stolen machine "
                   "gives away every record on it", FDE_HOWTO)


def check_leftovers(store: Path) -> Finding:
    """No plaintext working copy of an interrupted backup or restore lies beside the store.

    A backup removes its working directory however it ends, except when the process is
    killed outright (SIGKILL, power cut); then a plain copy of the store stays behind.
    """
    left = sorted(store.parent.glob(".backup-work-*")) if store.parent.is_dir() else []
    if left:
        return Finding("leftovers", Status.WARN,
                       f"working copies of an interrupted backup or restore: "
                       f"{', '.join(p.name for p in left)}",
                       f"when no backup runs: rm -r {' '.join(str(p) for p in left)}")
    return Finding("leftovers", Status.OK, "no working copies of backups beside the store")


def check_keys(key_dir: Path) -> Finding:
    """The site's own keys exist (made by `kiosk init`)."""
    missing = [n for n in ("site.json", "sign.pem", "kex.pem") if not (key_dir / n).is_file()]
    if missing:
        return Finding("site-keys", Status.FAIL,
                       f"missing in {key_dir}: {', '.join(missing)}",
                       "restore the key directory from its backup, or make a new site "
                       "(`kiosk init`) and enrol it again")
    return Finding("site-keys", Status.OK, f"the site's keys are in {key_dir}")


def check_enrolment(key_dir: Path, settings: dict[str, str]) -> Finding:
    """The admin's bundle is imported and the site is enrolled with a server."""
    if not (key_dir / "trust.json").is_file():
        return Finding("enrolment", Status.FAIL, "the admin's bundle is not imported",
                       "enrol the site: `kiosk keys public`, the admin's "
                       "`kiosk keys enroll-site`, then `kiosk keys import BUNDLE` "
                       "(deploy/README.md §2)")
    if not settings.get("sync.server"):
        return Finding("enrolment", Status.FAIL, "the site is not enrolled with a server",
                       "`kiosk enroll --server URL`")
    return Finding("enrolment", Status.OK, f"enrolled with {settings['sync.server']}")


def check_backup_recipient(key_dir: Path) -> Finding:
    """A backup public key is configured, so `kiosk backup` can seal."""
    from kiosk.crypto.backup_recipients import BackupNotConfigured, load_recipients
    from sync_server.sealed_backup import SealError

    try:
        found = load_recipients(key_dir)
    except BackupNotConfigured:
        return Finding("backup-key", Status.FAIL,
                       "no backup public key: `kiosk backup` refuses to write a sealed copy",
                       "on the admin laptop `kiosk keys backup-keygen --out FILE`; here "
                       "`kiosk keys backup-recipient age1…`")
    except SealError as exc:
        return Finding("backup-key", Status.FAIL, f"the backup public key is unusable: "
                       f"{exc.message}", "set it again: `kiosk keys backup-recipient age1…`")
    return Finding("backup-key", Status.OK,
                   f"backups are sealed to {len(found)} public key{'s' * (len(found) > 1)}")


def check_free_space(store: Path,
                     usage: Callable[[Path], tuple[int, int, int]] = shutil.disk_usage
                     ) -> Finding:
    """Enough free space beside the store for check-ins and a backup's working copy."""
    directory = store.parent
    total, _used, free = usage(directory)
    text = f"{free / 2**30:.1f} GiB free of {total / 2**30:.1f} GiB in {directory}"
    size = store.stat().st_size if store.exists() else 0
    if free < max(MIN_FREE_BYTES, size):
        return Finding("free-space", Status.FAIL, text + " (less than the store or 256 MiB)",
                       "free space on the data disk; a full disk stops check-ins and backups")
    if free < LOW_FREE_BYTES:
        return Finding("free-space", Status.WARN, text, "free space on the data disk soon")
    return Finding("free-space", Status.OK, text)


def check_last_sync(settings: dict[str, str], now: dt.datetime) -> Finding:
    """The site synced recently (nightly timer)."""
    how = ("run `kiosk sync` by hand and read its message; `systemctl list-timers "
           "kiosk-sync.timer`, `journalctl -u kiosk-sync.service` (deploy/README.md §9)")
    last = settings.get("sync.last_sync_at")
    if not last:
        return Finding("last-sync", Status.WARN, "this site has never completed a sync", how)
    when = dt.datetime.fromtimestamp(int(last) / 1000, dt.UTC)
    age = now - when
    text = f"last sync {when:%Y-%m-%d %H:%M} UTC ({age.total_seconds() / 3600:.0f} h ago)"
    if age > SYNC_FAIL_AFTER:
        return Finding("last-sync", Status.FAIL, text, how)
    if age > SYNC_WARN_AFTER:
        return Finding("last-sync", Status.WARN, text, how)
    return Finding("last-sync", Status.OK, text)
