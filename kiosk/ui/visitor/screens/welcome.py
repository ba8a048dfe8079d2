"""Step 1: the visitor taps their language, shown by its own name in its own script (no flags).

Outside consulting hours the screen says so in every language, with the next opening.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widget import Widget

from kiosk.i18n import messages as M
from kiosk.i18n.languages import endonym
from kiosk.ui.visitor.flow import OpeningStatus
from kiosk.ui.visitor.screens.base import StepScreen
from kiosk.ui.visitor.widgets import BidiText, Tile
from kiosk.ui.visitor.wording import Wording, wording_for


class WelcomeScreen(StepScreen):
    """Language tiles, and the outside-hours notice when the office is closed.

    Args:
        languages: the screen languages in the configured order.
        status: consulting hours now (and what that means for check-in).
        settings: the site's visitor settings (bidi mode, digits) for every language's text.
        place: the office's name for the header.
    """

    ASK_BEFORE_RESET = False  # it holds nothing of a visitor
    START_OVER = False

    @dataclass
    class LanguageChosen(Message):
        """The visitor tapped a language."""

        code: str

    def __init__(self, languages: tuple[str, ...], status: OpeningStatus, settings: object,
                 place: str) -> None:
        super().__init__(wording_for("de", settings))
        self.languages = languages
        self.status = status
        self.settings = settings
        self.place = place
        self.set_class(not status.open, "closed")

    async def show_status(self, status: OpeningStatus) -> None:
        """Show the current consulting-hours status (rebuilds the screen when it changed).

        Either way the focus goes back to where a fresh screen has it, the first language,
        so the tile the last visitor tapped does not stay highlighted.
        """
        if status != self.status:
            self.status = status
            self.set_class(not status.open, "closed")
            await self.recompose()
        self.set_focus(None)
        self.set_focus(self.first_focus())

    def compose(self) -> ComposeResult:
        yield Widget(BidiText(self.place, self.wording, id="place"), id="welcome-header")
        tiles = [self._language_tile(code) for code in self.languages]
        yield Grid(*tiles, id="languages")
        if not self.status.open:
            yield Vertical(*self._closed_notices(), id="closed-notices")

    def _language_tile(self, code: str) -> Tile:
        """The language's own name, and under it "Welcome" in that language."""
        w = wording_for(code, self.settings)
        return Tile(BidiText(endonym(code), w, classes="tile-text"),
                    BidiText(w(M.WELCOME), w, classes="tile-note"),
                    value=code, id=f"lang-{code}", classes="language")

    def _closed_notices(self) -> list[Widget]:
        notices: list[Widget] = []
        after = M.CLOSED_CHECKIN_ALLOWED if self.status.checkin_allowed else \
            M.CLOSED_CHECKIN_REFUSED
        for code in self.languages:
            w: Wording = wording_for(code, self.settings)
            parts = [w(M.CLOSED_NOW)]
            if self.status.next_opening is not None:
                parts.append(w.next_opening(self.status.next_opening))
            parts.append(w(after))
            notices.append(BidiText(" — ".join(parts), w, classes="closed-notice"))
        return notices

    def tile_pressed(self, tile: Tile) -> None:
        self.post_message(self.LanguageChosen(tile.value))
