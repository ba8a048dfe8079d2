"""Fixtures: one network, and one real server process per storage engine (SQLite, PostgreSQL)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from server_harness import Client, Network, PgDatabase, ServerProcess, site_code


@pytest.fixture(scope="session")
def network() -> Network:
    return Network()


def _database_url(kind: str, tmp: Path) -> tuple[str, PgDatabase | None]:
    if kind == "postgres":
        pg = PgDatabase()
        return pg.url, pg
    return f"sqlite:///{tmp / 'server.sqlite3'}", None


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, network: Network,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A trusted server shared by the API tests of one engine (tests use fresh site codes)."""
    tmp = tmp_path_factory.mktemp(f"server-{request.param}")
    url, pg = _database_url(request.param, tmp)
    proc = ServerProcess(url, tmp / "state")
    done = proc.cli("trust", network.root_line)
    assert done.returncode == 0, done.stderr
    proc.start()
    yield proc
    proc.stop()
    if pg is not None:
        pg.drop()


@pytest.fixture()
def enrolled(server: ServerProcess, network: Network):
    """Factory: a freshly enrolled machine and its client. Every machine of one test belongs
    to one office of its own (they share its scope) unless another office is named."""
    office = site_code()

    def make(of: str | None = None) -> Client:
        client = Client(server.base, network.site(office=of or office))
        answer = client.enroll()
        assert answer.status_code == 200, answer.text
        return client

    return make
