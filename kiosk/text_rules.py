"""What staff may type as a name, a contact or a label: one rule for every such field.

Names come in every script the offices counsel in, and some scripts need two invisible
characters inside words: ZWNJ (U+200C) keeps Persian "علی‌رضا" from joining into one word, and
Kurdish, Pashto, Urdu and the Indic scripts use it the same way; ZWJ (U+200D) forms conjuncts
in Sinhala and Malayalam. Both are accepted. Every other control or format character is
refused where it is typed: C0/C1 controls and NUL, bidi overrides, embeddings, isolates and
marks (text that pretends to read differently than it is stored), zero-width spaces, soft
hyphens, byte-order marks. Records that arrive by sync are not checked here — they are shown
through `kiosk.terminal_text.printable`, whatever they contain. Imports nothing from Textual.
"""

from __future__ import annotations

import unicodedata

from kiosk.queue.errors import InvalidInput

#: Format characters that a name may contain: zero width non-joiner and zero width joiner.
JOINERS = frozenset("\u200c\u200d")
#: Longest name of a person that staff type (a staff profile, a language mediator).
MAX_NAME = 60


def is_allowed_character(ch: str) -> bool:
    """Whether `ch` may stand in typed text (printable, a space, or a joiner)."""
    return ch in JOINERS or unicodedata.category(ch)[0] != "C"


def clean_typed_text(field: str, value: str, limit: int) -> str:
    """One line of person-typed text as it is stored: NFC, white space runs as one space,
    trimmed. An empty result is returned as ``""``; whether a field may be empty is the
    caller's rule.

    Args:
        field: the field's name, for the error (``name``, ``contact``, ``label`` …).
        value: what was typed.
        limit: most characters allowed (after the white space is folded).

    Raises:
        InvalidInput: ``too_long``, or ``bad_character`` for a control or format character
            other than ZWNJ/ZWJ, or for text that is nothing but joiners (it would show as
            an empty name).
    """
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if len(text) > limit:
        raise InvalidInput(field, "too_long", f"{field} has at most {limit} characters")
    bad = next((ch for ch in text if not is_allowed_character(ch)), None)
    if bad is not None:
        raise InvalidInput(field, "bad_character",
                           f"{field} cannot contain the control character U+{ord(bad):04X}")
    if text and not text.strip("".join(JOINERS) + " "):
        raise InvalidInput(field, "bad_character", f"{field} has no visible character")
    return text
