"""A site's own keys and what it trusts, in files beside its store (``paths.key_dir_for``).

Layout of the key directory (0700; every file 0600; never in the database, never logged):

* ``site.json`` — the writer id the keys were made for (the certificate's site code).
* ``sign.pem`` — Ed25519 private key: signs envelopes and requests.
* ``kex.pem`` — X25519 private key: data-key generations are wrapped to it.
* ``trust.json`` — after ``kiosk keys import``: the network root public key line and this
  site's root-signed certificate.
* ``keyring.json`` — root-signed data-key generations of this machine's two scopes (its
  office's and the network's) as received, still wrapped: opening them needs ``kex.pem``, so
  this file adds nothing for a thief of the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.crypto.files import (
    KeyFileError,
    ensure_private_dir,
    read_json,
    write_json,
    write_private,
)
from sync_server.protocol import (
    NETWORK_SCOPE,
    KeyringEntry,
    ProtocolError,
    SiteCertificate,
    format_site_public,
    parse_root_public,
    unwrap_data_key,
    verify_certificate,
    verify_keyring_entry,
)


@dataclass(frozen=True)
class SiteKeys:
    """This machine's identity: writer id and private keys."""

    writer: str
    sign: Ed25519PrivateKey
    kex: X25519PrivateKey

    def public_line(self) -> str:
        """``lwsite1.<sign>.<kex>``: what the admin needs to certify this site."""
        return format_site_public(self.sign, self.kex)


@dataclass(frozen=True)
class Trust:
    """What the admin's bundle installed: the network, its root key and our certificate."""

    net: str
    root_line: str
    certificate: SiteCertificate

    @property
    def root(self) -> Ed25519PublicKey:
        """The pinned network root key."""
        return parse_root_public(self.root_line)[1]

    @property
    def office(self) -> str:
        """The office this machine's certificate names: its own scope."""
        return self.certificate.office

    @property
    def scopes(self) -> tuple[str, str]:
        """The two scopes this machine holds: its office's and the network's."""
        return (self.certificate.office, NETWORK_SCOPE)


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def create_site_keys(key_dir: Path, writer: str) -> None:
    """Make this site's Ed25519 and X25519 keys (called by ``kiosk init``).

    Keys already made for ``writer`` are kept (idempotent); keys of another writer id (the
    store was re-created with ``init --force``) belong to an identity that is gone, so they
    are replaced together with its trust files.
    """
    key_dir = Path(key_dir)
    if (key_dir / "sign.pem").exists():
        meta = key_dir / "site.json"
        if meta.exists() and read_json(meta, "site key description").get("writer") == writer:
            return
        replace_site_keys(key_dir, writer)
        return
    ensure_private_dir(key_dir)
    write_private(key_dir / "sign.pem", _pem(Ed25519PrivateKey.generate()))
    write_private(key_dir / "kex.pem", _pem(X25519PrivateKey.generate()))
    write_json(key_dir / "site.json", {"writer": writer})


def replace_site_keys(key_dir: Path, writer: str) -> None:
    """New keys for a new writer id (``kiosk sync --reincarnate``); trust and keyring go."""
    for name in ("sign.pem", "kex.pem", "site.json", "trust.json", "keyring.json"):
        (Path(key_dir) / name).unlink(missing_ok=True)
    create_site_keys(key_dir, writer)


def _load_private(path: Path, kind: type) -> object:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyFileError(f"site key missing: {path} (run `kiosk init`)", "key_missing"
                           ) from None
    except (OSError, ValueError, TypeError):
        raise KeyFileError(f"site key damaged: {path}", "key_corrupt") from None
    if not isinstance(key, kind):
        raise KeyFileError(f"site key of the wrong type: {path}", "key_corrupt")
    return key


def load_site_keys(key_dir: Path) -> SiteKeys:
    """This site's identity from its key directory."""
    key_dir = Path(key_dir)
    meta = read_json(key_dir / "site.json", "site key description")
    return SiteKeys(str(meta.get("writer", "")),
                    _load_private(key_dir / "sign.pem", Ed25519PrivateKey),
                    _load_private(key_dir / "kex.pem", X25519PrivateKey))


def load_trust(key_dir: Path) -> Trust:
    """The imported bundle's root and certificate, re-verified on every load."""
    data = read_json(Path(key_dir) / "trust.json",
                     "network trust (import the admin's bundle with `kiosk keys import`)")
    try:
        net, root = parse_root_public(data["root_public"])
        cert = SiteCertificate.from_dict(data["certificate"])
        verify_certificate(cert, root, net)
    except (KeyError, TypeError, ProtocolError) as exc:
        raise KeyFileError(f"trust file is invalid: {exc}", "key_corrupt") from None
    return Trust(net, data["root_public"], cert)


