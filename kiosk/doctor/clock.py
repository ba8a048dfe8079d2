"""Is the clock synchronised? The sync signs requests with a timestamp the server accepts
within minutes, and every record's clock and every ticket day start from the wall clock."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from kiosk.doctor.report import Finding, Status

HOW_TO_SYNC = ("enable time synchronisation: `timedatectl set-ntp true` (systemd-timesyncd) "
               "or install chrony; then `timedatectl timesync-status`")


def timedatectl_ntp_synchronized() -> str | None:
    """``yes``/``no`` from timedatectl, or None when it cannot answer (no systemd here)."""
    try:
        done = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    answer = done.stdout.strip()
    return answer if done.returncode == 0 and answer in ("yes", "no") else None


def check_clock(root: Path = Path("/"),
                ask: Callable[[], str | None] = timedatectl_ntp_synchronized) -> Finding:
    """Ask timedatectl (only when ``root`` is this system), else look for timesyncd's flag."""
    answer = ask() if root == Path("/") else None
    if answer == "yes":
        return Finding("clock", Status.OK, "the clock is synchronised (NTP)")
    if answer == "no":
        return Finding("clock", Status.FAIL, "the clock is not synchronised", HOW_TO_SYNC)
    if (root / "run" / "systemd" / "timesync" / "synchronized").exists():
        return Finding("clock", Status.OK, "the clock is synchronised (systemd-timesyncd)")
    return Finding("clock", Status.WARN,
                   "cannot tell whether the clock is synchronised (no answer from "
                   "timedatectl, no systemd-timesyncd flag)", HOW_TO_SYNC)
