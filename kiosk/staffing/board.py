"""What the waiting-room board shows: recent calls as numbers and desks, and when to ring.

Only `QueueService.recent_calls()` feeds it, which returns ticket numbers and desks and
nothing else, so a visitor's name cannot reach the board by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.context import KioskContext
from kiosk.staffing.desks import desk_labels

#: Lines on the board: the newest large, the others below.
BOARD_LINES = 7


@dataclass(frozen=True)
class BoardLine:
    """One called number and where to go."""

    ticket: str
    desk: str
    called_at: int
    language: str = ""
    """The visitor's screen language, for the spoken announcement only (never shown)."""


class BoardFeed:
    """Reads the latest calls and tells which are new since the last read (to ring)."""

    def __init__(self, ctx: KioskContext, lines: int = BOARD_LINES) -> None:
        self.ctx = ctx
        self.lines = lines
        self._seen: set[tuple[str, int]] | None = None

    def read(self) -> tuple[list[BoardLine], list[BoardLine]]:
        """(lines to show, newest first; lines that are new calls since the last read).

        A recall counts as a new call (it rings again). The first read rings for nothing:
        a restarted board must not chime for calls it already showed.
        """
        labels = desk_labels(self.ctx.store, self.ctx.config)
        calls = self.ctx.queue.recent_calls(self.lines)
        lines = [BoardLine(c.ticket, labels.get(c.desk, c.desk), c.called_at, c.language)
                 for c in calls]
        keys = {(line.ticket, line.called_at) for line in lines}
        if self._seen is None:
            new: list[BoardLine] = []
            self._seen = keys
        else:
            new = [line for line in lines if (line.ticket, line.called_at) not in self._seen]
            self._seen |= keys
        return lines, new
