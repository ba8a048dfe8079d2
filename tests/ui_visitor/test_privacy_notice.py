"""The privacy notice where the name is asked (GDPR Art. 13): short text, the full notice
behind a tile, the retention from the config, in the visitor's language and script."""

from __future__ import annotations

import dataclasses

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.ui.visitor.app import make_visitor_app
from kiosk.ui.visitor.screens.privacy import PrivacyNoticeScreen
from kiosk.ui.visitor.screens.steps import NameScreen
from kiosk.ui.visitor.widgets import BidiText
from tests.ui_visitor.helpers import tap, type_into

KIOSK_DISPLAY = (80, 24)
"""The office terminal's text console; the notice must fit without hiding the keys."""


async def _to_name(pilot: Pilot, lang: str) -> None:
    await tap(pilot, f"#lang-{lang}")
    await tap(pilot, "#continue")
    await tap(pilot, f"#counsel-{lang}")
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def _text(pilot: Pilot) -> str:
    return " ".join(t.text for t in pilot.app.screen.query(BidiText))


async def test_the_notice_names_the_configured_retention_and_back_keeps_the_name(ctx):
    ctx = dataclasses.replace(ctx, config=dataclasses.replace(ctx.config, retention_days=45))
    app = make_visitor_app(ctx)
    async with app.run_test(size=KIOSK_DISPLAY) as pilot:
        await _to_name(pilot, "de")
        assert "nach 45 Tagen gelöscht" in _text(pilot)
        await type_into(pilot, "Mina")
        await tap(pilot, "#privacy-more")
        assert isinstance(app.screen, PrivacyNoticeScreen)
        full = _text(pilot)
        assert "LDI NRW" in full and "45 Tagen" in full and "Art. 6" in full
        await tap(pilot, "#back")
        assert isinstance(app.screen, NameScreen)
        assert app.screen.field().value == "Mina"


@pytest.mark.parametrize("lang", ["de", "ar", "fa", "uk"])
def test_name_screen_with_notice(snap_compare, ctx, lang):
    async def run(pilot: Pilot) -> None:
        await _to_name(pilot, lang)

    assert snap_compare(make_visitor_app(ctx), run_before=run, terminal_size=KIOSK_DISPLAY)


@pytest.mark.parametrize("lang", ["de", "ar", "fa", "uk"])
def test_full_notice(snap_compare, ctx, lang):
    async def run(pilot: Pilot) -> None:
        await _to_name(pilot, lang)
        await tap(pilot, "#privacy-more")

    assert snap_compare(make_visitor_app(ctx), run_before=run, terminal_size=KIOSK_DISPLAY)
