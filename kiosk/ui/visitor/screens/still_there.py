"""Before the idle reset: "Are you still there?", the seconds left, and a big "Yes".

A tap anywhere or any key counts as "yes": the notice closes and the visitor carries on where
they were. The app counts the seconds (`show_seconds`, attributes down) and resets when they
run out; this screen only shows them.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import ModalScreen

from kiosk.i18n import messages as M
from kiosk.ui.visitor.screens.base import text_tile
from kiosk.ui.visitor.widgets import BidiText, Tile
from kiosk.ui.visitor.wording import Wording


class StillThereScreen(ModalScreen[None]):
    """The idle notice over the visitor's step.

    Args:
        wording: the visitor's language.
        seconds: the seconds left when it appears.
    """

    def __init__(self, wording: Wording, seconds: int) -> None:
        super().__init__()
        self.wording = wording
        self.seconds = seconds
        self._answered = False
        self.set_class(wording.rtl, "rtl")

    def compose(self) -> ComposeResult:
        w = self.wording
        yield Vertical(
            BidiText(w(M.IDLE_TITLE), w, id="idle-title"),
            BidiText(w.idle_countdown(self.seconds), w, id="idle-countdown"),
            BidiText(w(M.IDLE_TAP), w, id="idle-tap"),
            Center(text_tile(f"✓ {w(M.IDLE_YES)}", w, "yes", id="idle-yes",
                             classes="nav primary")),
            id="idle-card")

    def on_mount(self) -> None:
        self.query_one("#idle-yes").focus()

    def show_seconds(self, seconds: int) -> None:
        """Show the seconds left before the reset."""
        if seconds != self.seconds:
            self.seconds = seconds
            self.query_one("#idle-countdown", BidiText).update(
                self.wording.idle_countdown(seconds))

    def _answer(self) -> None:
        """Close once, however many taps and keys arrive together."""
        if not self._answered:
            self._answered = True
            self.dismiss(None)

    def on_tile_pressed(self, event: Tile.Pressed) -> None:
        event.stop()
        self._answer()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self._answer()

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self._answer()
