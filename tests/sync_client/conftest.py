"""The end-to-end tier's fixtures (a network, a real server on loopback, enrolled sites) for
the client tests that need a real server."""

from tests.e2e_sync.conftest import make_site, network, server

__all__ = ["make_site", "network", "server"]
