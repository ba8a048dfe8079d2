"""The one error a printer fault becomes, so the kiosk and the commands word it once."""

from __future__ import annotations


class PrinterError(Exception):
    """The ticket could not be printed; the message names the printer and the fault.

    Attributes:
        code: machine-readable reason: "unreachable", "device", "font", "config".
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
