"""The idle reset on a fake clock: "Are you still there?" with a countdown and a big Yes,
the reset exactly the configured time after the last tap, and the first tile focused after."""

from __future__ import annotations

import pytest

from kiosk.i18n.formatting import format_idle_countdown
from kiosk.ui.visitor.app import make_visitor_app
from kiosk.ui.visitor.idle import IdleClock, warning_seconds
from kiosk.ui.visitor.screens.steps import ConcernScreen, NameScreen
from kiosk.ui.visitor.screens.still_there import StillThereScreen
from kiosk.ui.visitor.screens.welcome import WelcomeScreen
from kiosk.ui.visitor.widgets import BidiText
from tests.ui_visitor.helpers import SIZE, FakeMonotonic, tap, type_into, walk_to_name


def test_reset_is_exactly_the_timeout_after_the_last_input_whenever_it_came():
    """A repeating timer that is 'reset' on input restarts only after its current round:
    a tap 6 s into a 10 s round reset the visitor 14 s after the tap. Counted from the tap,
    it is 10 s."""
    clock = FakeMonotonic()
    idle = IdleClock(10, clock)
    clock.advance(6)
    idle.touch()
    clock.advance(9.99)
    assert idle.state() != "expired"
    clock.advance(0.01)
    assert idle.state() == "expired"


@pytest.mark.parametrize(("timeout", "warning"), [(60, 15), (30, 10), (9, 3), (8, 0), (2, 0)])
def test_warning_is_a_readable_part_of_the_timeout(timeout, warning):
    assert warning_seconds(timeout) == warning


async def test_still_there_counts_down_yes_keeps_the_visitor(ctx):
    clock = FakeMonotonic()
    app = make_visitor_app(ctx, idle_timeout=60, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "ar", ["geld"], "ar")
        await type_into(pilot, "سارة")
        clock.advance(44.9)
        await app.check_idle_time()
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        clock.advance(0.1)  # 15 s before the reset
        await app.check_idle_time()
        await pilot.pause()
        assert isinstance(app.screen, StillThereScreen)
        countdown = app.screen.query_one("#idle-countdown", BidiText)
        assert countdown.text == format_idle_countdown(15, "ar")
        clock.advance(5)
        await app.check_idle_time()
        await pilot.pause()
        assert countdown.text == format_idle_countdown(10, "ar")
        await tap(pilot, "#idle-yes")
        assert isinstance(app.screen, NameScreen)
        assert app.flow.draft.concerns == ["geld"] and app.screen.field().value == "سارة"
        assert app.idle.reset_at == clock() + 60


async def test_any_key_answers_the_notice(ctx):
    clock = FakeMonotonic()
    app = make_visitor_app(ctx, idle_timeout=60, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-de")
        clock.advance(50)
        await app.check_idle_time()
        await pilot.pause()
        assert isinstance(app.screen, StillThereScreen)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConcernScreen)


async def test_reset_comes_exactly_at_the_timeout_and_focuses_the_first_tile(ctx):
    clock = FakeMonotonic()
    app = make_visitor_app(ctx, idle_timeout=10, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "fa", [], "fa")
        clock.advance(6)
        await pilot.press("x")  # the last input
        clock.advance(9.99)
        await app.check_idle_time()
        await pilot.pause()
        assert not isinstance(app.screen, WelcomeScreen)
        assert isinstance(app.screen, StillThereScreen)  # 10 s: the last 3.3 s ask
        clock.advance(0.01)
        await app.check_idle_time()
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen) and len(app.screen_stack) == 1
        assert app.flow.draft.language is None
        assert app.focused is not None and app.focused.id == "lang-de"


async def test_no_notice_on_the_welcome_screen(ctx):
    clock = FakeMonotonic()
    app = make_visitor_app(ctx, idle_timeout=60, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock.advance(50)
        await app.check_idle_time()
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
