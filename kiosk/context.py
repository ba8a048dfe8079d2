"""One factory that opens everything a kiosk program needs; the CLI and the tests use it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import NetworkConfig, load_config
from kiosk.paths import resolve_config, resolve_db
from kiosk.queue.appointments import Appointments
from kiosk.queue.service import QueueService
from kiosk.store.db import Store, open_store


@dataclass
class KioskContext:
    """The open store, the configuration and the services built on them."""

    config: NetworkConfig
    store: Store
    queue: QueueService
    appointments: Appointments

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KioskContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_context(config: NetworkConfig, store: Store,
                 now: Callable[[], dt.datetime] | None = None) -> KioskContext:
    """Build the services over an already open store."""
    queue = QueueService(store, config, now=now)
    return KioskContext(config, store, queue, Appointments(queue))


def open_context(config_path: str | os.PathLike[str] | None = None,
                 db_path: str | os.PathLike[str] | None = None,
                 now: Callable[[], dt.datetime] | None = None) -> KioskContext:
    """Load the config and open the store from flags, environment or platform defaults.

    Raises:
        ConfigError: the configuration cannot be used.
        StoreError: the store is missing, foreign, damaged or too new.
    """
    config = load_config(resolve_config(config_path))
    store = open_store(Path(resolve_db(db_path)))
    return make_context(config, store, now)
