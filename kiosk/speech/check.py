"""`kiosk speech check` as a service: say every prompt of every language, find the silent ones.

For each UI language every recordable prompt (`every_prompt`) and three sentences with
numbers (people ahead, waiting time, a board announcement) are turned into WAV files —
recordings where the office has them, else espeak-ng — and each file is measured: a file
with no sound (RMS below -50 dBFS) or no length from a language that has a voice is a
failure, because a visitor would hear nothing. Files go to ``OUT/<lang>/<prompt id>.wav``
(the layout of recorded prompts, so they double as a script for the person recording) or
are played through the office's player.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.speech.engine import SpeechError
from kiosk.speech.piece import Piece
from kiosk.speech.player import Player
from kiosk.speech.speaker import Voice
from kiosk.speech.wavfile import wav_info

#: A prompt shorter than this is not a spoken word (espeak-ng's output for nothing is ~0.1 s).
MIN_SECONDS = 0.15
#: Seconds per character beyond which a prompt is implausibly long (a synthesiser stuck).
MAX_SECONDS_PER_CHAR = 0.5


@dataclass
class LanguageReport:
    """What one language sounded like."""

    lang: str
    has_voice: bool
    recorded: int = 0
    synthesised: int = 0
    seconds: float = 0.0
    silent: list[str] = field(default_factory=list)
    """Prompt ids that produced silence, an implausible length or an error."""

    @property
    def heard(self) -> bool:
        """Whether anything at all can be heard in this language."""
        return self.recorded + self.synthesised > 0

    @property
    def failed(self) -> bool:
        """A language with a voice that produced silence somewhere."""
        return self.has_voice and bool(self.silent)


def prompts_with_numbers(lang: str) -> dict[str, str]:
    """Sentences that carry numbers, as screens and the board say them (synthesis only)."""
    from kiosk.i18n import formatting as F
    from kiosk.speech.announce import announcement_text

    return {
        "sample.people_before": F.format_people_before(3, lang),
        "sample.wait": F.format_wait_minutes(20, lang),
        "sample.announcement": announcement_text("A-017", "2", lang),
    }


def check_language(lang: str, voice: Voice, out_dir: Path | None, player: Player | None,
                   on_prompt: Callable[[str, str], None] | None = None,
                   prefixes: str = "AT") -> LanguageReport:
    """Say every prompt of `lang` to `out_dir` (or through `player`) and measure each file."""
    from kiosk.speech.prompts import every_prompt

    report = LanguageReport(lang, voice.engine.can_speak(lang))
    prompts = [(pid, Piece(text, (pid,))) for pid, text in every_prompt(lang, prefixes).items()]
    prompts += [(pid, Piece(text)) for pid, text in prompts_with_numbers(lang).items()]
    for prompt_id, piece in prompts:
        if on_prompt is not None:
            on_prompt(lang, prompt_id)
        recorded = voice.recordings.find_all(piece.recording_ids, lang) is not None
        try:
            files = voice.files(piece, lang)
        except SpeechError:
            report.silent.append(prompt_id)
            continue
        if not files:
            continue  # no voice, no recording: listed as such, not as silence
        if recorded:
            report.recorded += 1
        else:
            report.synthesised += 1
        for wav in files:
            try:
                info = wav_info(wav)
            except ValueError:
                report.silent.append(prompt_id)
                continue
            report.seconds += info.seconds
            too_long = info.seconds > max(3.0, MAX_SECONDS_PER_CHAR * len(piece.text))
            if info.silent or info.seconds < MIN_SECONDS or (not recorded and too_long):
                report.silent.append(prompt_id)
            if out_dir is not None:
                target = out_dir / lang / f"{prompt_id}.wav"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(wav, target)
            elif player is not None:
                player.start(wav).wait()
    return report


def check_languages(languages: Iterable[str], voice: Voice, out_dir: Path | None,
                    player: Player | None,
                    on_prompt: Callable[[str, str], None] | None = None,
                    prefixes: str = "AT") -> list[LanguageReport]:
    """`check_language` for each language, in order."""
    return [check_language(lang, voice, out_dir, player, on_prompt, prefixes)
            for lang in languages]
