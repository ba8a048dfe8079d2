"""Every process a test starts, stopped whatever happens.

Tests start servers, consoles, proxies and workers as real processes. Each is started in its
own session (so it and its children form one process group) through `spawn`, which remembers
the group; at the end of the pytest session (every xdist worker has its own) and at interpreter
exit, every group still alive is killed. A fixture that fails half-way through its set-up can
then not leave a `sync-server serve` running after pytest has ended.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
from typing import Any

_groups: dict[int, subprocess.Popen] = {}


def spawn(args: list[str], **kwargs: Any) -> subprocess.Popen:
    """`subprocess.Popen` in a new process group that is killed at the end of the session."""
    kwargs["start_new_session"] = True
    proc = subprocess.Popen(args, **kwargs)
    _groups[proc.pid] = proc
    return proc


def reap() -> list[int]:
    """Kill every remembered process group that is still alive; the pids that were."""
    killed = []
    for pgid, proc in list(_groups.items()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
            if proc.poll() is None:
                killed.append(pgid)
        with contextlib.suppress(subprocess.TimeoutExpired, ChildProcessError):
            proc.wait(timeout=10)
        _groups.pop(pgid, None)
    return killed


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """pytest hook (re-exported by tests/conftest.py): nothing outlives the session."""
    reap()


atexit.register(reap)
