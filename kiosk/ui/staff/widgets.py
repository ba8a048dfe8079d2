"""Reusable pieces of the console: the queue table and "my visits" table.

Each table is given a snapshot (attributes down) and keeps the cursor on the same visit
across reloads; the screen asks it for the selected visit id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import suppress

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from kiosk.config import NetworkConfig
from kiosk.i18n.bidi import display
from kiosk.queue.views import VisitInfo
from kiosk.staffing.console import QueueRow
from kiosk.ui.staff.texts import REASON, STATUS, clock_text, language_name


def concern_text(config: NetworkConfig, concerns: Sequence[str]) -> str:
    labels = []
    for cid in concerns:
        try:
            c = config.concern(cid)
            labels.append(c.label)
        except KeyError:
            labels.append(cid)
    return ", ".join(labels) or "—"


def name_text(config: NetworkConfig, name: str | None) -> str:
    """A visitor's first name as the terminal must get it: Arabic and Persian names shaped
    and right to left where the terminal does no bidi itself (the `bidi` setting)."""
    return display(name, config.visitor.bidi) if name else ""


class VisitTable(DataTable):
    """A DataTable of visits whose row keys are visit ids."""

    def selected_id(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:  # an empty or shrinking table has no selection
            return None

    def _refill(self, rows: list[tuple[str, tuple]]) -> None:
        keep = self.selected_id()
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if keep is not None:
            with suppress(RowDoesNotExist):  # the visit may have left this table
                self.move_cursor(row=self.get_row_index(keep), animate=False)

    def select(self, visit_id: str) -> None:
        with suppress(RowDoesNotExist):
            self.move_cursor(row=self.get_row_index(visit_id), animate=False)


class QueueTable(VisitTable):
    """Everyone waiting, in the order the policy roughly follows."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("Nr.", "Art", "Anliegen", "Sprache", "Dolmetsch", "Wartet",
                         "Name", "Hinweis")

    def show(self, rows: Sequence[QueueRow], config: NetworkConfig) -> None:
        out = []
        for r in rows:
            v = r.visit
            hint = Text()
            if v.priority < config.queue.priorities["normal"]:
                hint.append(f"‼ dringend ({REASON.get(v.priority_reason or '', '-')}) ",
                            style="bold red")
            if r.mediator_language:
                hint.append(f"⚑ Sprachmittlung {language_name(r.mediator_language)} ",
                            style="bold yellow")
            if v.target_desk:
                hint.append(f"→ Schalter {v.target_desk} ", style="cyan")
            if v.target_staff:
                hint.append(f"→ {v.target_staff} ", style="cyan")
            ticket = Text(v.ticket, style="bold" if r.speakable and not r.elsewhere else "dim")
            lang = Text(language_name(v.language),
                        style="green" if r.speakable else "")
            out.append((v.id, (
                ticket, "Termin" if v.kind == "appointment" else "offen",
                concern_text(config, v.concerns), lang,
                language_name(v.interpreter_language) if v.interpreter_language else "",
                f"{r.waited_minutes} min", name_text(config, v.first_name), hint)))
        self._refill(out)


class MineTable(VisitTable):
    """My called visitors, then everyone parked and everyone missed today."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Nr.", "Status", "Anliegen", "Sprache", "Aufrufe", "Seit", "Name")

    def show(self, visits: Sequence[VisitInfo], config: NetworkConfig, tz: dt.tzinfo) -> None:
        out = []
        for v in visits:
            since = v.called_at or v.checked_in_at
            style = {"called": "bold reverse", "in_service": "bold green",
                     "missed": "red", "parked": "yellow"}.get(v.status, "")
            out.append((v.id, (
                Text(v.ticket, style="bold"), Text(STATUS.get(v.status, v.status), style=style),
                concern_text(config, v.concerns), language_name(v.language),
                str(v.call_count), clock_text(since, tz), name_text(config, v.first_name))))
        self._refill(out)