def save_trust(key_dir: Path, root_line: str, cert: SiteCertificate) -> None:
    write_json(Path(key_dir) / "trust.json",
               {"root_public": root_line, "certificate": cert.to_dict()})


def load_keyring(key_dir: Path) -> list[KeyringEntry]:
    """Stored generations (not yet verified; :func:`data_keys` verifies)."""
    path = Path(key_dir) / "keyring.json"
    if not path.exists():
        return []
    try:
        return [KeyringEntry.from_dict(e) for e in read_json(path, "keyring")]
    except ProtocolError as exc:
        raise KeyFileError(f"keyring file is invalid: {exc}", "key_corrupt") from None


def drop_former_keyring(key_dir: Path) -> bool:
    """Delete a keyring of the format before office scopes (True if there was one).

    Its generations opened every office's records; after the upgrade nothing is sealed with
    them and nobody is served what was, so a machine has no business keeping them (the admin
    file keeps them for old backups).
    """
    path = Path(key_dir) / "keyring.json"
    if not path.exists():
        return False
    try:
        entries = read_json(path, "keyring")
        former = isinstance(entries, list) and any(
            isinstance(e, dict) and e.get("v") == 1 for e in entries)
    except KeyFileError:
        return False
    if former:
        path.unlink()
    return former


ScopeGen = tuple[str, int]
"""A data-key generation's identity: (scope, generation)."""


def _usable(entry: KeyringEntry, trust: Trust, keys: SiteKeys) -> bytes | None:
    """The data key of a root-signed entry of one of our scopes wrapped to us, else None."""
    if entry.scope not in trust.scopes:
        return None
    try:
        verify_keyring_entry(entry, trust.root, trust.net)
        return unwrap_data_key(entry, keys.writer, keys.kex)
    except ProtocolError:
        return None


def merge_keyring(key_dir: Path, entries: list[KeyringEntry], trust: Trust,
                  keys: SiteKeys, refused: list[ScopeGen] | None = None) -> list[ScopeGen]:
    """Add root-signed generations of our scopes wrapped to us; return those that are new.

    Entries without a valid root signature, for another network or another office's scope,
    or not wrapped to this machine are ignored: the server cannot slip in a key of its own.
    A generation this machine holds already, re-issued with *another* data key (a stale
    copy of the admin file rotated again), is refused and named in ``refused``: the first
    key stays, or everything sealed under it would become unreadable here.
    """
    current = {(e.scope, e.gen): e for e in load_keyring(key_dir)}
    added, changed = [], False
    for entry in entries:
        key = _usable(entry, trust, keys)
        if key is None:
            continue
        ident = (entry.scope, entry.gen)
        if ident in current and _usable(current[ident], trust, keys) not in (None, key):
            if refused is not None:
                refused.append(ident)
            continue
        if ident not in current:
            added.append(ident)
        if ident not in current or entry.issued > current[ident].issued:
            current[ident] = entry
            changed = True
    if changed:
        write_json(Path(key_dir) / "keyring.json",
                   [current[i].to_dict() for i in sorted(current)])
    return sorted(added)


def data_keys(key_dir: Path, trust: Trust, keys: SiteKeys) -> dict[ScopeGen, bytes]:
    """Every data-key generation of our scopes this machine can open, verified against the
    root, by (scope, generation)."""
    out = {}
    for entry in load_keyring(key_dir):
        key = _usable(entry, trust, keys)
        if key is not None:
            out[(entry.scope, entry.gen)] = key
    return out


def newest_generations(datakeys: dict[ScopeGen, bytes]) -> dict[str, int]:
    """The newest generation of each scope (what new envelopes are sealed with)."""
    out: dict[str, int] = {}
    for scope, gen in datakeys:
        out[scope] = max(gen, out.get(scope, 0))
    return out


def certificate_matches(cert: SiteCertificate, keys: SiteKeys) -> bool:
    """Whether a certificate was issued for exactly these keys and this writer id."""
    line = keys.public_line().split(".")
    return cert.site == keys.writer and cert.sign_pub == line[1] and cert.kex_pub == line[2]


def bundle_summary(bundle: dict) -> str:
    """A one-line, secret-free description of a bundle (for messages)."""
    return json.dumps({"site": bundle.get("certificate", {}).get("site"),
                       "generations": [f"{e.get('scope')}:{e.get('gen')}"
                                       for e in bundle.get("keyring", [])]})
