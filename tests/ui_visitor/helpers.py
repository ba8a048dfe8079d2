"""Shared steps for the visitor Pilot tests: tap through the flow like a visitor would."""

from __future__ import annotations

from textual.pilot import Pilot

from kiosk.ui.visitor.keypad import TypedField
from kiosk.ui.visitor.widgets import BidiText, TicketNumber

SIZE = (100, 32)


class FakeMonotonic:
    """A monotonic clock the test moves by hand, for the idle time and the PIN cooldown."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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
    """Replace the step's typed text as a paste from a physical keyboard would (any
    characters; a code field keeps those of its alphabet)."""
    field = pilot.app.screen.query_one(TypedField)
    field.clear()
    field.add(text)
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
        parts += [w.value for w in screen.query(TypedField)]
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
