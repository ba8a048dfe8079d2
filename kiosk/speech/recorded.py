"""Recorded prompts: a folder of WAV files an office has a native speaker record.

Layout: ``<folder>/<lang>/<prompt id>.wav``, e.g. ``ti/CONCERN_TITLE.wav``,
``ar/concern.wohnen.wav``, ``ti/char.7.wav``; `kiosk speech check --out DIR` writes the same
layout with the synthetic voice, and `every_prompt` lists the ids. A recording, when present,
always wins over synthesis: a human voice is easier to follow, and it is the only voice
Tigrinya has. Files must be PCM WAV (what `arecord` and Audacity's "WAV 16-bit" write).
"""

from __future__ import annotations

import re
from pathlib import Path

_SAFE_ID = re.compile(r"^[A-Za-z0-9_.]{1,64}$")


class RecordedPrompts:
    """Looks recordings up by prompt id and language.

    Args:
        folder: the office's recordings; None or a missing folder means "none installed".
    """

    def __init__(self, folder: Path | str | None) -> None:
        self.folder = Path(folder) if folder else None

    def find(self, prompt_id: str, lang: str) -> Path | None:
        """The recording of `prompt_id` in `lang`, or None."""
        if self.folder is None or not _SAFE_ID.match(prompt_id) or not _SAFE_ID.match(lang):
            return None
        path = self.folder / lang / f"{prompt_id}.wav"
        return path if path.is_file() else None

    def find_all(self, prompt_ids: tuple[str, ...], lang: str) -> list[Path] | None:
        """Recordings for every id in order, or None if any one is missing."""
        if not prompt_ids:
            return None
        found = [self.find(pid, lang) for pid in prompt_ids]
        return None if any(p is None for p in found) else [p for p in found if p]

    def languages(self) -> set[str]:
        """Languages with at least one recording."""
        if self.folder is None or not self.folder.is_dir():
            return set()
        return {d.name for d in self.folder.iterdir() if d.is_dir() and any(d.glob("*.wav"))}
