"""Builds the speaker an office's settings ask for (one place for the CLI, the apps, tests).

The synthesis cache holds only prompts and numbers, never a name. The terminal and the board
keep it beside their store (``speech-cache/``: the one directory their service may write,
the home directory is out of reach under systemd's ProtectHome); commands without a store
use the platform cache directory (``~/.cache/lokal-willkommen/speech``). `KIOSK_SPEECH_CACHE`
overrides both.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from platformdirs import user_cache_dir

from kiosk.config import SpeechSettings
from kiosk.speech.engine import EspeakEngine
from kiosk.speech.player import Player
from kiosk.speech.recorded import RecordedPrompts
from kiosk.speech.speaker import Speaker, Voice


def speech_cache_dir(store_path: str | Path | None = None) -> Path:
    """Where synthesised speech is cached: beside the store when there is one."""
    override = os.environ.get("KIOSK_SPEECH_CACHE")
    if override:
        return Path(override)
    if store_path is not None:
        return Path(store_path).parent / "speech-cache"
    return Path(user_cache_dir("lokal-willkommen", appauthor=False)) / "speech"


def make_voice(settings: SpeechSettings, cache_dir: Path | None = None) -> Voice:
    """Recordings first, then espeak-ng, at the settings' volume."""
    cache = cache_dir or speech_cache_dir()
    return Voice(EspeakEngine(cache, amplitude=settings.volume),
                 RecordedPrompts(settings.recordings or None), cache, settings.volume)


def make_speaker(settings: SpeechSettings, cache_dir: Path | None = None,
                 on_play: Callable[[subprocess.Popen[bytes]], None] | None = None) -> Speaker:
    """A speaker playing through the settings' player command."""
    return Speaker(make_voice(settings, cache_dir), Player(settings.player), on_play)
