"""Secret files: written atomically, mode 0600 in a 0700 directory, never readable by others."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kiosk.errors import EXIT_CONFIG, EXIT_SECURITY, KioskError


class KeyFileError(KioskError):
    """A key file is missing, unreadable, damaged or of the wrong kind; `code` is stable.

    A wrong passphrase is a failed security check (exit 7); anything else means the keys
    are not set up as they should be (exit 3), whichever command met it.
    """

    def __init__(self, message: str, code: str = "key_file") -> None:
        super().__init__(message, code,
                         EXIT_SECURITY if code == "bad_passphrase" else EXIT_CONFIG)


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) and make it owner-only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` atomically with mode 0600 (created with that mode, never wider)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def write_json(path: Path, obj: Any) -> None:
    """A private JSON file (sorted keys, so that rewriting the same content is byte-stable)."""
    write_private(path, json.dumps(obj, indent=1, sort_keys=True).encode() + b"\n")


def read_json(path: Path, what: str) -> Any:
    """Read a JSON key file, naming ``what`` it is in every error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyFileError(f"{what} not found: {path}", "key_missing") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeyFileError(f"{what} cannot be read ({path}): {exc.__class__.__name__}",
                           "key_corrupt") from None
