"""One call for the visitor terminal and the commands: words → image → printer."""

from __future__ import annotations

import datetime as dt

from kiosk.config import PrinterSettings
from kiosk.printing.render import render_ticket
from kiosk.printing.ticket import ticket_content
from kiosk.printing.transport import send_image


def print_ticket(settings: PrinterSettings, number: str, people_ahead: int,
                 estimate_minutes: int | None, lang: str, place: str, when: dt.datetime,
                 native_digits: bool = False) -> None:
    """Render the ticket in ``lang`` at the printer's width and print it.

    Raises:
        PrinterError: the printer is not configured, missing or refuses (one-line message).
    """
    content = ticket_content(number, people_ahead, estimate_minutes, lang, place, when,
                             native_digits)
    send_image(render_ticket(content, settings.width), settings)
