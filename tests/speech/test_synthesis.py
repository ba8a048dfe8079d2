"""Every screen's prompt, in every language with a voice, is synthesised to a WAV that can be
heard and is of a plausible length; Tigrinya has no voice; recordings win over synthesis."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.i18n import messages as M
from kiosk.i18n.languages import UI_LANGUAGE_CODES
from kiosk.i18n.translator import translator
from kiosk.speech.engine import EspeakEngine, SpeechError, for_synthesis
from kiosk.speech.prompts import Piece, every_prompt, piece_for
from kiosk.speech.recorded import RecordedPrompts
from kiosk.speech.speaker import Voice
from kiosk.speech.texts import screen_pieces, speakable, ticket_pieces
from kiosk.speech.voices import VOICES, voice_for
from kiosk.speech.wavfile import wav_info, write_gong

VOICED = [lang for lang in UI_LANGUAGE_CODES if voice_for(lang)]

#: The prompt of each visitor step (title bar or card), as the screens show them.
SCREEN_PROMPTS = {
    "concern": M.CONCERN_TITLE, "concern-hint": M.CONCERN_HINT,
    "appointment": M.APPOINTMENT_CODE_PROMPT, "counsel": M.COUNSEL_LANGUAGE_TITLE,
    "other": M.WHICH_LANGUAGE, "name": M.NAME_PROMPT, "name-why": M.NAME_WHY,
    "ticket": M.YOUR_NUMBER, "seat": M.TAKE_SEAT, "closed": M.CLOSED_NOW,
    "idle": M.IDLE_TITLE,
}


def _plausible(seconds: float, text: str) -> bool:
    """Long enough to be words, and not longer than a slow reader would take."""
    return 0.3 <= seconds <= 1.0 + 0.25 * len(text)


def test_every_ui_language_but_tigrinya_has_a_voice() -> None:
    assert set(UI_LANGUAGE_CODES) - set(VOICES) == {"ti"}
    assert VOICES["ls"] == VOICES["de"]  # Leichte Sprache is read by the German voice


@pytest.mark.parametrize("lang", VOICED)
def test_each_screen_prompt_is_heard_with_a_plausible_length(lang: str, tmp_path: Path) -> None:
    engine = EspeakEngine(tmp_path)
    t = translator(lang)
    texts = {name: t.gettext(msgid) for name, msgid in SCREEN_PROMPTS.items()}
    for piece in ticket_pieces("A-017", 3, 20, lang):
        texts[f"ticket:{piece.recording_ids[:1]}"] = piece.text
    for name, text in texts.items():
        info = wav_info(engine.synthesize(text, lang))
        assert not info.silent, (lang, name, info)
        assert _plausible(info.seconds, text), (lang, name, info.seconds, text)


def test_tigrinya_cannot_be_synthesised_only_recorded(tmp_path: Path) -> None:
    engine = EspeakEngine(tmp_path)
    assert not engine.can_speak("ti")
    with pytest.raises(SpeechError, match="no voice"):
        engine.synthesize(translator("ti").gettext(M.YOUR_NUMBER), "ti")
    voice = Voice(engine, RecordedPrompts(None), tmp_path)
    assert voice.files(piece_for(translator("ti").gettext(M.YOUR_NUMBER), "ti"), "ti") == []


def test_synthesis_is_cached_per_text_and_voice(tmp_path: Path) -> None:
    engine = EspeakEngine(tmp_path)
    first = engine.synthesize("Bitte setzen Sie sich.", "de")
    stamp = first.stat().st_mtime_ns
    assert engine.synthesize("Bitte setzen Sie sich.", "de") == first
    assert first.stat().st_mtime_ns == stamp
    assert engine.synthesize("Bitte setzen Sie sich.", "ls") == first  # same voice, same text
    assert engine.synthesize("Bitte setzen Sie sich.", "en") != first
    assert "Bitte" not in first.name  # no text in file names


def _recordings(tmp_path: Path) -> Path:
    folder = tmp_path / "recordings"
    for lang in ("de", "ti"):
        write_gong(folder / lang / "CONCERN_TITLE.wav")
    for ch in "A017":
        write_gong(folder / "ti" / f"char.{ch}.wav")
    return folder


def test_a_recorded_prompt_wins_over_synthesis(tmp_path: Path) -> None:
    engine = EspeakEngine(tmp_path / "cache")
    voice = Voice(engine, RecordedPrompts(_recordings(tmp_path)), tmp_path / "cache")
    recorded = tmp_path / "recordings" / "de" / "CONCERN_TITLE.wav"
    piece = piece_for(translator("de").gettext(M.CONCERN_TITLE), "de")
    assert piece.recording_ids == ("CONCERN_TITLE",)
    assert voice.files(piece, "de") == [recorded]
    other = piece_for(translator("de").gettext(M.CONCERN_HINT), "de")  # not recorded
    synthesised = voice.files(other, "de")
    assert synthesised and synthesised[0].parent == tmp_path / "cache"


def test_tigrinya_is_heard_from_recordings_and_the_ticket_digit_by_digit(tmp_path: Path) -> None:
    voice = Voice(EspeakEngine(tmp_path / "cache"), RecordedPrompts(_recordings(tmp_path)),
                  tmp_path / "cache")
    assert voice.can_speak("ti")
    title = piece_for(translator("ti").gettext(M.CONCERN_TITLE), "ti")
    assert voice.files(title, "ti") == [tmp_path / "recordings" / "ti" / "CONCERN_TITLE.wav"]
    code = ticket_pieces("A-017", 0, None, "ti")[1]
    assert [p.name for p in voice.files(code, "ti")] == ["char.A.wav", "char.0.wav",
                                                         "char.1.wav", "char.7.wav"]


def test_the_ticket_is_read_digit_by_digit_with_people_and_estimate() -> None:
    pieces = ticket_pieces("A-017", 3, 20, "de")
    assert [p.recording_ids[:1] for p in pieces] == [("YOUR_NUMBER",), ("char.A",), (), (),
                                                     ("TAKE_SEAT",)]
    assert pieces[1] == Piece("A, 0, 1, 7", ("char.A", "char.0", "char.1", "char.7"))
    texts = " ".join(p.text for p in pieces)
    assert "3" in texts and "20" in texts
    unknown = ticket_pieces("A-018", 2, None, "de")
    assert unknown[3].recording_ids == ("WAIT_UNKNOWN",)
    nobody = ticket_pieces("A-019", 0, 5, "de")
    assert [p.recording_ids for p in nobody][2] == ("NOBODY_BEFORE",)
    assert "5" not in " ".join(p.text for p in nobody)  # no estimate when nobody waits


def test_pictograms_and_arrows_are_not_read_and_middle_dots_not_spoken() -> None:
    assert speakable("📅 Ich habe einen Termin →") == "Ich habe einen Termin"
    assert speakable("↺ Neu anfangen") == "Neu anfangen"
    assert for_synthesis("Bild·schirm") == "Bildschirm"
    assert [p.recording_ids for p in screen_pieces(["← Zurück", "🔊"], "de")] == [("BACK",)]


def test_every_prompt_lists_messages_concerns_and_digits() -> None:
    prompts = every_prompt("kmr")
    assert prompts["CONCERN_TITLE"] == translator("kmr").gettext(M.CONCERN_TITLE)
    assert "concern.wohnen" in prompts and "char.7" in prompts
    assert not any("{" in text for text in prompts.values())
