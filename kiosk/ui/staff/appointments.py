"""Appointments: the day view per desk; book, move, cancel; arrival by code at the desk.

The visitor's code is shown once, right after booking (only its hash is stored). A
cancellation is confirmed first and can be taken back for `UNDO_SECONDS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Label, Select, Static

from kiosk.config import WEEKDAYS
from kiosk.queue.errors import QueueError
from kiosk.queue.views import AppointmentInfo
from kiosk.staffing.console import Console
from kiosk.staffing.forms import parse_minutes, parse_slot
from kiosk.ui.inert import inert, inert_text
from kiosk.ui.staff.booking import Booked, booking_dialog, explain
from kiosk.ui.staff.dialogs import (
    FOCUS_BINDINGS,
    ConfirmDialog,
    FieldSpec,
    FormDialog,
    NoticeDialog,
)
from kiosk.ui.staff.keybar import KeyBar
from kiosk.ui.staff.texts import STATUS, WEEKDAY, clock_text, error_text, language_name
from kiosk.ui.staff.undo import UNDO_SECONDS, UndoOffer
from kiosk.ui.staff.widgets import FittedTable, concern_text
from kiosk.ui.thread_store import thread_store


class AppointmentsScreen(UndoOffer, Screen[None], inherit_bindings=False):
    """One day's appointments at this location, optionally for one desk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Zurück"),
        Binding("left", "day(-1)", "Vortag"),
        Binding("right", "day(1)", "Folgetag"),
        Binding("h", "today", "Heute"),
        Binding("b", "book", "Buchen"),
        Binding("v", "move", "Verschieben"),
        Binding("s", "cancel", "Stornieren"),
        Binding("r", "undo", "Rückgängig"),
        Binding("e", "arrive", "Code einlösen"),
        *FOCUS_BINDINGS,
    ]

    def __init__(self, console: Console) -> None:
        super().__init__(id="appointments-screen")
        self.console = console
        self.queue = console.ctx.queue
        self.day = self.queue.now().date()
        self.desk: str | None = None
        self.rows: list[AppointmentInfo] = []

    def compose(self) -> ComposeResult:
        desks = self.console.ctx.config.office(self.console.ctx.store.site).desks
        with Horizontal(id="appt-bar"):
            yield Label("", id="appt-day", classes="section")
            yield Label("Schalter", classes="filter-label")
            yield Select([(f"Schalter {d}", d) for d in desks], prompt="alle", id="appt-desk")
        yield FittedTable("Zeit", "Dauer", "Schalter", "Sprache", "Dolmetsch", "Anliegen",
                          "Name", "Telefon", "Status", id="appt-table", cursor_type="row",
                          zebra_stripes=True)
        yield Static("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#appt-table", FittedTable).focus()
        self.load()

    # --- loading ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="appt-load")
    def load(self) -> None:
        with thread_store(self.console.ctx.store):
            rows = self.console.ctx.appointments.day(self.day)
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[AppointmentInfo]) -> None:
        tz = self.queue.tz
        self.rows = [a for a in rows if self.desk is None or a.desk == self.desk]
        desk = f" · Schalter {self.desk}" if self.desk else " · alle Schalter"
        weekday = WEEKDAY[WEEKDAYS[self.day.weekday()]]
        self.query_one("#appt-day", Label).update(
            f"Termine am {weekday} {self.day:%d.%m.%Y}{desk}: {len(self.rows)}")
        config = self.console.ctx.config
        out = []
        for a in self.rows:
            style = "dim strike" if a.status == "cancelled" else ""
            out.append((a.id, (
                inert_text(clock_text(a.starts_at, tz), style or "bold"),
                f"{a.duration_min} min", inert_text(a.desk or "—"),
                inert_text(language_name(a.language)),
                inert_text(language_name(a.interpreter_language)
                           if a.interpreter_language else ""),
                concern_text(config, a.concerns), inert_text(a.name), inert_text(a.phone),
                inert_text(STATUS.get(a.status, a.status), style))))
        self.query_one("#appt-table", FittedTable).refill(out)

    @on(Select.Changed, "#appt-desk")
    def _desk(self, event: Select.Changed) -> None:
        self.desk = None if event.value is Select.NULL else str(event.value)
        self.load()

    def action_day(self, delta: int) -> None:
        self.day += dt.timedelta(days=delta)
        self.load()

    def action_today(self) -> None:
        self.day = self.queue.now().date()
        self.load()

    def say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "error")
        status.update(inert(text, limit=None, multiline=True))

    def _selected(self) -> AppointmentInfo | None:
        key = self.query_one("#appt-table", FittedTable).selected_key()
        if not self.rows or key is None:
            self.say("An diesem Tag gibt es keinen Termin.", True)
            return None
        return next(a for a in self.rows if a.id == key)

    @work(thread=True, group="appt-action")
    def run(self, fn: Callable[[], str]) -> None:
        """Run an appointment action; show its message, then reload."""
        with thread_store(self.console.ctx.store):
            try:
                text = fn()
            except QueueError as exc:  # known errors become a German message; bugs surface
                self.app.call_from_thread(self.say, error_text(exc, self.queue.tz), True)
                return
        self.app.call_from_thread(self.say, text)
        self.app.call_from_thread(self.load)

    # --- actions ------------------------------------------------------------------------
    def action_book(self) -> None:
        self.app.push_screen(booking_dialog(self.console, self.day, self.desk), self._booked)

    def _booked(self, booked: Booked | None) -> None:
        """Show the code once, in a dialog; the status line never holds it."""
        if booked is None:
            return
        self.day = booked.when.date()
        self.say(f"Termin am {booked.when:%d.%m.%Y um %H:%M} Uhr gebucht "
                 "(der Code wurde einmal angezeigt).")
        self.app.push_screen(NoticeDialog("Termin gebucht", booked.notice()))
        self.load()

    def action_move(self) -> None:
        appt = self._selected()
        if appt is None:
            return
        when = dt.datetime.fromtimestamp(appt.starts_at / 1000, self.queue.tz)
        desks = self.console.ctx.config.office(self.console.ctx.store.site).desks
        fields = [FieldSpec("date", "Datum", value=f"{when:%d.%m.%Y}"),
                  FieldSpec("time", "Uhrzeit", value=f"{when:%H:%M}"),
                  FieldSpec("minutes", "Dauer (min)", value=str(appt.duration_min)),
                  FieldSpec("desk", "Schalter", "select", appt.desk or "",
                            [(f"Schalter {d}", d) for d in desks])]

        def move(values: dict) -> str:
            with thread_store(self.console.ctx.store):
                new = parse_slot(values["date"], values["time"], self.queue.tz)
                self.console.ctx.appointments.move(
                    appt.id, new, minutes=parse_minutes(values["minutes"]),
                    desk=values["desk"], staff_id=self.console.staff.id)
            return f"Termin verschoben auf {new:%d.%m.%Y %H:%M} Uhr."

        def done(text: str | None) -> None:
            if text:
                self.say(text)
                self.load()

        self.app.push_screen(FormDialog(
            f"Termin {clock_text(appt.starts_at, self.queue.tz)} verschieben", fields,
            ok="Verschieben", submit=move, explain=explain), done)

    def action_cancel(self) -> None:
        appt = self._selected()
        if appt is None:
            return
        if appt.status != "booked":
            self.say("Nur gebuchte Termine können storniert werden.", True)
            return
        when = dt.datetime.fromtimestamp(appt.starts_at / 1000, self.queue.tz)
        desk = f", Schalter {appt.desk}" if appt.desk else ""

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._cancel(appt.id, f"{when:%d.%m. %H:%M} Uhr{desk}")

        self.app.push_screen(ConfirmDialog(
            f"Termin {when:%d.%m. %H:%M} Uhr stornieren?",
            f"Termin am {when:%d.%m.%Y um %H:%M} Uhr{desk} stornieren?\n"
            f"Danach {UNDO_SECONDS:.0f} Sekunden lang mit r rückgängig zu machen.",
            yes="Stornieren"), confirmed)

    @work(thread=True, group="appt-action")
    def _cancel(self, appointment_id: str, what: str) -> None:
        with thread_store(self.console.ctx.store):
            try:
                self.console.ctx.appointments.cancel(appointment_id, staff_id=self.console.staff.id)
            except QueueError as exc:  # known errors become a German message; bugs surface
                self.app.call_from_thread(self.say, error_text(exc, self.queue.tz), True)
                return
        self.app.call_from_thread(self._cancelled, appointment_id, what)

    def _cancelled(self, appointment_id: str, what: str) -> None:
        self.say(f"Termin {what} storniert – r: rückgängig ({UNDO_SECONDS:.0f} s).")

        def restore() -> str:
            self.console.ctx.appointments.uncancel(appointment_id,
                                                   staff_id=self.console.staff.id)
            return "Stornierung zurückgenommen: der Termin ist wieder gebucht."

        self.offer_undo(restore)
        self.load()

    def run_undo(self, reverse: Callable[[], str]) -> None:
        self.run(reverse)

    def action_arrive(self) -> None:
        def done(values: dict | None) -> None:
            if values is None:
                return

            def arrive() -> str:
                ticket = self.console.ctx.appointments.check_in(values["code"])
                return f"Angekommen: Nummer {ticket.ticket} ist in der Warteschlange."

            self.run(arrive)

        self.app.push_screen(FormDialog("Ankunft mit Termincode", [
            FieldSpec("code", "Code", placeholder="z. B. K7M-4QX")], ok="Einlösen"), done)


