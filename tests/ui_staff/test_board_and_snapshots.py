"""The board (no input, no names) and snapshots of console and board at a fixed clock."""

from __future__ import annotations

import pytest

from kiosk.staffing.console import Console
from kiosk.ui.board.app import make_board_app
from kiosk.ui.staff.app import make_staff_app
from tests.ui_staff.conftest import sign_in, wait_for

#: A name that would be easy to find anywhere it leaked to.
SECRET_NAME = "Zerbinetta"


def _office_morning(ctx, staffing, clock) -> None:
    """A few visitors, one called per desk, one named visitor called last."""
    reza = Console(staffing, staffing.directory.get("reza-ahmadi"))
    amira = Console(staffing, staffing.directory.get("amira-haddad"))
    staffing.mediators.add("Selam Tesfay", ["ti"], contact="0171 555", weekdays=["tue"])
    for concerns, lang, interp in ((["post"], "ar", None), (["wohnen"], "fa", None),
                                   (["jobcenter"], "de", "ti"), (["familie"], "fa", None),
                                   (["aufenthalt"], "ar", None)):
        ctx.queue.check_in(concerns, lang, interp)
        clock.advance(minutes=3)
    amira.call_next()
    clock.advance(minutes=1)
    named = ctx.queue.check_in(["gesundheit"], "fa", first_name=SECRET_NAME)
    clock.advance(minutes=1)
    reza.call(named.visit_id)
    amira.sign_on()  # Amira is at her desk: Arabic is covered, Tigrinya is not


async def test_board_shows_numbers_never_names_and_rings(ctx, staffing, clock):
    _office_morning(ctx, staffing, clock)
    app = make_board_app(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.lines) == 2, "two calls shown")
        assert [(x.ticket, x.desk) for x in app.lines] == [("A-006", "2"), ("A-001", "1")]
        assert app.bells == 0  # a (re)started board does not chime for old calls
        svg = app.export_screenshot()
        clock.advance(minutes=1)
        called = Console(staffing, staffing.directory.get("amira-haddad")).call_next()
        await wait_for(pilot, lambda: app.bells == 1, "bell on a new call")
        assert app.screen.query_one("#newest").has_class("fresh")
        assert app.screen.query_one("#newest-number").text == called.ticket
        text = "\n".join(str(w.render()) for w in app.screen.query("Label, Static"))
        text += "\n".join(w.text for w in app.screen.query("BigText"))
        svg += app.export_screenshot()
    assert SECRET_NAME not in svg and SECRET_NAME not in text
    assert "A-001" in svg and "A-006" in text  # the numbers themselves are there


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c", "escape", "q", "ctrl+d", "f1"])
async def test_board_cannot_be_quit_from_the_keyboard(ctx, key):
    app = make_board_app(ctx)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press(key)
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
        assert not app.screen.active_bindings  # nothing at all is bound


@pytest.mark.parametrize("size", [(100, 30), (40, 12)])
def test_board_snapshot(ctx, staffing, clock, snap_compare, size):
    _office_morning(ctx, staffing, clock)
    app = make_board_app(ctx)

    async def loaded(pilot):
        await wait_for(pilot, lambda: len(app.lines) == 2)

    assert snap_compare(app, terminal_size=size, run_before=loaded)


def test_console_snapshot(ctx, staffing, clock, snap_compare):
    _office_morning(ctx, staffing, clock)
    app = make_staff_app(ctx)

    async def signed_in(pilot):
        await sign_in(pilot, "reza-ahmadi", "2222")
        await wait_for(pilot, lambda: app.screen.id == "queue-screen" and app.screen.loads)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(150, 40), run_before=signed_in)


def test_sign_in_snapshot(ctx, staffing, snap_compare):
    app = make_staff_app(ctx)

    async def listed(pilot):
        await wait_for(pilot, lambda: app.screen.id == "signin"
                       and app.screen.query_one("#profiles").option_count == 3)

    assert snap_compare(app, terminal_size=(100, 30), run_before=listed)
