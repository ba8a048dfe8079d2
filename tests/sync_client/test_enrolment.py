"""The enrolment service the `kiosk keys` commands and the demo network call: a machine's
public line, the admin's bundle, its import, the server's answer, and where the sync server
URL comes from. A real admin file, real key files, a real store and a real sync server on
loopback."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from kiosk.config import NetworkConfig
from kiosk.crypto.admin import save_admin
from kiosk.crypto.site_keys import create_site_keys, load_trust
from kiosk.errors import EXIT_SECURITY
from kiosk.paths import key_dir_for
from kiosk.store.db import init_store
from kiosk.sync import enrolment
from kiosk.sync.errors import NotSetUp
from kiosk.sync.state import SERVER, resolve_server_url
from tests.e2e_sync.harness import Network, Server

PASSPHRASE = "correct horse battery staple"


def machine(root: Path, config: NetworkConfig, office: str = "EVSC") -> tuple[Path, str]:
    """A store and fresh site keys, as `kiosk init` leaves them (not enrolled)."""
    writer = f"{office}-{secrets.token_hex(4).upper()}"
    db = root / f"{writer.lower()}.db"
    store = init_store(db, office, config.office(office).locations[0].code)
    with store.db.atomic():
        store.set_setting("writer", writer)
    store.close()
    create_site_keys(key_dir_for(db), writer)
    return db, writer


@pytest.fixture()
def admin_file(tmp_path: Path, network: Network) -> Path:
    path = tmp_path / "admin.key"
    save_admin(path, network.admin, PASSPHRASE, n=2**14)
    return path


def test_a_machine_is_certified_imported_and_enrolled_without_reading_any_output(
        tmp_path: Path, config: NetworkConfig, admin_file: Path, server: Server) -> None:
    db, writer = machine(tmp_path, config)
    key_dir = key_dir_for(db)
    mine = enrolment.public_line(key_dir)
    assert mine.writer == writer and mine.line.startswith("lwsite1.")
    certified = enrolment.certify_machine(admin_file, PASSPHRASE, "evsc", mine.line,
                                          tmp_path / "m.bundle")
    assert certified.writer == writer
    assert {scope for scope, _ in certified.generations} == {"network", "EVSC"}
    imported = enrolment.import_bundle(key_dir, certified.bundle)
    assert (imported.site, imported.office) == (writer, "EVSC")
    assert load_trust(key_dir).certificate.site == writer
    from kiosk.store.db import open_store

    store = open_store(db)
    try:
        first = enrolment.enroll(store, key_dir, server.base)
        assert (first.site, first.result) == (writer, "enrolled")
        assert store.setting(SERVER) == first.server
        assert enrolment.enroll(store, key_dir, server.base).result == "unchanged"
    finally:
        store.close()


def test_a_bundle_for_another_machine_is_refused_and_changes_nothing(
        tmp_path: Path, config: NetworkConfig, admin_file: Path) -> None:
    db, _ = machine(tmp_path, config)
    other_db, _ = machine(tmp_path, config)
    theirs = enrolment.public_line(key_dir_for(other_db))
    bundle = enrolment.certify_machine(admin_file, PASSPHRASE, "EVSC", theirs.line,
                                       tmp_path / "other.bundle").bundle
    before = sorted(p.name for p in key_dir_for(db).iterdir())
    with pytest.raises(enrolment.BundleForAnotherMachine) as refused:
        enrolment.import_bundle(key_dir_for(db), bundle)
    assert refused.value.exit_code == EXIT_SECURITY
    assert sorted(p.name for p in key_dir_for(db).iterdir()) == before


def test_the_server_url_is_the_flag_else_the_enrolled_one_else_the_configured_one(
        tmp_path: Path, config: NetworkConfig) -> None:
    db, _ = machine(tmp_path, config)
    from kiosk.store.db import open_store

    store = open_store(db)
    try:
        assert resolve_server_url(None, store, "https://configured") == "https://configured"
        with store.db.atomic():
            store.set_setting(SERVER, "https://enrolled")
        assert resolve_server_url(None, store, "https://configured") == "https://enrolled"
        assert resolve_server_url("https://flag", store, "https://c") == "https://flag"
    finally:
        store.close()
    with pytest.raises(NotSetUp, match="pass --server URL"):
        resolve_server_url(None, None, None)


def test_rotation_wraps_to_listed_machines_and_names_the_ones_left_out(
        tmp_path: Path, config: NetworkConfig, admin_file: Path, network: Network) -> None:
    from kiosk.crypto.admin import load_admin
    from kiosk.sync.rotation import WrongNetwork, rotate_keys

    writers = []
    for i in range(2):
        db, writer = machine(tmp_path, config)
        enrolment.certify_machine(admin_file, PASSPHRASE, "EVSC",
                                  enrolment.public_line(key_dir_for(db)).line,
                                  tmp_path / f"{i}.bundle")
        writers.append(writer)
    kept, gone = writers
    before = admin_file.read_bytes()
    with pytest.raises(WrongNetwork) as other:
        rotate_keys(admin_file, PASSPHRASE, {"net": "another-net"}, None)
    assert other.value.exit_code == EXIT_SECURITY and admin_file.read_bytes() == before
    state = {"net": network.admin.net, "certificates": [{"site": kept}],
             "key_generations": {"EVSC": 3}}
    done = rotate_keys(admin_file, PASSPHRASE, state, ["EVSC"])
    assert done.left_out == [gone]
    assert [(e.scope, e.gen) for e in done.entries] == [("EVSC", 4)]
    assert set(done.entries[0].wrapped) == {kept}
    assert 4 in load_admin(admin_file, PASSPHRASE).scopes["EVSC"]
