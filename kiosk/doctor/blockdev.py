"""Does a file lie on an encrypted block device? Read from sysfs and mountinfo, nothing run.

Why: staff PINs protect nothing on a stolen, powered-off terminal; only full-disk encryption
does. The file's filesystem device is its ``st_dev``; when that is no block device (btrfs,
and other filesystems with anonymous device numbers) the mount's source from
``/proc/self/mountinfo`` names it. From the device, sysfs says what it is: a device-mapper
device has ``dm/uuid``, which starts with ``CRYPT-`` for dm-crypt (LUKS or plain); stacked
devices (LVM on LUKS, RAID over LUKS) list what they are built on in ``slaves/``. The data is
encrypted when the device is dm-crypt, or when everything it is built on is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Filesystems that keep their data in memory: nothing of it is on a disk to steal.
_MEMORY_FS = {"tmpfs", "ramfs"}
_MAX_DEPTH = 16  # no real stack is this deep; guards against a loop in a broken tree


@dataclass(frozen=True)
class Encryption:
    """The answer for one path.

    Attributes:
        encrypted: True, False, or None when it cannot be told from here.
        chain: the devices from the filesystem's down to the disks, described for people.
        reason: why the answer is None (or a note on False), empty otherwise.
    """

    encrypted: bool | None
    chain: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Mount:
    """One line of mountinfo (the fields this module needs)."""

    majmin: str
    mount_point: str
    fstype: str
    source: str


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash as octal escapes (\\040 …)."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def read_mountinfo(root: Path) -> list[Mount]:
    """The mounts of ``root/proc/self/mountinfo`` (an empty list when it cannot be read)."""
    mounts = []
    for line in _read(root / "proc" / "self" / "mountinfo").splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        sep = fields.index("-")
        if sep < 6 or len(fields) < sep + 3:
            continue
        mounts.append(Mount(fields[2], _unescape(fields[4]), fields[sep + 1],
                            _unescape(fields[sep + 2])))
    return mounts


def _mount_for(path: Path, majmin: str, mounts: list[Mount]) -> Mount | None:
    """The mount with this device number whose mount point holds ``path`` most closely."""
    candidates = [m for m in mounts if m.majmin == majmin]
    text = str(path)

    def depth(m: Mount) -> int:
        point = m.mount_point.rstrip("/") + "/"
        return len(point) if (text + "/").startswith(point) else -1

    return max(candidates, key=depth, default=None)


def _device_of_source(source: str, root: Path) -> str | None:
    """MAJ:MIN of a mount source such as ``/dev/mapper/data`` or ``/dev/nvme0n1p2``."""
    if not source.startswith("/dev/"):
        return None
    node = root / source.lstrip("/")
    try:
        st = os.stat(node)
        if st.st_rdev:
            return f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"
    except OSError:
        pass
    name = Path(source).name
    if source.startswith("/dev/mapper/"):
        for dm_name in (root / "sys" / "block").glob("*/dm/name"):
            if _read(dm_name) == name:
                return _read(dm_name.parent.parent / "dev") or None
    return _read(root / "sys" / "class" / "block" / name / "dev") or None


def _describe(dev: Path) -> str:
    uuid = _read(dev / "dm" / "uuid")
    dm_name = _read(dev / "dm" / "name")
    if not uuid:
        return dev.name
    kind = uuid.split("-", 1)[0]
    if kind == "CRYPT":
        kind = "dm-crypt " + uuid.split("-")[1] if uuid.count("-") >= 2 else "dm-crypt"
    return f"{dev.name} ({kind}{', ' + dm_name if dm_name else ''})"


def _walk(dev: Path, depth: int) -> tuple[bool, list[str]]:
    """(encrypted?, description lines) for the device directory ``dev`` in sysfs."""
    here = _describe(dev)
    if _read(dev / "dm" / "uuid").startswith("CRYPT-"):
        return True, [here]
    slaves = sorted((dev / "slaves").iterdir()) if (dev / "slaves").is_dir() else []
    if not slaves or depth >= _MAX_DEPTH:
        return False, [here]
    results = [_walk(s.resolve(), depth + 1) for s in slaves]
    chain = [here] + ["  " * (depth + 1) + line for _, lines in results for line in lines]
    return all(enc for enc, _ in results), chain


def device_encryption(majmin: str, root: Path = Path("/")) -> Encryption:
    """Whether the block device MAJ:MIN (as in ``/sys/dev/block``) is encrypted."""
    dev = root / "sys" / "dev" / "block" / majmin
    if not dev.exists():
        return Encryption(None, reason=f"no block device {majmin} in {root / 'sys'}")
    encrypted, chain = _walk(dev.resolve(), 0)
    return Encryption(encrypted, tuple(chain))


def path_encryption(path: Path, root: Path = Path("/")) -> Encryption:
    """Whether the file (or, when it does not exist yet, the directory) at ``path`` lies on
    an encrypted block device."""
    path = Path(path).absolute()
    probe = path if path.exists() else path.parent
    st = os.stat(probe)
    majmin = f"{os.major(st.st_dev)}:{os.minor(st.st_dev)}"
    if (root / "sys" / "dev" / "block" / majmin).exists():
        return device_encryption(majmin, root)
    mount = _mount_for(probe.resolve(), majmin, read_mountinfo(root))
    if mount is None:
        return Encryption(None, reason=f"the filesystem (device {majmin}) is neither a block "
                                       "device nor listed in mountinfo")
    if mount.fstype in _MEMORY_FS:
        return Encryption(False, (f"{mount.fstype} at {mount.mount_point}",),
                          "it is in memory: it is lost at every power cut")
    source_dev = _device_of_source(mount.source, root)
    if source_dev is None:
        return Encryption(None, reason=f"the {mount.fstype} filesystem at {mount.mount_point} "
                                       f"comes from {mount.source!r}, not a block device")
    found = device_encryption(source_dev, root)
    return Encryption(found.encrypted,
                      (f"{mount.fstype} at {mount.mount_point} on {mount.source}",
                       *found.chain), found.reason)
