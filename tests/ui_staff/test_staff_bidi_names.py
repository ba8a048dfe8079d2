"""Arabic and Persian first names in the console's tables, in both `bidi` modes: the store
keeps the logical text, the table shows it the way the terminal needs it."""

from __future__ import annotations

import pytest
from textual.coordinate import Coordinate

from kiosk.i18n.bidi import contains_presentation_forms, display
from kiosk.staffing.console import Staffing
from kiosk.ui.staff.app import make_staff_app
from tests.ui_staff.conftest import sign_in, wait_for
from tests.ui_visitor.conftest import context_for

NAMES = ["محمد", "علی\u200cرضا"]


@pytest.mark.parametrize("mode", ["app", "terminal"])
async def test_rtl_names_in_the_queue_table(config, tmp_path, clock, mode):
    ctx = context_for(config, tmp_path / "site.db", clock, bidi=mode)
    try:
        Staffing(ctx).directory.add("Reza Ahmadi", ["de", "fa"], "2222", desk="2")
        for name in NAMES:
            ctx.queue.check_in(["post"], "fa", first_name=name)
        app = make_staff_app(ctx)
        async with app.run_test(size=(150, 42)) as pilot:
            await sign_in(pilot, "reza-ahmadi", "2222")
            await wait_for(pilot, lambda: app.screen.id == "queue-screen"
                           and app.screen.query_one("#queue").row_count == 2, "queue shown")
            table = app.screen.query_one("#queue")
            shown = [str(table.get_cell_at(Coordinate(row, 6))) for row in range(2)]
        stored = sorted(v.first_name for v in ctx.queue.waiting())
    finally:
        ctx.close()
    assert stored == sorted(NAMES)  # logical order in the store, never shaped
    for name, cell in zip(NAMES, shown, strict=True):
        if mode == "app":
            assert cell == display(name, "app") and contains_presentation_forms(cell)
            assert cell != name
        else:
            assert cell == name
