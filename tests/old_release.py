"""The last release before office scopes, unpacked from this repository's history, and how to
run its commands (on this checkout's virtual environment, its own tree imported first)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
OLD_RELEASE = "9357a41"
"""The last release before office scopes."""


def unpack(target: Path) -> Path:
    """``git archive`` of ``OLD_RELEASE`` into ``target``; skips the test in a checkout that
    lacks the commit (a shallow clone)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", OLD_RELEASE],
                             capture_output=True, timeout=120)
    if archive.returncode != 0:
        pytest.skip(f"this checkout lacks the old release {OLD_RELEASE} (shallow clone?)")
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def command(program: str) -> list[str]:
    """``kiosk`` or ``sync_server`` of the old release; run it with ``PYTHONPATH`` set to the
    unpacked tree and a working directory outside this checkout."""
    return [str(Path(sys.executable).parent / "python"), "-m", program]
