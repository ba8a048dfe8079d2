"""The waiting-room board on a 16-colour terminal: the newest call's box stands out from the
screen and its big digits from the box, also while it is highlighted as fresh."""

from __future__ import annotations

import pytest

from kiosk.ui.board.app import make_board_app
from kiosk.ui.board.bigtext import BigText
from tests.screen_cells import cells_in, colour_number, screen_cells, worst_contrast


@pytest.fixture
def linux_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM", raising=False)


@pytest.mark.parametrize("fresh", [False, True])
async def test_newest_call_stands_out_at_16_colours(ctx, linux_console, fresh) -> None:
    app = make_board_app(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.ansi_color is True
        app.screen.query_one("#newest-number", BigText).text = "A-017"
        app.screen.query_one("#newest").set_class(fresh, "fresh")
        await pilot.pause()
        rows = screen_cells(app)
        number = app.screen.query_one("#newest-number", BigText)
        screen_bg = colour_number(rows[-2][0].colours()[1])  # the hint line, on the screen
        cells = [cell for row in cells_in(rows, number.region) for cell in row]
        blank = {colour_number(c.colours()[1]) for c in cells if c.char == " "
                 and c.colours()[0] != c.colours()[1]}
        lit = {colour_number(c.colours()[1]) for c in cells
               if c.char == " " and c.colours()[0] == c.colours()[1]}
        assert len(blank) == 1 and len(lit) == 1, (blank, lit)
        assert blank != {screen_bg}, "the newest call's box vanishes into the screen"
        (box,), (digits,) = blank, lit
        assert worst_contrast(digits, box) >= 3, "the big digits fade into their box"
