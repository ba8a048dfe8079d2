"""Desk labels for the board ("Raum 2.14" instead of "2"), kept as site settings.

The desks themselves come from the network configuration; an office only names them.
"""

from __future__ import annotations

from kiosk.config import NetworkConfig
from kiosk.queue.errors import InvalidInput
from kiosk.store.db import Store
from kiosk.store.models import Setting
from kiosk.text_rules import clean_typed_text

PREFIX = "desk_label:"
MAX_LABEL = 20


def desk_labels(store: Store, config: NetworkConfig) -> dict[str, str]:
    """Desk → label shown on the board (the desk code itself where no label is set)."""
    labels = {d: d for d in config.office(store.site).desks}
    for row in Setting.select().where(Setting.key.startswith(PREFIX)):
        desk = row.key[len(PREFIX):]
        if desk in labels and row.value:
            labels[desk] = row.value
    return labels


def set_desk_label(store: Store, config: NetworkConfig, desk: str, label: str) -> None:
    """Name a desk for the board; an empty label goes back to the desk code.

    Raises:
        InvalidInput: unknown desk, or a label that is too long or holds a control
            character (`kiosk.text_rules`).
    """
    if desk not in config.office(store.site).desks:
        raise InvalidInput("desk", "unknown", f"there is no desk {desk!r} here")
    label = clean_typed_text("label", label, MAX_LABEL)
    with store.db.atomic("IMMEDIATE"):
        if label:
            store.set_setting(PREFIX + desk, label)
        else:
            Setting.delete().where(Setting.key == PREFIX + desk).execute()
