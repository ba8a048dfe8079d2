"""The visitor terminal on a 16-colour terminal (the Linux console): tiles stay visible and
the keyboard focus shows by a frame, not by a colour alone.

The terminal's colours come from the environment as on a real machine (`TERM=linux`, no
`COLORTERM`), and the checks read the colour numbers the terminal would receive.
"""

from __future__ import annotations

import unicodedata

import pytest
from rich.color import ColorSystem

from kiosk.ui.visitor.app import make_visitor_app
from kiosk.ui.visitor.widgets import Tile
from tests.screen_cells import Cell, cells_in, colour_number, screen_cells, worst_contrast
from tests.ui_visitor.helpers import SIZE, tap


@pytest.fixture
def linux_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of a program on the Linux text console."""
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM", raising=False)


def _background(cells: list[list[Cell]]) -> set[int | None]:
    """The 16-colour background numbers of blank cells (what a tile looks like from afar)."""
    return {colour_number(cell.colours()[1]) for row in cells for cell in row
            if cell.char == " "}


def _frame(cells: list[list[Cell]]) -> str:
    """The characters down the left and right edge of a region (a tile's padding columns)."""
    return "".join(row[0].char + row[-1].char for row in cells)


def _text_contrast(cells: list[list[Cell]]) -> float:
    """The worst contrast of any letter against its background, in either 16-colour palette."""
    pairs = {tuple(colour_number(c) for c in cell.colours()) for row in cells for cell in row
             if cell.char.isalpha()}
    return min(worst_contrast(fg or 0, bg or 0) for fg, bg in pairs)


def _is_box_drawing(char: str) -> bool:
    return unicodedata.name(char, "").startswith("BOX DRAWINGS")


def test_the_linux_console_gets_the_terminal_palette(ctx, linux_console) -> None:
    app = make_visitor_app(ctx)
    assert app.console.color_system == "standard"
    assert app.ansi_color is True


def test_a_truecolour_terminal_keeps_the_truecolour_theme(ctx, monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    app = make_visitor_app(ctx)
    assert app.console.color_system == "truecolor"
    assert not app.ansi_color


@pytest.mark.parametrize("lang", ["de", "ar"])
async def test_tiles_keep_a_background_and_focus_is_framed(ctx, linux_console, lang) -> None:
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, f"#lang-{lang}")
        screen = app.screen
        tiles = list(screen.query(Tile))
        screen.set_focus(None)  # every tile unfocused first, then the keyboard moves in
        await pilot.pause()
        before = screen_cells(app)
        screen_bg = colour_number(app.screen.styles.background.rich_color, ColorSystem.STANDARD)
        for tile in tiles:
            shown = _background(cells_in(before, tile.region))
            assert shown and screen_bg not in shown, (tile.id, shown, screen_bg)
            if tile.value != "speak":  # the speaker tile is a pictogram: no letters to read
                assert _text_contrast(cells_in(before, tile.region)) >= 3, tile.id

        await pilot.press("tab")
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Tile)
        after = screen_cells(app)
        was, now = cells_in(before, focused.region), cells_in(after, focused.region)
        assert not any(_is_box_drawing(ch) for ch in _frame(was))
        framed = _frame(now)
        assert all(map(_is_box_drawing, framed)), framed
        frame_cell = now[1][0]
        fg, bg = frame_cell.colours()
        assert colour_number(fg) != colour_number(bg)  # the frame is drawn in a visible colour
        assert _background(now) != _background(was)  # and the tile changes colour as well
        assert _text_contrast(now) >= 3
