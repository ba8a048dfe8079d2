"""The staff console app: sign in, then the queue; appointments, mediators, admin on keys.

`make_staff_app(ctx)` is the one factory; `kiosk staff` and the tests both use it.
"""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.worker import get_current_worker

from kiosk.context import KioskContext
from kiosk.privacy.redaction import redact_at_start
from kiosk.queue.errors import QueueError
from kiosk.queue.views import VisitInfo
from kiosk.staffing import alarm
from kiosk.staffing.console import Console, Staffing
from kiosk.staffing.watch import POLL_SECONDS, ChangeWatcher
from kiosk.ui.crash import CalmCrash, CrashScreen
from kiosk.ui.staff.alarm_banner import ACK_KEY, ALARM_KEY, AlarmBanner, alarm_lines
from kiosk.ui.staff.dialogs import FieldSpec, FormDialog, NoticeDialog
from kiosk.ui.staff.queue_screen import QueueScreen
from kiosk.ui.staff.signin import SignInScreen
from kiosk.ui.staff.texts import POLICY_HELP, error_text
from kiosk.ui.thread_store import thread_store


class StaffApp(CalmCrash, App[None], inherit_bindings=False):
    """The console of one office desk."""

    CSS_PATH = "staff.tcss"
    TITLE = "lokal willkommen · Beratung"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Beenden", priority=True),
        Binding(ALARM_KEY, "alarm", "Notruf", priority=True, key_display="F12"),
        Binding(ACK_KEY, "acknowledge_alarm", "Ich komme", priority=True, key_display="F8"),
    ]
    #: While someone else's emergency call is open, the bell rings again this often.
    BELL_REPEAT_SECONDS = 15.0
    #: Alarms are re-read at least this often (an acknowledged one leaves the banner in time).
    ALARM_REFRESH_SECONDS = 5.0
    CRASH_PROGRAM = "kiosk staff"
    CRASH_EXIT_SECONDS = None  # the message stays until someone at the desk presses a key

    def crash_hint(self) -> str:
        return "Die Einzelheiten stehen im Journal. Eine beliebige Taste beendet die Konsole."

    def __init__(self, ctx: KioskContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.staffing = Staffing(ctx)
        self.session: Console | None = None
        #: This console's id in the alarms it raises.
        self.origin = alarm.new_origin()
        self.alarms: list[alarm.Alarm] = []
        #: Bells rung for colleagues' emergency calls (the tests count them).
        self.bells = 0
        self._last_bell = -float("inf")

    def on_mount(self) -> None:
        self.push_screen(SignInScreen(self.staffing))
        self.watch_alarms()

    # --- emergency call ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="alarms")
    def watch_alarms(self) -> None:
        """Read the office's alarms whenever the store changed (or every few seconds)."""
        worker = get_current_worker()
        watcher = ChangeWatcher(self.ctx.store.db)
        last = -float("inf")
        with thread_store(self.ctx.store):
            while not worker.is_cancelled:
                now = time.monotonic()
                if watcher.changed() or now - last > self.ALARM_REFRESH_SECONDS:
                    last = now
                    alarms = alarm.current(self.ctx.queue.now_ms())
                    names = {p.id: p.display_name
                             for p in self.staffing.directory.list(include_inactive=True)}
                    if not worker.is_cancelled:
                        self.call_from_thread(self.show_alarms, alarms, names)
                time.sleep(POLL_SECONDS)

    def show_alarms(self, alarms: list[alarm.Alarm], names: dict[str, str]) -> None:
        """Put the banner on every open screen; ring for a colleague's open call."""
        self.alarms = alarms
        open_foreign = any(a.origin != self.origin and not a.acknowledged for a in alarms)
        now = time.monotonic()
        if open_foreign and now - self._last_bell >= self.BELL_REPEAT_SECONDS:
            self._last_bell = now
            self.bells += 1
            self.bell()
        elif not open_foreign:
            self._last_bell = -float("inf")
        lines = alarm_lines(alarms, self.origin, names, self.ctx.queue.tz)
        for screen in self.screen_stack:
            if isinstance(screen, CrashScreen):
                continue
            banners = screen.query(AlarmBanner)
            if banners:
                banners.first().show(lines, open_foreign)
            elif lines:
                banner = AlarmBanner(classes="alarm-banner")
                screen.mount(banner)
                banner.call_after_refresh(banner.show, lines, open_foreign)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge_alarm":
            return any(a.origin != self.origin and not a.acknowledged for a in self.alarms)
        return True

    def action_alarm(self) -> None:
        """Send the silent emergency call at once: in danger nobody answers a question."""
        staff = self.session.staff if self.session else None
        self.send_alarm(staff.id if staff else None, staff.desk if staff else None)

    @work(thread=True, group="alarm-send")
    def send_alarm(self, staff: str | None, desk: str | None) -> None:
        ctx = self.ctx
        with thread_store(ctx.store):
            sent = alarm.raise_alarm(ctx.store, desk=desk, staff=staff, origin=self.origin,
                                     now_ms=ctx.queue.now_ms())
        alarm.run_hook(ctx.config.staff.alarm_hook, sent, ctx.store.site, ctx.queue.tz)

    def on_alarm_banner_acknowledge(self, _event: AlarmBanner.Acknowledge) -> None:
        self.action_acknowledge_alarm()

    def action_acknowledge_alarm(self) -> None:
        pending = [a for a in self.alarms if a.origin != self.origin and not a.acknowledged]
        if pending:
            self.ack_alarm(pending[0].id, self.session.staff.id if self.session else None)

    @work(thread=True, group="alarm-ack")
    def ack_alarm(self, alarm_id: str, staff: str | None) -> None:
        with thread_store(self.ctx.store):
            alarm.acknowledge(self.ctx.store, alarm_id, staff=staff,
                              now_ms=self.ctx.queue.now_ms())

    async def action_quit(self) -> None:
        """Leave the duty list before closing, so colleagues' hints stay true."""
        if self.session is not None:
            session, self.session = self.session, None
            await asyncio.to_thread(_sign_off, session)
        self.exit()

    def on_sign_in_screen_signed_in(self, event: SignInScreen.SignedIn) -> None:
        self.session = Console(self.staffing, event.profile)
        self.switch_screen(QueueScreen(self.session))

    # --- screens reached from the queue ------------------------------------------------
    def action_appointments(self) -> None:
        from kiosk.ui.staff.appointments import AppointmentsScreen

        if self.session:
            self.push_screen(AppointmentsScreen(self.session))

    def book_follow_up(self, visit: VisitInfo) -> None:
        """The finish dialog chose "follow-up appointment": the booking form, pre-filled."""
        from kiosk.ui.staff.booking import booking_dialog

        if self.session is None:
            return

        def booked(result) -> None:
            if result is not None:
                self.push_screen(NoticeDialog("Folgetermin gebucht", result.notice()))

        self.push_screen(booking_dialog(self.session, self.ctx.queue.now().date(),
                                        follow_up=visit), booked)

    def action_mediators(self) -> None:
        from kiosk.ui.staff.mediators import MediatorsScreen

        if self.session:
            self.push_screen(MediatorsScreen(self.session))

    def action_privacy(self) -> None:
        from kiosk.ui.staff.privacy import PrivacyScreen

        if self.session:
            self.push_screen(PrivacyScreen(self.session))

    def action_help(self) -> None:
        q = self.ctx.config.queue
        self.push_screen(NoticeDialog("Hilfe: Aufrufreihenfolge", Content.from_markup(
            POLICY_HELP.format(fairness=q.fairness_minutes, max_calls=q.max_calls))))

    def action_figures(self) -> None:
        from kiosk.ui.staff.figures import FiguresScreen

        self.push_screen(FiguresScreen(self.ctx))

    def action_admin(self) -> None:
        admins = [(p.display_name, p.id) for p in self.staffing.directory.list() if p.is_admin]
        fields = [FieldSpec("who", "Admin-Profil", "select",
                            admins[0][1] if admins else "", admins),
                  FieldSpec("pin", "Admin-PIN", "password")]

        def done(values: dict | None) -> None:
            if values and values["who"]:
                self.check_admin(values["who"], values["pin"])

        self.push_screen(FormDialog("Verwaltung – Admin-PIN", fields, ok="Öffnen"), done)

    @work(thread=True, group="admin")
    def check_admin(self, who: str, pin: str) -> None:
        with thread_store(self.ctx.store):
            try:
                admin = self.staffing.directory.authenticate(who, pin, need_admin=True)
            except QueueError as exc:  # known errors become a German message; bugs surface
                self.call_from_thread(self.notify, error_text(exc, self.ctx.queue.tz),
                                      severity="error", markup=False)
                return
        from kiosk.ui.staff.admin import AdminScreen

        self.call_from_thread(self.push_screen, AdminScreen(self.staffing, admin))

    def action_sign_out(self) -> None:
        if self.session:
            self.sign_out(self.session)
        self.session = None
        self.switch_screen(SignInScreen(self.staffing))

    @work(thread=True, group="signout")
    def sign_out(self, console: Console) -> None:
        with thread_store(self.ctx.store):
            console.sign_off()


def _sign_off(console: Console) -> None:
    with thread_store(console.ctx.store):
        console.sign_off()


def make_staff_app(ctx: KioskContext) -> StaffApp:
    """The staff console over an open context (the CLI and the tests call this)."""
    redact_at_start(ctx)
    return StaffApp(ctx)
