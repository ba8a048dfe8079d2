"""What one sync run reports, and how it shows progress: the client itself never prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class Progress(Protocol):
    """What the command line shows (a rich progress bar in ``kiosk sync``)."""

    def phase(self, name: str, total: int | None) -> None: ...

    def advance(self, n: int) -> None: ...


@dataclass
class SyncReport:
    """Counts of one run, for the summary line, ``--json`` and the exit code."""

    pushed: int = 0
    pulled: int = 0
    merged: int = 0
    unchanged: int = 0
    quarantined: int = 0
    released: int = 0
    held: int = 0
    """Erasures held back as a mass erasure (``kiosk erasures list``)."""
    conflicts: int = 0
    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    epoch_resets: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
