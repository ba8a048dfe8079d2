"""Right-to-left text for terminals: wrap in logical order, then shape and reorder each line.

Terminals differ. Most show characters in the order they are stored (logical order), so Arabic
and Persian come out reversed and unjoined; some (e.g. mlterm, Konsole with bidi on) reorder
themselves, and reordering twice breaks them. The site config picks:

* ``"app"``: the kiosk shapes (contextual letter forms, via arabic-reshaper, because
  python-bidi only reorders) and reorders each line to visual order with python-bidi's
  pure-Python ``bidi.algorithm``: its Rust-backed ``bidi.get_display`` (0.5+) skips rule L4
  and leaves brackets unmirrored, "(اختياري)" would show as ")…(" (python-bidi issue #25).
  About 0.1 ms a line, nothing next to a screen refresh;
* ``"terminal"``: the text stays in logical order and the terminal does the rest.

Wrapping happens first, on logical text, so the first logical line stays on top; wrapping
already-reordered text would put the end of a paragraph on the first line. Shaped text is
for display only: never store it (``contains_presentation_forms`` lets a store refuse it).
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from arabic_reshaper import ArabicReshaper
from bidi.algorithm import get_display

from kiosk.i18n.languages import Direction

BidiMode = Literal["app", "terminal"]
"""The ``bidi`` config switch."""

BIDI_MODES: tuple[BidiMode, ...] = ("app", "terminal")

_RTL_CLASSES = frozenset({"R", "AL"})
_STRONG_CLASSES = frozenset({"L", "R", "AL"})

# After shaping and reordering, these invisible controls have done their job; a terminal
# may draw them as boxes or count them as a cell, so they are dropped from the visual line.
_INVISIBLE_CONTROLS = dict.fromkeys(
    map(ord, "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)

# Only the mandatory lam-alef ligatures: word ligatures such as U+FDF2 are one wide glyph
# that terminals draw over the neighbouring cell.
_RESHAPER = ArabicReshaper(configuration={"delete_harakat": True, "ARABIC LIGATURE ALLAH": False})


class BidiModeError(ValueError):
    """Raised for a ``bidi`` setting other than "app" or "terminal"."""

    code = "i18n.bidi_mode"


def _check_mode(mode: str) -> None:
    if mode not in BIDI_MODES:
        raise BidiModeError(f"bidi mode must be 'app' or 'terminal', not {mode!r}")


def has_rtl(text: str) -> bool:
    """True when the text contains any right-to-left letter (Hebrew, Arabic, Persian, …)."""
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def paragraph_direction(text: str, default: Direction = "ltr") -> Direction:
    """The direction of a paragraph by its first strong letter (Unicode bidi rules P2–P3)."""
    for ch in text:
        cls = unicodedata.bidirectional(ch)
        if cls in _STRONG_CLASSES:
            return "rtl" if cls in _RTL_CLASSES else "ltr"
    return default


def contains_presentation_forms(text: str) -> bool:
    """True when text holds Arabic presentation forms, i.e. it was shaped for display."""
    return any(
        "\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff" for ch in text if ch != "\ufeff"
    )


def cell_width(text: str) -> int:
    """Terminal cells a string occupies: wide East Asian characters 2, marks and controls 0."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _split_to_width(word: str, width: int) -> list[str]:
    """Cut a word longer than the line into pieces that fit (last resort, e.g. long codes)."""
    pieces, current = [], ""
    for ch in word:
        if current and cell_width(current + ch) > width:
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    return pieces


def wrap_logical(text: str, width: int) -> list[str]:
    """Wrap text in logical order into lines of at most ``width`` cells.

    Paragraphs (``\\n``) always start a new line. Lines break at ASCII spaces only, so a
    no-break space (French "langue :") keeps its neighbours together; runs of spaces at a
    break collapse. Nothing is reordered here.

    Raises:
        ValueError: ``width`` is below 1.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1, not {width}")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if cell_width(paragraph) <= width:
            lines.append(paragraph)
            continue
        current = ""
        for word in (w for w in paragraph.split(" ") if w):
            candidate = f"{current} {word}" if current else word
            if cell_width(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            pieces = _split_to_width(word, width)
            lines.extend(pieces[:-1])
            current = pieces[-1]
        lines.append(current)
    return lines


def _visual_line(line: str, direction: Direction) -> str:
    """Shape and reorder one logical line for a terminal that does no bidi itself."""
    if not has_rtl(line):
        return line
    shaped = _RESHAPER.reshape(line)
    visual = get_display(shaped, base_dir="R" if direction == "rtl" else "L")
    return visual.translate(_INVISIBLE_CONTROLS)


def display(text: str, mode: BidiMode, direction: Direction | None = None) -> str:
    """One line of text as the terminal should receive it.

    Args:
        text: logical-order text (as stored and as translated).
        mode: the ``bidi`` config switch; "terminal" returns ``text`` unchanged.
        direction: the paragraph direction; by default its first strong letter decides.
            Pass the UI language's direction when a line may start with a Latin code.
    """
    _check_mode(mode)
    if mode == "terminal":
        return text
    return "\n".join(_visual_line(p, direction or paragraph_direction(p)) for p in text.split("\n"))


def display_lines(
    text: str, width: int, mode: BidiMode, direction: Direction | None = None
) -> list[str]:
    """Wrap text to ``width`` cells and prepare each line for the terminal, top line first.

    In "app" mode each line is shaped and reordered on its own after wrapping, with the
    paragraph's direction (so a line that happens to start with digits keeps its side). An RTL
    paragraph's lines should be right-aligned by the caller (see ``paragraph_direction``).
    In "terminal" mode the lines are the logical wrap, unchanged.
    """
    _check_mode(mode)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        wrapped = wrap_logical(paragraph, width)
        if mode == "terminal":
            lines.extend(wrapped)
            continue
        para_dir = direction or paragraph_direction(paragraph)
        lines.extend(_visual_line(line, para_dir) for line in wrapped)
    return lines
