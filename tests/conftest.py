"""Shared fixtures: the shipped config, a fresh initialised store, a context with a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.config import NetworkConfig, load_config
from kiosk.context import KioskContext, make_context
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import init_store
from tests.processes import pytest_sessionfinish  # noqa: F401  (kills what tests started)

# The apps pick their palette from the terminal's colours (kiosk/ui/theme.py): tests run as in
# the kiosk display's xterm, in truecolour, whatever terminal (or none, in CI) started pytest.
# The 16-colour tests set TERM=linux and remove this.
os.environ["COLORTERM"] = "truecolor"

BERLIN = ZoneInfo("Europe/Berlin")
#: A Tuesday morning in consulting hours, used wherever a stable clock is wanted.
FIXED_NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)
#: The python running the tests, for subprocesses.
PYTHON = sys.executable
KIOSK = str(Path(sys.executable).with_name("kiosk"))


class FakeClock:
    """A wall clock that tests move by hand."""

    def __init__(self, start: dt.datetime = FIXED_NOW) -> None:
        self.value = start

    def __call__(self) -> dt.datetime:
        return self.value

    def advance(self, **delta: float) -> None:
        self.value += dt.timedelta(**delta)


@pytest.fixture(scope="session")
def config() -> NetworkConfig:
    return load_config(DEFAULT_CONFIG)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "site.db"
    init_store(path, "EVSC", "EVSC-EV").close()
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ctx(config: NetworkConfig, store_path: Path, clock: FakeClock) -> KioskContext:
    from kiosk.store.db import open_store

    context = make_context(config, open_store(store_path), now=clock)
    yield context
    context.close()


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for `kiosk` subprocesses: no user config or data dir leaks in."""
    env = dict(os.environ)
    env.pop("KIOSK_DB", None)
    env.pop("KIOSK_CONFIG", None)
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    return env
