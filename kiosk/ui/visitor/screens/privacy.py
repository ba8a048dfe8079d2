"""The privacy notice on the visitor terminal: a short text under the name field and the
full notice behind a tile (GDPR Art. 13: told where the data is collected)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget

from kiosk.i18n import messages as M
from kiosk.privacy.notice import full_notice, short_notice
from kiosk.ui.visitor.screens.base import StepScreen, text_tile
from kiosk.ui.visitor.widgets import BidiText, Tile
from kiosk.ui.visitor.wording import Wording


def short_notice_text(wording: Wording, retention_days: int) -> BidiText:
    """The few plain words under the name field."""
    return BidiText(short_notice(wording.lang, retention_days, wording.native_digits),
                    wording, id="privacy-short")


def more_tile(wording: Wording) -> Tile:
    """The tile that opens the full notice."""
    return text_tile(wording(M.PRIVACY_MORE), wording, "privacy", id="privacy-more",
                     classes="privacy-more")


class PrivacyNoticeScreen(StepScreen):
    """The full notice: controller, purpose and legal basis, retention, rights, complaint.

    Back returns to the name, which keeps what was typed; the text scrolls where the
    terminal is small (arrow keys or the wheel once it has the focus).
    """

    def __init__(self, wording: Wording, retention_days: int) -> None:
        super().__init__(wording)
        self.retention_days = retention_days

    def compose(self) -> ComposeResult:
        w = self.wording
        yield self.title_bar(w(M.PRIVACY_TITLE))
        paragraphs = full_notice(w.lang, self.retention_days, w.native_digits)
        yield VerticalScroll(*[BidiText(p, w, classes="privacy-paragraph") for p in paragraphs],
                             id="privacy-text")
        yield self.nav_bar()

    def first_focus(self) -> Widget | None:
        return self.query_one("#back", Tile)
