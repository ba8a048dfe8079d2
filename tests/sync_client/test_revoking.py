"""The revocation service the `kiosk keys revoke` command calls: the admin file's network
check, the counter the machine's envelopes stay valid up to, the signed list saved before
it is published, and its publication to a real sync server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import NetworkConfig
from kiosk.crypto.admin import load_admin, save_admin
from kiosk.errors import EXIT_SECURITY, EXIT_USAGE
from kiosk.paths import key_dir_for
from kiosk.sync import enrolment, revoking
from kiosk.sync.http import ServerAPI
from kiosk.sync.rotation import WrongNetwork
from tests.e2e_sync.harness import Network, Server
from tests.sync_client.test_enrolment import PASSPHRASE, machine


@pytest.fixture()
def admin_file(tmp_path: Path, network: Network) -> Path:
    path = tmp_path / "admin.key"
    save_admin(path, network.admin, PASSPHRASE, n=2**14)
    return path


def test_another_networks_admin_file_is_refused_before_anything_is_signed(
        admin_file: Path) -> None:
    before = admin_file.read_bytes()
    with pytest.raises(WrongNetwork) as other:
        revoking.load_admin(admin_file, PASSPHRASE, site_root_line="lwroot1.another")
    assert other.value.exit_code == EXIT_SECURITY and admin_file.read_bytes() == before


def test_the_counter_comes_from_the_person_or_from_what_the_server_acknowledged(
        admin_file: Path) -> None:
    admin = revoking.load_admin(admin_file, PASSPHRASE)
    with pytest.raises(revoking.NoCounter) as unknown:
        revoking.plan_revocation(admin, {}, "EVSC-0A0B0C0D", None)
    assert unknown.value.exit_code == EXIT_USAGE and "--upto-ctr" in str(unknown.value)
    state = {"sites": {"EVSC-0A0B0C0D": {"high_ctr": 41}}}
    acknowledged = revoking.plan_revocation(admin, state, "EVSC-0A0B0C0D", None)
    assert (acknowledged.upto, acknowledged.source) == (
        41, "the last counter the server acknowledged from it")
    given = revoking.plan_revocation(admin, state, "EVSC-0A0B0C0D", 7)
    assert (given.upto, given.source) == (7, "given with --upto-ctr")


def test_a_revocation_is_saved_in_the_admin_file_then_published_to_the_server(
        tmp_path: Path, config: NetworkConfig, admin_file: Path, server: Server) -> None:
    db, writer = machine(tmp_path, config)
    enrolment.certify_machine(admin_file, PASSPHRASE, "EVSC",
                              enrolment.public_line(key_dir_for(db)).line,
                              tmp_path / "m.bundle")
    admin = revoking.load_admin(admin_file, PASSPHRASE)
    api = ServerAPI(server.base, None)
    try:
        plan = revoking.plan_revocation(admin, revoking.fetch_published(api), writer, 12)
        rl = revoking.sign_revocation(plan, "stolen", admin_file, PASSPHRASE)
        saved = load_admin(admin_file, PASSPHRASE)
        assert writer not in saved.roster and writer in saved.revoked_writers()
        assert [(e.writer, e.upto_ctr) for e in rl.entries] == [(writer, 12)]
        answer = revoking.publish_revocation(api, rl)
        assert (answer["result"], answer["version"]) == ("stored", rl.version)
        listed = revoking.fetch_published(api)["revocations"]
        assert listed["version"] == rl.version
        assert [e["writer"] for e in listed["entries"]] == [writer]
    finally:
        api.close()
