"""The last release before office scopes, unpacked from a shipped archive, and how to run its
commands (on this checkout's virtual environment, its own tree imported first)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
OLD_RELEASE = "9357a41"
"""The last release before office scopes."""
FIXTURE = ROOT / "tests" / "fixtures" / f"release-{OLD_RELEASE}.tar.gz"


def unpack(target: Path) -> Path:
    """The old release's ``kiosk`` and ``sync_server`` packages, unpacked into ``target``.

    Shipped as ``tests/fixtures/release-9357a41.tar.gz`` (made with ``git archive
    --format=tar.gz 9357a41 kiosk sync_server``), so the test needs no git history: CI's and
    a shallow clone's checkouts run it as well.
    """
    subprocess.run(["tar", "-xzf", str(FIXTURE), "-C", str(target)], check=True, timeout=120)
    return target


def command(program: str) -> list[str]:
    """``kiosk`` or ``sync_server`` of the old release; run it with ``PYTHONPATH`` set to the
    unpacked tree and a working directory outside this checkout."""
    return [str(Path(sys.executable).parent / "python"), "-m", program]
