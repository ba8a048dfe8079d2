"""The network admin's key file, site enrolment bundles and data-key rotation.

The admin file holds the network root signing key (Ed25519), every data-key generation of
every scope (the network's and each office's), and the **roster**: the certificate of every
machine the admin enrolled. It is encrypted with AES-256-GCM under a key derived from a
passphrase with scrypt (memory-hard, so a stolen USB stick does not fall to a GPU); its clear
part (format, network id, KDF parameters) is the associated data, so it cannot be edited
without the passphrase.

A **site bundle** is safe to carry on a USB stick: the root public key, the machine's
root-signed certificate (naming its office), and the generations of exactly two scopes —
its office's and the network's — as root-signed keyring entries wrapped (HPKE) to that one
machine's X25519 key. No other office's key is ever wrapped to it.

Rotation wraps a new generation to the admin's own roster (never to whatever a server
lists): a server cannot get a key wrapped to a machine the admin did not enrol, nor keep a
revoked one in the list.
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
from wire.errors import ProtocolError
from wire.fields import b64d, b64e, canonical_json
from wire.ids import NETWORK_SCOPE, check_net, check_office, check_scope, check_site, office_of
from wire.trust import (
    KeyringEntry,
    SiteCertificate,
    format_root_public,
    issue_certificate,
    make_keyring_entry,
    parse_site_public,
    verify_certificate,
)

ADMIN_FORMAT = "lokal-willkommen admin key v2"
BUNDLE_FORMAT = "lokal-willkommen site bundle v2"
SCRYPT_N = 2**16
"""scrypt cost: 64 MiB and roughly a quarter second per unlock on the 2-core reference box."""
MIN_PASSPHRASE = 12


@dataclass
class AdminKeys:
    """The decrypted admin file: network id, root key, every scope's data-key generations,
    and the roster of enrolled machines (writer id → certificate as a dict)."""

    net: str
    root: Ed25519PrivateKey
    scopes: dict[str, dict[int, bytes]] = field(default_factory=dict)
    roster: dict[str, dict[str, Any]] = field(default_factory=dict)
    legacy: dict[int, bytes] = field(default_factory=dict)
    """The network's generations from before office scopes (``kiosk keys upgrade-admin``):
    never wrapped to a machine again, kept so that the admin can still open old backups."""
    revocations: dict[str, Any] | None = None
    """The newest root-signed revocation list this file issued or learned (as JSON), or
    None. Admin files written before revocation lists read as None: version 0, empty."""

    def revocation_version(self) -> int:
        """The version of the list this file holds (0: none)."""
        return int(self.revocations["version"]) if self.revocations else 0

    def revoked_writers(self) -> set[str]:
        """Writer ids on this file's revocation list."""
        return {e["writer"] for e in (self.revocations or {}).get("entries", [])}

    def newest(self, scope: str) -> int:
        """The newest generation of ``scope`` (0 if it has none yet)."""
        return max(self.scopes.get(scope, {}), default=0)

    def root_line(self) -> str:
        return format_root_public(self.net, self.root)

    def ensure_scope(self, scope: str) -> bool:
        """Give ``scope`` its first generation if it has none; True if one was made."""
        check_scope(scope)
        if self.scopes.get(scope):
            return False
        self.scopes[scope] = {1: os.urandom(32)}
        return True

    def members(self, scope: str) -> dict[str, SiteCertificate]:
        """The enrolled machines that hold ``scope``'s keys: its office's, or all."""
        out = {}
        for writer, raw in sorted(self.roster.items()):
            cert = SiteCertificate.from_dict(raw)
            if scope == NETWORK_SCOPE or cert.office == scope:
                out[writer] = cert
        return out


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
              "scopes": {scope: {str(g): b64e(k) for g, k in gens.items()}
                         for scope, gens in keys.scopes.items()},
              "roster": keys.roster}
    if keys.legacy:
        secret["legacy"] = {str(g): b64e(k) for g, k in keys.legacy.items()}
    if keys.revocations:
        secret["revocations"] = keys.revocations
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
                     {check_scope(scope): {int(g): b64d(k, length=32) for g, k in gens.items()}
                      for scope, gens in secret["scopes"].items()},
                     dict(secret.get("roster", {})),
                     {int(g): b64d(k, length=32) for g, k in secret.get("legacy", {}).items()},
                     secret.get("revocations"))


