"""Focus in reading order: the first choice of each step, from the right in Arabic and
Persian, and the visitor's own language pre-selected for counselling."""

from __future__ import annotations

import pytest

from kiosk.ui.visitor.app import make_visitor_app
from tests.ui_visitor.helpers import SIZE, tap


@pytest.mark.parametrize("lang", ["ar", "fa", "de"])
async def test_concern_screen_focus_starts_at_the_first_tile_in_reading_order(ctx, lang):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, f"#lang-{lang}")
        assert app.focused.id == "appointment"
        order = []
        for _ in range(4):
            await pilot.press("tab")
            await pilot.pause()
            order.append(app.focused.id)
    # the first row of concerns, in the order a reader of the language reads it
    assert order == ["concern-post", "concern-jobcenter", "concern-aufenthalt", "concern-wohnen"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("ar", "counsel-ar"),  # the office speaks Arabic: not فارسی, the first tile from the left
    ("fa", "counsel-fa"),
    ("en", "counsel-en"),
    ("uk", "counsel-uk"),  # not spoken here: the interpreter tile for Ukrainian
])
async def test_counselling_screen_preselects_the_visitors_own_language(ctx, lang, expected):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, f"#lang-{lang}")
        await tap(pilot, "#continue")
        assert app.focused is not None and app.focused.id == expected
