"""Staff only: the PIN prompt that leaves visitor mode (German: staff read it, not visitors)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from kiosk.ui.visitor.screens.base import text_tile
from kiosk.ui.visitor.widgets import Tile
from kiosk.ui.visitor.wording import Wording


class StaffPinScreen(ModalScreen[str | None]):
    """Ask for a staff PIN; dismisses with the PIN typed, or None when cancelled.

    The app checks the PIN off the UI thread; a wrong one simply closes the prompt.
    """

    def __init__(self, wording: Wording) -> None:
        super().__init__()
        self.wording = wording

    def compose(self) -> ComposeResult:
        yield Vertical(
            Label("Personal: Besuchermodus verlassen", id="pin-title"),
            Label("Bitte PIN eingeben.", id="pin-hint"),
            Input(password=True, max_length=12, id="pin"),
            Label("", id="pin-problem"),
            Horizontal(text_tile("Abbrechen", self.wording, "cancel", id="pin-cancel",
                                 classes="nav")),
            id="pin-card")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value
        event.input.value = ""
        self.dismiss(value)

    def on_tile_pressed(self, event: Tile.Pressed) -> None:
        event.stop()
        self.dismiss(None)
