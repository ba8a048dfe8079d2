"""The end of the flow: the ticket (then back to the welcome screen), or "we are closed"."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.message import Message

from kiosk.i18n import messages as M
from kiosk.ui.visitor.flow import TicketView
from kiosk.ui.visitor.screens.base import StepScreen
from kiosk.ui.visitor.widgets import BidiText, TicketNumber, Tile
from kiosk.ui.visitor.wording import Wording


class TicketScreen(StepScreen):
    """The number very large, people before, an honest estimate, "please take a seat".

    Args:
        wording: the visitor's language.
        view: the ticket as the queue core issued it.
        show_seconds: after this the app returns to the welcome screen by itself.
        printed: the terminal prints the ticket too, so the visitor is asked to take it.
    """

    ASK_BEFORE_RESET = False  # it returns to the welcome screen by itself
    START_OVER = False

    class Done(Message):
        """The visitor is finished (tapped, or the ticket was shown long enough)."""

    def __init__(self, wording: Wording, view: TicketView, show_seconds: float,
                 printed: bool = False) -> None:
        super().__init__(wording)
        self.view = view
        self.show_seconds = show_seconds
        self.printed = printed

    def compose(self) -> ComposeResult:
        w, v = self.wording, self.view
        lines = []
        if v.appointment:
            lines.append(BidiText(w(M.APPOINTMENT_CONFIRMED), w, id="confirmed"))
        lines.append(BidiText(w(M.YOUR_NUMBER), w, id="your-number"))
        yield Vertical(
            *lines,
            Center(TicketNumber(v.ticket, id="ticket")),
            BidiText(w.people_before(v.people_ahead), w, id="people"),
            BidiText(self._wait_text(), w, id="wait"),
            *([BidiText(w(M.TAKE_TICKET), w, id="take-ticket")] if self.printed else []),
            BidiText(w(M.TAKE_SEAT), w, id="take-seat"),
            id="ticket-card")
        yield Center(Tile(BidiText(f"✓ {w(M.THANK_YOU)}", w, classes="tile-text"),
                          value="done", id="done", classes="nav primary"), id="done-row")

    def print_failed(self) -> None:
        """The printer failed: ask the visitor to remember the number instead."""
        for line in self.query("#take-ticket").results(BidiText):
            line.update(self.wording(M.PRINT_FAILED))
            line.add_class("print-failed")

    def _wait_text(self) -> str:
        w, v = self.wording, self.view
        if v.people_ahead == 0:
            return ""
        return w.wait(v.estimate_minutes)

    def on_mount(self) -> None:
        self.set_timer(self.show_seconds, self._done)

    def prompt_texts(self) -> list[str]:
        """The card as shown; the app reads the ticket itself (digit by digit)."""
        return [w.text for w in self.query("#ticket-card BidiText").results(BidiText)]

    def _done(self) -> None:
        self.post_message(self.Done())

    def action_back(self) -> None:
        """Esc or Backspace on the ticket: the check-in is done, so it starts over."""
        self._done()

    def tile_pressed(self, tile: Tile) -> None:
        self._done()


class ClosedScreen(StepScreen):
    """Outside consulting hours when the site does not allow check-in: when to come back."""

    ASK_BEFORE_RESET = False  # nothing typed or chosen to keep
    START_OVER = False  # Back is the start here

    def __init__(self, wording: Wording, next_opening: dt.datetime | None) -> None:
        super().__init__(wording)
        self.next_opening = next_opening

    def compose(self) -> ComposeResult:
        w = self.wording
        parts = [BidiText(w(M.CLOSED_NOW), w, id="closed-title")]
        if self.next_opening is not None:
            parts.append(BidiText(w.next_opening(self.next_opening), w, id="next-opening"))
        parts.append(BidiText(w(M.CLOSED_CHECKIN_REFUSED), w, id="come-back"))
        parts.append(BidiText(w(M.HELP_DESK), w, id="help"))
        yield Vertical(*parts, id="closed-card")
        yield self.nav_bar()

    def prompt_texts(self) -> list[str]:
        """The notice: closed, when we open, come back, ask at the desk."""
        return [w.text for w in self.query("#closed-card BidiText").results(BidiText)]
