"""Checks of what visitors and staff type, shared by screens, commands and the service."""

from __future__ import annotations

import re
import unicodedata

from kiosk.queue.errors import InvalidInput

MAX_NAME = 40
_LANG = re.compile(r"^[a-z]{2,3}$")


_JOINER_CONTROLS = frozenset("\u200c\u200d")
"""Zero-width non-joiner and joiner: Persian spells names with them (علی‌رضا), and they
only change how the letters on either side join, so they are allowed between two letters."""


def _joiner_between_letters(name: str, index: int) -> bool:
    """True when name[index] is a ZWNJ/ZWJ with a letter (or its mark) on either side."""
    if name[index] not in _JOINER_CONTROLS or index == 0 or index == len(name) - 1:
        return False
    return all(unicodedata.category(name[i])[0] in "LM" for i in (index - 1, index + 1))


def clean_first_name(raw: str | None) -> str | None:
    """A first name as stored: trimmed, NFC, or None for empty.

    Letters of any script, spaces, hyphens and apostrophes are allowed, and the zero-width
    (non-)joiner between two letters; other control and format characters (including bidi
    overrides and marks, which could disguise text) are refused.
    """
    if raw is None:
        return None
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        return None
    if len(name) > MAX_NAME:
        raise InvalidInput("first_name", "too_long",
                           f"a first name can have at most {MAX_NAME} characters")
    for index, ch in enumerate(name):
        category = unicodedata.category(ch)
        if _joiner_between_letters(name, index):
            continue
        if category[0] == "C":
            raise InvalidInput("first_name", "bad_character",
                               "a first name cannot contain control characters")
        if not (category[0] in "LM" or ch in " -'’."):
            raise InvalidInput("first_name", "bad_character",
                               f"a first name cannot contain {ch!r}")
    return " ".join(name.split())


def check_language(field: str, code: str | None, *, optional: bool = False) -> str | None:
    """A language code like "de" or "prs"."""
    if code is None or code == "":
        if optional:
            return None
        raise InvalidInput(field, "missing", f"{field} is required")
    if not _LANG.match(code):
        raise InvalidInput(field, "bad_code", f"{code!r} is not a language code like 'de'")
    return code
