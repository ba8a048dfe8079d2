"""Which espeak-ng voice reads which UI language, and which languages have none.

Leichte Sprache is German read by the German voice. Tigrinya has no espeak-ng voice (nor does
Pashto): those languages are heard only through recorded prompts (`kiosk.speech.recorded`).
"""

from __future__ import annotations

VOICES: dict[str, str] = {
    "de": "de",
    "ls": "de",
    "en": "en-gb",
    "ar": "ar",
    "fa": "fa",
    "fr": "fr-fr",
    "ru": "ru",
    "uk": "uk",
    "tr": "tr",
    "kmr": "ku",
    "ro": "ro",
    "bg": "bg",
}
"""UI language code -> espeak-ng voice name (`espeak-ng --voices` lists them)."""

RECORDED_ONLY: frozenset[str] = frozenset({"ti", "ps"})
"""Languages espeak-ng cannot speak: only an office's recordings give them a voice."""


def voice_for(lang: str) -> str | None:
    """The espeak-ng voice for a UI language, or None when it has none (Tigrinya)."""
    return VOICES.get(lang)
