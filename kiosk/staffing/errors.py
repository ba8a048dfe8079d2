"""Errors of staff administration and sign-in, each with a machine-readable `code`."""

from __future__ import annotations

from kiosk.queue.errors import QueueError


class StaffError(QueueError):
    """Base of staff errors; a `QueueError` so commands map it like the queue core's."""

    code = "staff_error"


class UnknownStaff(StaffError):
    """No active staff profile with that id or name."""

    code = "unknown_staff"


class AmbiguousStaff(StaffError):
    """A name that matches several profiles; the id must be used."""

    code = "ambiguous_staff"


class WrongPin(StaffError):
    """The PIN does not match. `remaining` tries are left before the lock-out."""

    code = "wrong_pin"

    def __init__(self, remaining: int) -> None:
        self.remaining = remaining
        super().__init__(f"wrong PIN ({remaining} tries left before the profile is locked)")


class LockedOut(StaffError):
    """Too many wrong PINs: the profile is locked until `until_ms`."""

    code = "locked_out"

    def __init__(self, until_ms: int) -> None:
        self.until_ms = until_ms
        super().__init__("too many wrong PINs; the profile is locked for a few minutes")


class NotAdmin(StaffError):
    """The action needs an administrator's PIN."""

    code = "not_admin"
