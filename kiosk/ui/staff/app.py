"""The staff console app: sign in, then the queue; appointments, mediators, admin on keys.

`make_staff_app(ctx)` is the one factory; `kiosk staff` and the tests both use it.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.content import Content

from kiosk.context import KioskContext
from kiosk.privacy.redaction import redact_at_start
from kiosk.queue.errors import QueueError
from kiosk.staffing.console import Console, Staffing
from kiosk.ui.crash import CalmCrash
from kiosk.ui.staff.dialogs import FieldSpec, FormDialog, NoticeDialog
from kiosk.ui.staff.queue_screen import QueueScreen
from kiosk.ui.staff.signin import SignInScreen
from kiosk.ui.staff.texts import POLICY_HELP, error_text


class StaffApp(CalmCrash, App[None], inherit_bindings=False):
    """The console of one office desk."""

    CSS_PATH = "staff.tcss"
    TITLE = "lokal willkommen · Beratung"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Beenden", priority=True)]
    CRASH_PROGRAM = "kiosk staff"
    CRASH_EXIT_SECONDS = None  # the message stays until someone at the desk presses a key

    def crash_hint(self) -> str:
        return "Die Einzelheiten stehen im Journal. Eine beliebige Taste beendet die Konsole."

    def __init__(self, ctx: KioskContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.staffing = Staffing(ctx)
        self.session: Console | None = None

    def on_mount(self) -> None:
        self.push_screen(SignInScreen(self.staffing))

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
        try:
            admin = self.staffing.directory.authenticate(who, pin, need_admin=True)
        except QueueError as exc:  # known errors become a German message; bugs surface
            self.call_from_thread(self.notify, error_text(exc, self.ctx.queue.tz),
                                  severity="error", markup=False)
            return
        finally:
            self.ctx.store.close()
        from kiosk.ui.staff.admin import AdminScreen

        self.call_from_thread(self.push_screen, AdminScreen(self.staffing, admin))

    def action_sign_out(self) -> None:
        if self.session:
            self.sign_out(self.session)
        self.session = None
        self.switch_screen(SignInScreen(self.staffing))

    @work(thread=True, group="signout")
    def sign_out(self, console: Console) -> None:
        try:
            console.sign_off()
        finally:
            self.ctx.store.close()


def _sign_off(console: Console) -> None:
    try:
        console.sign_off()
    finally:
        console.ctx.store.close()


def make_staff_app(ctx: KioskContext) -> StaffApp:
    """The staff console over an open context (the CLI and the tests call this)."""
    redact_at_start(ctx)
    return StaffApp(ctx)
