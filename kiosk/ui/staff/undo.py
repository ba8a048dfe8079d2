"""Taking a destructive action back for a few seconds, with one key (`r`) on the screen.

A confirmation catches the wrong key; an undo catches the right key on the wrong row, which
people notice a moment after pressing it. Screens mix this in, declare
`Binding("r", "undo", …)` and hand `offer_undo` the function that reverses what they did.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: How long an action can be taken back.
UNDO_SECONDS = 10.0


class UndoOffer:
    """Mixin for a `Screen`: one reversible action at a time, for `UNDO_SECONDS`."""

    _undo: tuple[Callable[[], object], float] | None = None

    def offer_undo(self, reverse: Callable[[], object]) -> None:
        """Let `r` run `reverse` (in the screen's worker) until the time is up."""
        self._undo = (reverse, time.monotonic() + UNDO_SECONDS)
        self.set_timer(UNDO_SECONDS, self._undo_expired)
        self.refresh_bindings()

    def _undo_expired(self) -> None:
        if self._undo and time.monotonic() >= self._undo[1]:
            self._undo = None
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self._undo is not None
        return True

    def action_undo(self) -> None:
        offer, self._undo = self._undo, None
        self.refresh_bindings()
        if offer is not None and time.monotonic() < offer[1]:
            self.run_undo(offer[0])

    def run_undo(self, reverse: Callable[[], object]) -> None:
        """Run `reverse` the way the screen runs its actions (each screen provides it)."""
        raise NotImplementedError
