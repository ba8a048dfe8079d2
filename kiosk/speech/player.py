"""The player: one real subprocess per WAV file (aplay by default, any command configured).

A process per file lets the first piece sound while the next is still being synthesised, and
lets a new screen stop speech at once by killing the process. The file name is the only
argument added: no text, no name, ever reaches a process list.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

DEFAULT_COMMAND: tuple[str, ...] = ("aplay", "-q")
"""ALSA's player on the default device (PipeWire's ALSA plugin routes it where PipeWire runs)."""


class Player:
    """Starts the configured player on a WAV file.

    Args:
        command: the player and its options, e.g. ("aplay", "-q", "-D", "plughw:1") or
            ("pw-play",); the file is appended.
    """

    def __init__(self, command: Sequence[str] = DEFAULT_COMMAND) -> None:
        if not command:
            raise ValueError("the player command is empty")
        self.command = tuple(command)

    def available(self) -> bool:
        """Whether the player executable is installed."""
        return shutil.which(self.command[0]) is not None

    def argv(self, wav: Path) -> list[str]:
        """The full command line for one file."""
        return [*self.command, str(wav)]

    def start(self, wav: Path) -> subprocess.Popen[bytes]:
        """Start playing `wav`; returns at once (the caller waits or kills).

        Raises:
            OSError: the player cannot be started (not installed, not executable).
        """
        return subprocess.Popen(self.argv(wav), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
