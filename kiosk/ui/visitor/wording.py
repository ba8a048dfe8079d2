"""Everything a visitor screen says, in one language, one script direction and one digit style.

Screens get a `Wording` (attributes down) and never call gettext, Babel or the bidi helper
themselves: so the language, `config.visitor.bidi` and `config.visitor.native_digits` are
applied the same way on every screen, and a screen cannot forget to reorder Arabic.
Babel's formatting loads with the first number shown, not with the welcome screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.i18n.bidi import BidiMode, display, display_lines
from kiosk.i18n.languages import Direction, language_info
from kiosk.i18n.translator import translator


@dataclass(frozen=True)
class Wording:
    """The visitor's language on screen.

    Attributes:
        lang: the UI language code ("fa").
        bidi: "app" (the kiosk reorders right-to-left text) or "terminal" (the terminal does).
        native_digits: show Arabic-Indic / Persian digits where the language uses them.
        speaker_tile: the steps offer the speaker tile that reads them aloud.
    """

    lang: str
    bidi: BidiMode = "app"
    native_digits: bool = False
    speaker_tile: bool = False

    @property
    def direction(self) -> Direction:
        """"rtl" for Arabic and Persian: screens mirror their rows and right-align text."""
        return language_info(self.lang).direction

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    # --- words --------------------------------------------------------------------------
    def __call__(self, msgid: str, **params: object) -> str:
        """The message in logical order, with numbers in the visitor's digits."""
        text = translator(self.lang).gettext(msgid)
        if params:
            text = text.format(**{k: self.number(v) if isinstance(v, int) else v
                                  for k, v in params.items()})
        return text

    def number(self, value: int) -> str:
        from kiosk.i18n import formatting as F

        return F.format_number(value, self.lang, self.native_digits)

    def wait(self, minutes: int | None) -> str:
        """"Waiting time: about 20 minutes", or the honest "we cannot estimate yet"."""
        from kiosk.i18n import formatting as F

        return F.format_wait_minutes(minutes, self.lang, self.native_digits)

    def people_before(self, count: int) -> str:
        from kiosk.i18n import formatting as F

        return F.format_people_before(count, self.lang, self.native_digits)

    def idle_countdown(self, seconds: int) -> str:
        """ "The screen starts again in 10 seconds." before the idle reset."""
        from kiosk.i18n import formatting as F

        return F.format_idle_countdown(seconds, self.lang, self.native_digits)

    def next_opening(self, when: dt.datetime) -> str:
        from kiosk.i18n import formatting as F

        return F.format_next_opening(when, self.lang, self.native_digits)

    def interpreter(self, language_code: str) -> str:
        from kiosk.i18n import formatting as F

        return F.format_interpreter_notice(language_code, self.lang)

    # --- script direction ---------------------------------------------------------------
    def line(self, text: str) -> str:
        """One line ready for the terminal (reordered and shaped in "app" mode)."""
        return display(text, self.bidi, self.direction if self.rtl else None)

    def lines(self, text: str, width: int) -> list[str]:
        """Wrapped in logical order first, then each line made ready for the terminal."""
        return display_lines(text, max(1, width), self.bidi,
                             self.direction if self.rtl else None)


def wording_for(lang: str, settings: object) -> Wording:
    """The wording for `lang` under the site's visitor settings (`config.visitor`)."""
    return Wording(lang, getattr(settings, "bidi", "app"),
                   bool(getattr(settings, "native_digits", False)))
