"""Visitors' rights at the desk: find a visitor's records, hand them a copy (GDPR Art. 15),
erase them on every machine (Art. 17) after a confirmation that names what will go.

Thin: the lookup, export and erasure are :mod:`kiosk.privacy` (plain Python); this screen
collects the selector, shows what was found, and runs each step in a thread worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from kiosk.privacy.erasure import describe, erase_records
from kiosk.privacy.export import default_dir, export_records
from kiosk.privacy.lookup import Finder, PersonRecord, Selector
from kiosk.privacy.personal import REASONS
from kiosk.queue.errors import InvalidInput
from kiosk.staffing.console import Console
from kiosk.ui.inert import inert
from kiosk.ui.staff.dialogs import FOCUS_BINDINGS, TextField
from kiosk.ui.thread_store import thread_store

BY = [("Ticket und Tag", "ticket"), ("Termincode", "code"), ("Vorname", "name")]


class ConfirmErase(ModalScreen[str | None], inherit_bindings=False):
    """Names every record that will go and asks for a reason code; returns it, or None."""

    CSS_PATH = "privacy.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Abbrechen"),
                                             *FOCUS_BINDINGS]

    def __init__(self, lines: list[str], office: str) -> None:
        super().__init__(classes="dialog", id="confirm-erase")
        self.lines, self.office = lines, office

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Endgültig löschen?", classes="dialog-title")
            yield Static(inert(
                f"Diese {len(self.lines)} Einträge werden auf allen Rechnern des Büros "
                f"{self.office} und auf dem Server gelöscht (beim nächsten Abgleich). Das "
                "lässt sich nicht rückgängig machen:\n" + "\n".join(f"  • {line}"
                                                                   for line in self.lines),
                limit=None, multiline=True), id="erase-list")
            yield Select([(text, code) for code, text in REASONS.items()], prompt="Grund wählen",
                         id="erase-reason")
            yield Static("", id="erase-problem", classes="dialog-error")
            with Horizontal(classes="form-buttons"):
                yield Button("Endgültig löschen", id="erase-ok", variant="error")
                yield Button("Abbrechen", id="erase-cancel")

    def on_mount(self) -> None:
        self.query_one("#erase-reason", Select).focus()

    @on(Button.Pressed, "#erase-ok")
    def _ok(self) -> None:
        reason = self.query_one("#erase-reason", Select).value
        if reason is Select.NULL:
            self.query_one("#erase-problem", Static).update("Bitte einen Grund wählen.")
            return
        self.dismiss(str(reason))

    @on(Button.Pressed, "#erase-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PrivacyScreen(Screen[None], inherit_bindings=False):
    """Find → export → erase, for one visitor of this office."""

    CSS_PATH = "privacy.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Zurück"),
        Binding("f5", "find", "Suchen"),
        Binding("f6", "export", "Auskunft"),
        Binding("f8", "erase", "Löschen"),
        *FOCUS_BINDINGS,
    ]

    def __init__(self, console: Console, export_dir: Path | None = None) -> None:
        super().__init__(id="privacy-screen")
        self.console = console
        ctx = console.ctx
        self.export_dir = export_dir or default_dir(ctx.store)
        """Where copies are written: beside the store, on the machine's encrypted disk (the
        daily redaction deletes them after a week)."""
        self.selector: Selector | None = None
        self.records: list[PersonRecord] = []

    def compose(self) -> ComposeResult:
        today = self.console.ctx.queue.now().date().isoformat()
        yield Label("Datenschutz: Auskunft und Löschung für eine Person", classes="section")
        with Horizontal(id="privacy-form"):
            yield Select(BY, value="ticket", allow_blank=False, id="privacy-by")
            yield TextField(placeholder="A-017, Termincode oder Vorname", id="privacy-value")
            yield TextField(today, placeholder="JJJJ-MM-TT", id="privacy-day")
            yield Button("Suchen", id="privacy-find", variant="primary")
        yield Static("", id="privacy-found")
        with Horizontal(id="privacy-actions"):
            yield Label("Kopie nach:", classes="filter-label")
            yield TextField(str(self.export_dir), id="privacy-dir")
            yield Button("Auskunft erstellen", id="privacy-export", disabled=True)
            yield Button("Löschen …", id="privacy-erase", variant="error", disabled=True)
        yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#privacy-value", Input).focus()

    def say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "error")
        status.update(inert(text, limit=None))

    # --- find ---------------------------------------------------------------------------
    def _selector(self) -> Selector:
        by = self.query_one("#privacy-by", Select).value
        value = self.query_one("#privacy-value", Input).value
        if by == "ticket":
            return Selector(ticket=value, day=self.query_one("#privacy-day", Input).value)
        return Selector(code=value) if by == "code" else Selector(name=value)

    @on(Button.Pressed, "#privacy-find")
    @on(Input.Submitted, "#privacy-value, #privacy-day")
    def action_find(self) -> None:
        self.find(self._selector())

    @work(thread=True, exclusive=True, group="privacy")
    def find(self, selector: Selector) -> None:
        ctx = self.console.ctx
        with thread_store(ctx.store):
            try:
                sel, records = Finder(ctx.store, ctx.config, ctx.queue.now()).find(selector)
            except InvalidInput as exc:
                self.app.call_from_thread(self._found, None, [], str(exc))
                return
        self.app.call_from_thread(self._found, sel, records, "")

    def _found(self, sel: Selector | None, records: list[PersonRecord], problem: str) -> None:
        self.selector, self.records = sel, records
        self.query_one("#privacy-export", Button).disabled = not records
        self.query_one("#privacy-erase", Button).disabled = not records
        found = self.query_one("#privacy-found", Static)
        if problem:
            found.update("")
            self.say(problem, True)
            return
        lines = [Content.assemble(f"  • {line}", " – ", inert(
            rec.fields.get("first_name") or rec.fields.get("name") or "ohne Namen"))
            for line, rec in zip(describe(records), records, strict=True)]
        found.update(Content("\n").join([Content(f"Gefunden: {len(records)} Einträge"), *lines]))
        self.say("Prüfen Sie mit der Person, dass es ihre Einträge sind.")

    # --- export -------------------------------------------------------------------------
    @on(Button.Pressed, "#privacy-export")
    def action_export(self) -> None:
        if self.selector is None or not self.records:
            self.say("Zuerst suchen.", True)
            return
        out = Path(self.query_one("#privacy-dir", Input).value.strip() or self.export_dir)
        self.export(self.selector, list(self.records), out)

    @work(thread=True, exclusive=True, group="privacy")
    def export(self, sel: Selector, records: list[PersonRecord], out: Path) -> None:
        ctx = self.console.ctx
        with thread_store(ctx.store):
            try:
                result = export_records(ctx.store, ctx.config, sel, records, out,
                                        ctx.queue.now(), staff=self.console.staff.id)
            except OSError as exc:
                self.app.call_from_thread(self.say, f"Konnte nicht schreiben: {out} "
                                          f"({exc.strerror or exc.__class__.__name__})", True)
                return
        names = ", ".join(p.name for p in result.files)
        self.app.call_from_thread(self.say, f"Auskunft erstellt ({len(records)} Einträge, "
                                  f"{', '.join(result.languages)}) in {out}: {names}")

    # --- erase --------------------------------------------------------------------------
    @on(Button.Pressed, "#privacy-erase")
    def action_erase(self) -> None:
        if self.selector is None or not self.records:
            self.say("Zuerst suchen.", True)
            return
        sel, records = self.selector, list(self.records)

        def chosen(reason: str | None) -> None:
            if reason is None:
                self.say("Nichts gelöscht.")
            else:
                self.erase(sel, records, reason)

        self.app.push_screen(ConfirmErase(describe(records), self.console.ctx.store.site),
                             chosen)

    @work(thread=True, exclusive=True, group="privacy")
    def erase(self, sel: Selector, records: list[PersonRecord], reason: str) -> None:
        ctx = self.console.ctx
        with thread_store(ctx.store):
            try:
                result = erase_records(ctx.store, sel, records, reason, ctx.queue.now(),
                                       staff=self.console.staff.id)
            except InvalidInput as exc:
                self.app.call_from_thread(self.say, str(exc), True)
                return
        self.app.call_from_thread(self._erased, result.visits, result.appointments)

    def _erased(self, visits: int, appointments: int) -> None:
        self._found(None, [], "")
        self.query_one("#privacy-found", Static).update("")
        self.say(f"Gelöscht: {visits} Besuche, {appointments} Termine. Die anderen Rechner "
                 "und der Server folgen beim nächsten Abgleich.")
