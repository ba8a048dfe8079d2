"""Helpers for the console and board Pilot tests: profiles, sign-in, waiting for workers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot
from textual.widgets import OptionList

from kiosk.staffing.console import Staffing


@pytest.fixture
def staffing(ctx) -> Staffing:
    """Three profiles: Reza (Persian, desk 2), Amira (Arabic, desk 1), Chef (admin, desk 3)."""
    s = Staffing(ctx)
    s.directory.add("Reza Ahmadi", ["de", "fa"], "2222", desk="2")
    s.directory.add("Amira Haddad", ["de", "ar"], "1111", desk="1")
    s.directory.add("Chef Admin", ["de", "en"], "9999", desk="3", is_admin=True)
    return s


async def wait_for(pilot: Pilot, condition: Callable[[], object], what: str = "") -> None:
    """Let the app's workers run until `condition()` holds (fails after ~15 s, never passes
    on time alone)."""
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


#: What the terminal sends for these keys.
ENTER, ESCAPE, CTRL_S = "\r", "\x1b", "\x13"


def type_text(pilot: Pilot, text: str) -> None:
    """Send `text` as the key events Textual's terminal driver makes of it, without waiting:
    the caller waits for what the keys should do. (`Pilot.press` loses the character of
    ZWNJ/ZWJ keys, and waits for the process to look idle after every key — time-based,
    and most of a long Pilot test's run time.)"""
    parser = XTermParser()
    for event in [*parser.feed(text), *parser.feed("")]:  # "" ends the input: a lone ESC
        pilot.app.post_message(event)


async def sign_in(pilot: Pilot, staff_id: str, pin: str) -> None:
    """Pick the profile in the list and type the PIN as a person would."""
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.id == "signin"
                   and app.screen.query_one("#profiles", OptionList).option_count > 0,
                   "profiles listed")
    options = app.screen.query_one("#profiles", OptionList)
    index = next(i for i in range(options.option_count)
                 if options.get_option_at_index(i).id == staff_id)
    options.highlighted = index
    await pilot.press("enter")  # choose the profile: focus moves to the PIN
    await pilot.press(*pin, "enter")


def status_text(app) -> str:
    return str(app.screen.query_one("#status").render())
