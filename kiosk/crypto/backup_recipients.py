"""The backup public key(s) of a site, in its key directory (``backup-recipients.txt``).

Why a file beside the site's other keys: `--db` selects a site completely, a restored key
directory brings the setting back, and `kiosk doctor` can check it without the store. Only
public keys (``age1…``) are kept here; the matching private keys stay offline with the admin,
so nothing on an office machine can open its own backups. Several lines mean several
recipients (two admins, so that one lost key does not lose the backups).
"""

from __future__ import annotations

from pathlib import Path

from kiosk.crypto.files import ensure_private_dir, write_private
from sync_server.sealed_backup import SealError, parse_recipients

FILE_NAME = "backup-recipients.txt"

HOW_TO_CONFIGURE = (
    "make a backup key pair on the admin laptop with `kiosk keys backup-keygen --out FILE` "
    "and name its public key here with `kiosk keys backup-recipient age1…`; "
    "or pass --plaintext for an UNENCRYPTED copy")


class BackupNotConfigured(SealError):
    """No backup public key is configured for this site."""

    def __init__(self, key_dir: Path) -> None:
        super().__init__(f"no backup public key is configured for this site "
                         f"({key_dir / FILE_NAME} is missing): {HOW_TO_CONFIGURE}",
                         "no_recipient")


def recipients_path(key_dir: Path) -> Path:
    """Where the site's backup recipients are kept."""
    return Path(key_dir) / FILE_NAME


def load_recipients(key_dir: Path) -> list[str]:
    """The configured recipient lines, validated.

    Raises:
        BackupNotConfigured: none configured.
        SealError: the file holds something that is not an age public key.
    """
    path = recipients_path(key_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BackupNotConfigured(Path(key_dir)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SealError(f"{path} cannot be read: {exc.__class__.__name__}",
                        "bad_recipient") from None
    return [str(r) for r in parse_recipients(text)]


def save_recipients(key_dir: Path, lines: list[str]) -> list[str]:
    """Validate ``lines`` and make them this site's backup recipients (replacing any)."""
    recipients = [str(r) for r in parse_recipients("\n".join(lines))]
    ensure_private_dir(Path(key_dir))
    body = "# backups of this site are sealed to these public keys (kiosk backup)\n"
    write_private(recipients_path(key_dir), (body + "\n".join(recipients) + "\n").encode())
    return recipients
