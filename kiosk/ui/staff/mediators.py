"""The language-mediator register: who could help now, the list, adding and retiring."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Label, Static

from kiosk.queue.errors import QueueError
from kiosk.staffing.console import Console
from kiosk.staffing.forms import parse_codes, parse_weekdays
from kiosk.staffing.mediators import MediatorInfo, MediatorNeed
from kiosk.terminal_text import printable
from kiosk.ui.inert import CELL_LIMIT, inert, inert_text
from kiosk.ui.staff.dialogs import FOCUS_BINDINGS, ConfirmDialog, FieldSpec, FormDialog
from kiosk.ui.staff.keybar import KeyBar
from kiosk.ui.staff.texts import (
    clock_text,
    error_text,
    language_name,
    mediator_hints,
    weekdays_text,
)
from kiosk.ui.staff.undo import UNDO_SECONDS, UndoOffer
from kiosk.ui.staff.widgets import FittedTable
from kiosk.ui.thread_store import thread_store


class MediatorsScreen(UndoOffer, Screen[None], inherit_bindings=False):
    """Needs first (visitors and appointments nobody on duty can talk to), then the register."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Zurück"),
        Binding("n", "add", "Neu"),
        Binding("d", "deactivate", "Austragen"),
        Binding("r", "undo", "Rückgängig"),
        *FOCUS_BINDINGS,
    ]

    def __init__(self, console: Console) -> None:
        super().__init__(id="mediators-screen")
        self.console = console
        self.mediators: list[MediatorInfo] = []

    def compose(self) -> ComposeResult:
        yield Label("Sprachmittlung nötig", classes="section")
        yield Static("", id="needs-list")
        yield Label("Register der Sprachmittler:innen", classes="section")
        yield FittedTable("Name", "Sprachen", "Wochentage", "Kontakt", id="mediator-table",
                          cursor_type="row", zebra_stripes=True)
        yield Static("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#mediator-table", FittedTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="med-load")
    def load(self) -> None:
        with thread_store(self.console.ctx.store):
            needs = self.console.snapshot().needs
            mediators = self.console.staffing.mediators.list()
        self.app.call_from_thread(self.show, needs, mediators)

    def show(self, needs: tuple[MediatorNeed, ...], mediators: list[MediatorInfo]) -> None:
        tz = self.console.ctx.queue.tz
        lines = []
        for need in needs:
            who = (f"Nummer {need.ticket}" if need.ticket
                   else f"Termin {clock_text(need.starts_at or 0, tz)}")
            lines.append(f"⚑ {who}: {language_name(need.language)} – könnte helfen: "
                         f"{mediator_hints(need) or 'heute niemand'}")
        self.query_one("#needs-list", Static).update(inert(
            "\n".join(lines) or "Niemand wartet auf eine Sprache, die niemand im Dienst spricht.",
            limit=None, multiline=True))
        self.mediators = mediators
        self.query_one("#mediator-table", FittedTable).refill([
            (m.id, (inert_text(m.name),
                    inert_text(", ".join(language_name(c) for c in m.languages)),
                    inert_text(weekdays_text(m.weekdays) or "nach Absprache"),
                    inert_text(m.contact)))
            for m in mediators])

    def say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "error")
        status.update(inert(text, limit=None))

    def action_add(self) -> None:
        fields = [FieldSpec("name", "Name"),
                  FieldSpec("languages", "Sprachen (Kürzel)", placeholder="z. B. ti, am"),
                  FieldSpec("contact", "Kontakt", placeholder="Telefon oder E-Mail"),
                  FieldSpec("weekdays", "Wochentage", placeholder="z. B. Di, Do")]
        self.app.push_screen(FormDialog("Sprachmittler:in eintragen", fields, ok="Eintragen"),
                             self._add)

    @work(thread=True, group="med-action")
    def _add(self, values: dict | None) -> None:
        if values is None:
            return
        with thread_store(self.console.ctx.store):
            try:
                m = self.console.staffing.mediators.add(
                    values["name"], parse_codes(values["languages"]), contact=values["contact"],
                    weekdays=parse_weekdays(values["weekdays"]), by=self.console.staff.id)
            except QueueError as exc:  # known errors become a German message; bugs surface
                self.app.call_from_thread(self.say, error_text(exc), True)
                return
        self.app.call_from_thread(self.say, f"{printable(m.name, limit=CELL_LIMIT)} eingetragen.")
        self.app.call_from_thread(self.load)

    def action_deactivate(self) -> None:
        key = self.query_one("#mediator-table", FittedTable).selected_key()
        mediator = next((m for m in self.mediators if m.id == key), None)
        if mediator is None:
            return
        name = printable(mediator.name, limit=CELL_LIMIT)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._set_active(mediator.id, False, name)

        self.app.push_screen(ConfirmDialog(
            f"{name} austragen?",
            f"{name} wird in keinem Büro mehr als Sprachmittler:in vorgeschlagen. "
            f"{UNDO_SECONDS:.0f} Sekunden lang mit r rückgängig zu machen.",
            yes="Austragen"), confirmed)

    @work(thread=True, group="med-action")
    def _set_active(self, mediator_id: str, active: bool, name: str) -> None:
        with thread_store(self.console.ctx.store):
            try:
                self.console.staffing.mediators.set_active(mediator_id, active,
                                                           by=self.console.staff.id)
            except QueueError as exc:  # known errors become a German message; bugs surface
                self.app.call_from_thread(self.say, error_text(exc), True)
                return
        if active:
            self.app.call_from_thread(self.say, f"{name} ist wieder im Register.")
        else:
            self.app.call_from_thread(
                self.say, f"{name} aus dem Register ausgetragen – r: rückgängig "
                          f"({UNDO_SECONDS:.0f} s).")
            self.app.call_from_thread(
                self.offer_undo, lambda: self._set_active(mediator_id, True, name))
        self.app.call_from_thread(self.load)

    def run_undo(self, reverse: Callable[[], object]) -> None:
        reverse()  # starts the worker that puts the mediator back
