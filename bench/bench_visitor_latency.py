"""Tap-to-next-screen latency of the visitor terminal in Pilot (median; goal < 50 ms).

A tap is a click event sent to a tile (as Pilot does); the time runs until the next step's
screen is mounted, laid out and painted (the first refresh after its `ScreenResume`). Pilot's
own `click()`+`pause()` round trip is dominated by its CPU-idle polling (several sleeps per
call), so it is printed separately, next to a bare Textual app measured the same way.

    .venv/bin/python bench/bench_visitor_latency.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot, _get_mouse_message_arguments
from textual.screen import Screen
from textual.widgets import Label

from kiosk.config import load_config
from kiosk.context import make_context
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import init_store
from kiosk.ui.visitor.app import make_visitor_app

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
STEPS = [("#lang-{lang}", "ConcernScreen"), ("#continue", "CounselScreen"),
         ("#counsel-{lang}", "NameScreen"), ("#skip", "TicketScreen"),
         ("#done", "WelcomeScreen")]


async def tap(pilot: Pilot, selector: str, expected: str) -> float:
    """Send the click to the tile as Pilot does, then time until the next screen is painted."""
    app = pilot.app
    before = app.screen
    widget = before.query_one(selector)
    kwargs = _get_mouse_message_arguments(widget, (0, 0), button=1)
    painted = asyncio.Event()
    start = time.perf_counter()
    app.screen._forward_event(events.Click(**kwargs, chain=1))
    while (app.screen is before or type(app.screen).__name__ != expected
           or not app.screen.is_mounted):
        if time.perf_counter() - start > 10:
            raise TimeoutError(f"{selector}: no {expected} after 10 s")
        await asyncio.sleep(0.0005)
    app.screen.call_after_refresh(painted.set)
    await asyncio.wait_for(painted.wait(), 10)
    return time.perf_counter() - start


async def run(rounds: int, db: Path) -> tuple[dict[str, list[float]], list[float]]:
    ctx = make_context(load_config(DEFAULT_CONFIG), init_store(db, "EVSC", "EVSC-EV"),
                       now=lambda: NOW)
    app = make_visitor_app(ctx)
    times: dict[str, list[float]] = {}
    pilot_round_trips: list[float] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        for i in range(rounds):
            lang = ("de", "ar", "fa", "en")[i % 4]
            for selector, expected in STEPS:
                selector = selector.format(lang=lang)
                if i % 2:
                    start = time.perf_counter()
                    await pilot.click(selector)
                    await pilot.pause()
                    while type(app.screen).__name__ != expected:  # the check-in's worker
                        await pilot.pause()
                    pilot_round_trips.append(time.perf_counter() - start)
                else:
                    elapsed = await tap(pilot, selector, expected)
                    await pilot.pause()
                    times.setdefault(f"{selector.split('-')[0]} -> {expected}", []
                                     ).append(elapsed)
                assert type(app.screen).__name__ == expected, (selector, app.screen)
    ctx.close()
    return times, pilot_round_trips


class _Step(Screen):
    """One label; a click anywhere on the screen pushes the next (or pops back)."""

    def compose(self) -> ComposeResult:
        yield Label("next", id="next")

    def on_click(self) -> None:
        if len(self.app.screen_stack) < 4:
            self.app.push_screen(_Step())
        else:
            self.app.pop_screen()


async def bare_round_trips(count: int) -> tuple[list[float], list[float]]:
    """The floor: a bare Textual app pushing (or popping) a one-button screen, timed both
    ways: tap to painted, as for the kiosk, and Pilot's click+pause."""
    class Bare(App[None]):
        def on_mount(self) -> None:
            self.push_screen(_Step())

    app, taps, trips = Bare(), [], []
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        for i in range(2 * count):
            if i % 2:
                start = time.perf_counter()
                await pilot.click("#next")
                await pilot.pause()
                trips.append(time.perf_counter() - start)
            else:
                taps.append(await tap(pilot, "#next", "_Step"))
                await pilot.pause()
    return taps, trips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        times, trips = asyncio.run(run(args.rounds, Path(tmp) / "bench.db"))
    floor_taps, floor = asyncio.run(bare_round_trips(len(trips)))
    everything = [t for values in times.values() for t in values]
    for step, values in times.items():
        print(f"{step:28s} median {statistics.median(values) * 1000:6.1f} ms  (tap to painted)")
    median = statistics.median(everything) * 1000
    print(f"all taps ({len(everything)})              median {median:6.1f} ms   (goal < 50 ms)")
    print(f"bare Textual screen switch      median {statistics.median(floor_taps) * 1000:6.1f} ms"
          "   (tap to painted: the floor)")
    print(f"Pilot click+pause, visitor      median {statistics.median(trips) * 1000:6.1f} ms")
    print(f"Pilot click+pause, bare Textual median {statistics.median(floor) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
