"""Reusable pieces of the console: tables sized to their rows, the queue and "my visits".

Each table is given its rows (attributes down), sizes its columns to them at once and keeps
the cursor on the same row across reloads; the screen asks it for the selected key. Every
person-typed cell is Rich `Text` made with `kiosk.ui.inert`: a plain `str` cell would be
parsed as markup, and visits, names and codes arrive by sync from other machines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import suppress

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, CellType, RowDoesNotExist

from kiosk.config import NetworkConfig
from kiosk.i18n.bidi import display
from kiosk.queue.views import VisitInfo
from kiosk.staffing.console import QueueRow
from kiosk.terminal_text import printable
from kiosk.ui.inert import CELL_LIMIT, inert_text
from kiosk.ui.staff.texts import REASON, STATUS, clock_text, language_name

#: One table row: its key and its cells, in column order.
TableRow = tuple[str, Sequence[CellType]]


def name_text(config: NetworkConfig, name: str | None) -> str:
    """A visitor's first name as the terminal must get it: Arabic and Persian names shaped
    and right to left where the terminal does no bidi itself (the `bidi` setting)."""
    return display(name, config.visitor.bidi) if name else ""


def cell_width(cell: CellType) -> int:
    """Terminal cells a table cell takes, measured as `DataTable` shows it (a `str` cell is
    our own wording and may carry markup; person-typed text comes as `Text`)."""
    if isinstance(cell, Text):
        text = cell
    elif isinstance(cell, str):
        text = Text.from_markup(cell)
    else:
        text = Text(str(cell))
    return max((cell_len(line) for line in text.plain.splitlines()), default=0)


class FittedTable(DataTable):
    """A DataTable whose columns are as wide as the rows it was last given, from the start.

    Textual's own automatic column widths are measured later, when the table is next idle,
    and that measurement does not invalidate the lines the table has already rendered and
    cached. When the screen repaints between `add_row` and that idle — a busy machine, a
    screen just pushed, a reload from a worker thread — the cached lines keep the old widths
    and every name is cut to the width of its header (or of the previous rows) until the
    cursor or the mouse happens to move (Textual issue #4470). So every refill here gives
    each column an explicit width measured from the new rows before any of them can be
    rendered, and there is nothing stale to cache.
    """

    def __init__(self, *labels: str, **kwargs) -> None:
        """Create the table; its columns are added on mount and on every refill.

        Args:
            labels: the column headers, in order.
            kwargs: as for `DataTable` (id, cursor_type, zebra_stripes …).
        """
        super().__init__(**kwargs)
        self.labels = labels
        #: The row a person moved the cursor to (keys or mouse) since the screen last
        #: forgot it: an explicit choice. Where the cursor merely stayed is none.
        self.picked: str | None = None

    def _pick(self) -> None:
        self.picked = self.selected_key()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._pick()

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._pick()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._pick()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._pick()

    def action_scroll_top(self) -> None:
        super().action_scroll_top()
        self._pick()

    def action_scroll_bottom(self) -> None:
        super().action_scroll_bottom()
        self._pick()

    async def _on_click(self, event) -> None:
        await super()._on_click(event)
        self._pick()

    def picked_row(self) -> str | None:
        """The explicitly picked row, if it is still shown."""
        if self.picked is None:
            return None
        try:
            self.get_row_index(self.picked)
        except RowDoesNotExist:
            return None
        return self.picked

    def on_mount(self) -> None:
        if not self.columns:
            self.refill([])

    def selected_key(self) -> str | None:
        """The key of the row under the cursor (None in an empty table)."""
        if self.row_count == 0:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:  # an empty or shrinking table has no selection
            return None

    def refill(self, rows: Sequence[TableRow]) -> None:
        """Show exactly `rows`, each column as wide as its widest cell or its header; the
        cursor stays on the same key if that row is still there."""
        keep = self.selected_key()
        widths = [cell_len(label) for label in self.labels]
        for _key, cells in rows:
            for i, cell in enumerate(cells):
                widths[i] = max(widths[i], cell_width(cell))
        self.clear(columns=True)
        for i, (label, width) in enumerate(zip(self.labels, widths, strict=True)):
            self.add_column(label, width=width, key=str(i))
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if keep is not None:
            with suppress(RowDoesNotExist):  # the row may have left this table
                self.move_cursor(row=self.get_row_index(keep), animate=False)

    def select(self, key: str) -> None:
        """Put the cursor on the row with this key, if it is shown."""
        with suppress(RowDoesNotExist):
            self.move_cursor(row=self.get_row_index(key), animate=False)


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


class QueueTable(FittedTable):
    """Everyone waiting, in the order the policy roughly follows; row keys are visit ids."""

    def __init__(self, **kwargs) -> None:
        super().__init__("Nr.", "Art", "Anliegen", "Sprache", "Dolmetsch", "Wartet", "Name",
                         "Hinweis", cursor_type="row", zebra_stripes=True, **kwargs)

    def show(self, rows: Sequence[QueueRow], config: NetworkConfig,
             names: dict[str, str] | None = None,
             desk_labels: dict[str, str] | None = None) -> None:
        """Fill the table; `names` (staff id → name) and `desk_labels` (desk → the board's
        label) word the transfer hint, never an internal id."""
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
                label = (desk_labels or {}).get(v.target_desk, v.target_desk)
                where = f"Schalter {v.target_desk}" + (
                    f" ({printable(label, limit=CELL_LIMIT)})" if label != v.target_desk else "")
                hints.append(inert_text(f"→ {where} ", "cyan"))
            if v.target_staff:
                name = (names or {}).get(v.target_staff) or v.target_staff
                hints.append(inert_text(f"→ {printable(name, limit=CELL_LIMIT)} ", "cyan"))
            ticket = inert_text(v.ticket, "bold" if r.speakable and not r.elsewhere else "dim")
            lang = inert_text(language_name(v.language), "green" if r.speakable else "")
            out.append((v.id, (
                ticket, "Termin" if v.kind == "appointment" else "offen",
                concern_text(config, v.concerns), lang,
                inert_text(language_name(v.interpreter_language)
                           if v.interpreter_language else ""),
                f"{r.waited_minutes} min", inert_text(name_text(config, v.first_name)),
                Text.assemble(*hints))))
        self.refill(out)


class MineTable(FittedTable):
    """My called visitors, then everyone parked and everyone missed today; row keys are
    visit ids."""

    def __init__(self, **kwargs) -> None:
        super().__init__("Nr.", "Status", "Anliegen", "Sprache", "Aufrufe", "Seit", "Name",
                         cursor_type="row", **kwargs)

    def show(self, visits: Sequence[VisitInfo], config: NetworkConfig, tz: dt.tzinfo) -> None:
        out = []
        for v in visits:
            since = v.called_at or v.checked_in_at
            style = {"called": "bold reverse", "in_service": "bold green",
                     "missed": "red", "parked": "yellow"}.get(v.status, "")
            out.append((v.id, (
                inert_text(v.ticket, "bold"), inert_text(STATUS.get(v.status, v.status), style),
                concern_text(config, v.concerns), inert_text(language_name(v.language)),
                str(v.call_count), clock_text(since, tz),
                inert_text(name_text(config, v.first_name)))))
        self.refill(out)
