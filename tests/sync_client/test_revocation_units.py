"""The revocation list's strict format, the admin file's list, and a site that keeps the
first key of a generation."""

from __future__ import annotations

import json
import os

import pytest

from kiosk.crypto import admin as adm
from kiosk.crypto import revocation
from kiosk.crypto.files import KeyFileError
from kiosk.crypto.site_keys import (
    create_site_keys,
    data_keys,
    load_site_keys,
    load_trust,
    merge_keyring,
    save_trust,
)
from sync_server.protocol import ProtocolError, make_keyring_entry
from sync_server.protocol_revocation import RevocationList, parse_verified

PASS = "correct horse battery staple"
N = 2**14


def _enrolled(tmp_path, admin: adm.AdminKeys, writer: str = "EVSC-AB12"):
    key_dir = tmp_path / (writer.lower() + "-keys")
    create_site_keys(key_dir, writer)
    keys = load_site_keys(key_dir)
    root, cert, entries = adm.parse_bundle(adm.enroll_site(admin, writer, keys.public_line()))
    save_trust(key_dir, root, cert)
    merge_keyring(key_dir, entries, load_trust(key_dir), keys)
    return key_dir, keys


def test_an_admin_file_from_before_revocation_lists_loads_and_then_keeps_its_list(
        tmp_path) -> None:
    path = tmp_path / "admin.json"
    admin = adm.init_network(path, "dortmund", PASS, n=N)
    _enrolled(tmp_path, admin)
    adm.save_admin(path, admin, PASS, n=N)  # written as before: no list in it
    loaded = adm.load_admin(path, PASS)
    assert loaded.revocations is None and loaded.revocation_version() == 0
    rl = revocation.revoke(loaded, "EVSC-AB12", 41, "stolen")
    adm.save_admin(path, loaded, PASS, n=N)
    again = adm.load_admin(path, PASS)
    assert again.revocation_version() == 1 and "EVSC-AB12" not in again.roster
    assert parse_verified(again.revocations, again.root.public_key(), "dortmund") == rl
    with pytest.raises(KeyFileError, match="revocation list"):
        adm.enroll_site(again, "EVSC-AB12", "lwsite1.x.y")  # a replacement gets a new code
    second = revocation.revoke(again, "EVSC-AB12", 50, "stolen")  # the cut-off moved
    assert second.version == 2 and [e.upto_ctr for e in second.entries] == [50]
    with pytest.raises(KeyFileError, match="roster"):
        revocation.revoke(again, "EVSC-FFFF", 1)


def test_the_list_is_parsed_strictly_and_verified_against_the_root(tmp_path) -> None:
    admin = adm.init_network(tmp_path / "admin.json", "dortmund", PASS, n=N)
    _enrolled(tmp_path, admin, "EVSC-AB12")
    _enrolled(tmp_path, admin, "MEHU-CD34")
    revocation.revoke(admin, "EVSC-AB12", 3)
    good = revocation.revoke(admin, "MEHU-CD34", 9).to_dict()
    root = admin.root.public_key()
    assert parse_verified(json.loads(json.dumps(good)), root, "dortmund").version == 2
    for bad in ({**good, "extra": 1},
                {**good, "entries": list(reversed(good["entries"]))},
                {**good, "entries": [{**good["entries"][0], "upto_ctr": -1}]},
                {**good, "entries": [{**good["entries"][0], "reason": "Maria M. lost it"}]},
                {**good, "version": 3},  # another version than the root signed
                {**good, "entries": good["entries"][:1]}):  # an entry dropped
        with pytest.raises(ProtocolError):
            parse_verified(bad, root, "dortmund")
    with pytest.raises(ProtocolError):
        parse_verified(good, root, "another-net")
    assert RevocationList.from_dict(good).by_writer()["MEHU-CD34"].upto_ctr == 9


def test_a_site_keeps_the_first_key_of_a_generation(tmp_path) -> None:
    admin = adm.init_network(tmp_path / "admin.json", "dortmund", PASS, n=N)
    key_dir, keys = _enrolled(tmp_path, admin)
    trust = load_trust(key_dir)
    first = data_keys(key_dir, trust, keys)[("EVSC", 1)]
    other = make_keyring_entry(admin.root, "dortmund", "EVSC", 1, os.urandom(32),
                               {keys.writer: keys.kex.public_key()},
                               issued="2099-01-01T00:00:00Z")  # a later issue, another key
    refused: list = []
    assert merge_keyring(key_dir, [other], trust, keys, refused) == []
    assert refused == [("EVSC", 1)]
    assert data_keys(key_dir, trust, keys)[("EVSC", 1)] == first
    same = make_keyring_entry(admin.root, "dortmund", "EVSC", 1, first,
                              {keys.writer: keys.kex.public_key()},
                              issued="2099-01-01T00:00:00Z")  # a re-issue of the same key
    assert merge_keyring(key_dir, [same], trust, keys, refused) == [] and len(refused) == 1
    assert data_keys(key_dir, trust, keys)[("EVSC", 1)] == first
