"""ESC/POS tickets for a receipt printer, when the site has one (`visitor.ticket_printer`).

No Textual here. The ticket carries the number, the place, date and time, and the "take a
seat" line in German and (when the printer's code page can print it) in the visitor's
language; never a name or a concern, because tickets get left on chairs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"
#: Code page 19 = PC858 (Western European with €), which thermal printers ship with.
CODEPAGE = ESC + b"t\x13"
CENTER = ESC + b"a\x01"
BIG = GS + b"!\x33"
NORMAL = GS + b"!\x00"
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
FEED_CUT = ESC + b"d\x04" + GS + b"V\x42\x00"
ENCODING = "cp858"


def _printable(text: str) -> bytes | None:
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError:
        return None


def escpos_ticket(ticket: str, place: str, when: dt.datetime, lines: list[str]) -> bytes:
    """The bytes of one ticket.

    Args:
        ticket: the ticket code, printed very large.
        place: the office and location name.
        when: the check-in time (local).
        lines: sentences to print under the number; those the printer's code page cannot
            print (Arabic, Persian, Cyrillic on PC858) are left out rather than garbled.
    """
    out = [INIT, CODEPAGE, CENTER, BOLD_ON, _printable(place) or b"lokal willkommen",
           BOLD_OFF, b"\n", when.strftime("%d.%m.%Y %H:%M").encode(), b"\n\n",
           BIG, ticket.encode("ascii", "replace"), NORMAL, b"\n\n"]
    for line in lines:
        encoded = _printable(line)
        if encoded is not None:
            out += [encoded, b"\n"]
    out.append(FEED_CUT)
    return b"".join(out)


def send_to_printer(device: str | Path, data: bytes) -> None:
    """Write the ticket to the printer device (e.g. /dev/usb/lp0).

    Raises:
        OSError: the printer is missing or refuses the data.
    """
    with open(device, "ab", buffering=0) as handle:
        handle.write(data)
