"""The words of a ticket in the visitor's language, from the same catalogs as the screen."""

from __future__ import annotations

import datetime as dt

from kiosk.i18n import formatting as F
from kiosk.i18n import messages as M
from kiosk.i18n.languages import language_info
from kiosk.i18n.translator import translator
from kiosk.printing.render import TicketContent


def ticket_content(number: str, people_ahead: int, estimate_minutes: int | None, lang: str,
                   place: str, when: dt.datetime, native_digits: bool = False
                   ) -> TicketContent:
    """What the ticket of ``number`` says: the screen's lines in ``lang`` (logical order;
    the renderer shapes and reorders), and "take a seat" in German for the staff.

    Raises:
        UnknownLanguageError: ``lang`` has no catalog.
    """
    lines = [F.format_people_before(people_ahead, lang, native_digits)]
    if people_ahead:
        lines.append(F.format_wait_minutes(estimate_minutes, lang, native_digits))
    lines.append(translator(lang).gettext(M.TAKE_SEAT))
    footer = () if lang == "de" else (translator("de").gettext(M.TAKE_SEAT),)
    return TicketContent(number=number, heading=place, stamp=when.strftime("%d.%m.%Y %H:%M"),
                         lines=tuple(lines), direction=language_info(lang).direction,
                         language=lang, footer=footer)
