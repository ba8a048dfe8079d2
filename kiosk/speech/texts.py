"""What the visitor terminal says: a screen's prompt and focused tile, and the ticket.

Built from what the screens show (already translated) and from the ticket's number, people
ahead and estimate — never from the draft, so a name cannot be spoken. Pictograms and arrows
are left out: the synthesiser would read "rightwards arrow" aloud.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from kiosk.i18n import formatting as F
from kiosk.speech.piece import Piece
from kiosk.speech.prompts import message_piece, piece_for, ticket_code_piece

_SKIPPED_CATEGORIES = {"So", "Sm", "Sk", "Cf", "Co", "Cs"}


def speakable(text: str) -> str:
    """`text` without pictograms, arrows and format marks, whitespace tidied."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in _SKIPPED_CATEGORIES)
    return " ".join(kept.split())


def screen_pieces(texts: Iterable[str], lang: str) -> list[Piece]:
    """Pieces for the texts a screen shows, in reading order (empty texts dropped)."""
    out = []
    for text in texts:
        clean = speakable(text)
        if clean:
            out.append(piece_for(clean, lang))
    return out


def ticket_pieces(ticket: str, people_ahead: int, estimate_minutes: int | None, lang: str,
                  *, appointment: bool = False, printed: bool = False) -> list[Piece]:
    """The ticket read aloud: the number character by character, people ahead, the estimate.

    Args:
        ticket: the code as shown ("A-017").
        people_ahead: visitors called before this one.
        estimate_minutes: the honest estimate, or None when the queue cannot estimate yet.
        lang: the visitor's UI language.
        appointment: the visitor checked in for an appointment.
        printed: the terminal printed the ticket ("please take your ticket").
    """
    pieces = []
    if appointment:
        pieces.append(message_piece("APPOINTMENT_CONFIRMED", lang))
    pieces += [message_piece("YOUR_NUMBER", lang), ticket_code_piece(ticket)]
    if people_ahead == 0:
        pieces.append(message_piece("NOBODY_BEFORE", lang))
    else:
        pieces.append(Piece(F.format_people_before(people_ahead, lang)))
        if estimate_minutes is None:
            pieces.append(message_piece("WAIT_UNKNOWN", lang))
        else:
            pieces.append(Piece(F.format_wait_minutes(estimate_minutes, lang)))
    if printed:
        pieces.append(message_piece("TAKE_TICKET", lang))
    pieces.append(message_piece("TAKE_SEAT", lang))
    return pieces
