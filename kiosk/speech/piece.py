"""One stretch of speech, as plain data (kept apart so the speaker loads no catalogs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Piece:
    """One stretch of speech.

    Attributes:
        text: what the synthesiser reads, in the language of the utterance.
        recording_ids: recordings that say it, in order (all must exist to be used);
            empty when only synthesis can say it (it carries a number).
        wav: a fixed sound instead of speech (the board's gong).
    """

    text: str
    recording_ids: tuple[str, ...] = ()
    wav: Path | None = None
