"""What is said, as pieces: each piece has its text and the ids of recordings that can say it.

A recorded prompt is found by message id and language, not by text, so an office's recording
of "What is it about?" keeps working when a translator polishes a comma. Screens hand over
the translated text they show; `piece_for` finds the message id behind it (the constants in
`kiosk.i18n.messages`, and `concern.<id>` for concern labels). Ticket codes are read character
by character ("A, 0, 1, 7"), so they can be recorded as ten digits and the prefix letters.
"""

from __future__ import annotations

from functools import cache

from kiosk.i18n import messages as M
from kiosk.i18n.concerns import DEFAULT_CONCERNS
from kiosk.i18n.translator import translator
from kiosk.speech.piece import Piece

__all__ = ["Piece", "every_prompt", "message_piece", "piece_for", "ticket_code_piece"]


def message_ids() -> dict[str, str]:
    """Message id (constant name) -> msgid for every plain message of the visitor screens."""
    return {name: value for name, value in vars(M).items()
            if name.isupper() and isinstance(value, str) and name != "CONCERN_CONTEXT"}


@cache
def _ids_by_text(lang: str) -> dict[str, str]:
    t = translator(lang)
    out: dict[str, str] = {}
    for name, msgid in message_ids().items():
        if "{" not in msgid:
            out.setdefault(t.gettext(msgid), name)
    for c in DEFAULT_CONCERNS:
        out.setdefault(t.pgettext(*c.label_msgid), f"concern.{c.id}")
    return out


def piece_for(text: str, lang: str) -> Piece:
    """The piece for a text a screen shows: with its message id when it is a catalog message."""
    clean = text.strip()
    prompt_id = _ids_by_text(lang).get(clean)
    return Piece(clean, (prompt_id,) if prompt_id else ())


def message_piece(name: str, lang: str) -> Piece:
    """The piece for a message constant by name ("TAKE_SEAT") in `lang`."""
    return Piece(translator(lang).gettext(message_ids()[name]), (name,))


def ticket_code_piece(ticket: str) -> Piece:
    """A ticket code character by character: "A-017" -> "A, 0, 1, 7" (recordings char.A …)."""
    chars = [ch for ch in ticket.upper() if ch.isalnum()]
    return Piece(", ".join(chars), tuple(f"char.{ch}" for ch in chars))


def every_prompt(lang: str, prefixes: str = "AT") -> dict[str, str]:
    """Every recordable prompt of `lang`: id -> text (for `kiosk speech check` and recording).

    Messages with placeholders are left out (they carry numbers and are synthesised), the
    characters of ticket codes are in (`char.0` … `char.9`, and `char.A` … for the number
    prefixes the office uses, `queue.walk_in_prefix` and `queue.appointment_prefix`).
    """
    t = translator(lang)
    out = {name: t.gettext(msgid) for name, msgid in message_ids().items() if "{" not in msgid}
    out.update({f"concern.{c.id}": t.pgettext(*c.label_msgid) for c in DEFAULT_CONCERNS})
    out.update({f"char.{d}": d for d in "0123456789" + prefixes.upper()})
    return out
