"""The sample tickets the reference renders were made from (fixed, so renders repeat)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.printing.render import TicketContent
from kiosk.printing.ticket import ticket_content

REFERENCES = Path(__file__).parent / "references"
WHEN = dt.datetime(2026, 11, 30, 9, 14)
PLACE = "Eving · Nordmarkt"
#: No Tigrinya catalog exists yet; the terminal's interpreter list names ትግርኛ, and a
#: Tigrinya line must print as well as any other ("please take a seat", "3 people ahead").
TIGRINYA = TicketContent(number="A-017", heading=PLACE, stamp="30.11.2026 09:14",
                         lines=("ቅድሜኹም 3 ሰባት ይጽበዩ ኣለዉ።", "በጃኹም ኮፍ በሉ።"),
                         direction="ltr", language="ti",
                         footer=("Bitte nehmen Sie Platz.",))


def sample(lang: str) -> TicketContent:
    """The sample ticket in ``lang`` (ar, fa, uk from the catalogs; ti as above)."""
    if lang == "ti":
        return TIGRINYA
    return ticket_content("A-017", 3, 20, lang, PLACE, WHEN)


LANGS = ("ar", "fa", "uk", "ti")
WIDTHS = {"ar": 576, "fa": 576, "uk": 576, "ti": 384}
"""Both paper widths are covered: 80 mm (576 dots) and 58 mm (384)."""
