"""Errors of the queue core: each has a machine-readable `code` and a message for people.

Screens translate the code into the visitor's language; commands print the message and
exit non-zero; nothing is half-written, because every operation is one transaction.
"""

from __future__ import annotations

from kiosk.errors import EXIT_INVALID, KioskError


class QueueError(KioskError):
    """Base of every queue-core error."""

    code = "queue_error"


class InvalidInput(QueueError):
    """A value a person typed or picked that cannot be accepted."""

    code = "invalid_input"
    exit_code = EXIT_INVALID

    def __init__(self, field: str, reason: str, message: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(message)

    def describe(self) -> str:
        return f"invalid {self.field}: {self}"


class NotFound(QueueError):
    code = "not_found"


class AppointmentNotFound(NotFound):
    """The appointment code is unknown here today (or already used or cancelled)."""

    code = "appointment_not_found"


class DoubleBooking(QueueError):
    """The desk already has an appointment at that time."""

    code = "double_booking"


class Closed(QueueError):
    """Check-in outside consulting hours while the site refuses it."""

    code = "closed"
