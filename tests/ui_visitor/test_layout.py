"""The concern grid at the smallest (80×24) and a large (200×60) terminal, in every language:
all sixteen tiles above the navigation bar, "not sure / private" included, and no word of a
label broken across lines."""

from __future__ import annotations

import pytest

from kiosk.i18n.languages import UI_LANGUAGE_CODES
from kiosk.ui.visitor.app import make_visitor_app
from kiosk.ui.visitor.screens.steps import ConcernTile
from kiosk.ui.visitor.widgets import BidiText, Tile
from tests.ui_visitor.helpers import tap


def _words_whole(widget: BidiText) -> list[str]:
    """Lines of the widget that break a word (logical lines: wrapping is the same in both
    bidi modes, and the right-to-left languages run here in "terminal" mode)."""
    words = set(widget.text.split())
    return [line for line in widget._lines(widget.content_region.width)
            if not set(line.split()) <= words]


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
@pytest.mark.parametrize("lang", UI_LANGUAGE_CODES)
async def test_concern_grid_fits_without_hiding_or_breaking_words(make_ctx, size, lang):
    ctx = make_ctx(bidi="terminal")
    app = make_visitor_app(ctx)
    async with app.run_test(size=size) as pilot:
        await tap(pilot, f"#lang-{lang}")
        screen = app.screen
        nav_top = screen.query_one("#nav").region.y
        tiles = list(screen.query("#concerns Tile"))
        assert len(tiles) == 16 and any(t.id == "concern-sonstiges" for t in tiles)
        for tile in tiles:
            assert tile.region.height >= 3, tile.id
            assert tile.region.bottom <= nav_top and tile.region.right <= size[0], tile.id
            label = tile.query(BidiText).first()
            assert label.outer_size.height <= tile.content_region.height, tile.id
            assert not _words_whole(label), (tile.id, label.text)
            if size == (200, 60) and isinstance(tile, ConcernTile):
                keyword = tile.query(".keyword").first(BidiText)
                assert keyword.region.bottom <= tile.region.bottom, tile.id
                assert not _words_whole(keyword), (tile.id, keyword.text)
        assert isinstance(screen.query_one("#concern-sonstiges"), Tile)
