"""The visitor check-in flow as plain Python: what was chosen so far, and what each step offers.

The screens only show what this controller offers and report what the visitor tapped, so the
whole flow (languages, concerns, appointment code, interpreter need, name, ticket) is tested
without a terminal. A fresh `CheckInDraft` per visitor is the privacy rule "forget
everything": nothing of the previous visitor survives `VisitorFlow.reset()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kiosk.context import KioskContext
from kiosk.i18n import messages as M
from kiosk.i18n.languages import (
    UI_LANGUAGE_CODES,
    UnknownLanguageError,
    counsel_language_of,
    language_info,
)
from kiosk.i18n.translator import translator
from kiosk.queue.errors import AppointmentNotFound, Closed, InvalidInput
from kiosk.queue.validation import MAX_NAME, clean_first_name
from kiosk.queue.views import TicketInfo

UNLISTED = "und"
"""The interpreter language of a visitor whose language is not in the list (ISO 639-2
"undetermined"): staff see that an interpreter is needed and ask at the desk which one."""


@dataclass
class CheckInDraft:
    """Everything one visitor has chosen so far; replaced (never cleared field by field)."""

    language: str | None = None
    """The screen language the visitor tapped on the welcome screen."""
    concerns: list[str] = field(default_factory=list)
    """Chosen concern ids, in the order tapped; empty is allowed."""
    counsel_language: str | None = None
    """The language of counselling (one the site's staff speak)."""
    interpreter_language: str | None = None
    """Set when the visitor needs an interpreter / language mediator for this language."""
    first_name: str | None = None
    """The optional first name, already cleaned; None when skipped."""


class Problem(Exception):
    """Something the visitor must be told kindly; `msgid` is translated by the screen.

    Args:
        msgid: a msgid from `kiosk.i18n.messages`.
        params: numbers to format into the message in the visitor's digits (e.g. `max`).
    """

    def __init__(self, msgid: str, params: dict[str, int] | None = None) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params or {}


@dataclass(frozen=True)
class OpeningStatus:
    """Whether the location is in consulting hours, and what that means for check-in."""

    open: bool
    next_opening: dt.datetime | None
    checkin_allowed: bool


@dataclass(frozen=True)
class ConcernOption:
    """One concern tile: symbol, label in the visitor's language, German keyword."""

    id: str
    symbol: str
    label: str
    keyword: str
    private: bool


@dataclass(frozen=True)
class LanguageOption:
    """A language the visitor can pick for counselling."""

    code: str
    endonym: str
    interpreter: bool
    """True when choosing it means an interpreter has to be arranged."""


@dataclass(frozen=True)
class TicketView:
    """What the ticket screen shows (and the printer prints); no personal data."""

    ticket: str
    people_ahead: int
    estimate_minutes: int | None
    visit_id: str
    appointment: bool


def _endonym(code: str) -> str:
    try:
        return language_info(code).endonym
    except UnknownLanguageError:
        return code


class VisitorFlow:
    """The check-in controller of one terminal; the app keeps one and resets it per visitor."""

    def __init__(self, ctx: KioskContext) -> None:
        self.ctx = ctx
        self.draft = CheckInDraft()

    # --- the visitor's lifetime ---------------------------------------------------------
    def reset(self) -> None:
        """Forget the current visitor completely (a new draft object, not a cleared one)."""
        self.draft = CheckInDraft()

    @property
    def language(self) -> str:
        """The screen language (German until the visitor chooses)."""
        return self.draft.language or "de"

    # --- welcome ------------------------------------------------------------------------
    def ui_languages(self) -> tuple[str, ...]:
        """The configured screen languages that have a catalog, in the configured order."""
        return tuple(c for c in self.ctx.config.ui_languages if c in UI_LANGUAGE_CODES)

    def opening_status(self) -> OpeningStatus:
        """Consulting hours now, the next opening, and whether check-in is allowed."""
        queue = self.ctx.queue
        is_open = queue.is_open()
        allowed = is_open or self.ctx.config.visitor.allow_checkin_outside_hours
        nxt = None if is_open else queue.location.next_opening(queue.now())
        return OpeningStatus(is_open, nxt, allowed)

    def choose_language(self, code: str) -> None:
        """The visitor tapped their language; any earlier choices stay with the old draft."""
        if code not in self.ui_languages():
            raise ValueError(f"not a screen language here: {code!r}")
        self.draft = CheckInDraft(language=code)

    # --- concerns -----------------------------------------------------------------------
    def concern_options(self) -> list[ConcernOption]:
        """The site's concerns in the visitor's language; the private one always last."""
        from kiosk.i18n.concerns import concern as default_concern  # not needed to welcome

        lang = self.language
        options = []
        for c in self.ctx.config.concerns:
            label = c.labels.get(lang)
            if label is None and lang != "de":
                try:
                    label = translator(lang).pgettext(*default_concern(c.id).label_msgid)
                except KeyError:
                    label = None
            options.append(ConcernOption(c.id, c.symbol, label or c.label, c.keyword, c.private))
        options.sort(key=lambda o: o.private)
        return options

    def set_concerns(self, concern_ids: list[str]) -> None:
        """Keep the concerns chosen on the concern screen (several or none)."""
        known = {c.id for c in self.ctx.config.concerns}
        unknown = [c for c in concern_ids if c not in known]
        if unknown:
            raise ValueError(f"unknown concerns {unknown!r}")
        self.draft.concerns = list(dict.fromkeys(concern_ids))

    def toggle_concern(self, concern_id: str) -> bool:
        """Select or unselect a concern; returns whether it is now selected."""
        if concern_id not in {c.id for c in self.ctx.config.concerns}:
            raise ValueError(f"unknown concern {concern_id!r}")
        if concern_id in self.draft.concerns:
            self.draft.concerns.remove(concern_id)
            return False
        self.draft.concerns.append(concern_id)
        return True

    # --- appointment --------------------------------------------------------------------
    def check_in_appointment(self, code: str) -> TicketView:
        """Confirm the arrival of a visitor with an appointment code.

        Raises:
            Problem: empty or unknown code (the message says so kindly).
        """
        if not code.strip():
            raise Problem(M.APPOINTMENT_CODE_EMPTY)
        try:
            info = self.ctx.appointments.check_in(code)
        except AppointmentNotFound:
            raise Problem(M.APPOINTMENT_NOT_FOUND) from None
        return self._view(info, appointment=True)

    # --- counselling language -----------------------------------------------------------
    def site_languages(self) -> tuple[str, ...]:
        """The languages the site's staff counsel in."""
        return self.ctx.config.office(self.ctx.store.site).languages

    def counsel_options(self) -> list[LanguageOption]:
        """The visitor's own language first when it needs an interpreter, then the site's."""
        site = self.site_languages()
        options = []
        own = counsel_language_of(self.language)  # Leichte Sprache is counselled in German
        if own not in site:
            options.append(LanguageOption(own, _endonym(own), True))
        options += [LanguageOption(c, _endonym(c), False) for c in site]
        return options

    def other_language_options(self) -> list[LanguageOption]:
        """Languages an interpreter can be arranged for (not the site's own, not shown yet)."""
        site = set(self.site_languages())
        shown = {o.code for o in self.counsel_options()}
        codes = [c for c in (*self.ctx.config.interpreter_languages, *self.ui_languages())
                 if c not in site and c not in shown]
        return [LanguageOption(c, _endonym(c), True) for c in dict.fromkeys(codes)]

    def choose_counsel_language(self, code: str) -> None:
        """Record the counselling language, or the interpreter need for a language.

        A language the site does not speak means counselling in German with an interpreter
        (language mediator) for `code`: staff match on `language`, and `interpreter_language`
        tells them whom to look for. `UNLISTED` records that the visitor's language was not
        in the list.
        """
        if code in self.site_languages():
            self.draft.counsel_language, self.draft.interpreter_language = code, None
        else:
            if code != UNLISTED:
                language_info(code)
            fallback = "de" if "de" in self.site_languages() else self.site_languages()[0]
            self.draft.counsel_language, self.draft.interpreter_language = fallback, code

    # --- name ---------------------------------------------------------------------------
    def set_name(self, raw: str | None) -> None:
        """Keep the optional first name (cleaned), or None for an empty one.

        Raises:
            Problem: too long or characters that cannot be a name; nothing is kept.
        """
        try:
            self.draft.first_name = clean_first_name(raw)
        except InvalidInput as exc:
            self.draft.first_name = None
            if exc.reason == "too_long":
                raise Problem(M.NAME_TOO_LONG, {"max": MAX_NAME}) from None
            raise Problem(M.NAME_BAD_CHARS) from None

    # --- ticket -------------------------------------------------------------------------
    def finish(self) -> TicketView:
        """Check the visitor in with everything chosen and return their ticket.

        Raises:
            Problem: outside consulting hours when the site refuses check-in.
        """
        d = self.draft
        try:
            info = self.ctx.queue.check_in(
                d.concerns, d.counsel_language or self.language,
                interpreter_language=d.interpreter_language, first_name=d.first_name)
        except Closed:
            raise Problem(M.CLOSED_DURING_CHECKIN) from None
        return self._view(info, appointment=False)

    @staticmethod
    def _view(info: TicketInfo, *, appointment: bool) -> TicketView:
        return TicketView(info.ticket, info.people_ahead, info.estimate_minutes,
                          info.visit_id, appointment)
