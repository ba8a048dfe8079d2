"""Leaving visitor mode: a PIN of any active staff profile at this site unlocks the terminal.

No Textual here. The check runs the staff helper's salted scrypt verification (constant-time
compare) against every active, not locked-out profile, because a visitor terminal has no
name field; every attempt is audited with codes only, never the PIN.
"""

from __future__ import annotations

from kiosk.staffing.audit import record_action
from kiosk.staffing.pins import verify_pin
from kiosk.store.db import Store
from kiosk.store.models import Staff


def unlock_staff(store: Store, pin: str, now_ms: int) -> str | None:
    """The id of the active staff member whose PIN this is, or None (also for garbage).

    Args:
        store: the site store (profiles are local to the site).
        pin: what was typed.
        now_ms: the current time, for lock-outs and the audit log.
    """
    if not (pin.isascii() and pin.strip().isdigit()):
        record_action(now_ms, None, "visitor_exit_failed")
        return None
    rows = list(Staff.select().where((Staff.active == True)  # noqa: E712
                                     & (Staff.locked_until <= now_ms)))
    for row in rows:
        if verify_pin(pin, row.pin_hash):
            record_action(now_ms, row.id, "visitor_exit")
            return row.id
    record_action(now_ms, None, "visitor_exit_failed")
    return None
