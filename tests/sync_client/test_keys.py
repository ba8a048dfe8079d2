"""Admin key file, site keys, bundles and keyring handling: what a thief or a server can't do."""

from __future__ import annotations

import json
import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.crypto import admin as adm
from kiosk.crypto.files import KeyFileError
from kiosk.crypto.site_keys import (
    create_site_keys,
    data_keys,
    load_site_keys,
    load_trust,
    merge_keyring,
    save_trust,
)
from wire.errors import ProtocolError
from wire.ids import NETWORK_SCOPE
from wire.trust import make_keyring_entry

PASS = "correct horse battery staple"
N = 2**14  # the cheapest scrypt cost the loader accepts: tests stay fast


def _site(tmp_path, writer="EVSC-AB12"):
    key_dir = tmp_path / (writer.lower() + "-keys")
    create_site_keys(key_dir, writer)
    return key_dir, load_site_keys(key_dir)


def test_admin_file_round_trip_and_refusals(tmp_path) -> None:
    path = tmp_path / "admin.json"
    keys = adm.init_network(path, "dortmund", PASS, n=N)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = adm.load_admin(path, PASS)
    assert again.root_line() == keys.root_line() and again.scopes == keys.scopes
    assert set(again.scopes) == {NETWORK_SCOPE}
    with pytest.raises(KeyFileError) as err:
        adm.load_admin(path, PASS + "!")
    assert err.value.code == "bad_passphrase"
    data = json.loads(path.read_text())
    data["net"] = "evil"
    path.write_text(json.dumps(data))
    with pytest.raises(KeyFileError):
        adm.load_admin(path, PASS)  # the clear part is authenticated too
    with pytest.raises(KeyFileError):
        adm.init_network(tmp_path / "other.json", "dortmund", "short", n=N)
    with pytest.raises(KeyFileError):
        adm.init_network(path, "dortmund", PASS, n=N)  # never overwrite a root key


def test_site_keys_are_private_and_idempotent(tmp_path) -> None:
    key_dir, keys = _site(tmp_path)
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in key_dir.iterdir()} == {0o600}
    create_site_keys(key_dir, "EVSC-AB12")
    assert load_site_keys(key_dir).public_line() == keys.public_line()
    create_site_keys(key_dir, "EVSC-CD34")  # the store was re-created: a new identity
    assert load_site_keys(key_dir).public_line() != keys.public_line()


def test_bundle_installs_and_keyring_refuses_what_the_root_did_not_sign(tmp_path) -> None:
    admin = adm.AdminKeys("dortmund", Ed25519PrivateKey.generate(),
                          {NETWORK_SCOPE: {1: os.urandom(32)}})
    key_dir, keys = _site(tmp_path)
    root_line, cert, entries = adm.parse_bundle(adm.enroll_site(admin, keys.writer,
                                                                keys.public_line()))
    assert cert.office == "EVSC" and "EVSC" in admin.scopes  # the office's first machine
    assert keys.writer in admin.roster
    save_trust(key_dir, root_line, cert)
    trust = load_trust(key_dir)
    assert merge_keyring(key_dir, entries, trust, keys) == [("EVSC", 1), (NETWORK_SCOPE, 1)]
    assert data_keys(key_dir, trust, keys) == {("EVSC", 1): admin.scopes["EVSC"][1],
                                               (NETWORK_SCOPE, 1): admin.scopes[NETWORK_SCOPE][1]}
    server_root = Ed25519PrivateKey.generate()  # a server trying to slip in its own key
    forged = make_keyring_entry(server_root, "dortmund", "EVSC", 2, os.urandom(32),
                                {keys.writer: keys.kex.public_key()})
    other_site = make_keyring_entry(admin.root, "dortmund", "EVSC", 3, os.urandom(32),
                                    {"EVSC-0001": keys.kex.public_key()})
    # even a root-signed key of another office, wrapped to this machine, is not taken
    other_office = make_keyring_entry(admin.root, "dortmund", "MEHU", 1, os.urandom(32),
                                      {keys.writer: keys.kex.public_key()})
    assert merge_keyring(key_dir, [forged, other_site, other_office], trust, keys) == []
    assert set(data_keys(key_dir, trust, keys)) == {("EVSC", 1), (NETWORK_SCOPE, 1)}
    with pytest.raises(KeyFileError):
        adm.parse_bundle({"format": "something else"})


def test_a_bundle_carries_its_office_and_the_network_scope_only(tmp_path) -> None:
    admin = adm.AdminKeys("dortmund", Ed25519PrivateKey.generate(),
                          {NETWORK_SCOPE: {1: os.urandom(32)}})
    _, a = _site(tmp_path, "EVSC-AAAA")
    _, b = _site(tmp_path, "MEHU-BBBB")
    adm.enroll_site(admin, a.writer, a.public_line())
    bundle = adm.enroll_site(admin, b.writer, b.public_line())
    assert {(e["scope"], e["gen"]) for e in bundle["keyring"]} == {("MEHU", 1),
                                                                   (NETWORK_SCOPE, 1)}
    assert admin.scopes["EVSC"][1] != admin.scopes["MEHU"][1]
    with pytest.raises(ProtocolError):
        adm.enroll_site(admin, "evsc-1", a.public_line())


def test_rotation_wraps_only_to_the_admins_own_roster(tmp_path) -> None:
    admin = adm.AdminKeys("dortmund", Ed25519PrivateKey.generate(),
                          {NETWORK_SCOPE: {1: os.urandom(32)}})
    _, a = _site(tmp_path, "EVSC-AAAA")
    _, a2 = _site(tmp_path, "EVSC-AAA2")
    _, b = _site(tmp_path, "MEHU-BBBB")
    for m in (a, a2, b):
        adm.enroll_site(admin, m.writer, m.public_line())
    # a machine the admin never enrolled (a server's invention) is not in the roster at all
    rotated, entries = adm.rotate(admin, revoked={a2.writer})
    by_scope = {e.scope: e for e in entries}
    assert set(by_scope) == {"EVSC", "MEHU", NETWORK_SCOPE}
    assert set(by_scope["EVSC"].wrapped) == {a.writer}  # the revoked machine is left out
    assert set(by_scope["MEHU"].wrapped) == {b.writer}
    assert set(by_scope[NETWORK_SCOPE].wrapped) == {a.writer, b.writer}
    assert {e.gen for e in entries} == {2}
    assert set(rotated.scopes["EVSC"]) == {1, 2}
    only, [entry] = adm.rotate(admin, ["MEHU"])
    assert entry.scope == "MEHU" and set(only.scopes["EVSC"]) == {1}
    with pytest.raises(KeyFileError):
        adm.rotate(admin, ["MEHU"], revoked={b.writer})
