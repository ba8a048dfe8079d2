"""Make text that a person typed — here or on a machine we do not control — safe for a terminal.

Names, contacts, notes and labels reach the console, the board and the command line by sync
from other offices. A terminal acts on escape sequences, C0/C1 control characters and NUL,
and bidi override/embedding/isolate controls let text pretend to read differently than it is
stored. This module turns such characters into visible stand-ins (``␛``, ``␀``, ``�``) for
display; the stored value is never changed. ZWNJ/ZWJ (Persian and other scripts need them),
LRM/RLM and every printable character pass unchanged. It imports nothing from Textual, so the
command line uses it as well as the screens (`kiosk.ui.inert`).
"""

from __future__ import annotations

import re

#: Shown for a character that must not reach the terminal and has no picture of its own.
REPLACEMENT = "\ufffd"
#: Appended when a display limit cuts the text.
ELLIPSIS = "…"
#: Longest person-typed value shown in one table cell or as one name in a line.
DISPLAY_LIMIT = 60

_BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TABLE: dict[int, str] = {
    **{c: chr(0x2400 + c) for c in range(0x20)},  # C0: ␀ … ␟ (ESC shows as ␛)
    0x7F: "\u2421",  # DEL: ␡
    **{c: REPLACEMENT for c in range(0x80, 0xA0)},  # C1 (incl. CSI U+009B, NEL U+0085)
    **{c: REPLACEMENT for c in _BIDI_CONTROLS},
    0x2028: REPLACEMENT,  # line separator
    0x2029: REPLACEMENT,  # paragraph separator
    **{c: REPLACEMENT for c in range(0xD800, 0xE000)},  # lone surrogates cannot be encoded
}
_MULTILINE_TABLE = {**_TABLE, 0x0A: "\n"}
_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE)) + "]")


def printable(text: object, *, limit: int | None = None, multiline: bool = False) -> str:
    """The text with every terminal control replaced by a visible stand-in.

    Args:
        text: what a person typed (``None`` shows as an empty string; other objects by
            ``str()``).
        limit: cut to this many characters and end with "…", so one 5,000-character field
            cannot push everything else off a table or a line.
        multiline: keep line feeds (for texts that are meant to have several lines).

    Returns:
        A string that a terminal shows and never executes.
    """
    s = "" if text is None else str(text)
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + ELLIPSIS
    if _UNSAFE.search(s) is None:
        return s
    return s.translate(_MULTILINE_TABLE if multiline else _TABLE)
