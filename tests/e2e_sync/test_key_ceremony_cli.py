"""The key ceremonies as the admin runs them: fetch at a site, sign offline, publish; and
the all-in-one rotation, through a server that lists a machine the admin revoked."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.e2e_sync.harness import Server
from tests.e2e_sync.test_admin_cli import kiosk, new_site
from tests.sync_client.doctored import DoctoredServer, Exchange


def network(tmp_path: Path, env: dict) -> tuple[Path, Path, Server]:
    pw = tmp_path / "pw"
    pw.write_text("correct horse battery staple\n")
    admin = tmp_path / "admin.json"
    root = kiosk(env, "keys", "init-network", "--out", str(admin), "--network", "dortmund",
                 "--passphrase-file", str(pw)).stdout.strip()
    (tmp_path / "srv").mkdir()
    return admin, pw, Server(tmp_path / "srv", root).start()


def test_fetch_sign_offline_and_publish_revoke_and_rotate(tmp_path: Path, cli_env) -> None:
    admin, pw, server = network(tmp_path, cli_env)
    try:
        a, _ = new_site(cli_env, tmp_path, "EVSC", admin, pw)
        stolen, code = new_site(cli_env, tmp_path, "EVSC", admin, pw, "evsc-stolen")
        for db in (a, stolen):
            kiosk(cli_env, "--db", db, "enroll", "--server", server.base)
        kiosk(cli_env, "--db", stolen, "checkin", "--language", "ar")
        kiosk(cli_env, "--db", stolen, "sync")
        state = tmp_path / "state.json"
        kiosk(cli_env, "--db", a, "keys", "fetch", "--out", str(state))
        high = json.loads(state.read_text())["sites"][code]["high_ctr"]
        assert high > 0

        # on the admin laptop, offline: no answer to the prompt changes nothing
        before = admin.read_bytes()
        revoke = ["keys", "revoke", code, "--admin-key", str(admin), "--passphrase-file",
                  str(pw), "--from", str(state), "--out", str(tmp_path / "rev.json")]
        refused = kiosk(cli_env, *revoke, ok=False)
        assert refused.returncode == 2 and "not confirmed" in refused.stderr
        assert f"up to counter {high}" in refused.stderr
        assert admin.read_bytes() == before and not (tmp_path / "rev.json").exists()
        kiosk(cli_env, *revoke, "--yes")
        listed = json.loads((tmp_path / "rev.json").read_text())["list"]
        assert [(e["writer"], e["upto_ctr"]) for e in listed["entries"]] == [(code, high)]
        rotated = json.loads(kiosk(cli_env, "keys", "rotate", "--admin-key", str(admin),
                                   "--passphrase-file", str(pw), "--from", str(state),
                                   "--out", str(tmp_path / "rot.json")).stdout)
        assert all(code not in g["sites"] for g in rotated["generations"])

        # back online, at any enrolled site
        out = kiosk(cli_env, "--db", a, "keys", "publish", str(tmp_path / "rev.json"))
        assert f"locked out now: {code}" in out.stdout
        kiosk(cli_env, "--db", a, "keys", "publish", str(tmp_path / "rot.json"))
        assert kiosk(cli_env, "--db", stolen, "sync", ok=False).returncode == 7
        status = json.loads(server.cli("status", "--json").stdout)
        assert {"EVSC:2", "network:2"} <= set(status["key_generations"])
        again = kiosk(cli_env, "--db", a, "keys", "publish", str(tmp_path / "rev.json"))
        assert "unchanged" in again.stdout

        # bad input: one clear line, a non-zero exit, nothing written or posted
        doctored = json.loads((tmp_path / "rev.json").read_text())
        doctored["list"]["version"] = 9
        (tmp_path / "forged.json").write_text(json.dumps(doctored))
        bad = kiosk(cli_env, "--db", a, "keys", "publish", str(tmp_path / "forged.json"),
                    ok=False)
        assert bad.returncode == 7 and "not signed" in bad.stderr
        assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
        assert json.loads(server.cli("status", "--json").stdout)["key_generations"]
        before = admin.read_bytes()
        for args, code in (
                (["keys", "revoke", "EVSC-0000", "--admin-key", str(admin),
                  "--passphrase-file", str(pw), "--from", str(state), "--upto-ctr", "3",
                  "--out", str(tmp_path / "x.json"), "--yes"], 3),  # not in the roster
                (["keys", "revoke", "not a code", "--admin-key", str(admin),
                  "--passphrase-file", str(pw), "--upto-ctr", "3", "--yes"], 5),
                (["keys", "rotate", "--admin-key", str(admin), "--passphrase-file", str(pw),
                  "--from", str(state)], 2),  # --from without --out
                (["keys", "publish", str(tmp_path / "missing.json")], 3)):
            bad = kiosk(cli_env, "--db", a, *args, ok=False)
            assert bad.returncode == code, (args, bad.stderr)
            assert "Traceback" not in bad.stderr and bad.stderr.strip()
        assert admin.read_bytes() == before and not (tmp_path / "x.json").exists()
    finally:
        server.stop()


def test_rotation_wraps_nothing_to_a_machine_the_server_adds(tmp_path: Path, cli_env) -> None:
    admin, pw, server = network(tmp_path, cli_env)
    try:
        a, a_code = new_site(cli_env, tmp_path, "EVSC", admin, pw)
        stolen, code = new_site(cli_env, tmp_path, "EVSC", admin, pw, "evsc-stolen")
        for db in (a, stolen):
            kiosk(cli_env, "--db", db, "enroll", "--server", server.base)
        stale = tmp_path / "stale-admin.json"
        shutil.copy(admin, stale)  # a copy of the admin file left on another stick
        kiosk(cli_env, "--db", a, "keys", "revoke", code, "--admin-key", str(admin),
              "--passphrase-file", str(pw), "--upto-ctr", "0", "--yes")
        cert = json.loads((tmp_path / "evsc-stolen-keys" / "trust.json").read_text())

        def readmit(ex: Exchange, forward) -> None:
            forward()
            if ex.path.startswith("/v1/sites"):  # the revoked machine listed as active
                data = json.loads(ex.answer)
                data["certificates"].append(cert["certificate"])
                ex.answer = json.dumps(data).encode()

        doctored = DoctoredServer(server.base, readmit)
        try:
            out = kiosk(cli_env, "--db", a, "keys", "rotate", "--admin-key", str(admin),
                        "--passphrase-file", str(pw), "--server", doctored.base)
        finally:
            doctored.close()
        gens = json.loads(out.stdout)["generations"]
        assert [(g["scope"], g["generation"], g["sites"]) for g in gens] == [
            ("EVSC", 2, [a_code]), ("network", 2, [a_code])]
        # the stale copy numbers its generation after the published one, never re-issues 2
        out = kiosk(cli_env, "--db", a, "keys", "rotate", "--admin-key", str(stale),
                    "--passphrase-file", str(pw), "--server", server.base)
        gens = json.loads(out.stdout)["generations"]
        assert {g["generation"] for g in gens} == {3}
        assert all(code not in g["sites"] for g in gens)  # it learnt the published list
    finally:
        server.stop()


def held_version(db: str) -> int:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT value FROM setting WHERE key = 'sync.revocations'"
                           ).fetchone()
    return json.loads(row[0])["version"] if row else 0


def test_a_machine_enrolled_after_a_revocation_knows_it_before_its_first_sync(
        tmp_path: Path, cli_env) -> None:
    admin, pw, server = network(tmp_path, cli_env)
    try:
        a, _ = new_site(cli_env, tmp_path, "EVSC", admin, pw)
        _, code = new_site(cli_env, tmp_path, "EVSC", admin, pw, "evsc-stolen")
        kiosk(cli_env, "--db", a, "enroll", "--server", server.base)
        kiosk(cli_env, "keys", "revoke", code, "--admin-key", str(admin), "--passphrase-file",
              str(pw), "--upto-ctr", "0", "--out", str(tmp_path / "rev.json"), "--yes")

        newcomer, _ = new_site(cli_env, tmp_path, "EVSC", admin, pw, "evsc-new")
        assert held_version(newcomer) == 1  # from the bundle, before any server is asked

        def withhold(ex: Exchange, forward) -> None:  # a server that never heard of it
            forward()
            if ex.method == "GET" and ex.path.startswith("/v1/revocations"):
                ex.answer = json.dumps({"revocations": None}).encode()

        doctored = DoctoredServer(server.base, withhold)
        try:
            kiosk(cli_env, "--db", newcomer, "enroll", "--server", doctored.base)
            kiosk(cli_env, "--db", newcomer, "sync", ok=False)
        finally:
            doctored.close()
        assert held_version(newcomer) == 1
        taught = [json.loads(ex.body)["version"] for ex in doctored.seen
                  if ex.method == "POST" and ex.path == "/v1/revocations"]
        assert taught == [1]  # and it teaches the server the list the admin signed

        # a bundle whose list was altered on the way is refused whole, nothing imported
        late = str(tmp_path / "late.db")
        kiosk(cli_env, "--db", late, "init", "--site", "EVSC")
        line = kiosk(cli_env, "--db", late, "keys", "public").stdout.strip()
        kiosk(cli_env, "keys", "enroll-site", "EVSC", "--public-key", line, "--admin-key",
              str(admin), "--out", str(tmp_path / "late.bundle"), "--passphrase-file", str(pw))
        bundle = json.loads((tmp_path / "late.bundle").read_text())
        bundle["revocations"]["entries"] = []
        (tmp_path / "altered.bundle").write_text(json.dumps(bundle))
        keys_before = sorted(p.name for p in (tmp_path / "late-keys").iterdir())
        bad = kiosk(cli_env, "--db", late, "keys", "import", str(tmp_path / "altered.bundle"),
                    ok=False)
        assert bad.returncode != 0 and "Traceback" not in bad.stderr and bad.stderr.strip()
        assert sorted(p.name for p in (tmp_path / "late-keys").iterdir()) == keys_before
        assert held_version(late) == 0
    finally:
        server.stop()
