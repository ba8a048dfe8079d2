"""Reading aloud at the terminal, driven by Pilot with the real speaker: espeak-ng into a
per-test cache and aplay on ALSA's null device (a paced player where speech must still be
running when the next screen comes; see tests/speech/paced_player.py)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from kiosk.context import make_context
from kiosk.i18n import messages as M
from kiosk.i18n.translator import translator
from kiosk.store.db import init_store
from kiosk.ui.visitor.app import make_visitor_app
from tests.speech.conftest import PACED_PLAYER, make_test_speaker
from tests.ui_visitor.helpers import SIZE, settle, tap, type_into

CANARY = "Zerbinetta"


def _ctx(config, tmp_path: Path, clock, mode: str):
    offices = tuple(dataclasses.replace(o, speech=dataclasses.replace(o.speech, read_aloud=mode))
                    for o in config.offices)
    config = dataclasses.replace(config, offices=offices)
    return make_context(config, init_store(tmp_path / "site.db", "EVSC", "EVSC-EV"), now=clock)


async def _until(pilot, condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


def _said(engine, lang: str, msgid: str) -> bool:
    return translator(lang).gettext(msgid) in engine.texts


async def test_the_speaker_tile_reads_this_step_and_every_later_one(config, clock, tmp_path):
    speaker, engine, started = make_test_speaker(tmp_path)
    ctx = _ctx(config, tmp_path, clock, "tile")
    app = make_visitor_app(ctx, speaker=speaker)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-kmr")
        assert app.screen.query("#speak")
        assert speaker.wait_idle(30) and engine.texts == []  # tile mode: silent until asked
        await tap(pilot, "#speak")
        await _until(pilot, lambda: speaker.wait_idle(0) and len(started.processes) >= 3,
                     "the concern step read out")
        assert engine.texts[:2] == [translator("kmr").gettext(M.CONCERN_TITLE),
                                    translator("kmr").gettext(M.CONCERN_HINT)]
        await tap(pilot, "#continue")
        await _until(pilot, lambda: _said(engine, "kmr", M.COUNSEL_LANGUAGE_TITLE),
                     "the next step read out without a tap")
    ctx.close()
    assert all(p.poll() is not None for p in started.processes)  # closed with the app


async def test_a_new_screen_kills_the_old_speech(config, clock, tmp_path):
    speaker, engine, started = make_test_speaker(tmp_path, PACED_PLAYER)
    ctx = _ctx(config, tmp_path, clock, "auto")
    app = make_visitor_app(ctx, speaker=speaker)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-de")
        await _until(pilot, lambda: started.processes, "the concern step speaking")
        old = started.processes[0]
        assert old.poll() is None
        await tap(pilot, "#continue")
        await _until(pilot, lambda: old.poll() is not None, "the old player gone")
        assert old.returncode == -9
        await _until(pilot, lambda: len(started.processes) > 1, "the new step speaking")
        assert _said(engine, "de", M.COUNSEL_LANGUAGE_TITLE)
    ctx.close()


async def test_the_ticket_is_read_out_and_the_name_never(config, clock, tmp_path):
    speaker, engine, started = make_test_speaker(tmp_path)
    ctx = _ctx(config, tmp_path, clock, "tile")
    app = make_visitor_app(ctx, speaker=speaker)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-de")
        await tap(pilot, "#speak")  # the visitor wants every step read out
        await tap(pilot, "#continue")
        await tap(pilot, "#counsel-de")
        await type_into(pilot, CANARY)
        await tap(pilot, "#speak")  # read the name step again, with the name typed in
        await _until(pilot, lambda: speaker.wait_idle(0) and _said(engine, "de", M.NAME_WHY),
                     "the name step read out")
        await tap(pilot, "#continue")
        await settle(pilot)
        ticket = app.last_ticket.ticket
        await _until(pilot, lambda: _said(engine, "de", M.TAKE_SEAT), "the ticket read out")
    ctx.close()
    digits = ", ".join(ch for ch in ticket if ch.isalnum())
    assert digits in engine.texts
    heard = " ".join(engine.texts) + " ".join(" ".join(argv) for argv in started.argvs)
    assert CANARY not in heard and CANARY.lower() not in heard.lower()


async def test_the_ticket_is_read_out_without_the_tile_and_reset_forgets(config, clock, tmp_path):
    speaker, engine, _started = make_test_speaker(tmp_path)
    ctx = _ctx(config, tmp_path, clock, "tile")
    app = make_visitor_app(ctx, speaker=speaker)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-ro")
        await tap(pilot, "#speak")
        assert app.read_aloud.on
        await tap(pilot, "#start-over")
        await settle(pilot)
        assert not app.read_aloud.on  # the next visitor starts silent again
        engine.texts.clear()
        await tap(pilot, "#lang-ro")
        await tap(pilot, "#continue")
        await tap(pilot, "#counsel-de")
        await tap(pilot, "#skip")
        await settle(pilot)
        await _until(pilot, lambda: _said(engine, "ro", M.TAKE_SEAT), "the ticket read out")
        assert not _said(engine, "ro", M.CONCERN_TITLE)  # the steps were not read
    ctx.close()


async def test_moving_the_focus_reads_the_tile(config, clock, tmp_path):
    speaker, engine, _started = make_test_speaker(tmp_path)
    ctx = _ctx(config, tmp_path, clock, "auto")
    app = make_visitor_app(ctx, speaker=speaker)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-bg")
        await pilot.press("tab")
        label = translator("bg").pgettext("concern", "Understanding letters & forms")
        await _until(pilot, lambda: label in engine.texts, "the focused tile read out")
    ctx.close()


async def test_off_means_no_tile_and_no_sound(config, clock, tmp_path):
    speaker, engine, started = make_test_speaker(tmp_path)
    ctx = _ctx(config, tmp_path, clock, "off")
    app = make_visitor_app(ctx, speaker=speaker)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-de")
        assert not app.screen.query("#speak")
        await tap(pilot, "#continue")
        await tap(pilot, "#counsel-de")
        await tap(pilot, "#skip")
        await settle(pilot)
        assert app.last_ticket is not None
        await pilot.pause(0.2)
    ctx.close()
    assert engine.texts == [] and started.processes == []


async def test_are_you_still_there_is_heard_when_reading_aloud(config, clock, tmp_path):
    from tests.ui_visitor.helpers import FakeMonotonic

    speaker, engine, _started = make_test_speaker(tmp_path)
    ctx = _ctx(config, tmp_path, clock, "auto")
    monotonic = FakeMonotonic()
    app = make_visitor_app(ctx, idle_timeout=60, clock=monotonic, speaker=speaker)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-uk")
        monotonic.advance(45)
        await app.check_idle_time()
        await pilot.pause()
        await _until(pilot, lambda: _said(engine, "uk", M.IDLE_TITLE), "the notice read out")
        assert _said(engine, "uk", M.IDLE_TAP)
    ctx.close()
