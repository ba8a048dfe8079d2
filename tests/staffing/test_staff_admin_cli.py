"""`kiosk staff-admin …` as an admin would script it: real processes, exit codes, messages."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import KIOSK


@pytest.fixture
def kiosk(store_path, cli_env):
    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([KIOSK, "--db", str(store_path), *args], input=stdin,
                              capture_output=True, text=True, env=cli_env, timeout=60)
    return run


def test_add_list_update_deactivate_staff(kiosk, tmp_path):
    pin = tmp_path / "pin"
    pin.write_text("4711\n")
    r = kiosk("staff-admin", "add-staff", "Reza Ahmadi", "--languages", "de,fa", "--desk", "2",
              "--admin", "--pin-file", str(pin))
    assert r.returncode == 0, r.stderr
    assert "added reza-ahmadi" in r.stdout and "4711" not in r.stdout + r.stderr
    r = kiosk("staff-admin", "update-staff", "reza-ahmadi", "--desk", "3", "--languages", "de")
    assert r.returncode == 0 and "desk 3" in r.stdout
    listing = json.loads(kiosk("staff-admin", "list-staff", "--json").stdout)
    assert listing == [{"id": "reza-ahmadi", "display_name": "Reza Ahmadi", "languages": ["de"],
                        "desk": "3", "is_admin": True, "active": True}]
    assert kiosk("staff-admin", "deactivate", "Reza Ahmadi").returncode == 0
    assert json.loads(kiosk("staff-admin", "list-staff", "--json").stdout) == []
    actions = kiosk("staff-admin", "audit").stdout
    assert "staff_add" in actions and "staff_deactivate" in actions


def test_bad_input_gives_clear_errors_and_non_zero_exits(kiosk, tmp_path):
    pin = tmp_path / "pin"
    pin.write_text("12\n")
    r = kiosk("staff-admin", "add-staff", "X", "--languages", "de", "--pin-file", str(pin))
    assert r.returncode == 5 and "PIN has 4 to 12 digits" in r.stderr
    r = kiosk("staff-admin", "add-staff", "X", "--languages", "de")  # no tty, no file
    assert r.returncode == 5 and "--pin-file" in r.stderr
    pin.write_text("1234\n")
    r = kiosk("staff-admin", "add-staff", "X", "--languages", "de", "--desk", "9",
              "--pin-file", str(pin))
    assert r.returncode == 5 and "no desk '9'" in r.stderr
    r = kiosk("staff-admin", "set-pin", "nobody", "--pin-file", str(pin))
    assert r.returncode == 1 and "no staff profile 'nobody'" in r.stderr
    r = kiosk("staff-admin", "add-mediator", "M", "--languages", "ti", "--weekdays", "someday")
    assert r.returncode == 5 and "weekdays" in r.stderr
    r = kiosk("staff-admin", "retire-mediator", "nope")
    assert r.returncode == 1
    r = kiosk("staff-admin", "add-staff", "X", "--languages", "de", "--pin", "1234")
    assert r.returncode == 2  # a PIN is never an argument


def test_mediators_and_desk_labels(kiosk):
    r = kiosk("staff-admin", "add-mediator", "Selam", "--languages", "ti,am",
              "--weekdays", "Di,Donnerstag", "--contact", "0171 000")
    assert r.returncode == 0, r.stderr
    [m] = json.loads(kiosk("staff-admin", "list-mediators", "--language", "ti", "--json").stdout)
    assert m["weekdays"] == ["tue", "thu"] and m["languages"] == ["am", "ti"]
    assert kiosk("staff-admin", "retire-mediator", m["id"]).returncode == 0
    assert json.loads(kiosk("staff-admin", "list-mediators", "--json").stdout) == []
    assert kiosk("staff-admin", "set-desk-label", "2", "Raum 2.14").returncode == 0
    assert "Raum 2.14" in kiosk("staff-admin", "list-desks").stdout
    assert kiosk("staff-admin", "set-desk-label", "7", "X").returncode == 5
