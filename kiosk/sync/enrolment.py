"""Enrolling a machine, once for the command line, the demo network and the tests.

The contract (kiosk/sync/README.md): the machine prints its public line, the admin
certifies it and wraps the office's and the network's data keys to it in a bundle, the
machine imports the bundle and presents its certificate to the sync server. Each step here
returns what happened as data; printing it is the caller's business, so no caller has to
read it back out of a command's output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.crypto.files import read_json, write_json
from kiosk.crypto.public_line import enrolment_target, format_public_line
from kiosk.errors import EXIT_SECURITY, KioskError
from kiosk.store.db import Store
from kiosk.sync.state import SERVER


class BundleForAnotherMachine(KioskError):
    """A bundle certifies other keys than this machine's: importing it would make this
    machine speak with a certificate it cannot prove."""

    code = "wrong_bundle"
    exit_code = EXIT_SECURITY


@dataclass(frozen=True)
class PublicLine:
    """What a machine hands the admin: the line, and the writer id it names."""

    line: str
    writer: str


@dataclass(frozen=True)
class Certified:
    """A bundle the admin wrote for one machine, and the key generations in it."""

    writer: str
    bundle: Path
    generations: list[tuple[str, int]]


@dataclass(frozen=True)
class Imported:
    """A bundle installed at a machine."""

    site: str
    office: str
    net: str
    added: list[tuple[str, int]]


@dataclass(frozen=True)
class Enrolled:
    """The server's answer to a certificate: ``enrolled``, ``unchanged`` or ``replaced``."""

    site: str
    result: str
    server: str


def public_line(key_dir: Path) -> PublicLine:
    """This machine's public keys as the one line `kiosk keys enroll-site` takes."""
    from kiosk.crypto.site_keys import load_site_keys

    keys = load_site_keys(Path(key_dir))
    return PublicLine(format_public_line(keys.public_line(), keys.writer), keys.writer)


def certify_machine(admin_key: Path, passphrase: str, code: str, line: str,
                    out: Path) -> Certified:
    """Certify a machine of an office and write its bundle (admin side, offline); the
    machine joins the admin file's roster, which is saved again."""
    from kiosk.crypto import admin as adminkeys

    writer, key_line = enrolment_target(code, line)
    admin = adminkeys.load_admin(Path(admin_key), passphrase)
    bundle = adminkeys.enroll_site(admin, writer, key_line)
    write_json(Path(out), bundle)
    adminkeys.save_admin(Path(admin_key), admin, passphrase)
    return Certified(writer, Path(out), [(e["scope"], e["gen"]) for e in bundle["keyring"]])


def import_bundle(key_dir: Path, bundle_path: Path,
                  open_store: Callable[[], Store] | None = None) -> Imported:
    """Check a bundle against its root and this machine's keys, then install it.

    A bundle may carry the root's revocation list: it is checked with the rest (an altered
    list refuses the whole bundle) and kept in the store ``open_store`` opens, unless the
    store holds a newer one, so a machine enrolled after a revocation refuses the revoked
    machine from its first sync, whatever the server lists."""
    from kiosk.crypto import admin as adminkeys
    from kiosk.crypto.site_keys import (
        certificate_matches,
        drop_former_keyring,
        load_site_keys,
        load_trust,
        merge_keyring,
        save_trust,
    )
    from wire.revocation import parse_verified
    from wire.trust import parse_root_public, verify_certificate, verify_keyring_entry

    key_dir = Path(key_dir)
    data = read_json(Path(bundle_path), "site bundle")
    root_line, cert, entries = adminkeys.parse_bundle(data)
    net, root = parse_root_public(root_line)
    verify_certificate(cert, root, net)
    keys = load_site_keys(key_dir)
    if not certificate_matches(cert, keys):
        raise BundleForAnotherMachine(
            f"this bundle is for {cert.site} with other keys; this site is {keys.writer} "
            "(run `kiosk keys public` and ask for its own bundle)")
    for entry in entries:
        verify_keyring_entry(entry, root, net)
    revocations = adminkeys.bundle_revocations(data)
    if revocations is not None:
        parse_verified(revocations, root, net)
    drop_former_keyring(key_dir)
    save_trust(key_dir, root_line, cert)
    trust = load_trust(key_dir)
    if revocations is not None and open_store is not None:
        from kiosk.sync import revocations as held

        store = open_store()
        try:
            held.consider(store, trust, revocations)
        finally:
            store.close()
    added = merge_keyring(key_dir, entries, trust, keys)
    return Imported(cert.site, cert.office, net, list(added))


def enroll(store: Store, key_dir: Path, server: str, *, insecure: bool = False,
           ca_bundle: str | None = None) -> Enrolled:
    """Present this machine's certificate to ``server`` and remember the server (and the
    CA bundle, if given) for every later sync."""
    from kiosk.crypto.site_keys import load_site_keys, load_trust
    from kiosk.sync.http import CA_BUNDLE, ServerAPI

    trust = load_trust(Path(key_dir))
    api = ServerAPI(server, load_site_keys(Path(key_dir)), insecure=insecure,
                    ca_bundle=ca_bundle)
    try:
        answer = api.call("POST", "/v1/enroll", body={"certificate": trust.certificate.to_dict()})
    finally:
        api.close()
    with store.db.atomic("IMMEDIATE"):
        store.set_setting(SERVER, api.base)
        if api.ca_bundle:
            store.set_setting(CA_BUNDLE, api.ca_bundle)
    return Enrolled(str(answer["site"]), str(answer["result"]), api.base)
