"""The systemd units as an admin installs them: rendered for a prefix, checked by systemd."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).parents[2] / "deploy"
UNITS = sorted(p.name for p in (DEPLOY / "systemd").iterdir())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("units")
    subprocess.run([str(DEPLOY / "install-units.sh"), sys.prefix, str(out / "data"), str(out)],
                   check=True, capture_output=True)
    return out


def test_every_unit_is_rendered_without_placeholders(rendered):
    assert UNITS, "no units shipped"
    for name in UNITS:
        text = (rendered / name).read_text()
        assert "@PREFIX@" not in text and "@DATA@" not in text


@pytest.mark.parametrize("name", UNITS)
def test_systemd_analyze_verify_accepts_the_unit(rendered, name):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is needed (CI installs systemd)"
    proc = subprocess.run([analyze, "verify", str(rendered / name)], capture_output=True,
                          text=True, timeout=120)
    complaints = [line for line in (proc.stdout + proc.stderr).splitlines() if name in line]
    assert proc.returncode == 0 and not complaints, proc.stdout + proc.stderr


def test_units_keep_the_kiosk_unprivileged_and_the_server_hardened(rendered):
    visitor = (rendered / "kiosk-visitor.service").read_text()
    assert "User=kiosk" in visitor and "Restart=always" in visitor
    server = (rendered / "sync-server.service").read_text()
    for setting in ("DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes",
                    "PrivateTmp=yes", "StateDirectory="):
        assert setting in server
    timer = (rendered / "kiosk-sync.timer").read_text()
    assert "OnCalendar=*-*-* 02:00:00" in timer and "Persistent=true" in timer
