"""The admin contract, as the runbook uses it: real `kiosk` and `sync-server` processes."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

from tests.e2e_sync.harness import BIN, Server


def kiosk(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "kiosk"), *args], env=env, capture_output=True,
                          text=True, timeout=300)
    if ok:
        assert done.returncode == 0, (args, done.stderr)
    return done


def new_site(env: dict, tmp: Path, office: str, admin: Path, pw: Path,
             name: str | None = None) -> tuple[str, str]:
    name = name or office.lower()
    db = str(tmp / f"{name}.db")
    kiosk(env, "--db", db, "init", "--site", office)
    line = kiosk(env, "--db", db, "keys", "public")
    code = line.stderr.strip().rsplit(" ", 1)[-1]
    bundle = str(tmp / f"{name}.bundle")
    kiosk(env, "keys", "enroll-site", code, "--public-key", line.stdout.strip(),
          "--admin-key", str(admin), "--out", bundle, "--passphrase-file", str(pw))
    kiosk(env, "--db", db, "keys", "import", bundle)
    return db, code


def test_network_enrolment_rotation_and_quarantine_release(tmp_path: Path, cli_env) -> None:
    pw = tmp_path / "pw"
    pw.write_text("correct horse battery staple\n")
    admin = tmp_path / "admin.json"
    root = kiosk(cli_env, "keys", "init-network", "--out", str(admin), "--network", "dortmund",
                 "--passphrase-file", str(pw)).stdout.strip()
    assert stat.S_IMODE(admin.stat().st_mode) == 0o600
    assert b"correct horse" not in admin.read_bytes()
    assert kiosk(cli_env, "keys", "root-public", "--admin-key", str(admin),
                 "--passphrase-file", str(pw)).stdout.strip() == root
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all\n")
    assert kiosk(cli_env, "keys", "root-public", "--admin-key", str(admin),
                 "--passphrase-file", str(wrong), ok=False).returncode == 7
    (tmp_path / "srv").mkdir()
    server = Server(tmp_path / "srv", root).start()
    try:
        a, _ = new_site(cli_env, tmp_path, "EVSC", admin, pw)
        b, _ = new_site(cli_env, tmp_path, "MEHU", admin, pw)
        keydir = tmp_path / "evsc-keys"
        assert stat.S_IMODE(keydir.stat().st_mode) == 0o700
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in keydir.iterdir()
                   if p.name != "sync.lock")
        assert kiosk(cli_env, "--db", b, "keys", "import", str(tmp_path / "evsc.bundle"),
                     ok=False).returncode == 7  # another site's bundle
        assert kiosk(cli_env, "--db", a, "sync", "--server", server.base,
                     ok=False).returncode == 7  # not enrolled yet: refused
        assert kiosk(cli_env, "--db", a, "sync", "--server", "http://sync.example.org",
                     ok=False).returncode == 7  # plain http to a remote host
        for db in (a, b):
            kiosk(cli_env, "--db", db, "enroll", "--server", server.base)
        # a second machine of a's office, certified but not enrolled at the server yet
        d, d_code = new_site(cli_env, tmp_path, "EVSC", admin, pw, "evsc-2")

        rotated = json.loads(kiosk(cli_env, "--db", a, "keys", "rotate", "--admin-key",
                                   str(admin), "--passphrase-file", str(pw)).stdout)
        gens = {g["scope"]: (g["generation"], g["sites"]) for g in rotated["generations"]}
        assert {scope: gen for scope, (gen, _) in gens.items()} == {
            "EVSC": 2, "MEHU": 2, "network": 2}
        assert len(gens["network"][1]) == 2  # the enrolled machines: d is not listed yet
        assert gens["EVSC"][1] != gens["MEHU"][1]  # each office's key to its machines only
        kiosk(cli_env, "--db", a, "checkin", "--language", "ar", "--name", "Samira")
        kiosk(cli_env, "--db", a, "sync")
        kiosk(cli_env, "--db", b, "sync")
        kiosk(cli_env, "--db", d, "enroll", "--server", server.base)
        first = kiosk(cli_env, "--db", d, "sync", "--json", ok=False)
        assert first.returncode == 9, first.stderr  # generation 2 was never wrapped to d
        # the visit and the office's figures of the day (sealed under generation 2 of its
        # office's and of the network's scope)
        assert json.loads(first.stdout)["quarantined"] == 2
        # the runbook: a site that missed a rotation gets a fresh bundle
        line = kiosk(cli_env, "--db", d, "keys", "public").stdout.strip()
        kiosk(cli_env, "keys", "enroll-site", d_code, "--public-key", line, "--admin-key",
              str(admin), "--out", str(tmp_path / "d2.bundle"), "--passphrase-file", str(pw))
        kiosk(cli_env, "--db", d, "keys", "import", str(tmp_path / "d2.bundle"))
        kiosk(cli_env, "--db", d, "enroll", "--server", server.base)
        again = json.loads(kiosk(cli_env, "--db", d, "sync", "--json").stdout)
        assert again["released"] == 2 and again["quarantined"] == 0
        exports = [kiosk(cli_env, "--db", db, "export").stdout for db in (a, b, d)]
        visits = [sorted(line for line in e.splitlines() if '"visit"' in line) for e in exports]
        assert visits[0] == visits[2] and len(visits[0]) == 1  # both machines of the office
        assert visits[1] == []  # the other office never receives it
        status = kiosk(cli_env, "--db", d, "sync", "--status", "--json").stdout
        assert json.loads(status)["pending"] == 0
    finally:
        server.stop()
