"""The console's main screen: the queue, my visitors, mediator hints, one key per action.

Thin: it shows `ConsoleSnapshot`s and turns keys into `Console` calls. A thread worker
watches the store (`PRAGMA data_version`, every 0.3 s) and reloads only when another process
or console changed something; actions run in thread workers and never block the screen.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Label, Select, Static
from textual.worker import get_current_worker

from kiosk.queue.errors import QueueError
from kiosk.queue.outcomes import OUTCOMES
from kiosk.queue.views import VisitInfo
from kiosk.staffing.console import (
    REASON_CODES,
    Console,
    ConsoleSnapshot,
    action_target,
    filter_rows,
)
from kiosk.staffing.watch import POLL_SECONDS, ChangeWatcher
from kiosk.terminal_text import printable
from kiosk.ui.inert import CELL_LIMIT, inert
from kiosk.ui.staff.dialogs import (
    FOCUS_BINDINGS,
    ChoiceDialog,
    ConfirmDialog,
    FieldSpec,
    FormDialog,
)
from kiosk.ui.staff.keybar import KeyBar
from kiosk.ui.staff.texts import (
    OUTCOME,
    REASON,
    STATUS,
    clock_text,
    error_text,
    language_name,
    mediator_hints,
    result_text,
    sync_text,
)
from kiosk.ui.staff.widgets import FittedTable, MineTable, QueueTable
from kiosk.ui.thread_store import thread_store

#: Reload at least this often even without changes: waiting minutes move on.
REFRESH_SECONDS = 30.0


class QueueScreen(Screen[None], inherit_bindings=False):
    """The queue for one signed-in staff member."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "call_next", "Nächste"),
        Binding("c", "call_selected", "Aufrufen"),
        Binding("w", "recall", "Erneut"),
        Binding("b", "start", "Beginnen"),
        Binding("f", "finish", "Abschluss"),
        Binding("p", "park", "Parken"),
        Binding("u", "priority", "Dringend"),
        Binding("t", "transfer", "Weitergeben"),
        Binding("z", "restore", "Zurückholen"),
        Binding("a", "app.appointments", "Termine"),
        Binding("m", "app.mediators", "Sprachmittl."),
        Binding("k", "app.figures", "Zahlen"),
        Binding("x", "app.admin", "Verwaltung"),
        Binding("question_mark,f1", "app.help", "Hilfe"),
        Binding("ctrl+l", "app.sign_out", "Abmelden"),
        Binding("d", "app.privacy", "Datenschutz"),
        *FOCUS_BINDINGS,
    ]

    def __init__(self, console: Console) -> None:
        super().__init__(id="queue-screen")
        self.console = console
        self.snapshot: ConsoleSnapshot | None = None
        self.loads = 0
        self._language: str | None = None
        self._concern: str | None = None
        #: The visitor this console just called: what actions act on unless a row is picked.
        self.current: str | None = None
        self._current_at = 0
        #: A call-next is being checked or asked about (a second `n` meanwhile is ignored).
        self._calling = False

    # --- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        ctx = self.console.ctx
        office = ctx.config.office(ctx.store.site)
        langs = sorted({lang for o in (office.languages, ctx.config.interpreter_languages)
                        for lang in o})
        yield Static("", id="header")
        with Horizontal(id="filters"):
            yield Label("Sprache", classes="filter-label")
            yield Select([(language_name(c), c) for c in langs], prompt="alle",
                         id="filter-language")
            yield Label("Anliegen", classes="filter-label")
            yield Select([(c.label, c.id) for c in ctx.config.concerns], prompt="alle",
                         id="filter-concern")
            yield Button("Notruf (F12)", id="alarm-button", variant="error")
        with Vertical(id="mine-box"):
            yield Label("Bei mir · geparkt · verpasst", classes="section")
            yield MineTable(id="mine")
        with Vertical(id="queue-box"):
            yield Label("Warteschlange", id="queue-title", classes="section")
            yield QueueTable(id="queue")
        yield Static("", id="needs")
        yield Static("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#queue", QueueTable).focus()
        self.watch_store()

    # --- loading ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="watch")
    def watch_store(self) -> None:
        """Reload when the store changed, the minute turned (or every REFRESH_SECONDS); keep
        the duty beat."""
        worker = get_current_worker()
        watcher = ChangeWatcher(self.console.ctx.store.db)
        # -inf, not 0: time.monotonic() counts from boot, and a machine that booted less than
        # a heartbeat ago would otherwise wait minutes for its first beat and first load.
        last_load = -math.inf
        last_minute = None
        with thread_store(self.console.ctx.store):
            while not worker.is_cancelled:
                now = time.monotonic()
                self.console.keep_on_duty()
                # the header's clock and "next for me" change with the minute (the fairness
                # bound, a due appointment) even when nobody writes to the store
                minute = self.console.queue.now_ms() // 60_000
                if (watcher.changed() or minute != last_minute
                        or now - last_load > REFRESH_SECONDS):
                    snap = self.console.snapshot()
                    last_load, last_minute = now, minute
                    if worker.is_cancelled:
                        break
                    self.app.call_from_thread(self.show, snap)
                time.sleep(POLL_SECONDS)

    def show(self, snap: ConsoleSnapshot) -> None:
        """Display a snapshot (runs on the UI thread).

        A snapshot the watcher read just before the console closed can arrive while the
        screen's widgets are already being removed; it is dropped then.
        """
        if not self.is_attached or not self.query("#header"):
            return
        self.snapshot = snap
        self.loads += 1
        ctx, staff = self.console.ctx, self.console.staff
        tz = ctx.queue.tz
        duty_names = ", ".join(printable(p.display_name, limit=CELL_LIMIT)
                               for p in snap.on_duty) or "—"
        desk = f"Schalter {staff.desk}" if staff.desk else "ohne Schalter"
        self.query_one("#header", Static).update(Content.assemble(
            inert(ctx.config.location(ctx.store.location).name, "bold"), " · ",
            inert(staff.display_name, "bold"),
            inert(f" ({desk}; {', '.join(language_name(c) for c in staff.languages)}) · "
                  f"im Dienst: {duty_names} · nächste:r für mich: ", limit=None),
            inert(snap.next_ticket or "—", "bold"), f" · {clock_text(snap.now_ms, tz)} Uhr"))
        mine = [*snap.mine, *snap.parked, *snap.missed]
        if (self.current is not None and snap.now_ms > self._current_at
                and all(v.id != self.current for v in snap.mine)):
            self.current = None  # it left my desk (a colleague, another console)
        mine_table = self.query_one("#mine", MineTable)
        mine_table.show(mine, ctx.config, tz)
        if self.current is not None and mine_table.picked_row() is None:
            mine_table.select(self.current)  # the cursor shows what the keys act on
        rows = filter_rows(snap.waiting, self._language, self._concern)
        shown = f"{len(rows)} von {len(snap.waiting)}" if len(rows) != len(snap.waiting) \
            else str(len(snap.waiting))
        sync = sync_text(snap.last_sync_at, snap.pending_sync, snap.now_ms, tz)
        self.query_one("#queue-title", Label).update(Content.assemble(
            f"Warteschlange ({shown} wartend)   ", (sync, "dim")))
        self.query_one("#queue", QueueTable).show(rows, ctx.config, snap.staff_names,
                                                  snap.desk_labels)
        self.query_one("#needs", Static).update(self._needs_text(snap))

    def _needs_text(self, snap: ConsoleSnapshot) -> Content:
        """Who waits for a language nobody on duty speaks, and which mediators could help."""
        if not snap.needs:
            return Content("")
        tz = self.console.ctx.queue.tz
        lines = [Content.assemble(("⚑ Sprachmittlung nötig", "bold"),
                                  " (spricht niemand im Dienst):")]
        for need in snap.needs[:4]:
            who = need.ticket or f"Termin {clock_text(need.starts_at or 0, tz)}"
            lines.append(inert(f" {who}: {language_name(need.language)} – "
                               f"{mediator_hints(need) or 'keine Sprachmittler:in im Register'}",
                               limit=None))
        if len(snap.needs) > 4:
            lines.append(Content(f" … und {len(snap.needs) - 4} weitere (Taste m)"))
        return Content("\n").join(lines)

    @on(Button.Pressed, "#alarm-button")
    def _alarm(self) -> None:
        self.app.run_action("app.alarm")

    @on(Select.Changed, "#filter-language")
    def _language_filter(self, event: Select.Changed) -> None:
        self._language = None if event.value is Select.NULL else str(event.value)
        if self.snapshot:
            self.show(self.snapshot)

    @on(Select.Changed, "#filter-concern")
    def _concern_filter(self, event: Select.Changed) -> None:
        self._concern = None if event.value is Select.NULL else str(event.value)
        if self.snapshot:
            self.show(self.snapshot)

    # --- selection ----------------------------------------------------------------------
    def selected(self) -> str | None:
        """The visit an action applies to (`kiosk.staffing.console.action_target`)."""
        focused = self.focused
        table = focused if isinstance(focused, FittedTable) else None
        return action_target(self.snapshot, picked=table.picked_row() if table else None,
                             just_called=self.current,
                             cursor=table.selected_key() if table else None)

    def ticket(self, visit_id: str) -> str:
        """The ticket number that names a visit in titles and messages."""
        visit = self.snapshot.visit(visit_id) if self.snapshot else None
        return visit.ticket if visit else "Besuch"

    def say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "error")
        status.update(inert(text, limit=None))

    # --- actions ------------------------------------------------------------------------
    @work(thread=True, group="action")
    def run(self, label: str, fn: Callable[..., VisitInfo | None], *args, **kwargs) -> None:
        """Run a console action off the UI thread and report its result in the status line."""
        with thread_store(self.console.ctx.store):
            try:
                result = fn(*args, **kwargs)
            except QueueError as exc:  # known errors become a German message; bugs surface
                self.app.call_from_thread(self.say, error_text(exc, self.console.ctx.queue.tz),
                                          True)
                return
        if result is None:
            text = "Niemand wartet auf mich."
        else:
            text = result_text(label, result.ticket, result.status, result.call_count)
        self.app.call_from_thread(self._done, text, result)

    def _done(self, text: str, result: VisitInfo | None) -> None:
        self.say(text)
        if result is None:
            return
        if result.status in ("called", "in_service") and result.staff == self.console.staff.id:
            self.current = result.id
            self._current_at = result.called_at or 0
            for table in self.query(FittedTable):
                table.picked = None
            mine = self.query_one("#mine", MineTable)
            mine.focus()
            self.call_after_refresh(mine.select, result.id)
        elif result.id == self.current:
            self.current = None

    def _need_selection(self) -> str | None:
        visit = self.selected()
        if visit is None:
            self.say("Bitte zuerst eine Person in der Tabelle markieren.", True)
        return visit

    def action_call_next(self) -> None:
        if not self._calling:
            self._calling = True
            self.check_desk_then_call()

    @work(thread=True, group="action")
    def check_desk_then_call(self) -> None:
        """Call next, but ask first when my desk already has someone called or in service
        (pressing n several times once called four people to one desk)."""
        with thread_store(self.console.ctx.store):
            busy = self.console.busy_at_desk()
        if not busy:
            self.app.call_from_thread(self._call_next)
            return
        tickets = ", ".join(f"{v.ticket} ({STATUS.get(v.status, v.status)})" for v in busy)
        where = (f"Schalter {self.console.staff.desk}" if self.console.staff.desk
                 else "Bei Ihnen")
        self.app.call_from_thread(self.app.push_screen, ConfirmDialog(
            "Noch jemand am Schalter",
            f"{where}: {tickets}.\nTrotzdem die nächste Person aufrufen?",
            yes="Trotzdem aufrufen"), self._confirmed_call)

    def _confirmed_call(self, yes: bool | None) -> None:
        if yes:
            self._call_next()
        else:
            self._calling = False

    def _call_next(self) -> None:
        self._calling = False
        self.run("Aufgerufen", self.console.call_next)

    def action_call_selected(self) -> None:
        table = self.query_one("#queue", QueueTable)
        visit = table.picked_row() or (table.selected_key() if self.focused is table else None)
        if visit is None:
            self.say("Bitte zuerst in der Warteschlange eine Person markieren.", True)
            return
        self.run("Aufgerufen", self.console.call, visit)

    def action_recall(self) -> None:
        if visit := self._need_selection():
            self.run("Erneut aufgerufen", self.console.recall, visit)

    def action_start(self) -> None:
        if visit := self._need_selection():
            self.run("Gespräch begonnen", self.console.start, visit)

    def action_park(self) -> None:
        if visit := self._need_selection():
            self.run("Geparkt/fortgesetzt", self.console.toggle_park, visit)

    def action_restore(self) -> None:
        if visit := self._need_selection():
            self.run("Zurückgeholt", self.console.restore, visit)

    def action_priority(self) -> None:
        visit = self._need_selection()
        if visit is None:
            return
        options = [(code, f"Dringend: {REASON[code]}") for code in REASON_CODES]
        options.append(("normal", "Wieder normal"))

        def chosen(code: str | None) -> None:
            if code is not None:
                self.run("Priorität gesetzt", self.console.prioritise, visit,
                         None if code == "normal" else code)

        self.app.push_screen(ChoiceDialog(
            f"{self.ticket(visit)}: Priorität – Grund (kein Freitext)", options), chosen)

    def action_transfer(self) -> None:
        visit = self._need_selection()
        if visit is None:
            return
        ctx = self.console.ctx
        options = [(f"desk:{d}", f"An Schalter {d}") for d in ctx.config.office(
            ctx.store.site).desks]
        options += [(f"staff:{p.id}", f"An {p.display_name}")
                    for p in (self.snapshot.on_duty if self.snapshot else ())
                    if p.id != self.console.staff.id]
        labels = dict(options)

        def chosen(target: str | None) -> None:
            if target is None:
                return
            kind, _, value = target.partition(":")
            label = f"Weitergegeben {labels[target].replace('An ', 'an ', 1)}"
            if kind == "desk":
                self.run(label, self.console.transfer, visit, desk=value)
            else:
                self.run(label, self.console.transfer, visit, to_staff=value)

        self.app.push_screen(ChoiceDialog(f"{self.ticket(visit)} weitergeben an …", options),
                             chosen)

    def action_finish(self) -> None:
        visit = self._need_selection()
        if visit is None:
            return
        info = self.snapshot.visit(visit) if self.snapshot else None
        referrals = [(r.name, r.id) for r in self.console.ctx.config.referrals]
        fields = [
            FieldSpec("outcome", "Ergebnis", "select", "resolved",
                      [(OUTCOME[o], o) for o in OUTCOMES]),
            FieldSpec("referral", "Fachstelle", "select", "", referrals),
            FieldSpec("note", "Notiz (kurz, optional)", placeholder="ohne Namen/Daten"),
        ]

        def done(values: dict | None) -> None:
            if values is None:
                return
            self.run("Abgeschlossen", self.console.finish, visit, values["outcome"] or "",
                     values["referral"], values["note"])
            if values["outcome"] == "follow_up" and info is not None:
                self.app.book_follow_up(info)

        self.app.push_screen(FormDialog(f"{self.ticket(visit)} abschließen", fields,
                                        ok="Abschluss"), done)
