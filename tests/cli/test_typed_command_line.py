"""The `kiosk` command line as people type it: options after the subcommand, codes in any
case, enrolment by office code and the line `keys public` prints. Real subprocesses."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import KIOSK


def kiosk(env: dict[str, str], *args: str, rc: int | None = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run([KIOSK, *args], capture_output=True, text=True, env=env, timeout=120)
    if rc is not None:
        assert proc.returncode == rc, (args, proc.stdout, proc.stderr)
    return proc


def test_global_options_after_the_subcommand(cli_env, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    kiosk(cli_env, "init", "--site", "LUED", "--db", str(db))
    assert db.exists()
    out = kiosk(cli_env, "checkin", "--language", "ar", "--json", f"--db={db}").stdout
    assert json.loads(out)["ticket"] == "A-001"
    # a sub-subcommand too, and the value after the subcommand wins over one before it
    public = kiosk(cli_env, "--db", str(tmp_path / "elsewhere.db"), "keys", "public",
                   "--db", str(db))
    assert public.stdout.startswith("lwsite1.")
    (record,) = map(json.loads, kiosk(cli_env, "export", "--db", str(db)).stdout.splitlines())
    assert record["site"] == "LUED"


def test_office_and_location_codes_in_any_case(cli_env, tmp_path: Path) -> None:
    db = str(tmp_path / "site.db")
    made = kiosk(cli_env, "--db", db, "init", "--site", "evsc", "--location", "evsc-ev").stdout
    assert "for EVSC at EVSC-EV (writer EVSC-" in made
    kiosk(cli_env, "--db", db, "checkin", "--language", "de")
    (record,) = map(json.loads, kiosk(cli_env, "--db", db, "export").stdout.splitlines())
    assert (record["site"], record["location"]) == ("EVSC", "EVSC-EV")
    unknown = kiosk(cli_env, "--db", str(tmp_path / "x.db"), "init", "--site", "nope", rc=3)
    assert "unknown office 'NOPE'" in unknown.stderr
    assert not (tmp_path / "x.db").exists()


def _admin(cli_env: dict[str, str], tmp_path: Path) -> list[str]:
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("a long passphrase only the admin knows\n")
    kiosk(cli_env, "keys", "init-network", "--out", str(tmp_path / "admin.key"),
          "--passphrase-file", str(passphrase))
    return ["--admin-key", str(tmp_path / "admin.key"), "--passphrase-file", str(passphrase)]


def test_enroll_site_by_office_code_and_the_public_line(cli_env, tmp_path: Path) -> None:
    admin = _admin(cli_env, tmp_path)
    db = str(tmp_path / "lued.db")
    kiosk(cli_env, "--db", db, "init", "--site", "LUED")
    public = kiosk(cli_env, "--db", db, "keys", "public")
    writer = public.stderr.strip().rsplit(" ", 1)[-1]
    line = public.stdout.strip()
    assert writer.startswith("LUED-") and line.endswith("." + writer)  # the line names it
    bundle = tmp_path / "lued.bundle"

    wrong_office = kiosk(cli_env, "keys", "enroll-site", "EVSC", "--public-key", line,
                         "--out", str(bundle), *admin, rc=5)
    assert f"machine {writer}'s, of office LUED, not of office EVSC" in wrong_office.stderr
    wrong_machine = kiosk(cli_env, "keys", "enroll-site", "LUED-0000", "--public-key", line,
                          "--out", str(bundle), *admin, rc=5)
    assert f"machine {writer}'s, not LUED-0000's" in wrong_machine.stderr
    old_line = line.rsplit(".", 1)[0]
    no_writer = kiosk(cli_env, "keys", "enroll-site", "LUED", "--public-key", old_line,
                      "--out", str(bundle), *admin, rc=5)
    assert "does not name its machine" in no_writer.stderr
    assert not bundle.exists()  # nothing written on any refusal

    kiosk(cli_env, "keys", "enroll-site", "lued", "--public-key", line, "--out", str(bundle),
          *admin)
    imported = kiosk(cli_env, "--db", db, "keys", "import", str(bundle)).stdout
    assert f"imported certificate for {writer} (office LUED)" in imported


def test_enroll_site_still_takes_the_writer_id_and_the_older_line(cli_env,
                                                                  tmp_path: Path) -> None:
    admin = _admin(cli_env, tmp_path)
    db = str(tmp_path / "evsc.db")
    kiosk(cli_env, "--db", db, "init", "--site", "EVSC")
    public = kiosk(cli_env, "--db", db, "keys", "public")
    writer = public.stderr.strip().rsplit(" ", 1)[-1]
    old_line = public.stdout.strip().rsplit(".", 1)[0]
    bundle = tmp_path / "evsc.bundle"
    kiosk(cli_env, "keys", "enroll-site", writer.lower(), "--public-key", old_line,
          "--out", str(bundle), *admin)
    assert f"imported certificate for {writer}" in kiosk(cli_env, "--db", db, "keys", "import",
                                                         str(bundle)).stdout
