"""When the visitor terminal reads aloud: the office's mode, and the visitor's own choice.

Modes: "off" (silent, no speaker tile), "tile" (a speaker tile on every step; one tap turns
reading aloud on for the rest of this visit; the ticket is read out anyway), "auto" (every
step is read out once a language is chosen). A new screen always stops the old speech, and
forgetting the visitor (idle reset, done) turns reading aloud off again. Plain Python: the
app calls it, tests drive it without a screen. Catalog and Babel modules load only when the
first words are said, not at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.speech.speaker import Speaker


class ReadAloud:
    """The read-aloud policy of one terminal.

    Args:
        speaker: the terminal's speaker, or None when speech is off or unavailable.
        mode: "off", "tile" or "auto".
    """

    def __init__(self, speaker: Speaker | None, mode: str) -> None:
        self.speaker = speaker if mode != "off" else None
        self.mode = mode
        self.on = mode == "auto"
        """Whether screens are read out now (for this visit)."""

    @property
    def shows_tile(self) -> bool:
        """Whether the steps show the speaker tile."""
        return self.mode == "tile" and self.speaker is not None

    def screen_shown(self, lang: str, texts: Sequence[str]) -> bool:
        """A step appeared: read its prompt and focused tile when on; stop old speech anyway.

        Returns:
            Whether it is being read out.
        """
        if self.speaker is None:
            return False
        if not self.on:
            self.speaker.cancel()
            return False
        return self._say(lang, texts)

    def focus_moved(self, lang: str, texts: Sequence[str]) -> bool:
        """The visitor moved to another tile (keyboard, switch): read it when on."""
        if self.speaker is None or not self.on:
            return False
        return self._say(lang, texts)

    def tile_tapped(self, lang: str, texts: Sequence[str]) -> bool:
        """The speaker tile: read this step now and every later step of this visit."""
        if self.speaker is None:
            return False
        self.on = True
        return self._say(lang, texts)

    def ticket_shown(self, lang: str, ticket: str, people_ahead: int,
                     estimate_minutes: int | None, *, appointment: bool = False,
                     printed: bool = False) -> bool:
        """The ticket is always read out (unless speech is off): it is what a visitor must
        remember, and it carries no name."""
        if self.speaker is None:
            return False
        from kiosk.speech.texts import ticket_pieces

        self.speaker.say(lang, ticket_pieces(ticket, people_ahead, estimate_minutes, lang,
                                             appointment=appointment, printed=printed))
        return True

    def silence(self) -> None:
        """Stop speaking (the welcome screen: nothing is read before a language is chosen)."""
        if self.speaker is not None:
            self.speaker.cancel()

    def forget(self) -> None:
        """The visitor is gone: silence, and back to the office's mode."""
        self.on = self.mode == "auto"
        if self.speaker is not None:
            self.speaker.cancel()

    def close(self) -> None:
        """The terminal exits: stop the player and the worker thread."""
        if self.speaker is not None:
            self.speaker.close()

    def _say(self, lang: str, texts: Sequence[str]) -> bool:
        from kiosk.speech.texts import screen_pieces

        pieces = screen_pieces(texts, lang)
        if not pieces:
            assert self.speaker is not None
            self.speaker.cancel()
            return False
        assert self.speaker is not None
        self.speaker.say(lang, pieces)
        return True
