"""Backup files sealed to an admin's public key, in the age format (https://age-encryption.org).

Why age: a backup leaves the machine (a USB stick, a file share) and must be useless to whoever
finds it, yet the admin must be able to open it years later without this code. An age file is
opened by `kiosk restore`, by `age -d -i KEY`, or by any other age implementation; the format
is specified and stable. The encryption here is `pyrage` (bindings to the Rust `age` crate):
X25519 to each recipient, then ChaCha20-Poly1305 in authenticated 64 KiB chunks, so a
changed or truncated file fails to open instead of restoring damaged data.

Keys are plain age keys: a recipient (public) line ``age1…`` and an identity (private) line
``AGE-SECRET-KEY-1…``, in a file laid out as `age-keygen` writes it, so an admin may make
the pair with either tool. The identity belongs offline with the admin; only recipients are
ever configured on an office machine or the server.

Written once here and used by both the kiosk and the server (like ``protocol.py``), so the
two kinds of backup cannot drift apart; it depends on nothing but ``pyrage`` and the standard
library.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyrage
from pyrage import x25519

#: The first line of every age file (the format's version line).
AGE_MAGIC = b"age-encryption.org/v1\n"
RECIPIENT_PREFIX = "age1"
IDENTITY_PREFIX = "AGE-SECRET-KEY-1"


class SealError(Exception):
    """A backup that cannot be sealed or opened; ``code`` is stable, the message says why."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def parse_recipients(text: str) -> list[x25519.Recipient]:
    """Recipients from ``text``: ``age1…`` keys separated by lines, spaces or commas.

    Lines starting with ``#`` are comments (as in age's recipients files). An empty result
    is an error: sealing to nobody would make a file nobody can open.
    """
    words: list[str] = []
    for line in text.splitlines():
        if not line.strip().startswith("#"):
            words += line.replace(",", " ").split()
    if not words:
        raise SealError("no backup recipient given", "no_recipient")
    recipients = []
    for word in words:
        if word.startswith(IDENTITY_PREFIX):
            raise SealError("that is a private key (AGE-SECRET-KEY-…); configure the public "
                            "key (age1…) here and keep the private key offline",
                            "private_key_as_recipient")
        if not word.startswith(RECIPIENT_PREFIX):
            raise SealError(f"not an age public key (must start with {RECIPIENT_PREFIX}): "
                            f"{word[:12]}…", "bad_recipient")
        try:
            recipients.append(x25519.Recipient.from_str(word))
        except pyrage.RecipientError:
            raise SealError(f"not a valid age public key: {word[:12]}… (mistyped?)",
                            "bad_recipient") from None
    return recipients


def parse_identities(text: str) -> list[x25519.Identity]:
    """Identities from the text of an age identity file (``#`` comments, one key a line)."""
    keys = [line.strip() for line in text.splitlines()
            if line.strip() and not line.strip().startswith("#")]
    if not keys:
        raise SealError("no private key (AGE-SECRET-KEY-1…) found", "no_identity")
    identities = []
    for key in keys:
        if not key.upper().startswith(IDENTITY_PREFIX):
            raise SealError("not an age private key (must start with AGE-SECRET-KEY-1)",
                            "bad_identity")
        try:
            identities.append(x25519.Identity.from_str(key))
        except pyrage.IdentityError:
            raise SealError("the private key is damaged or mistyped", "bad_identity") from None
    return identities


