"""Converting the admin file of the release before office scopes, and re-certifying its
machines (admin laptop, offline, like ``enroll-site``).

The old file (``lokal-willkommen admin key v1``) held the root key and the network's data-key
generations, each wrapped to every machine. The new one keeps those generations aside as
``legacy`` (so old backups stay readable by the admin, and by nobody else: they are never
wrapped again), starts a fresh network scope and a fresh scope per office, and certifies each
machine the admin trusted again with its **same keys**: a new certificate naming its office,
and a bundle with exactly its office's and the network's keys.

Which machines: the certificates the old server holds (``sync-server upgrade-scopes
--sites-out``), each checked here against the root, so a server can leave a machine out but
never add one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.crypto import admin as adminkeys
from kiosk.crypto.files import KeyFileError, read_json, write_json
from wire.errors import ProtocolError
from wire.fields import b64d, canonical_json
from wire.ids import NETWORK_SCOPE, check_net, check_site
from wire.trust import _CERT_TAG

OLD_ADMIN_FORMAT = "lokal-willkommen admin key v1"
_OLD_CERT_FIELDS = {"net", "site", "sign_pub", "kex_pub", "serial", "issued", "sig", "v"}


@dataclass
class OldAdmin:
    """The decrypted admin file of the release before office scopes."""

    net: str
    root: Ed25519PrivateKey
    generations: dict[int, bytes]


def load_old_admin(path: Path, passphrase: str) -> OldAdmin:
    """Decrypt an admin file of format v1 (same KDF and sealing as today's)."""
    data = read_json(Path(path), "admin key file")
    if data.get("format") != OLD_ADMIN_FORMAT:
        if data.get("format") == adminkeys.ADMIN_FORMAT:
            raise KeyFileError(f"{path} is already in the office-scope format; enrol machines "
                               "with `kiosk keys enroll-site`", "already_upgraded")
        raise KeyFileError(f"{path} is not an admin key file", "not_admin_file")
    try:
        clear = {k: data[k] for k in ("format", "net", "kdf")}
        kdf = clear["kdf"]
        if kdf.get("alg") != "scrypt" or not 2**14 <= int(kdf["n"]) <= 2**20:
            raise KeyFileError("admin key file uses an unsupported KDF", "not_admin_file")
        key = adminkeys._kdf(passphrase, b64d(kdf["salt"]), int(kdf["n"]))
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        plain = AESGCM(key).decrypt(b64d(data["nonce"], length=12), b64d(data["ciphertext"]),
                                    canonical_json(clear))
        secret = json.loads(plain)
        return OldAdmin(check_net(data["net"]),
                        Ed25519PrivateKey.from_private_bytes(b64d(secret["root"], length=32)),
                        {int(g): b64d(k, length=32)
                         for g, k in secret["generations"].items()})
    except InvalidTag:
        raise KeyFileError("wrong passphrase, or the admin key file was altered",
                           "bad_passphrase") from None
    except KeyFileError:
        raise
    except (KeyError, TypeError, ValueError, ProtocolError):
        raise KeyFileError(f"admin key file is damaged: {path}", "key_corrupt") from None


def check_old_certificate(raw: Any, old: OldAdmin) -> tuple[str, str]:
    """The (writer id, public line) of a certificate of the old format that our root signed;
    :class:`KeyFileError` for anything else."""
    if not isinstance(raw, dict) or set(raw) != _OLD_CERT_FIELDS or raw.get("v") != 1:
        raise KeyFileError("not a certificate of the release before office scopes: "
                           f"{str(raw)[:80]}", "bad_certificate")
    try:
        code = check_site(raw["site"])
        body = {k: v for k, v in raw.items() if k != "sig"}
        old.root.public_key().verify(b64d(raw["sig"], length=64),
                                     _CERT_TAG + canonical_json(body))
    except (InvalidSignature, ProtocolError, TypeError, ValueError):
        raise KeyFileError(f"certificate of {raw.get('site')!r} is not signed by this "
                           "network's root", "bad_certificate") from None
    if raw["net"] != old.net:
        raise KeyFileError(f"certificate of {code} belongs to network {raw['net']!r}",
                           "bad_certificate")
    return code, f"lwsite1.{raw['sign_pub']}.{raw['kex_pub']}"


def convert(old: OldAdmin, certificates: list[Any]
            ) -> tuple[adminkeys.AdminKeys, dict[str, dict[str, Any]]]:
    """The new admin keys and one bundle per machine (writer id → bundle).

    Every certificate is checked before anything is made: one that our root did not sign
    refuses the whole conversion.
    """
    machines = dict(check_old_certificate(raw, old) for raw in certificates)
    if not machines:
        raise KeyFileError("no certificate of an enrolled machine given", "no_sites")
    new = adminkeys.AdminKeys(old.net, old.root, {}, {}, dict(old.generations))
    new.ensure_scope(NETWORK_SCOPE)
    bundles = {code: adminkeys.enroll_site(new, code, line)
               for code, line in sorted(machines.items())}
    return new, bundles


def read_certificates(path: Path) -> list[Any]:
    """The JSON list written by ``sync-server upgrade-scopes --sites-out``."""
    data = read_json(Path(path), "list of certificates")
    if not isinstance(data, list):
        raise KeyFileError(f"{path} is not a list of certificates", "bad_certificate")
    return data


def upgrade_admin_file(admin_path: Path, passphrase: str, sites_path: Path,
                       out_dir: Path) -> dict[str, dict[str, Any]]:
    """Convert ``admin_path`` in place and write ``<CODE>.bundle`` per machine to ``out_dir``.

    The old file is kept beside it as ``<name>.v1`` (never overwritten). Bundles are written
    before the new admin file: an interrupted run leaves the old file in place and can be run
    again (the bundles it wrote are then replaced).
    """
    import shutil

    admin_path, out_dir = Path(admin_path), Path(out_dir)
    old = load_old_admin(admin_path, passphrase)
    new, bundles = convert(old, read_certificates(sites_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    for code, bundle in bundles.items():
        write_json(out_dir / f"{code}.bundle", bundle)
    kept = admin_path.with_name(admin_path.name + ".v1")
    if not kept.exists():
        shutil.copy2(admin_path, kept)
    adminkeys.save_admin(admin_path, new, passphrase)
    return bundles
