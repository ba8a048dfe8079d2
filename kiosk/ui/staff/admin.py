"""Administration behind an admin PIN: staff profiles, desks (and their board labels).

The same as `kiosk staff-admin …` on the command line; both call `kiosk.staffing`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Label, Static

from kiosk.queue.errors import InvalidInput, QueueError
from kiosk.staffing.console import Staffing
from kiosk.staffing.desks import desk_labels, set_desk_label
from kiosk.staffing.forms import parse_codes
from kiosk.staffing.profiles import StaffProfile
from kiosk.terminal_text import printable
from kiosk.ui.inert import CELL_LIMIT, inert, inert_text
from kiosk.ui.staff.dialogs import (
    FOCUS_BINDINGS,
    ChoiceDialog,
    ConfirmDialog,
    FieldSpec,
    FormDialog,
)
from kiosk.ui.staff.keybar import KeyBar
from kiosk.ui.staff.texts import error_text, language_name
from kiosk.ui.staff.undo import UNDO_SECONDS, UndoOffer
from kiosk.ui.staff.widgets import FittedTable
from kiosk.ui.thread_store import thread_store


class AdminScreen(UndoOffer, Screen[None], inherit_bindings=False):
    """Staff profiles and desk labels of this office."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Zurück"),
        Binding("n", "add", "Neues Profil"),
        Binding("p", "pin", "PIN setzen"),
        Binding("s", "desk", "Schalter"),
        Binding("d", "toggle_active", "(De)aktivieren"),
        Binding("l", "desk_label", "Schalter benennen"),
        Binding("r", "undo", "Rückgängig"),
        *FOCUS_BINDINGS,
    ]

    def __init__(self, staffing: Staffing, admin: StaffProfile) -> None:
        super().__init__(id="admin-screen")
        self.staffing = staffing
        self.admin = admin
        self.profiles: list[StaffProfile] = []

    def compose(self) -> ComposeResult:
        yield Label(inert(f"Verwaltung (angemeldet als {self.admin.display_name})",
                          limit=None), classes="section")
        yield FittedTable("Kennung", "Name", "Sprachen", "Schalter", "Admin", "Aktiv",
                          id="staff-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="desks")
        yield Static("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#staff-table", FittedTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="admin-load")
    def load(self) -> None:
        ctx = self.staffing.ctx
        from kiosk.sync.erasure_hold import pending_count

        with thread_store(ctx.store):
            profiles = self.staffing.directory.list(include_inactive=True)
            labels = desk_labels(ctx.store, ctx.config)
            held = pending_count(ctx.store)
        self.app.call_from_thread(self.show, profiles, labels, held)

    def show(self, profiles: list[StaffProfile], labels: dict[str, str],
             held: int = 0) -> None:
        self.profiles = profiles
        if held:  # a mass erasure by one machine waits for an admin (kiosk/sync/erasure_hold)
            self.say(f"Achtung: {held} Löschungen eines Geräts werden zurückgehalten, die "
                     "Datensätze bleiben bis zur Entscheidung (kiosk erasures list).",
                     error=True)
        self.query_one("#staff-table", FittedTable).refill([
            (p.id, (inert_text(p.id), inert_text(p.display_name),
                    inert_text(", ".join(language_name(c) for c in p.languages)),
                    inert_text(p.desk or "—"), "ja" if p.is_admin else "",
                    "ja" if p.active else "nein"))
            for p in profiles])
        self.query_one("#desks", Static).update(inert(
            "Schalter (Anzeige auf dem Wartezimmer-Bildschirm): "
            + ", ".join(f"{d} = „{printable(label, limit=CELL_LIMIT)}“"
                        for d, label in labels.items()), limit=None))

    def say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "error")
        status.update(inert(text, limit=None))

    def _selected(self) -> StaffProfile | None:
        key = self.query_one("#staff-table", FittedTable).selected_key()
        return next((p for p in self.profiles if p.id == key), None)

    @work(thread=True, group="admin-action")
    def run(self, fn: Callable[[], str], undo: Callable[[], str] | None = None) -> None:
        """Run an action; with `undo`, offer to take it back for a few seconds."""
        with thread_store(self.staffing.ctx.store):
            try:
                text = fn()
            except QueueError as exc:  # known errors become a German message; bugs surface
                self.app.call_from_thread(self.say, error_text(exc), True)
                return
        self.app.call_from_thread(self.say, text)
        if undo is not None:
            self.app.call_from_thread(self.offer_undo, undo)
        self.app.call_from_thread(self.load)

    def _desk_options(self) -> list[tuple[str, str]]:
        ctx = self.staffing.ctx
        return [(f"Schalter {d}", d) for d in ctx.config.office(ctx.store.site).desks]

    def action_add(self) -> None:
        fields = [FieldSpec("name", "Name"),
                  FieldSpec("languages", "Sprachen (Kürzel)", value="de"),
                  FieldSpec("desk", "Schalter", "select", "", self._desk_options()),
                  FieldSpec("admin", "Admin", "checkbox", False),
                  FieldSpec("pin", "PIN", "password"),
                  FieldSpec("pin2", "PIN wiederholen", "password")]

        def done(values: dict | None) -> None:
            if values is None:
                return

            def add() -> str:
                if values["pin"] != values["pin2"]:
                    raise InvalidInput("pin", "mismatch", "the PINs differ")
                p = self.staffing.directory.add(
                    values["name"], parse_codes(values["languages"]), values["pin"],
                    desk=values["desk"], is_admin=bool(values["admin"]), by=self.admin.id)
                return f"Profil {p.display_name} ({p.id}) angelegt."

            self.run(add)

        self.app.push_screen(FormDialog("Neues Profil", fields, ok="Anlegen"), done)

    def action_pin(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        fields = [FieldSpec("pin", "Neue PIN", "password"),
                  FieldSpec("pin2", "PIN wiederholen", "password")]

        def done(values: dict | None) -> None:
            if values is None:
                return

            def set_pin() -> str:
                if values["pin"] != values["pin2"]:
                    raise InvalidInput("pin", "mismatch", "the PINs differ")
                self.staffing.directory.set_pin(profile.id, values["pin"], by=self.admin.id)
                return f"PIN von {profile.display_name} geändert (Sperre aufgehoben)."

            self.run(set_pin)

        self.app.push_screen(FormDialog(f"PIN für {profile.display_name}", fields), done)

    def action_desk(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        options = [(d, label) for label, d in self._desk_options()] + [("", "ohne Schalter")]

        def done(desk: str | None) -> None:
            if desk is None:
                return
            self.run(lambda: (self.staffing.directory.update(
                profile.id, desk=desk or None, clear_desk=not desk, by=self.admin.id)
                and f"{profile.display_name}: Schalter {desk or '—'}."))

        self.app.push_screen(ChoiceDialog(f"Schalter für {profile.display_name}", options),
                             done)

    def action_toggle_active(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        if profile.id == self.admin.id:
            self.say("Das eigene Profil kann hier nicht deaktiviert werden.", True)
            return
        if not profile.active:
            self.run(lambda: self._set_active(profile, True))
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run(lambda: self._set_active(profile, False),
                         undo=lambda: self._set_active(profile, True))

        self.app.push_screen(ConfirmDialog(
            f"{profile.display_name} deaktivieren?",
            f"{profile.display_name} kann sich dann nicht mehr anmelden und erscheint nicht "
            f"mehr im Dienst. {UNDO_SECONDS:.0f} Sekunden lang mit r rückgängig zu machen; "
            "später wieder mit d aktivieren.", yes="Deaktivieren"), confirmed)

    def _set_active(self, profile: StaffProfile, active: bool) -> str:
        self.staffing.directory.set_active(profile.id, active, by=self.admin.id)
        if active:
            return f"{profile.display_name} aktiviert."
        return f"{profile.display_name} deaktiviert – r: rückgängig ({UNDO_SECONDS:.0f} s)."

    def run_undo(self, reverse: Callable[[], str]) -> None:
        self.run(reverse)

    def action_desk_label(self) -> None:
        ctx = self.staffing.ctx

        def done(values: dict | None) -> None:
            if values is None or not values["desk"]:
                return
            self.run(lambda: (set_desk_label(ctx.store, ctx.config, values["desk"],
                                             values["label"])
                              or f"Schalter {values['desk']} heißt jetzt „{values['label']}“."))

        self.app.push_screen(FormDialog("Schalter benennen (für den Wartezimmer-Bildschirm)", [
            FieldSpec("desk", "Schalter", "select", "", self._desk_options()),
            FieldSpec("label", "Bezeichnung", placeholder="z. B. Raum 2.14")]), done)
