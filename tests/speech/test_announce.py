"""Board announcements: built from number, desk and language only; modes; quiet hours; the
board app announces a real call through the real speaker (never the visitor's name)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from kiosk.speech.announce import (
    GONG_WAV,
    Announcer,
    announcement_plan,
    announcement_text,
    in_quiet_hours,
    spoken_ticket,
)
from kiosk.speech.wavfile import wav_info, write_gong
from kiosk.ui.board.app import make_board_app
from tests.speech.conftest import make_test_speaker

CANARY = "Zerbinetta"


def test_the_number_is_said_as_people_say_it() -> None:
    assert spoken_ticket("A-017") == "A 17"
    assert spoken_ticket("T-003") == "T 3"
    assert spoken_ticket("A-100") == "A 100"


def test_announcement_text_in_german_and_the_visitors_language() -> None:
    assert announcement_text("A-017", "2", "de") == "Nummer A 17 – bitte zu Schalter 2."
    assert announcement_text("A-017", "2", "ar") == "الرقم A 17، يرجى التوجه إلى المكتب 2."
    assert announcement_text("A-017", "2", "bg") == "Номер A 17, моля, отидете на гише 2."


@pytest.mark.parametrize(("mode", "visit", "expected"), [
    ("off", "ar", []),
    ("gong", "ar", ["gong"]),
    ("de", "ar", ["gong", "de"]),
    ("de+visitor", "ar", ["gong", "de", "ar"]),
    ("de+visitor", "de", ["gong", "de"]),
    ("de+visitor", "ls", ["gong", "de"]),  # Leichte Sprache is German: not said twice
    ("de+visitor", None, ["gong", "de"]),
    ("de+visitor", "ps", ["gong", "de"]),  # no catalog: German only
])
def test_modes(mode: str, visit: str | None, expected: list[str]) -> None:
    plan = announcement_plan("A-017", "2", visit, mode)
    assert ["gong" if p.wav == GONG_WAV else lang for lang, p in plan] == expected


def test_a_language_without_voice_or_recording_is_not_announced() -> None:
    plan = announcement_plan("A-017", "2", "ti", "de+visitor", can_speak={"de", "ar"})
    assert [lang for lang, p in plan if p.wav is None] == ["de"]


def test_quiet_hours_also_past_midnight() -> None:
    spans = [(dt.time(20, 0), dt.time(7, 0)), (dt.time(12, 0), dt.time(13, 0))]
    assert in_quiet_hours(dt.time(22, 30), spans) and in_quiet_hours(dt.time(6, 59), spans)
    assert in_quiet_hours(dt.time(12, 30), spans)
    assert not in_quiet_hours(dt.time(7, 0), spans) and not in_quiet_hours(dt.time(13, 0), spans)


def test_announcer_is_silent_in_quiet_hours(tmp_path: Path) -> None:
    speaker, engine, started = make_test_speaker(tmp_path)
    announcer = Announcer(speaker, "de+visitor", [(dt.time(20, 0), dt.time(7, 0))])
    try:
        assert announcer.announce("A-017", "2", "ar", dt.datetime(2026, 12, 1, 21, 0)) == []
        assert announcer.announce("A-018", "2", "ar", dt.datetime(2026, 12, 1, 9, 0))
        assert speaker.wait_idle(60)
    finally:
        announcer.close()
    assert engine.texts == ["Nummer A 18 – bitte zu Schalter 2.",
                            "الرقم A 18، يرجى التوجه إلى المكتب 2."]
    assert Path(started.argvs[0][-1]) == GONG_WAV


def test_the_shipped_gong_is_the_generated_one_and_can_be_heard(tmp_path: Path) -> None:
    write_gong(tmp_path / "gong.wav")
    assert (tmp_path / "gong.wav").read_bytes() == GONG_WAV.read_bytes()
    info = wav_info(GONG_WAV)
    assert not info.silent and 0.5 < info.seconds < 2.0


async def test_the_board_announces_a_call_without_the_name(ctx, clock, tmp_path: Path) -> None:
    speaker, engine, started = make_test_speaker(tmp_path)
    announcer = Announcer(speaker, "de+visitor")
    app = make_board_app(ctx, poll_seconds=0.05, announcer=announcer)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if app.feed._seen is not None:
                break
        visit = ctx.queue.check_in(["post"], "ar", first_name=CANARY)
        ctx.queue.call(visit.visit_id, "staff-1", "2")
        for _ in range(500):
            await pilot.pause(0.02)
            if app.bells:
                break
        assert app.bells == 1
        deadline = time.monotonic() + 60
        while len(started.processes) < 3 and time.monotonic() < deadline:
            await pilot.pause(0.05)
    speaker.wait_idle(60)
    assert engine.texts == [f"Nummer {spoken_ticket(visit.ticket)} – bitte zu Schalter 2.",
                            f"الرقم {spoken_ticket(visit.ticket)}، يرجى التوجه إلى المكتب 2."]
    assert len(started.processes) == 3 and Path(started.argvs[0][-1]) == GONG_WAV
    everything = " ".join(engine.texts) + " ".join(" ".join(a) for a in started.argvs)
    assert CANARY not in everything
    assert all(p.returncode is not None for p in started.processes)  # the board closed it
