"""`kiosk keys upgrade-admin` on an admin file and certificates made by the release before
office scopes, and `kiosk keys import` of the new bundle over that release's trust files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.crypto import admin as adminkeys
from kiosk.crypto.admin_upgrade import load_old_admin
from tests import old_release

pytestmark = pytest.mark.slow
KIOSK = Path(sys.executable).parent / "kiosk"
PASSPHRASE = "the admin's long passphrase"


@pytest.fixture(scope="module")
def old_network(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """An old admin file and two machines (EVSC, LUED) it certified, with their stores."""
    tmp = tmp_path_factory.mktemp("old-network")
    tree = old_release.unpack(tmp_path_factory.mktemp("old-release"))
    env = {**os.environ, "PYTHONPATH": str(tree), "XDG_DATA_HOME": str(tmp / "xdg"),
           "XDG_CONFIG_HOME": str(tmp / "xdg-config")}

    def old(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([*old_release.command("kiosk"), *args], cwd=tmp, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done

    (tmp / "passphrase").write_text(PASSPHRASE + "\n")
    pass_opt = ["--passphrase-file", str(tmp / "passphrase")]
    old("keys", "init-network", "--network", "dortmund", "--out", str(tmp / "admin.key"),
        *pass_opt)
    certificates = {}
    for office in ("EVSC", "LUED"):
        db = tmp / f"{office.lower()}.db"
        old("--db", str(db), "init", "--site", office)
        shown = old("--db", str(db), "keys", "public")
        code = shown.stderr.split()[-1]
        bundle = tmp / f"{office}.v1.bundle"
        old("keys", "enroll-site", code, "--public-key", shown.stdout.strip(), "--admin-key",
            str(tmp / "admin.key"), "--out", str(bundle), *pass_opt)
        old("--db", str(db), "keys", "import", str(bundle))
        certificates[office] = json.loads(bundle.read_text())["certificate"]
    return {"dir": tmp, "certificates": certificates}


def upgrade_admin(work: Path, sites: list, env_dir: Path) -> subprocess.CompletedProcess:
    (work / "sites.json").write_text(json.dumps(sites))
    return subprocess.run(
        [str(KIOSK), "keys", "upgrade-admin", "--admin-key", str(work / "admin.key"),
         "--passphrase-file", str(env_dir / "passphrase"), "--sites",
         str(work / "sites.json"), "--out-dir", str(work / "bundles")],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "XDG_DATA_HOME": str(work / "xdg")})


def test_a_certificate_the_root_did_not_sign_refuses_the_whole_conversion(
        tmp_path: Path, old_network: dict) -> None:
    src = old_network["dir"]
    (tmp_path / "admin.key").write_bytes((src / "admin.key").read_bytes())
    evsc, lued = old_network["certificates"]["EVSC"], old_network["certificates"]["LUED"]
    forged = {**lued, "kex_pub": evsc["kex_pub"]}  # LUED's name on keys of someone else
    done = upgrade_admin(tmp_path, [evsc, forged], src)
    assert done.returncode != 0
    assert "is not signed by this network's root" in done.stderr
    assert (tmp_path / "admin.key").read_bytes() == (src / "admin.key").read_bytes()
    assert not (tmp_path / "bundles").exists()
    assert not (tmp_path / "admin.key.v1").exists()


def test_conversion_keeps_old_keys_for_the_admin_and_gives_each_machine_its_scopes(
        tmp_path: Path, old_network: dict) -> None:
    src = old_network["dir"]
    original = (src / "admin.key").read_bytes()
    (tmp_path / "admin.key").write_bytes(original)
    certs = old_network["certificates"]
    done = upgrade_admin(tmp_path, [certs["EVSC"], certs["LUED"]], src)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "admin.key.v1").read_bytes() == original

    old = load_old_admin(tmp_path / "admin.key.v1", PASSPHRASE)
    new = adminkeys.load_admin(tmp_path / "admin.key", PASSPHRASE)
    assert new.legacy == old.generations and new.root_line() == adminkeys.AdminKeys(
        old.net, old.root).root_line()
    assert sorted(new.scopes) == ["EVSC", "LUED", "network"]
    assert old.generations[1] not in {k for gens in new.scopes.values() for k in gens.values()}
    for office, cert in certs.items():
        bundle = json.loads((tmp_path / "bundles" / f"{cert['site']}.bundle").read_text())
        assert bundle["certificate"]["office"] == office
        assert (bundle["certificate"]["sign_pub"], bundle["certificate"]["kex_pub"]) == (
            cert["sign_pub"], cert["kex_pub"])
        assert {e["scope"] for e in bundle["keyring"]} == {office, "network"}
        assert new.roster[cert["site"]]["office"] == office

    again = upgrade_admin(tmp_path, [certs["EVSC"]], src)
    assert again.returncode != 0 and "already in the office-scope format" in again.stderr

    # the machine imports its new bundle over the old release's trust and keyring files
    db = src / "evsc.db"
    keys_dir = src / "evsc-keys"
    assert {e["v"] for e in json.loads((keys_dir / "keyring.json").read_text())} == {1}
    bundle = tmp_path / "bundles" / f"{certs['EVSC']['site']}.bundle"
    done = subprocess.run([str(KIOSK), "--db", str(db), "keys", "import", str(bundle)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert done.returncode == 0, done.stderr
    entries = json.loads((keys_dir / "keyring.json").read_text())
    assert {(e["v"], e["scope"]) for e in entries} == {(2, "EVSC"), (2, "network")}
    assert json.loads((keys_dir / "trust.json").read_text())["certificate"]["office"] == "EVSC"
