"""The visitor terminal: one factory, `make_visitor_app(ctx)`, used by `kiosk visitor`,
`kiosk demo`, the tests and the benchmarks.

The app owns the `VisitorFlow` (plain Python) and turns the screens' messages into flow
calls and the next screen. It declares every key itself (`inherit_bindings=False`, no
command palette), so nothing a visitor presses quits; staff leave with Ctrl+\\ and a PIN.
Exactly the configured idle time after the last tap or key (`IdleClock`), the terminal
returns to the welcome screen and replaces the flow's draft and every screen, so nothing of
the last visitor stays on screen or in a widget; the last seconds before that ask "Are you
still there?".
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.timer import Timer

from kiosk.context import KioskContext
from kiosk.i18n import messages as M
from kiosk.privacy.redaction import redact_at_start
from kiosk.speech.read_aloud import ReadAloud
from kiosk.speech.speaker import Speaker
from kiosk.ui.crash import CalmCrash, calm_lines
from kiosk.ui.theme import use_terminal_palette
from kiosk.ui.visitor.flow import CheckInDraft, Problem, TicketView, VisitorFlow
from kiosk.ui.visitor.idle import IdleClock
from kiosk.ui.visitor.screens.base import StepScreen
from kiosk.ui.visitor.screens.staff import StaffPinScreen
from kiosk.ui.visitor.screens.steps import (
    AppointmentScreen,
    ConcernScreen,
    CounselScreen,
    NameScreen,
    OtherLanguageScreen,
)
from kiosk.ui.visitor.screens.still_there import StillThereScreen
from kiosk.ui.visitor.screens.ticket import ClosedScreen, TicketScreen
from kiosk.ui.visitor.screens.welcome import WelcomeScreen
from kiosk.ui.visitor.wording import Wording, wording_for

log = logging.getLogger(__name__)

#: The staff key combination that asks for a PIN to leave visitor mode.
STAFF_EXIT_KEY = "ctrl+backslash"
#: The ticket stays on screen this long (or the idle timeout, if shorter).
TICKET_SECONDS = 20.0
#: Wrong staff PINs in a row before the PIN prompt is refused for a while.
MAX_PIN_FAILURES = 3
PIN_COOLDOWN_SECONDS = 300.0
#: How often the idle clock is looked at: the reset comes at most this late.
IDLE_TICK_SECONDS = 0.25


class VisitorApp(CalmCrash, App[None], inherit_bindings=False):
    """The check-in terminal in the waiting area.

    Args:
        ctx: the open kiosk context (config, store, queue, appointments).
        idle_timeout: seconds without a tap before everything is forgotten.
        clock: a monotonic clock in seconds (tests pass a fake one).
    """

    CSS_PATH = "visitor.tcss"
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    ESCAPE_TO_MINIMIZE = False
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns the concern tiles and the navigation give up their side margins."""
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]
    """Below 30 rows the title bars and keyboards give up their blank lines."""
    TITLE = "lokal willkommen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(STAFF_EXIT_KEY, "staff_exit", show=False, priority=True),
    ]
    CRASH_PROGRAM = "kiosk visitor"

    def __init__(self, ctx: KioskContext, idle_timeout: float,
                 clock: Callable[[], float] = time.monotonic,
                 read_aloud: ReadAloud | None = None) -> None:
        super().__init__()
        use_terminal_palette(self)
        self.ctx = ctx
        self.flow = VisitorFlow(ctx)
        self.read_aloud = read_aloud or ReadAloud(None, "off")
        """The read-aloud policy and its speaker (tests read what was said)."""
        self.idle_timeout = idle_timeout
        self._clock = clock
        self.idle = IdleClock(idle_timeout, clock)
        """The visitor's idle time (tests read when the reset is due)."""
        self._idle: Timer | None = None
        self._resetting = False
        self._pin_failures = 0
        self._pin_blocked_until = 0.0
        self._checking_in = False
        self.last_ticket: TicketView | None = None
        """The last ticket shown (tests compare it with the store; reset forgets it)."""

    # --- lifetime -----------------------------------------------------------------------
    def get_default_screen(self) -> WelcomeScreen:
        return self._welcome()

    def on_mount(self) -> None:
        self.idle.touch()
        self._idle = self.set_interval(IDLE_TICK_SECONDS, self.check_idle_time)

    def on_unmount(self) -> None:
        self.read_aloud.close()  # no player process outlives the terminal

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self.idle.touch()
        await super().on_event(event)

    def _wording(self) -> Wording:
        return dataclasses.replace(wording_for(self.flow.language, self.ctx.config.visitor),
                                   speaker_tile=self.read_aloud.shows_tile)

    def _welcome(self) -> WelcomeScreen:
        office = self.ctx.config.office(self.ctx.store.site)
        place = f"lokal willkommen · {self.ctx.queue.location.name}"
        if office.name.endswith(self.ctx.queue.location.name):
            place = office.name
        return WelcomeScreen(self.flow.ui_languages(), self.flow.opening_status(),
                             self.ctx.config.visitor, place)

    async def reset_visitor(self) -> None:
        """Forget the visitor: a fresh draft, every step screen removed with its widgets.

        The welcome screen stays (it never holds visitor input) and is rebuilt with the
        current opening status.
        """
        self.flow.reset()
        self.read_aloud.forget()
        self.last_ticket = None
        self._checking_in = False
        with self.batch_update():  # one paint for the welcome screen, not one per step
            while len(self.screen_stack) > 1:
                await self.pop_screen()
        for lang in self.flow.ui_languages():  # the screens kept per language keep nothing
            for name in (f"concerns-{lang}", f"counsel-{lang}"):
                if self.is_screen_installed(name):
                    kept = self.get_screen(name)
                    if isinstance(kept, ConcernScreen):
                        kept.show_selection([])
                    kept.set_focus(None)
        welcome = self.screen_stack[0]
        if isinstance(welcome, WelcomeScreen):
            await welcome.show_status(self.flow.opening_status())
        self.idle.touch()

    async def check_idle_time(self) -> None:
        """Ask "Are you still there?" in the last seconds, forget the visitor at the end.

        A timer calls this a few times a second; tests call it after moving a fake clock.
        """
        state = self.idle.state()
        if state == "active" or self._resetting:
            return
        if state == "expired":
            self._resetting = True
            try:
                await self.reset_visitor()
            finally:
                self._resetting = False
            return
        screen = self.screen
        if isinstance(screen, StillThereScreen):
            screen.show_seconds(self.idle.seconds_left())
        elif isinstance(screen, StepScreen) and screen.ASK_BEFORE_RESET:
            wording = self._wording()
            self.push_screen(StillThereScreen(wording, self.idle.seconds_left()))
            self.read_aloud.focus_moved(wording.lang, [wording(M.IDLE_TITLE),
                                                       wording(M.IDLE_TAP)])

    def crash_lines(self, width: int) -> list[str]:
        """The failure message in the visitor's language and German, or in every language."""
        chosen = self.flow.draft.language
        languages = [chosen, "de"] if chosen else list(self.flow.ui_languages())
        settings = self.ctx.config.visitor
        return calm_lines(languages, width, settings.bidi, settings.native_digits)

    # --- speech -------------------------------------------------------------------------
    def on_step_screen_speak(self, message: StepScreen.Speak) -> None:
        """Hand what a step could say to the read-aloud policy (nothing before a language)."""
        language = self.flow.draft.language
        if isinstance(message.screen, WelcomeScreen) or language is None:
            self.read_aloud.silence()
            return
        if message.screen is not self.screen:
            return  # a step that is no longer on top (its message arrived late)
        if message.reason == "screen" and isinstance(message.screen, TicketScreen):
            view = message.screen.view
            self.read_aloud.ticket_shown(language, view.ticket, view.people_ahead,
                                         view.estimate_minutes, appointment=view.appointment,
                                         printed=message.screen.printed)
        elif message.reason == "screen":
            self.read_aloud.screen_shown(language, message.texts)
        elif message.reason == "focus":
            self.read_aloud.focus_moved(language, message.texts)
        else:
            self.read_aloud.tile_tapped(language, message.texts)

    # --- the steps ----------------------------------------------------------------------
    def on_step_screen_back(self, message: StepScreen.Back) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def on_step_screen_start_over(self, message: StepScreen.StartOver) -> None:
        self.run_worker(self.reset_visitor(), exclusive=True, group="reset")

    def on_welcome_screen_language_chosen(self, message: WelcomeScreen.LanguageChosen) -> None:
        self.flow.choose_language(message.code)
        status = self.flow.opening_status()
        if not status.checkin_allowed:
            self.push_screen(ClosedScreen(self._wording(), status.next_opening))
            return
        self.push_screen(self._concern_screen())

    def _concern_screen(self) -> ConcernScreen:
        """The concern screen in the visitor's language, built once and then reused.

        With its tiles it is the largest screen of the flow: composing it anew made the
        language tap the slowest step (~150 ms). It is installed, so popping it keeps it,
        and `show_selection` gives it this visitor's choices (none, or those kept by Back)
        and no focus, as a fresh screen would have.
        """
        name = f"concerns-{self.flow.language}"
        if not self.is_screen_installed(name):
            self.install_screen(ConcernScreen(self._wording(), self.flow.concern_options(), []),
                                name)
        screen = self.get_screen(name)
        assert isinstance(screen, ConcernScreen)
        screen.show_selection(self.flow.draft.concerns)
        return screen

    def on_concern_screen_appointment_requested(self, message: ConcernScreen.AppointmentRequested
                                                ) -> None:
        self.push_screen(AppointmentScreen(self._wording()))

    def on_appointment_screen_code_entered(self, message: AppointmentScreen.CodeEntered) -> None:
        if not self._checking_in:
            self._checking_in = True
            self._check_in(self.flow.draft, message.code)

    def on_concern_screen_chosen(self, message: ConcernScreen.Chosen) -> None:
        self.flow.set_concerns(message.concerns)
        name = f"counsel-{self.flow.language}"  # taps only, no visitor input: reused as is
        if not self.is_screen_installed(name):
            self.install_screen(CounselScreen(self._wording(), self.flow.counsel_options()), name)
        screen = self.get_screen(name)
        screen.set_focus(None)
        self.push_screen(screen)

    def on_counsel_screen_other_requested(self, message: CounselScreen.OtherRequested) -> None:
        self.push_screen(OtherLanguageScreen(self._wording(), self.flow.other_language_options()))

    def on_counsel_screen_chosen(self, message: CounselScreen.Chosen) -> None:
        self.flow.choose_counsel_language(message.code)
        self.push_screen(NameScreen(self._wording(), self.ctx.config.retention_days))

    def on_name_screen_entered(self, message: NameScreen.Entered) -> None:
        if self._checking_in:  # a second tap while the first check-in is being written
            return
        screen = self.screen
        try:
            self.flow.set_name(message.name)
        except Problem as problem:
            if isinstance(screen, NameScreen):
                screen.show_problem(self._say(problem))
            return
        self._checking_in = True
        self._check_in(self.flow.draft, None)

    @work(thread=True, group="checkin")
    def _check_in(self, draft: CheckInDraft, appointment_code: str | None) -> None:
        """Write the check-in off the UI thread (SQLite commits with fsync), then show it.

        The ticket appears only once the write has returned, i.e. after the commit, so a
        ticket on screen is always a stored visit. `draft` tells the answer which visitor
        it belongs to: if the terminal forgot that visitor meanwhile (idle reset), the
        answer is dropped instead of showing a ticket to the next person.
        """
        try:
            if appointment_code is None:
                view: TicketView | Problem = self.flow.finish()
            else:
                view = self.flow.check_in_appointment(appointment_code)
        except Problem as problem:
            view = problem
        self.call_from_thread(self._checked_in, draft, view)

    def _checked_in(self, draft: CheckInDraft, result: TicketView | Problem) -> None:
        if draft is not self.flow.draft:
            return
        self._checking_in = False
        if isinstance(result, TicketView):
            self._show_ticket(result)
        elif isinstance(self.screen, NameScreen | AppointmentScreen):
            self.screen.show_problem(self._say(result))

    def on_ticket_screen_done(self, message: TicketScreen.Done) -> None:
        self.run_worker(self.reset_visitor(), exclusive=True, group="reset")

    def _say(self, problem: Problem) -> str:
        return self._wording()(problem.msgid, **problem.params)

    def _show_ticket(self, view: TicketView) -> None:
        self.last_ticket = view
        seconds = min(TICKET_SECONDS, self.idle_timeout)
        printed = self.ctx.config.printer.enabled
        self.push_screen(TicketScreen(self._wording(), view, seconds, printed))
        if printed:
            self._print_ticket(view, self._wording())

    @work(thread=True, group="printer")
    def _print_ticket(self, view: TicketView, wording: Wording) -> None:
        """Print off the UI thread (rendering takes ~0.1 s, a dead network printer up to its
        timeout); a printer fault never blocks, the number stays on screen and says so."""
        from kiosk.printing.errors import PrinterError
        from kiosk.printing.print_ticket import print_ticket

        try:
            print_ticket(self.ctx.config.printer, view.ticket, view.people_ahead,
                         view.estimate_minutes, wording.lang, self.ctx.queue.location.name,
                         self.ctx.queue.now(), wording.native_digits)
        except PrinterError as exc:
            log.warning("ticket printer failed: %s", exc)
            self.call_from_thread(self._print_failed, view)

    def _print_failed(self, view: TicketView) -> None:
        if isinstance(self.screen, TicketScreen) and self.screen.view is view:
            self.screen.print_failed()

    # --- staff exit ---------------------------------------------------------------------
    def action_staff_exit(self) -> None:
        if isinstance(self.screen, StaffPinScreen):
            return
        if self._pin_blocked_until > self._clock():
            return
        self.push_screen(StaffPinScreen(Wording("de")), self._pin_entered)

    def _pin_entered(self, pin: str | None) -> None:
        if pin:
            self._check_pin(pin)

    @work(thread=True, exclusive=True, group="pin")
    def _check_pin(self, pin: str) -> None:
        """scrypt is slow on purpose: check off the UI thread, then exit or count."""
        from kiosk.staffing.profiles import StaffDirectory  # staff only: not at start-up

        directory = StaffDirectory(self.ctx.store, self.ctx.config, self.ctx.queue.now_ms)
        profile = directory.unlock_any(pin)
        self.call_from_thread(self._pin_result, profile.id if profile else None)

    def _pin_result(self, staff: str | None) -> None:
        if staff is not None:
            self.exit()
            return
        self._pin_failures += 1
        if self._pin_failures >= MAX_PIN_FAILURES:
            self._pin_failures = 0
            self._pin_blocked_until = self._clock() + PIN_COOLDOWN_SECONDS


def make_visitor_app(ctx: KioskContext, *, idle_timeout: float | None = None,
                     clock: Callable[[], float] = time.monotonic,
                     speaker: Speaker | None = None) -> App:
    """Build the visitor terminal for `ctx`.

    Args:
        ctx: the open kiosk context.
        idle_timeout: seconds of no input before the terminal forgets the visitor;
            default `config.visitor.idle_timeout_seconds`.
        clock: the monotonic clock idle time and the PIN cooldown are measured on.
        speaker: what reads aloud; default the office's speech settings (`[speech]`).
    """
    seconds = idle_timeout if idle_timeout is not None else ctx.config.visitor.idle_timeout_seconds
    if seconds <= 0:
        raise ValueError(f"idle timeout must be positive, not {seconds}")
    redact_at_start(ctx)
    settings = ctx.config.office(ctx.store.site).speech
    if speaker is None and settings.read_aloud != "off":
        from kiosk.speech.setup import make_speaker, speech_cache_dir

        speaker = make_speaker(settings, speech_cache_dir(ctx.store.path))
    return VisitorApp(ctx, float(seconds), clock, ReadAloud(speaker, settings.read_aloud))
