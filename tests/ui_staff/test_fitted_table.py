"""A refilled table shows its new rows in full, even when the screen repaints before the
table has measured them (as it does on a busy machine or a screen just pushed)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from kiosk.ui.staff.widgets import FittedTable, cell_width
from tests.ui_staff.conftest import wait_for

LONG_NAME = "Selam Tesfaye Gebremedhin"
LONG_CONTACT = "[@click=app.quit]x[/] 0171 5550123"


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield FittedTable("Name", "Kontakt", id="table", cursor_type="row")


def screen_lines(app: App) -> list[str]:
    return ["".join(seg.text for seg in strip) for strip in
            app.screen._compositor.render_strips()]


def paint_now(table: FittedTable) -> None:
    """Render every line of the table, as the compositor does when it repaints before the
    table's idle handler has run."""
    for y in range(table.size.height):
        table.render_line(y)


async def test_a_refill_is_shown_in_full_although_painted_before_the_table_was_idle():
    app = TableApp()
    async with app.run_test(size=(80, 8)) as pilot:
        table = app.query_one(FittedTable)
        table.refill([("a", (Text("Selam"), Text("[b]x[/b]")))])
        await wait_for(pilot, lambda: any("[b]x[/b]" in line for line in screen_lines(app)),
                       "first row shown")

        table.refill([("a", (Text(LONG_NAME), Text(LONG_CONTACT))),
                      ("b", (Text("Ali"), Text("")))])
        paint_now(table)
        await wait_for(pilot, lambda: table.virtual_size.height == 3, "rows measured")
        try:
            await wait_for(pilot, lambda: any(LONG_NAME in line and LONG_CONTACT in line
                                              for line in screen_lines(app)))
        except AssertionError:
            raise AssertionError("the long row is cut:\n" + "\n".join(screen_lines(app))) \
                from None


async def test_columns_fit_the_rows_of_the_last_refill():
    app = TableApp()
    async with app.run_test(size=(80, 8)) as pilot:
        table = app.query_one(FittedTable)
        await wait_for(pilot, lambda: len(table.columns) == 2, "columns")
        assert [c.width for c in table.ordered_columns] == [4, 7]  # the headers
        table.refill([("a", (Text(LONG_NAME), "[b]fett[/b]"))])
        assert [c.width for c in table.ordered_columns] == [len(LONG_NAME), 7]
        table.refill([("a", (Text("Ali"), Text(LONG_CONTACT)))])
        assert [c.width for c in table.ordered_columns] == [4, len(LONG_CONTACT)]


async def test_the_cursor_stays_on_the_same_key_across_a_refill():
    app = TableApp()
    async with app.run_test(size=(80, 8)) as pilot:
        table = app.query_one(FittedTable)
        table.refill([(k, (Text(k), Text(""))) for k in "abc"])
        table.select("c")
        await wait_for(pilot, lambda: table.selected_key() == "c", "cursor on c")
        table.refill([(k, (Text(k), Text(""))) for k in "xbc"])
        assert table.selected_key() == "c"
        table.refill([(k, (Text(k), Text(""))) for k in "xy"])
        assert table.selected_key() in {"x", "y"}
        table.refill([])
        assert table.selected_key() is None


def test_cell_width_measures_as_the_table_shows():
    assert cell_width(Text("ሰላም")) == 3
    assert cell_width(Text("日本")) == 4  # wide characters take two cells
    assert cell_width("[b]x[/b]") == 1  # our own wording: markup is styling, not text
    assert cell_width(Text("[b]x[/b]")) == 8  # a person's text: shown as typed
    assert cell_width(12) == 2
