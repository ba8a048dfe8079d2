"""The `kiosk` command line as an admin uses it: real subprocesses, exit codes, messages."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import KIOSK


def kiosk(env, *args, check_rc=None):
    proc = subprocess.run([KIOSK, *args], capture_output=True, text=True, env=env, timeout=120)
    if check_rc is not None:
        assert proc.returncode == check_rc, (proc.stdout, proc.stderr)
    return proc


def test_version_and_help(cli_env):
    assert kiosk(cli_env, "--version", check_rc=0).stdout.startswith("kiosk ")
    for command in ("init", "sites", "checkin", "seed", "export", "demo"):
        out = kiosk(cli_env, command, "--help", check_rc=0).stdout
        assert "usage: kiosk" in out and "--help" in out


def test_init_checkin_export_round_trip(cli_env, tmp_path):
    db = str(tmp_path / "office.db")
    kiosk(cli_env, "--db", db, "init", "--site", "LUED", check_rc=0)
    again = kiosk(cli_env, "--db", db, "init", "--site", "LUED", check_rc=4)
    assert "--force" in again.stderr
    out = kiosk(cli_env, "--db", db, "checkin", "--concern", "post", "--concern", "geld",
                "--language", "ar", "--interpreter", "ti", "--name", "Nour", "--json",
                check_rc=0).stdout
    ticket = json.loads(out)
    assert ticket["ticket"] == "A-001" and ticket["people_ahead"] == 0
    lines = kiosk(cli_env, "--db", db, "export", check_rc=0).stdout.splitlines()
    (record,) = [json.loads(line) for line in lines]
    assert record["type"] == "visit" and record["location"] == "LUED-1"
    assert record["concerns"] == ["post", "geld"] and record["interpreter_language"] == "ti"
    assert set(record["clocks"]) >= {"status", "first_name", "concerns"}


def test_seed_fills_past_days_with_all_languages(cli_env, tmp_path):
    db = str(tmp_path / "office.db")
    kiosk(cli_env, "--db", db, "init", "--site", "EVSC", check_rc=0)
    out = kiosk(cli_env, "--db", db, "seed", "--visits", "400", "--waiting", "3", "--seed", "7",
                check_rc=0).stdout
    assert "seeded 400 past visits and 3 waiting" in out
    records = [json.loads(line) for line in
               kiosk(cli_env, "--db", db, "export", check_rc=0).stdout.splitlines()]
    visits = [r for r in records if r["type"] == "visit"]
    assert len(visits) == 403
    assert len({v["day"] for v in visits}) >= 5
    assert {"ar", "fa", "de"} <= {v["language"] for v in visits}
    assert any(v["interpreter_language"] for v in visits)
    assert sum(v["status"] == "queued" for v in visits) == 3


def test_bad_input_gets_a_clear_message_and_a_documented_exit_code(cli_env, tmp_path):
    db = str(tmp_path / "office.db")
    assert "no store here" in kiosk(cli_env, "--db", db, "checkin", "--language", "de",
                                    check_rc=4).stderr
    kiosk(cli_env, "--db", db, "init", "--site", "EVSC", check_rc=0)
    bad = kiosk(cli_env, "--db", db, "checkin", "--language", "de", "--concern", "x",
                check_rc=5)
    assert "unknown concern 'x'" in bad.stderr and "Traceback" not in bad.stderr
    assert "unknown office" in kiosk(cli_env, "--db", str(tmp_path / "b.db"), "init",
                                     "--site", "NOPE", check_rc=3).stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 100)
    assert "not a kiosk store" in kiosk(cli_env, "--db", str(junk), "export", check_rc=4).stderr
    config = tmp_path / "network.toml"
    config.write_text('[network]\nid = "x"\n[[offices]]\ncode = 5\n', encoding="utf-8")
    err = kiosk(cli_env, "--config", str(config), "sites", check_rc=3).stderr
    assert "offices[0].code" in err and str(config) in err
    assert kiosk(cli_env, "seed", check_rc=2).stderr.startswith("usage:")


def test_sites_lists_the_network_and_marks_todo(cli_env):
    out = kiosk(cli_env, "sites", check_rc=0).stdout
    for code in ("BRAP", "MEHU", "HOHO", "EVSC-EV", "EVSC-LA", "LUED", "INWO", "INNO"):
        assert code in out
    assert "TODO" in out
    data = json.loads(kiosk(cli_env, "sites", "--json", check_rc=0).stdout)
    assert len(data["offices"]) == 7 and "sonstiges" in data["concerns"]


def test_demo_prepares_a_store_with_history_waiting_visitors_and_staff(cli_env, tmp_path):
    db = str(tmp_path / "demo" / "kiosk.db")
    assert "created demo store" in kiosk(cli_env, "--db", db, "demo", "--no-ui",
                                         check_rc=0).stdout
    records = [json.loads(line) for line in
               kiosk(cli_env, "--db", db, "export", check_rc=0).stdout.splitlines()]
    visits = [r for r in records if r["type"] == "visit"]
    assert len(visits) == 605 and sum(v["status"] == "queued" for v in visits) == 5
    staff = [r for r in records if r["type"] == "staff"]
    assert {s["display_name"] for s in staff} >= {"Demo Admin", "Leyla Demir"}
    assert all("pin_hash" not in s for s in staff)
    assert kiosk(cli_env, "--db", db, "demo", "--no-ui", check_rc=0).stdout == ""
