"""The synthesis engine behind a small interface, and espeak-ng as its implementation.

espeak-ng runs as a subprocess (`espeak-ng -v VOICE -w FILE --stdin`): the text goes in on
standard input, so it never appears in a process list. Each (voice, text) is synthesised once
and cached as a WAV file named by a hash of both, so the second visitor hears a screen at once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

from kiosk.errors import EXIT_FAILED, KioskError
from kiosk.speech.voices import voice_for

#: espeak-ng speaks a little slower than its default (175 wpm): many listeners are learners.
WORDS_PER_MINUTE = 150
#: A synthesis that takes longer than this is a broken engine, not a long sentence.
SYNTH_TIMEOUT_SECONDS = 30.0


def for_synthesis(text: str) -> str:
    """Text as the synthesiser should read it: Leichte Sprache's middle dot (Bild·schirm)
    marks where to see a compound's parts, it is not spoken."""
    return text.replace("\u00b7", "")


class SpeechError(KioskError):
    """Speech could not be produced (engine missing or failing); the message says which."""

    code = "speech.failed"
    exit_code = EXIT_FAILED


class Engine(Protocol):
    """Turns text in a language into a WAV file (or says it cannot speak that language)."""

    def can_speak(self, lang: str) -> bool:
        """Whether this engine has a voice for the UI language."""
        ...

    def synthesize(self, text: str, lang: str) -> Path:
        """A WAV file of `text` spoken in `lang`.

        Raises:
            SpeechError: no voice for `lang`, or the engine failed.
        """
        ...


class EspeakEngine:
    """espeak-ng as a subprocess with a per-(voice, text) WAV cache.

    Args:
        cache_dir: where synthesised WAV files are kept (created when needed).
        command: the espeak-ng executable.
        amplitude: espeak-ng's amplitude, 0-200 (100 is its default); the kiosk passes its
            volume in percent, so 100 % is espeak-ng's normal loudness.
    """

    def __init__(self, cache_dir: Path, command: str = "espeak-ng", amplitude: int = 100) -> None:
        self.cache_dir = Path(cache_dir)
        self.command = command
        self.amplitude = amplitude

    def available(self) -> bool:
        """Whether the espeak-ng executable is installed."""
        return shutil.which(self.command) is not None

    def can_speak(self, lang: str) -> bool:
        return voice_for(lang) is not None

    def cache_path(self, text: str, voice: str) -> Path:
        """Where the WAV of `text` in `voice` is cached (a hash: no text in file names)."""
        key = f"{voice}\0{WORDS_PER_MINUTE}\0{self.amplitude}\0{text}".encode()
        return self.cache_dir / f"{hashlib.sha256(key).hexdigest()[:32]}.wav"

    def synthesize(self, text: str, lang: str) -> Path:
        voice = voice_for(lang)
        if voice is None:
            raise SpeechError(f"espeak-ng has no voice for {lang!r}")
        target = self.cache_path(text, voice)
        if target.exists():
            return target
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".part")
        os.close(fd)
        try:
            try:
                done = subprocess.run(
                    [self.command, "-v", voice, "-s", str(WORDS_PER_MINUTE),
                     "-a", str(self.amplitude), "-w", tmp, "--stdin"],
                    input=for_synthesis(text).encode("utf-8"), capture_output=True,
                    timeout=SYNTH_TIMEOUT_SECONDS, check=False)
            except FileNotFoundError:
                raise SpeechError(f"{self.command} is not installed") from None
            except subprocess.TimeoutExpired:
                raise SpeechError(f"{self.command} did not finish in "
                                  f"{SYNTH_TIMEOUT_SECONDS:.0f} s") from None
            if done.returncode != 0:
                first = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
                raise SpeechError(f"{self.command} -v {voice} failed with exit "
                                  f"{done.returncode}: {first[0] if first else 'no message'}")
            os.replace(tmp, target)  # a half-written file is never seen as cached
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return target
