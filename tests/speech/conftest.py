"""Speech fixtures: real espeak-ng into a per-test cache, real aplay on ALSA's null device."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.speech.engine import EspeakEngine
from kiosk.speech.player import Player
from kiosk.speech.recorded import RecordedPrompts
from kiosk.speech.speaker import Speaker, Voice

NULL_PLAYER = ("aplay", "-q", "-D", "null")
"""aplay on ALSA's null device: the real player, with no sound card needed."""

PACED_PLAYER = (sys.executable, str(Path(__file__).with_name("paced_player.py")))
"""A player that lasts as long as the sound would (see paced_player.py: no sound card here)."""


class SpyEngine(EspeakEngine):
    """The real espeak-ng engine that also keeps every text it was asked to synthesise."""

    def __init__(self, cache_dir: Path) -> None:
        super().__init__(cache_dir)
        self.texts: list[str] = []

    def synthesize(self, text: str, lang: str) -> Path:
        self.texts.append(text)
        return super().synthesize(text, lang)


class Started:
    """Every player process a speaker started, with its command line."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.event = threading.Event()

    def __call__(self, proc: subprocess.Popen[bytes]) -> None:
        self.processes.append(proc)
        self.event.set()

    @property
    def argvs(self) -> list[list[str]]:
        return [list(p.args) for p in self.processes]  # type: ignore[arg-type]


def make_test_speaker(tmp: Path, player: tuple[str, ...] = NULL_PLAYER,
                      recordings: Path | None = None, volume: int = 100
                      ) -> tuple[Speaker, SpyEngine, Started]:
    engine = SpyEngine(tmp / "cache")
    started = Started()
    voice = Voice(engine, RecordedPrompts(recordings), tmp / "cache", volume)
    return Speaker(voice, Player(player), on_play=started), engine, started


@pytest.fixture
def null_speaker(tmp_path: Path) -> Iterator[tuple[Speaker, SpyEngine, Started]]:
    speaker, engine, started = make_test_speaker(tmp_path)
    yield speaker, engine, started
    speaker.close()
