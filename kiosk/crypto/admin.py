"""The network admin's key file, site enrolment bundles and data-key rotation.

The admin file holds the network root signing key (Ed25519) and every data-key generation,
encrypted with AES-256-GCM under a key derived from a passphrase with scrypt (memory-hard,
so a stolen USB stick does not fall to a GPU). Its clear part (format, network id, KDF
parameters) is the associated data, so it cannot be edited without the passphrase.

A **site bundle** is safe to carry on a USB stick: the root public key, the site's
root-signed certificate, and every data-key generation as a root-signed keyring entry
wrapped (HPKE) to that one site's X25519 key. Nothing in it is secret to anyone but the site.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kiosk.crypto.files import KeyFileError, read_json, write_json
from sync_server.protocol import (
    KeyringEntry,
    SiteCertificate,
    b64d,
    b64e,
    canonical_json,
    format_root_public,
    issue_certificate,
    make_keyring_entry,
    parse_site_public,
    verify_certificate,
)
from sync_server.protocol_base import ProtocolError, check_net, check_site

ADMIN_FORMAT = "lokal-willkommen admin key v1"
BUNDLE_FORMAT = "lokal-willkommen site bundle v1"
SCRYPT_N = 2**16
"""scrypt cost: 64 MiB and roughly a quarter second per unlock on the 2-core reference box."""
MIN_PASSPHRASE = 12


@dataclass
class AdminKeys:
    """The decrypted admin file: network id, root key and every data-key generation."""

    net: str
    root: Ed25519PrivateKey
    generations: dict[int, bytes] = field(default_factory=dict)

    @property
    def newest(self) -> int:
        return max(self.generations)

    def root_line(self) -> str:
        return format_root_public(self.net, self.root)


def _kdf(passphrase: str, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode("utf-8"))


def save_admin(path: Path, keys: AdminKeys, passphrase: str, *, n: int = SCRYPT_N) -> None:
    """Encrypt and write the admin file (0600)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyFileError(f"the passphrase must have at least {MIN_PASSPHRASE} characters",
                           "weak_passphrase")
    salt, nonce = os.urandom(16), os.urandom(12)
    clear = {"format": ADMIN_FORMAT, "net": keys.net,
             "kdf": {"alg": "scrypt", "n": n, "r": 8, "p": 1, "salt": b64e(salt)}}
    secret = {"root": b64e(keys.root.private_bytes(serialization.Encoding.Raw,
                                                   serialization.PrivateFormat.Raw,
                                                   serialization.NoEncryption())),
              "generations": {str(g): b64e(k) for g, k in keys.generations.items()}}
    ct = AESGCM(_kdf(passphrase, salt, n)).encrypt(nonce, canonical_json(secret),
                                                  canonical_json(clear))
    write_json(Path(path), {**clear, "nonce": b64e(nonce), "ciphertext": b64e(ct)})


def load_admin(path: Path, passphrase: str) -> AdminKeys:
    """Decrypt the admin file; a wrong passphrase and a damaged file read the same."""
    data = read_json(Path(path), "admin key file")
    try:
        if data.get("format") != ADMIN_FORMAT:
            raise KeyFileError(f"{path} is not an admin key file", "not_admin_file")
        clear = {k: data[k] for k in ("format", "net", "kdf")}
        kdf = clear["kdf"]
        if kdf.get("alg") != "scrypt" or not 2**14 <= int(kdf["n"]) <= 2**20:
            raise KeyFileError("admin key file uses an unsupported KDF", "not_admin_file")
        key = _kdf(passphrase, b64d(kdf["salt"]), int(kdf["n"]))
        plain = AESGCM(key).decrypt(b64d(data["nonce"], length=12), b64d(data["ciphertext"]),
                                    canonical_json(clear))
    except InvalidTag:
        raise KeyFileError("wrong passphrase, or the admin key file was altered",
                           "bad_passphrase") from None
    except (KeyError, TypeError, ValueError, ProtocolError) as exc:
        if isinstance(exc, KeyFileError):
            raise
        raise KeyFileError(f"admin key file is damaged: {path}", "key_corrupt") from None
    secret = json.loads(plain)
    return AdminKeys(check_net(data["net"]),
                     Ed25519PrivateKey.from_private_bytes(b64d(secret["root"], length=32)),
                     {int(g): b64d(k, length=32) for g, k in secret["generations"].items()})


def init_network(path: Path, net: str, passphrase: str, *, n: int = SCRYPT_N) -> AdminKeys:
    """A new network: root key and data-key generation 1, written to ``path``."""
    if Path(path).exists():
        raise KeyFileError(f"{path} exists; refusing to overwrite a network's root key",
                           "keys_exist")
    keys = AdminKeys(check_net(net), Ed25519PrivateKey.generate(), {1: os.urandom(32)})
    save_admin(path, keys, passphrase, n=n)
    return keys


def enroll_site(admin: AdminKeys, code: str, public_line: str) -> dict[str, Any]:
    """A bundle for site ``code``: certificate, root key, every generation wrapped to it."""
    check_site(code)
    sign_pub, kex_pub = parse_site_public(public_line)
    cert = issue_certificate(admin.root, admin.net, code, sign_pub, kex_pub)
    entries = [make_keyring_entry(admin.root, admin.net, gen, key, {code: kex_pub})
               for gen, key in sorted(admin.generations.items())]
    return {"format": BUNDLE_FORMAT, "root_public": admin.root_line(),
            "certificate": cert.to_dict(), "keyring": [e.to_dict() for e in entries]}


def parse_bundle(data: Any) -> tuple[str, SiteCertificate, list[KeyringEntry]]:
    """Validate a bundle's shape (signatures are checked on import against its root)."""
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise KeyFileError("not a site bundle (made by `kiosk keys enroll-site`)",
                           "not_bundle")
    try:
        cert = SiteCertificate.from_dict(data["certificate"])
        entries = [KeyringEntry.from_dict(e) for e in data["keyring"]]
        return str(data["root_public"]), cert, entries
    except (KeyError, TypeError, ProtocolError) as exc:
        raise KeyFileError(f"site bundle is damaged: {exc}", "not_bundle") from None


def rotate(admin: AdminKeys, certificates: list[dict[str, Any]]) -> tuple[AdminKeys,
                                                                           KeyringEntry]:
    """A new generation wrapped to every certified site of our network that is listed.

    The caller verifies nothing about the list's completeness (a site missing from it can
    be given the generation later through a new bundle); each certificate is checked against
    the root here, so a server cannot get the key wrapped to a site it invented.
    """
    recipients = {}
    for raw in certificates:
        cert = SiteCertificate.from_dict(raw)
        try:
            verify_certificate(cert, admin.root.public_key(), admin.net)
        except ProtocolError:
            continue
        recipients[cert.site] = cert.kex_public_key()
    if not recipients:
        raise KeyFileError("no certified site to wrap the new generation to", "no_sites")
    gen = admin.newest + 1
    key = os.urandom(32)
    entry = make_keyring_entry(admin.root, admin.net, gen, key, recipients)
    return AdminKeys(admin.net, admin.root, {**admin.generations, gen: key}), entry

