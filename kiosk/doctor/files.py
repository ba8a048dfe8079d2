"""Are the store, its WAL and the key files private (0600, 0700 for the key directory) and
owned by the service user? Anyone else who can read them reads every visitor's data."""

from __future__ import annotations

import os
import pwd
import shlex
import stat
from pathlib import Path

from kiosk.doctor.report import Finding, Status


def private_files(store: Path, key_dir: Path) -> list[Path]:
    """The files that must be private: the store, its WAL, the files in the key directory
    (but for the sync's empty lock file, which holds nothing)."""
    files = [store, Path(f"{store}-wal")]
    if key_dir.is_dir():
        files += sorted(p for p in key_dir.iterdir() if p.is_file() and p.suffix != ".lock")
    return [f for f in files if f.exists()]


def check_private_files(store: Path, key_dir: Path, service_user: str) -> list[Finding]:
    """Modes and owner of the store, its WAL and the key files; one finding for each."""
    try:
        uid = pwd.getpwnam(service_user).pw_uid
    except KeyError:
        uid = None
    loose, foreign = [], []
    for path in [*private_files(store, key_dir), *([key_dir] if key_dir.is_dir() else [])]:
        st = path.lstat()
        if stat.S_IMODE(st.st_mode) & 0o077:
            loose.append((path, stat.S_IMODE(st.st_mode)))
        if uid is not None and st.st_uid != uid:
            foreign.append(path)
    findings = []
    if loose:
        listed = ", ".join(f"{p.name} {m:04o}" for p, m in loose)
        files = [p for p, _ in loose if not p.is_dir()]
        dirs = [p for p, _ in loose if p.is_dir()]
        fixes = ([f"chmod 600 {shlex.join(map(str, files))}"] if files else []) + \
                ([f"chmod 700 {shlex.join(map(str, dirs))}"] if dirs else [])
        findings.append(Finding("file-modes", Status.FAIL,
                                f"readable by others: {listed}", "; ".join(fixes)))
    else:
        findings.append(Finding("file-modes", Status.OK,
                                "the store, its WAL and the key files are private "
                                "(0600, key directory 0700)"))
    if uid is None:
        findings.append(Finding("file-owner", Status.FAIL,
                                f"there is no user {service_user!r} on this machine",
                                "create the service user (deploy/README.md §2) or name it "
                                "with --service-user"))
    elif foreign:
        owners = ", ".join(f"{p.name} ({_owner(p)})" for p in foreign)
        findings.append(Finding("file-owner", Status.FAIL,
                                f"not owned by {service_user}: {owners}",
                                f"chown {service_user}: "
                                f"{shlex.join(str(p) for p in foreign)}"))
    else:
        findings.append(Finding("file-owner", Status.OK,
                                f"the store and the key files belong to {service_user}"))
    return findings


def _owner(path: Path) -> str:
    uid = path.lstat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def default_service_user() -> str:
    """The user the units run the kiosk as (``User=kiosk``), unless ``KIOSK_SERVICE_USER``."""
    return os.environ.get("KIOSK_SERVICE_USER") or "kiosk"
