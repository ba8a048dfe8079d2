"""Widgets of the visitor screens: right-to-left aware text, big tap targets, the ticket number.

Textual has no bidi support, so `BidiText` wraps text in logical order at its own width and
lets the `Wording` reorder each line (DESIGN.md: wrap first, then reorder). `TicketNumber`
draws the number in block letters. `Tile` is the one tap target of the kiosk (a click is a
tap): it posts `Tile.Pressed` to its parents and knows nothing about what the tap means.
Styles live in `visitor.tcss`.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from kiosk.i18n.bidi import cell_width
from kiosk.ui.visitor.wording import Wording

#: A 3×5 pixel font for ticket codes: digits, "-" and every capital a prefix may use.
_FONT: dict[str, str] = {
    "0": "###|#.#|#.#|#.#|###", "1": ".#.|##.|.#.|.#.|###", "2": "###|..#|###|#..|###",
    "3": "###|..#|.##|..#|###", "4": "#.#|#.#|###|..#|..#", "5": "###|#..|###|..#|###",
    "6": "###|#..|###|#.#|###", "7": "###|..#|..#|.#.|.#.", "8": "###|#.#|###|#.#|###",
    "9": "###|#.#|###|..#|###", "-": "...|...|###|...|...", " ": "...|...|...|...|...",
    "A": ".#.|#.#|###|#.#|#.#", "B": "##.|#.#|##.|#.#|##.", "C": ".##|#..|#..|#..|.##",
    "D": "##.|#.#|#.#|#.#|##.", "E": "###|#..|##.|#..|###", "F": "###|#..|##.|#..|#..",
    "G": ".##|#..|#.#|#.#|.##", "H": "#.#|#.#|###|#.#|#.#", "I": "###|.#.|.#.|.#.|###",
    "J": "..#|..#|..#|#.#|.#.", "K": "#.#|#.#|##.|#.#|#.#", "L": "#..|#..|#..|#..|###",
    "M": "#.#|###|###|#.#|#.#", "N": "##.|#.#|#.#|#.#|#.#", "O": ".#.|#.#|#.#|#.#|.#.",
    "P": "##.|#.#|##.|#..|#..", "Q": ".#.|#.#|#.#|##.|.##", "R": "##.|#.#|##.|#.#|#.#",
    "S": ".##|#..|.#.|..#|##.", "T": "###|.#.|.#.|.#.|.#.", "U": "#.#|#.#|#.#|#.#|###",
    "V": "#.#|#.#|#.#|#.#|.#.", "W": "#.#|#.#|###|###|#.#", "X": "#.#|#.#|.#.|#.#|#.#",
    "Y": "#.#|#.#|.#.|.#.|.#.", "Z": "###|..#|.#.|#..|###",
}
_GAP = 1


def big_text_lines(text: str, scale: int = 1) -> list[str]:
    """`text` drawn with full blocks, 5×`scale` rows high; unknown characters are blank.

    A pixel is two cells wide and one high at scale 1 (terminal cells are about twice as
    high as wide), so the digits look square and stay readable from across the room.
    """
    rows = ["" for _ in range(5 * scale)]
    for index, ch in enumerate(text.upper()):
        glyph = _FONT.get(ch, _FONT[" "]).split("|")
        for r, pixels in enumerate(glyph):
            cells = "".join(("██" if p == "#" else "  ") * scale for p in pixels)
            if index:
                cells = "  " * _GAP * scale + cells
            for k in range(scale):
                rows[r * scale + k] += cells
    return rows


class TicketNumber(Widget):
    """The ticket code ("A-017", "T-003") in big block letters, always left to right.

    It draws itself at double size when there is room, else at single size.
    """

    def __init__(self, ticket: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ticket = ticket

    def _scale(self, width: int) -> int:
        return 2 if len(big_text_lines(self.ticket, 2)[0]) <= width else 1

    def render(self) -> Text:
        """Pixels as reversed spaces: exact cells in any terminal font and in screenshots."""
        width = self.content_region.width or 100
        text = Text(no_wrap=True)
        for number, line in enumerate(big_text_lines(self.ticket, self._scale(width))):
            if number:
                text.append("\n")
            for run in re.finditer(r"█+| +", line):
                block = run.group()
                text.append(" " * len(block), "reverse" if block[0] == "█" else "")
        return text

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(big_text_lines(self.ticket, self._scale(container.width))[0])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 5 * self._scale(width)


class BidiText(Widget):
    """Text in the visitor's language, wrapped at the widget's width and ordered for display.

    Args:
        text: logical-order text (as translated).
        wording: the visitor's language, bidi mode and digits.
    """

    def __init__(self, text: str, wording: Wording, *, id: str | None = None,
                 classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self._text = text
        self._wording = wording
        self._wrapped: dict[int, list[str]] = {}
        self.set_class(wording.rtl, "rtl")

    @property
    def text(self) -> str:
        """The logical text shown (what tests and screen readers should compare)."""
        return self._text

    def update(self, text: str) -> None:
        """Show other text (e.g. a problem message)."""
        self._text = text
        self._wrapped.clear()
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[str]:
        """Wrapped and reordered once per width: layout asks for width, height and render."""
        lines = self._wrapped.get(width)
        if lines is None:
            lines = self._wording.lines(self._text, width) if self._text else []
            self._wrapped[width] = lines
        return lines

    def render(self) -> Content:
        return Content("\n".join(self._lines(self.content_region.width or 80)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        lines = self._lines(max(1, container.width))
        return max((cell_width(line) for line in lines), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))


class Tile(Widget, can_focus=True):
    """A big tap target (language, concern, back, continue): a click, Enter or Space presses it.

    Args:
        children: what the tile shows.
        value: what the tile stands for (a language code, a concern id, "back"…).
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter,space", "press", show=False)]

    selected: reactive[bool] = reactive(False)
    """A chosen concern shows as selected (colour and a check mark)."""

    class Pressed(Message):
        """The visitor tapped the tile."""

        def __init__(self, tile: Tile) -> None:
            self.tile = tile
            """The tile that was pressed."""
            super().__init__()

        @property
        def control(self) -> Tile:
            return self.tile

    def __init__(self, *children: Widget, value: str, id: str | None = None,
                 classes: str = "") -> None:
        super().__init__(*children, id=id, classes=classes)
        self.value = value

    def watch_selected(self, selected: bool) -> None:
        self.set_class(selected, "-selected")

    def action_press(self) -> None:
        self.post_message(self.Pressed(self))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_press()
