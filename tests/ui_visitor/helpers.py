"""Shared steps for the visitor Pilot tests: tap through the flow like a visitor would."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.ui.visitor.widgets import BidiText, TicketNumber

SIZE = (100, 32)


async def tap(pilot: Pilot, selector: str) -> None:
    """Click a tile (a tap on the touch screen) and let the app settle.

    Settling includes the app's workers: the check-in is written off the UI thread.
    """
    await pilot.pause()
    assert await pilot.click(selector), f"nothing to tap at {selector}"
    await settle(pilot)


async def settle(pilot: Pilot) -> None:
    """Wait until the app's workers are done and their answers are on screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_into(pilot: Pilot, text: str) -> None:
    """Put text into the focused step's input as a paste would (any characters)."""
    field = pilot.app.screen.query_one(Input)
    field.value = text
    await pilot.pause()


def shown_ticket(pilot: Pilot) -> str:
    """The ticket number the screen shows."""
    return pilot.app.screen.query_one(TicketNumber).ticket


def problem_text(pilot: Pilot) -> str:
    return pilot.app.screen.query_one("#problem", BidiText).text


def all_text(pilot: Pilot) -> str:
    """Every logical text and input value in every screen of the app (for privacy checks)."""
    parts = []
    for screen in pilot.app.screen_stack:
        parts += [w.text for w in screen.query(BidiText)]
        parts += [w.value for w in screen.query(Input)]
    return "\n".join(parts)


async def walk_to_name(pilot: Pilot, lang: str, concerns: list[str], counsel: str,
                       *, other: bool = False) -> None:
    """Welcome → concern(s) → counselling language (optionally via "another language")."""
    await pilot.pause()
    await tap(pilot, f"#lang-{lang}")
    for concern in concerns:
        await tap(pilot, f"#concern-{concern}")
    await tap(pilot, "#continue")
    if other:
        await tap(pilot, "#other")
        await tap(pilot, f"#other-{counsel}")
    else:
        await tap(pilot, f"#counsel-{counsel}")
