"""The speaker drives a real player subprocess: aplay against ALSA's null device, and a paced
player where a test needs speech still running when the next screen comes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.speech.piece import Piece
from kiosk.speech.texts import ticket_pieces
from tests.speech.conftest import PACED_PLAYER, make_test_speaker


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_ticket_plays_through_aplay_on_the_null_device(null_speaker) -> None:
    speaker, _engine, started = null_speaker
    speaker.say("de", ticket_pieces("A-017", 3, 20, "de"))
    assert speaker.wait_idle(60)
    assert len(started.processes) == 5
    for proc, argv in zip(started.processes, started.argvs, strict=True):
        assert proc.returncode == 0
        assert argv[:4] == ["aplay", "-q", "-D", "null"] and argv[4].endswith(".wav")
        assert len(argv) == 5  # only the file: no text on any command line


def test_a_new_utterance_kills_the_old_player_process(tmp_path: Path) -> None:
    speaker, _engine, started = make_test_speaker(tmp_path, PACED_PLAYER)
    try:
        speaker.say("de", [Piece("Was ist Ihr Anliegen? Sie können mehrere wählen.")])
        assert started.event.wait(30)
        old = started.processes[0]
        assert old.poll() is None  # still speaking
        started.event.clear()
        speaker.say("de", [Piece("Weiter")])
        assert started.event.wait(30)
        assert old.wait(timeout=10) == -9
        assert _gone(old.pid)
        assert started.processes[-1] is not old
    finally:
        speaker.close()
    assert all(p.poll() is not None for p in started.processes)


def test_cancel_stops_speech_and_drops_what_was_queued(tmp_path: Path) -> None:
    speaker, engine, started = make_test_speaker(tmp_path, PACED_PLAYER)
    try:
        speaker.say("de", [Piece("Eins"), Piece("Zwei"), Piece("Drei")])
        assert started.event.wait(30)
        speaker.cancel()
        assert speaker.wait_idle(30)
        assert len(started.processes) == 1 and started.processes[0].returncode == -9
        assert "Drei" not in engine.texts
    finally:
        speaker.close()


def test_board_utterances_wait_their_turn(null_speaker) -> None:
    speaker, engine, started = null_speaker
    speaker.say("de", [Piece("Nummer A 1")], interrupt=False)
    speaker.say("de", [Piece("Nummer A 2")], interrupt=False)
    assert speaker.wait_idle(60)
    assert engine.texts == ["Nummer A 1", "Nummer A 2"]
    assert [p.returncode for p in started.processes] == [0, 0]


def test_a_missing_player_is_logged_not_raised(tmp_path: Path, caplog) -> None:
    speaker, _engine, _started = make_test_speaker(tmp_path, ("no-such-player-xyz",))
    try:
        speaker.say("de", [Piece("Hallo")])
        assert speaker.wait_idle(30)
    finally:
        speaker.close()
    assert "speech failed (FileNotFoundError, language de)" in caplog.text
    assert "Hallo" not in caplog.text


@pytest.mark.parametrize("volume", [100, 50])
def test_volume_scales_the_gong_and_recordings(tmp_path: Path, volume: int) -> None:
    from kiosk.speech.announce import GONG_WAV
    from kiosk.speech.wavfile import wav_info

    speaker, _engine, started = make_test_speaker(tmp_path, volume=volume)
    try:
        speaker.say("de", [Piece("", wav=GONG_WAV)])
        assert speaker.wait_idle(60)
    finally:
        speaker.close()
    played = Path(started.argvs[0][-1])
    assert wav_info(played).rms == pytest.approx(wav_info(GONG_WAV).rms * volume / 100, rel=0.02)


def test_volume_of_synthesised_speech_is_the_engines_amplitude(tmp_path: Path) -> None:
    from kiosk.config import SpeechSettings
    from kiosk.speech.setup import make_voice
    from kiosk.speech.wavfile import wav_info

    loud = make_voice(SpeechSettings(volume=100), tmp_path / "a").files(Piece("Nummer"), "de")
    soft = make_voice(SpeechSettings(volume=40), tmp_path / "b").files(Piece("Nummer"), "de")
    assert wav_info(soft[0]).rms < 0.6 * wav_info(loud[0]).rms
