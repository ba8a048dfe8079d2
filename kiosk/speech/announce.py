"""Called numbers announced in the waiting room: a gong, German, then the visitor's language.

The text is built from the ticket number, the desk and the visit's language only — the board
never holds a name, and this module could not say one if it did. Modes (per office):
"off", "gong" (the gong alone), "de" (gong + German), "de+visitor" (gong + German + the
visitor's language when it is another one and has a voice). Quiet hours silence everything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Literal

from kiosk.i18n import messages as M
from kiosk.i18n.languages import UI_LANGUAGE_CODES
from kiosk.i18n.translator import translator
from kiosk.speech.piece import Piece
from kiosk.speech.speaker import Speaker

AnnounceMode = Literal["off", "gong", "de", "de+visitor"]
ANNOUNCE_MODES: tuple[str, ...] = ("off", "gong", "de", "de+visitor")

GONG_WAV = Path(str(resources.files("kiosk") / "data" / "gong.wav"))
"""The shipped gong (written by `kiosk.speech.wavfile.write_gong`)."""

#: Languages heard as German: Leichte Sprache is German, so it is not announced twice.
_SAME_AS_GERMAN = {"de", "ls"}

_TICKET = re.compile(r"^([A-Za-z]*)[-\s]?0*(\d+)$")


def spoken_ticket(ticket: str) -> str:
    """The number as the waiting room hears it: "A-017" -> "A 17" (the board shows "A-017")."""
    match = _TICKET.match(ticket.strip())
    if not match:
        return " ".join(ch for ch in ticket if ch.isalnum())
    prefix, number = match.groups()
    return f"{prefix.upper()} {int(number)}".strip()


def announcement_text(ticket: str, desk: str, lang: str) -> str:
    """ "Nummer A 17 – bitte zu Schalter 2." in `lang` (a UI language)."""
    template = translator(lang).gettext(M.ANNOUNCE_CALL)
    clean_desk = " ".join("".join(ch for ch in desk if ch.isprintable()).split())[:24]
    return template.format(ticket=spoken_ticket(ticket), desk=clean_desk)


def in_quiet_hours(now: dt.time, spans: Sequence[tuple[dt.time, dt.time]]) -> bool:
    """Whether `now` falls in one of the spans; a span may run past midnight (20:00-07:00)."""
    for start, end in spans:
        if start <= end:
            if start <= now < end:
                return True
        elif now >= start or now < end:
            return True
    return False


def announcement_plan(ticket: str, desk: str, visit_lang: str | None, mode: str,
                      can_speak: set[str] | frozenset[str] | None = None,
                      gong: Path = GONG_WAV) -> list[tuple[str, Piece]]:
    """What to play for one call, as (language, piece) in order.

    Args:
        ticket: the called number as on the board.
        desk: the desk's label.
        visit_lang: the language the visitor chose at the terminal (None: unknown).
        mode: "off", "gong", "de" or "de+visitor".
        can_speak: languages with a voice or recordings; None means every UI language.
        gong: the gong's WAV file.
    """
    if mode not in ANNOUNCE_MODES:
        raise ValueError(f"announce mode {mode!r} is not one of {', '.join(ANNOUNCE_MODES)}")
    if mode == "off":
        return []
    plan = [("de", Piece("", wav=gong))]
    if mode == "gong":
        return plan
    plan.append(("de", Piece(announcement_text(ticket, desk, "de"))))
    if (mode == "de+visitor" and visit_lang and visit_lang not in _SAME_AS_GERMAN
            and visit_lang in UI_LANGUAGE_CODES
            and (can_speak is None or visit_lang in can_speak)):
        plan.append((visit_lang, Piece(announcement_text(ticket, desk, visit_lang))))
    return plan


class Announcer:
    """Announces calls through a speaker, one after the other (calls never cut each other off).

    Args:
        speaker: the board's speaker.
        mode: the office's announce mode.
        quiet_hours: spans of local time with no sound at all.
    """

    def __init__(self, speaker: Speaker, mode: str,
                 quiet_hours: Sequence[tuple[dt.time, dt.time]] = ()) -> None:
        self.speaker = speaker
        self.mode = mode
        self.quiet_hours = tuple(quiet_hours)

    def announce(self, ticket: str, desk: str, visit_lang: str | None, now: dt.datetime
                 ) -> list[tuple[str, Piece]]:
        """Queue the announcement of one call; returns what was queued (empty when silent)."""
        if in_quiet_hours(now.time(), self.quiet_hours):
            return []
        speakable = {code for code in UI_LANGUAGE_CODES if self.speaker.voice.can_speak(code)}
        plan = announcement_plan(ticket, desk, visit_lang, self.mode, speakable)
        for lang, piece in plan:
            self.speaker.say(lang, [piece], interrupt=False)
        return plan

    def close(self) -> None:
        self.speaker.close()
