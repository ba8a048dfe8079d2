"""Fixtures for the visitor terminal: contexts on a fixed clock, optionally a closed site."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import NetworkConfig
from kiosk.context import KioskContext, make_context
from kiosk.store.db import init_store
from tests.conftest import FakeClock


def context_for(config: NetworkConfig, path: Path, clock: FakeClock, *, site: str = "EVSC",
                location: str = "EVSC-EV", **visitor: object) -> KioskContext:
    """A context on a fresh store, with visitor settings replaced as given."""
    if visitor:
        config = dataclasses.replace(
            config, visitor=dataclasses.replace(config.visitor, **visitor))
    return make_context(config, init_store(path, site, location), now=clock)


@pytest.fixture
def make_ctx(config: NetworkConfig, tmp_path: Path, clock: FakeClock
             ) -> Iterator[object]:
    """Build contexts with other visitor settings or another site; closed at the end."""
    opened: list[KioskContext] = []

    def build(**kwargs: object) -> KioskContext:
        ctx = context_for(config, tmp_path / f"site{len(opened)}.db", clock, **kwargs)
        opened.append(ctx)
        return ctx

    yield build
    for ctx in opened:
        ctx.close()
