"""Snapshots of the welcome screen with all thirteen screen languages (80×24, the smallest
terminal the kiosk supports, and 100×32) and of one flow each in Leichte Sprache, Kurmancî
and Tigrinya: concern, language of counselling, ticket.

Update only after looking at them: `pytest tests/ui_visitor/test_snapshots_languages.py
--snapshot-update`, then render the SVGs and check them by eye.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from kiosk.ui.visitor.app import make_visitor_app
from tests.ui_visitor.helpers import SIZE, tap

#: The counselling tile each visitor taps: Leichte Sprache is counselled in German, the
#: others need an interpreter at the Eving office.
COUNSEL = {"ls": "de", "kmr": "kmr", "ti": "ti"}


@pytest.mark.parametrize("size", [(80, 24), SIZE])
def test_welcome_with_all_languages(snap_compare, ctx, size):
    assert snap_compare(make_visitor_app(ctx), terminal_size=size)


def _flow(lang: str, step: str):
    async def run_before(pilot: Pilot) -> None:
        await tap(pilot, f"#lang-{lang}")
        await tap(pilot, "#concern-wohnen")
        if step == "concern":
            return
        await tap(pilot, "#continue")
        if step == "counsel":
            return
        await tap(pilot, f"#counsel-{COUNSEL[lang]}")
        await tap(pilot, "#skip")

    return run_before


@pytest.mark.parametrize("lang", ["ls", "kmr", "ti"])
@pytest.mark.parametrize("step", ["concern", "counsel", "ticket"])
def test_flow(snap_compare, ctx, lang, step):
    for _ in range(3):  # people waiting, so the ticket says how many
        ctx.queue.check_in([], "de")
    assert snap_compare(make_visitor_app(ctx), run_before=_flow(lang, step), terminal_size=SIZE)