def init_network(path: Path, net: str, passphrase: str, *, n: int = SCRYPT_N) -> AdminKeys:
    """A new network: root key and the network scope's generation 1, written to ``path``.
    Each office's scope gets its first generation when its first machine is enrolled."""
    if Path(path).exists():
        raise KeyFileError(f"{path} exists; refusing to overwrite a network's root key",
                           "keys_exist")
    keys = AdminKeys(check_net(net), Ed25519PrivateKey.generate(),
                     {NETWORK_SCOPE: {1: os.urandom(32)}})
    save_admin(path, keys, passphrase, n=n)
    return keys


def _entries(admin: AdminKeys, scope: str, recipients: dict[str, Any]) -> list[KeyringEntry]:
    return [make_keyring_entry(admin.root, admin.net, scope, gen, key, recipients)
            for gen, key in sorted(admin.scopes.get(scope, {}).items())]


def enroll_site(admin: AdminKeys, code: str, public_line: str) -> dict[str, Any]:
    """A bundle for machine ``code``: its certificate (office = the code's prefix), the root
    key, and every generation of its office's and the network's scope wrapped to it.

    The machine joins the admin's roster, and its office's scope gets its first generation
    if it is the office's first machine: save the admin file afterwards.
    """
    check_site(code)
    if code in admin.revoked_writers():
        raise KeyFileError(f"{code} is on the revocation list: a replacement machine gets a "
                           "new code (run `kiosk init` on it)", "revoked")
    office = check_office(office_of(code), "office part of the writer id")
    sign_pub, kex_pub = parse_site_public(public_line)
    cert = issue_certificate(admin.root, admin.net, code, sign_pub, kex_pub)
    admin.ensure_scope(office)
    admin.roster[code] = cert.to_dict()
    entries = [*_entries(admin, office, {code: kex_pub}),
               *_entries(admin, NETWORK_SCOPE, {code: kex_pub})]
    bundle = {"format": BUNDLE_FORMAT, "root_public": admin.root_line(),
              "certificate": cert.to_dict(), "keyring": [e.to_dict() for e in entries]}
    if admin.revocations:
        # A new machine knows the revoked ones before it first syncs: a server that
        # withholds the list (restored, or dishonest) cannot make it trust a stolen terminal.
        bundle["revocations"] = admin.revocations
    return bundle


def bundle_revocations(data: dict[str, Any]) -> dict[str, Any] | None:
    """The root-signed revocation list a bundle carries (checked on import), or None."""
    rl = data.get("revocations")
    return rl if isinstance(rl, dict) else None


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


def rotate(admin: AdminKeys, scopes: list[str] | None = None,
           revoked: set[str] | frozenset[str] = frozenset(),
           published: dict[str, int] | None = None
           ) -> tuple[AdminKeys, list[KeyringEntry]]:
    """A new generation of each of ``scopes`` (default: every scope the admin file holds that
    has a machine to wrap it to), wrapped to the roster's machines of that scope that are
    neither on the file's revocation list nor in ``revoked``.

    Only the admin's own roster counts (each certificate re-checked against the root): what
    a server lists can neither add a machine nor keep a revoked one in. The new generation
    is numbered after both this file's newest and the newest ``published`` one (scope →
    generation, as the server or a fetched state file shows it): a stale copy of the admin
    file must not issue a number that already stands for another key.
    """
    published = published or {}
    revoked = set(revoked) | admin.revoked_writers()
    targets = sorted(admin.scopes) if scopes is None else [check_scope(s) for s in scopes]
    new_scopes = {scope: dict(gens) for scope, gens in admin.scopes.items()}
    entries = []
    for scope in targets:
        recipients = {}
        for writer, cert in admin.members(scope).items():
            try:
                verify_certificate(cert, admin.root.public_key(), admin.net)
            except ProtocolError:
                continue
            if writer not in revoked:
                recipients[writer] = cert.kex_public_key()
        if not recipients:
            if scopes is None:  # a generation nobody can open helps nobody
                continue
            raise KeyFileError(f"no enrolled, unrevoked machine holds scope {scope}",
                               "no_sites")
        gen = max(admin.newest(scope), published.get(scope, 0)) + 1
        key = os.urandom(32)
        new_scopes[scope] = {**new_scopes.get(scope, {}), gen: key}
        entries.append(make_keyring_entry(admin.root, admin.net, scope, gen, key, recipients))
    if not entries:
        raise KeyFileError("no enrolled, unrevoked machine to wrap a new generation to",
                           "no_sites")
    return (AdminKeys(admin.net, admin.root, new_scopes, dict(admin.roster),
                      dict(admin.legacy), admin.revocations), entries)
