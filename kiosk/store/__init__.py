"""The local store: peewee models on one SQLite file per site, opened by `open_store`."""

from kiosk.store.db import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
