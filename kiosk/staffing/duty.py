"""Who is on duty now: each signed-in console keeps a heartbeat in the store.

The console writes `duty:<staff id>` = the time of its last heartbeat at sign-in and every few
minutes; sign-out removes it. A console that crashed simply stops beating and drops out after
`STALE_MINUTES`, so "nobody on duty speaks Tigrinya" stays true to the room.
"""

from __future__ import annotations

from kiosk.store.db import Store
from kiosk.store.models import Setting

PREFIX = "duty:"
#: How often a console renews its heartbeat, and when a silent one stops counting.
HEARTBEAT_MINUTES = 5
STALE_MINUTES = 15


def sign_on(store: Store, staff_id: str, now_ms: int) -> None:
    """Record (or renew) that `staff_id` is at a console now."""
    with store.db.atomic("IMMEDIATE"):
        store.set_setting(PREFIX + staff_id, str(now_ms))


def sign_off(store: Store, staff_id: str) -> None:
    """The staff member left the console."""
    with store.db.atomic("IMMEDIATE"):
        Setting.delete().where(Setting.key == PREFIX + staff_id).execute()


def beat_of(staff_id: str) -> int | None:
    """When `staff_id`'s console last beat (ms), None if it is not signed in."""
    row = Setting.get_or_none(Setting.key == PREFIX + staff_id)
    try:
        return int(row.value) if row else None
    except ValueError:
        return None


def on_duty(now_ms: int) -> list[str]:
    """Ids of staff whose console beat within the last `STALE_MINUTES`."""
    since = now_ms - STALE_MINUTES * 60_000
    out = []
    for row in Setting.select().where(Setting.key.startswith(PREFIX)):
        try:
            beat = int(row.value)
        except ValueError:
            continue
        if beat >= since:
            out.append(row.key[len(PREFIX):])
    return sorted(out)
