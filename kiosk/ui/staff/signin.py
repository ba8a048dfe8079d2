"""Sign-in: pick one's profile, type the PIN. Wrong PINs count towards a lock-out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.queue.errors import QueueError
from kiosk.staffing.console import Staffing
from kiosk.staffing.profiles import StaffProfile
from kiosk.terminal_text import printable
from kiosk.ui.inert import CELL_LIMIT, inert
from kiosk.ui.staff.dialogs import FOCUS_BINDINGS
from kiosk.ui.staff.texts import error_text, language_name
from kiosk.ui.thread_store import thread_store


class SignInScreen(Screen[None], inherit_bindings=False):
    """The first screen of the console; posts `SignedIn` when a PIN is accepted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Beenden"), *FOCUS_BINDINGS]

    @dataclass
    class SignedIn(Message):
        """A staff member signed in."""

        profile: StaffProfile

    def __init__(self, staffing: Staffing) -> None:
        super().__init__(id="signin")
        self.staffing = staffing

    def compose(self) -> ComposeResult:
        office = self.staffing.ctx.config.office(self.staffing.ctx.store.site)
        with Vertical(id="signin-box"):
            yield Label(inert(office.name), id="signin-title")
            yield Label("Anmelden: Profil wählen, PIN eingeben", classes="muted")
            yield OptionList(id="profiles")
            yield Input(placeholder="PIN", password=True, id="pin", max_length=12,
                        restrict=r"[0-9]*")
            yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.load_profiles()

    @work(thread=True, exclusive=True, group="signin-load")
    def load_profiles(self) -> None:
        with thread_store(self.staffing.ctx.store):
            profiles = self.staffing.directory.list()
        self.app.call_from_thread(self._show_profiles, profiles)

    def _show_profiles(self, profiles: list[StaffProfile]) -> None:
        options = self.query_one("#profiles", OptionList)
        options.clear_options()
        for p in profiles:
            desk = f"Schalter {p.desk}" if p.desk else "ohne Schalter"
            langs = ", ".join(language_name(c) for c in p.languages)
            options.add_option(Option(inert(f"{printable(p.display_name, limit=CELL_LIMIT)}"
                                            f"  ·  {desk}  ·  {langs}", limit=None), id=p.id))
        if profiles:
            options.highlighted = 0
            options.focus()
        else:
            self.query_one("#status", Static).update(
                "Noch keine Profile. Anlegen mit: kiosk staff-admin add-staff NAME "
                "--languages de,fa --desk 1 --admin")

    @on(OptionList.OptionSelected, "#profiles")
    def _profile_chosen(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _pin_entered(self, event: Input.Submitted) -> None:
        options = self.query_one("#profiles", OptionList)
        if options.highlighted is None:
            self.query_one("#status", Static).update("Bitte zuerst ein Profil wählen.")
            return
        staff_id = options.get_option_at_index(options.highlighted).id
        event.input.value = ""
        self.query_one("#status", Static).update("Prüfe …")
        self.check_pin(staff_id, event.value)

    @work(thread=True, exclusive=True, group="signin")
    def check_pin(self, staff_id: str, pin: str) -> None:
        with thread_store(self.staffing.ctx.store):
            try:
                profile = self.staffing.directory.authenticate(staff_id, pin)
            except QueueError as exc:  # known errors become a German message; bugs surface
                text = error_text(exc, self.staffing.ctx.queue.tz)
                self.app.call_from_thread(self.query_one("#status", Static).update, inert(
                    text, limit=None))
                return
        self.app.call_from_thread(self.post_message, self.SignedIn(profile))
