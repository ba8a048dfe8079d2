"""Tap to first word: how long after a tap the player process starts with the step's speech.

The visitor terminal (Pilot, 100x32) in `read_aloud = "auto"` mode: a tap on a language
tile shows the concern step, which is read out; the time runs from the click event to the
start of the first player process (aplay on ALSA's null device, whose first file is the
step's question). The click is sent to the tile as Pilot does, but without Pilot's idle
polling (see bench_visitor_latency.py). Cold: a fresh synthesis cache, so espeak-ng
synthesises the question first; warm: the cache already holds it (every later visitor).
Also the speaker tile in `"tile"` mode, warm. CPU time is this process and its children
(espeak-ng, aplay).

    .venv/bin/python bench/bench_speech_first_word.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from textual import events
from textual.pilot import Pilot, _get_mouse_message_arguments

from kiosk.config import load_config
from kiosk.context import make_context
from kiosk.paths import DEFAULT_CONFIG
from kiosk.speech.engine import EspeakEngine
from kiosk.speech.player import Player
from kiosk.speech.recorded import RecordedPrompts
from kiosk.speech.speaker import Speaker, Voice
from kiosk.store.db import init_store
from kiosk.ui.visitor.app import make_visitor_app

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
LANGS = ("de", "ar", "kmr", "ro", "bg", "fa", "uk", "tr", "fr", "en", "ru", "ls")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def click(pilot: Pilot, selector: str) -> float:
    """Send a click to the tile as Pilot does, without Pilot's idle polling; returns when sent."""
    widget = pilot.app.screen.query_one(selector)
    kwargs = _get_mouse_message_arguments(widget, (0, 0), button=1)
    start = time.perf_counter()
    pilot.app.screen._forward_event(events.Click(**kwargs, chain=1))
    return start


async def measure(mode: str, rounds: int, warm: bool, tile: bool) -> list[float]:
    tmp = Path(tempfile.mkdtemp(prefix="kiosk-bench-speech-"))
    config = load_config(DEFAULT_CONFIG)
    offices = tuple(dataclasses.replace(o, speech=dataclasses.replace(o.speech, read_aloud=mode))
                    for o in config.offices)
    config = dataclasses.replace(config, offices=offices)
    ctx = make_context(config, init_store(tmp / "s.db", "EVSC", "EVSC-EV"), now=lambda: NOW)
    started: list[float] = []
    first = threading.Event()

    def on_play(_proc: object) -> None:
        started.append(time.perf_counter())
        first.set()

    cache = tmp / "cache"
    speaker = Speaker(Voice(EspeakEngine(cache), RecordedPrompts(None), cache, 80),
                      Player(("aplay", "-q", "-D", "null")), on_play)
    app = make_visitor_app(ctx, speaker=speaker)
    out: list[float] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        for i in range(rounds):
            lang = LANGS[i % len(LANGS)]
            if warm or tile:  # the first visitor in this language filled the cache
                await pilot.click(f"#lang-{lang}")
                if tile:
                    await pilot.click("#speak")
                speaker.wait_idle(60)
                await app.reset_visitor()
                await pilot.pause()
            elif i >= len(LANGS):
                break  # cold: each language once
            first.clear()
            await pilot.pause()
            if tile:
                await pilot.click(f"#lang-{lang}")
                await pilot.pause()
                first.clear()
                start = click(pilot, "#speak")
            else:
                start = click(pilot, f"#lang-{lang}")
            while not first.is_set():
                await asyncio.sleep(0.001)
            out.append(started[-1] - start)
            speaker.wait_idle(60)
            await app.reset_visitor()
            await pilot.pause()
    ctx.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    for label, mode, warm, tile in (("auto, cold cache", "auto", False, False),
                                    ("auto, warm cache", "auto", True, False),
                                    ("speaker tile, warm cache", "tile", True, True)):
        wall, cpu = time.perf_counter(), _cpu()
        samples = asyncio.run(measure(mode, args.rounds, warm, tile))
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        ms = sorted(s * 1000 for s in samples)
        print(f"tap -> first player process, {label}: median {statistics.median(ms):.0f} ms, "
              f"max {ms[-1]:.0f} ms over {len(ms)} taps "
              f"(run: {wall:.1f} s wall, {cpu:.1f} s CPU incl. espeak-ng and aplay)")


if __name__ == "__main__":
    main()
