"""Right-to-left on screen in both `bidi` modes, the mirrored layout, and the ticket glyphs."""

from __future__ import annotations

import pytest

from kiosk.i18n import messages as M
from kiosk.i18n.bidi import contains_presentation_forms
from kiosk.i18n.translator import translator
from kiosk.ui.visitor.app import make_visitor_app
from kiosk.ui.visitor.widgets import BidiText, Tile, big_text_lines
from tests.ui_visitor.helpers import SIZE, tap


@pytest.mark.parametrize("mode", ["app", "terminal"])
@pytest.mark.parametrize("lang", ["ar", "fa"])
async def test_rtl_title_in_both_bidi_modes(make_ctx, mode, lang):
    ctx = make_ctx(bidi=mode)
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await tap(pilot, f"#lang-{lang}")
        title = app.screen.query_one("#title", BidiText)
        shown = str(title.render())
        logical = translator(lang).gettext(M.CONCERN_TITLE)
        assert title.text == logical and title.has_class("rtl")
        if mode == "app":
            assert contains_presentation_forms(shown) and shown != logical
        else:
            assert shown == logical
        # mirrored: Back sits at the right, Continue at the left
        back = app.screen.query_one("#back", Tile).region
        forward = app.screen.query_one("#continue", Tile).region
        assert back.x > forward.x
        # the first concern tile (the appointment) is at the top right
        appointment = app.screen.query_one("#appointment", Tile).region
        assert appointment.right == max(t.region.right for t in app.screen.query("Tile.concern")
                                        if t.region.y == appointment.y)


async def test_ltr_layout_is_not_mirrored(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await tap(pilot, "#lang-de")
        assert app.screen.query_one("#back").region.x < app.screen.query_one("#continue").region.x


async def test_wrapped_rtl_text_keeps_its_first_words_on_top(make_ctx):
    ctx = make_ctx(bidi="terminal")
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await tap(pilot, "#lang-fa")
        await tap(pilot, "#continue")
        await tap(pilot, "#counsel-fa")
        hint = app.screen.query_one("#hint", BidiText)
        lines = str(hint.render()).split("\n")
        words = translator("fa").gettext(M.NAME_WHY).split()
        assert lines[0].split()[0] == words[0]


def test_ticket_glyphs_cover_every_prefix_and_scale():
    for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-":
        rows = big_text_lines(ch)
        assert len(rows) == 5 and "█" in "".join(rows)
    assert len(big_text_lines("A-017", 2)) == 10
    assert len(big_text_lines("A-017", 2)[0]) == 2 * len(big_text_lines("A-017")[0])