def read_identities(path: Path) -> list[x25519.Identity]:
    """The identities in the file at ``path`` (never echoed in any message)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SealError(f"private key file not found: {path}", "no_identity") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SealError(f"private key file cannot be read ({path}): "
                        f"{exc.__class__.__name__}", "bad_identity") from None
    return parse_identities(text)


def new_identity_file(path: Path) -> str:
    """Make a key pair; write the private half to ``path`` (0600, never overwritten).

    The file is laid out as `age-keygen` writes it, so `age -d -i FILE` opens the backups.

    Returns:
        The public key line (``age1…``) to configure as the backup recipient.
    """
    path = Path(path)
    identity = x25519.Identity.generate()
    public = str(identity.to_public())
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    text = f"# created: {created}\n# public key: {public}\n{identity}\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SealError(f"{path} exists; a backup key is never overwritten (the backups "
                        "sealed to it would be lost)", "identity_exists") from None
    except OSError as exc:
        raise SealError(f"cannot create {path}: {exc.strerror}", "io") from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return public


def is_sealed(path: Path) -> bool:
    """True when the file at ``path`` starts like an age file."""
    with Path(path).open("rb") as fh:
        return fh.read(len(AGE_MAGIC)) == AGE_MAGIC


@contextlib.contextmanager
def private_workdir(near: Path) -> Iterator[Path]:
    """A 0700 directory beside ``near`` for plaintext in transit; removed however we leave.

    Beside, not in /tmp: the data directory is the one on the encrypted disk, /tmp may be on
    another (or in RAM, too small for a store). The name starts with a dot so that nobody
    mistakes it for a backup.
    """
    work = Path(tempfile.mkdtemp(prefix=".backup-work-", dir=Path(near).parent))
    try:
        os.chmod(work, 0o700)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _create_exclusive(path: Path) -> int:
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SealError(f"{path} exists; choose a new file name", "target_exists") from None
    except FileNotFoundError:
        raise SealError(f"the directory {path.parent} does not exist", "no_directory") from None
    except OSError as exc:
        raise SealError(f"cannot create {path}: {exc.strerror}", "io") from None


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def seal_file(plain: Path, target: Path, recipients: Sequence[x25519.Recipient]) -> int:
    """Encrypt the file ``plain`` to ``recipients`` as ``target`` (which must not exist).

    Streams (the store is never held in memory), writes under a temporary name beside the
    target, syncs it to disk and renames it, so a crash never leaves a half-sealed file
    under the target's name. Returns the size of the sealed file.
    """
    if not recipients:
        raise SealError("no backup recipient given", "no_recipient")
    target = Path(target)
    if target.exists():
        raise SealError(f"{target} exists; choose a new file name", "target_exists")
    partial = target.with_name(f".{target.name}.partial")
    fd = _create_exclusive(partial)
    try:
        with os.fdopen(fd, "wb") as out, Path(plain).open("rb") as src:
            pyrage.encrypt_io(src, out, list(recipients))
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            raise SealError(f"{target} exists; choose a new file name", "target_exists")
        os.replace(partial, target)
        _fsync_dir(target.parent)
    except pyrage.EncryptError as exc:
        raise SealError(f"sealing failed: {exc}", "seal_failed") from None
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def open_sealed(sealed: Path, identities: Sequence[x25519.Identity], plain: Path) -> None:
    """Decrypt ``sealed`` into the new file ``plain`` (0600; put it in a private workdir).

    Raises:
        SealError: ``wrong_key`` when none of the identities opens the file, ``damaged``
            when the file was changed or cut short; ``plain`` is then removed again.
    """
    fd = _create_exclusive(Path(plain))
    try:
        with os.fdopen(fd, "wb") as out, Path(sealed).open("rb") as src:
            try:
                pyrage.decrypt_io(src, out, list(identities))
            except pyrage.DecryptError as exc:
                if "no matching keys" in str(exc).lower():
                    raise SealError("this private key does not open the backup (it was "
                                    "sealed to another backup key, or its header was "
                                    "altered)", "wrong_key") from None
                raise SealError("the backup is damaged or cut short", "damaged") from None
            except OSError as exc:
                # the age stream reports a failed chunk authentication as an I/O error
                if str(exc) == "decryption error":
                    raise SealError("the backup is damaged, cut short or was altered",
                                    "damaged") from None
                raise SealError(f"cannot write the opened backup: {exc}", "io") from None
    except BaseException:
        Path(plain).unlink(missing_ok=True)
        raise
