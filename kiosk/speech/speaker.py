"""The speaker: says pieces in a language on a worker thread, one utterance at a time.

`say()` only queues and returns, so a tap never waits for speech. With ``interrupt=True`` (the
visitor terminal: a new screen) the playing process is killed and anything queued is dropped;
with ``interrupt=False`` (the board: calls in a row) utterances wait their turn. Each piece is
a recording when the office has one, else synthesised; a language with neither stays silent
rather than failing. Logs never contain what was said.
"""

from __future__ import annotations

import logging
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.speech.engine import Engine, SpeechError
from kiosk.speech.piece import Piece
from kiosk.speech.player import Player
from kiosk.speech.recorded import RecordedPrompts
from kiosk.speech.wavfile import with_volume

log = logging.getLogger(__name__)


@dataclass
class Voice:
    """Turns a piece into WAV files: recordings first, then the engine, at a volume.

    Attributes:
        engine: the synthesiser.
        recordings: the office's recorded prompts.
        cache_dir: where volume-scaled copies are kept.
        volume: percent, 0-100.
    """

    engine: Engine
    recordings: RecordedPrompts
    cache_dir: Path
    volume: int = 100

    def can_speak(self, lang: str) -> bool:
        """Whether `lang` has a synthetic voice or at least one recording."""
        return self.engine.can_speak(lang) or lang in self.recordings.languages()

    def files(self, piece: Piece, lang: str) -> list[Path]:
        """The WAV files that say `piece` (empty when `lang` cannot say it).

        Synthesised speech comes at the right loudness from the engine (espeak-ng's
        amplitude); recordings and the gong are scaled into a cached copy.
        """
        found = [piece.wav] if piece.wav is not None else \
            self.recordings.find_all(piece.recording_ids, lang)
        if found is None:
            if not piece.text or not self.engine.can_speak(lang):
                return []
            return [self.engine.synthesize(piece.text, lang)]
        return [with_volume(p, self.volume, self.cache_dir) for p in found]


class Speaker:
    """Plays utterances through `player` on one worker thread.

    Args:
        voice: what turns pieces into files.
        player: what plays a file.
        on_play: called on the worker thread with each started player process (the tests and
            the latency measurement use it).
    """

    def __init__(self, voice: Voice, player: Player,
                 on_play: Callable[[subprocess.Popen[bytes]], None] | None = None) -> None:
        self.voice = voice
        self.player = player
        self.on_play = on_play
        self._jobs: queue.Queue[tuple[int, str, tuple[Piece, ...]] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._generation = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._busy = threading.Event()
        self._active = False
        self._warned: set[str] = set()
        self._closed = False

    def say(self, lang: str, pieces: Sequence[Piece], *, interrupt: bool = True) -> None:
        """Queue an utterance; with `interrupt` stop whatever is being said first."""
        if self._closed or not pieces:
            return
        with self._lock:
            if interrupt:
                self._stop_locked()
            self._busy.set()
            self._jobs.put((self._generation, lang, tuple(pieces)))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)
                self._thread.start()

    def cancel(self) -> None:
        """Stop speaking now and forget anything queued (a new screen, a reset)."""
        with self._lock:
            self._stop_locked()

    def close(self) -> None:
        """Stop, and end the worker thread (the app is exiting)."""
        self._closed = True
        self.cancel()
        self._jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait_idle(self, timeout: float) -> bool:
        """Block until everything queued has been said (True) or `timeout` passed (False)."""
        deadline = time.monotonic() + timeout
        while self._busy.is_set():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        """The player process playing now, if any."""
        return self._process

    def _stop_locked(self) -> None:
        self._generation += 1
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        proc = self._process
        if proc is not None and proc.poll() is None:
            proc.kill()
        if not self._active:
            self._busy.clear()

    def _current(self, generation: int) -> bool:
        return generation == self._generation and not self._closed

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            generation, lang, pieces = job
            with self._lock:
                self._active = True
            try:
                self._speak(generation, lang, pieces)
            except Exception as exc:  # a speech fault must never take the terminal down
                self._warn(type(exc).__name__, "speech failed (%s, language %s)",
                           type(exc).__name__, lang)
            finally:
                with self._lock:
                    self._active = False
                    if self._jobs.empty():
                        self._busy.clear()

    def _speak(self, generation: int, lang: str, pieces: tuple[Piece, ...]) -> None:
        for piece in pieces:
            if not self._current(generation):
                return
            try:
                files = self.voice.files(piece, lang)
            except SpeechError as exc:
                self._warn(f"engine {lang}", "speech: %s", exc)
                return
            for wav in files:
                with self._lock:
                    if not self._current(generation):
                        return
                    proc = self.player.start(wav)
                    self._process = proc
                if self.on_play is not None:
                    self.on_play(proc)
                _, err = proc.communicate()
                with self._lock:
                    self._process = None
                if proc.returncode not in (0, -9) and self._current(generation):
                    first = err.decode("utf-8", "replace").strip().splitlines()[:1]
                    self._warn(f"player {proc.returncode}", "speech player %s exited %s: %s",
                               self.player.command[0], proc.returncode,
                               first[0] if first else "no message")
                    return

    def _warn(self, kind: str, message: str, *args: object) -> None:
        """Log a fault once per kind: a machine without a sound card must not log each word."""
        if kind not in self._warned:
            self._warned.add(kind)
            log.warning(message, *args)
