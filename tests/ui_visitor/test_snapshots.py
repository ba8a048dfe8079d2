"""Snapshots of every visitor step in de, ar, fa and en at 100×32, on a fixed clock.

Update only after looking at them: `pytest tests/ui_visitor/test_snapshots.py
--snapshot-update`, then render the SVGs to PNG and check them by eye.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.ui.visitor.app import make_visitor_app
from tests.conftest import FIXED_NOW
from tests.ui_visitor.helpers import SIZE, tap, type_into

LANGS = ["de", "ar", "fa", "en"]


async def _quiet(pilot: Pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def _steps(lang: str) -> dict[str, object]:
    async def concern(pilot: Pilot) -> None:
        await tap(pilot, f"#lang-{lang}")
        await tap(pilot, "#concern-wohnen")
        await tap(pilot, "#concern-post")
        await _quiet(pilot)

    async def appointment(pilot: Pilot) -> None:
        await tap(pilot, f"#lang-{lang}")
        await tap(pilot, "#appointment")
        await type_into(pilot, "KXM-44")
        await tap(pilot, "#continue")
        await _quiet(pilot)

    async def counsel(pilot: Pilot) -> None:
        await tap(pilot, f"#lang-{lang}")
        await tap(pilot, "#continue")
        await _quiet(pilot)

    async def name(pilot: Pilot) -> None:
        await counsel(pilot)
        await tap(pilot, f"#counsel-{lang}")
        await type_into(pilot, "x" * 50)
        await tap(pilot, "#continue")
        await _quiet(pilot)

    async def ticket(pilot: Pilot) -> None:
        await counsel(pilot)
        await tap(pilot, f"#counsel-{lang}")
        await tap(pilot, "#skip")
        await _quiet(pilot)

    return {"concern": concern, "appointment": appointment, "counsel": counsel,
            "name": name, "ticket": ticket}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", ["concern", "appointment", "counsel", "name", "ticket"])
def test_step(snap_compare, ctx, lang, step):
    for _ in range(3):  # people waiting, so the ticket says how many
        ctx.queue.check_in([], "de")
    assert snap_compare(make_visitor_app(ctx), run_before=_steps(lang)[step], terminal_size=SIZE)


def test_welcome(snap_compare, ctx):
    assert snap_compare(make_visitor_app(ctx), terminal_size=SIZE)


def test_welcome_outside_hours(snap_compare, make_ctx):
    ctx = make_ctx(site="MEHU", location="MEHU-1")
    assert snap_compare(make_visitor_app(ctx), terminal_size=SIZE)


def test_other_languages_fa(snap_compare, ctx):
    async def run_before(pilot: Pilot) -> None:
        await tap(pilot, "#lang-fa")
        await tap(pilot, "#continue")
        await tap(pilot, "#other")

    assert snap_compare(make_visitor_app(ctx), run_before=run_before, terminal_size=SIZE)


def test_ukrainian_needs_interpreter(snap_compare, ctx):
    async def run_before(pilot: Pilot) -> None:
        await tap(pilot, "#lang-uk")
        await tap(pilot, "#continue")

    assert snap_compare(make_visitor_app(ctx), run_before=run_before, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_terminal_bidi_mode(snap_compare, make_ctx, lang):
    ctx = make_ctx(bidi="terminal")
    assert snap_compare(make_visitor_app(ctx), run_before=_steps(lang)["concern"],
                        terminal_size=SIZE)


def test_ticket_with_estimate_native_digits_fa(snap_compare, make_ctx, clock):
    ctx = make_ctx(native_digits=True)
    for _ in range(4):
        visit = ctx.queue.check_in([], "de")
        ctx.queue.call(visit.visit_id, "s1", "1")
        clock.advance(minutes=12)
        ctx.queue.finish(visit.visit_id, "s1", "resolved")
    for _ in range(3):
        ctx.queue.check_in([], "de")
    assert clock.value > FIXED_NOW + dt.timedelta(minutes=40)
    assert snap_compare(make_visitor_app(ctx), run_before=_steps("fa")["ticket"],
                        terminal_size=SIZE)
