"""Reusable pieces of the console: the queue table and "my visits" table.

Each table is given a snapshot (attributes down) and keeps the cursor on the same visit
across reloads; the screen asks it for the selected visit id. Every cell is Rich `Text` made
with `kiosk.ui.inert`: a plain `str` cell would be parsed as markup, and visits, names and
codes arrive by sync from other machines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import suppress

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from kiosk.config import NetworkConfig
from kiosk.queue.views import VisitInfo
from kiosk.staffing.console import QueueRow
from kiosk.terminal_text import printable
from kiosk.ui.inert import CELL_LIMIT, inert_text
from kiosk.ui.staff.texts import REASON, STATUS, clock_text, language_name


def concern_text(config: NetworkConfig, concerns: Sequence[str]) -> Text:
    """The concerns' labels; an id this config does not know (it came by sync) as typed."""
    labels = []
    for cid in concerns:
        try:
            c = config.concern(cid)
            labels.append(c.label)
        except KeyError:
            labels.append(printable(cid, limit=CELL_LIMIT))
    return inert_text(", ".join(labels) or "—", limit=None)


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
            hints = []
            if v.priority < config.queue.priorities["normal"]:
                reason = REASON.get(v.priority_reason or "", "-")
                hints.append(inert_text(f"‼ dringend ({reason}) ", "bold red"))
            if r.mediator_language:
                hints.append(inert_text(
                    f"⚑ Sprachmittlung {language_name(r.mediator_language)} ", "bold yellow"))
            if v.target_desk:
                hints.append(inert_text(f"→ Schalter {v.target_desk} ", "cyan"))
            if v.target_staff:
                hints.append(inert_text(f"→ {v.target_staff} ", "cyan"))
            ticket = inert_text(v.ticket, "bold" if r.speakable and not r.elsewhere else "dim")
            lang = inert_text(language_name(v.language), "green" if r.speakable else "")
            out.append((v.id, (
                ticket, "Termin" if v.kind == "appointment" else "offen",
                concern_text(config, v.concerns), lang,
                inert_text(language_name(v.interpreter_language)
                           if v.interpreter_language else ""),
                f"{r.waited_minutes} min", inert_text(v.first_name), Text.assemble(*hints))))
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
                inert_text(v.ticket, "bold"), inert_text(STATUS.get(v.status, v.status), style),
                concern_text(config, v.concerns), inert_text(language_name(v.language)),
                str(v.call_count), clock_text(since, tz), inert_text(v.first_name))))
        self._refill(out)
