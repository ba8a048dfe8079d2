"""Fixtures: a network, a real server process on loopback, and enrolled sites."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.config import NetworkConfig
from tests.e2e_sync.harness import Network, Server, Site

OFFICE = "EVSC"
"""Machines made without naming an office all belong to this one: they share its scope, so
they hold the same records (what the sync's mechanics are tested on). Tests of office scopes
name other offices."""


@pytest.fixture()
def network() -> Network:
    return Network()


@pytest.fixture()
def server(tmp_path: Path, network: Network) -> Iterator[Server]:
    (tmp_path / "srv").mkdir()
    srv = Server(tmp_path / "srv", network.admin.root_line()).start()
    yield srv
    srv.stop()


@pytest.fixture()
def make_site(tmp_path: Path, network: Network, server: Server,
              config: NetworkConfig) -> Iterator[Callable[[str], Site]]:
    sites: list[Site] = []

    def make(office: str | None = None) -> Site:
        site = Site(tmp_path, office or OFFICE, network, server, config)
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.close()
