"""The emergency-call banner every console shows across its full width, on every screen.

`alarm_lines` words the banner (plain Python, tested without a screen); `AlarmBanner` shows
it with an acknowledge button and asks the app — by message — to acknowledge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from kiosk.staffing.alarm import Alarm
from kiosk.ui.inert import inert
from kiosk.ui.staff.texts import clock_text

#: The keys, declared once: F12 and F8 reach the console on the Linux text console, in
#: xterm and over SSH alike, and are typed in no form field (Ctrl+E is "end of line" there).
ALARM_KEY, ACK_KEY = "f12", "f8"


def alarm_lines(alarms: Sequence[Alarm], origin: str, names: Mapping[str, str],
                tz: dt.tzinfo) -> list[Content]:
    """One line per alarm, as this console (`origin`) must see it.

    Args:
        alarms: the alarms shown now (`kiosk.staffing.alarm.current`).
        origin: this console's id: its own call reads "Ihr Notruf".
        names: staff id → display name (typed by people: shown inert).
        tz: the office's time zone.
    """
    lines = []
    for a in alarms:
        when = clock_text(a.at_ms, tz)
        where = f"Schalter {a.desk}" if a.desk else "Konsole ohne Anmeldung"
        who = inert(names.get(a.ack_staff or "", "eine Kollegin / ein Kollege"), "bold")
        acked = (Content.assemble("✓ ", who, f" kommt (bestätigt {clock_text(a.ack_at_ms, tz)}"
                                  " Uhr)") if a.ack_at_ms is not None else None)
        if a.origin == origin:
            lines.append(Content.assemble(
                (f"‼ Ihr Notruf ({when} Uhr) ist an alle Konsolen gegangen · ", "bold"),
                acked or Content("noch keine Bestätigung")))
        else:
            sender = names.get(a.staff or "")
            lines.append(Content.assemble(
                (f"‼ NOTRUF {where} · {when} Uhr", "bold"),
                *((" · ", inert(sender)) if sender else ()), " · ",
                acked or Content.assemble(("Taste F8: Ich komme", "bold"))))
    return lines


class AlarmBanner(Horizontal):
    """Full-width banner at the top of a screen; hidden while there is no alarm."""

    class Acknowledge(Message):
        """The acknowledge button was pressed."""

    def compose(self) -> ComposeResult:
        yield Static("", id="alarm-text")
        yield Button("Ich komme (F8)", id="alarm-ack", variant="error")

    def show(self, lines: Sequence[Content], open_foreign: bool) -> None:
        """Show `lines` (none: hide); the button only while someone else's call is open."""
        self.display = bool(lines)
        self.query_one("#alarm-text", Static).update(Content("\n").join(lines))
        self.query_one("#alarm-ack", Button).display = open_foreign

    @on(Button.Pressed, "#alarm-ack")
    def _ack(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Acknowledge())
