"""Block letters that fill whatever space the board has, so a number reads across a room.

A 3×5 pixel font for digits, capital letters and a few signs; each pixel becomes a block of
full-block characters scaled to the widget's size (any terminal size works, down to one
row, where the plain text is shown, made printable: a desk label is typed by a person).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from kiosk.terminal_text import printable

_FONT_ROWS = """
0 ### #.# #.# #.# ###|1 .#. ##. .#. .#. ###|2 ### ..# ### #.. ###|3 ### ..# .## ..# ###
4 #.# #.# ### ..# ..#|5 ### #.. ### ..# ###|6 ### #.. ### #.# ###|7 ### ..# .#. .#. .#.
8 ### #.# ### #.# ###|9 ### #.# ### ..# ###|A .#. #.# ### #.# #.#|B ##. #.# ##. #.# ##.
C ### #.. #.. #.. ###|D ##. #.# #.# #.# ##.|E ### #.. ##. #.. ###|F ### #.. ##. #.. #..
G ### #.. #.# #.# ###|H #.# #.# ### #.# #.#|I ### .#. .#. .#. ###|J ..# ..# ..# #.# ###
K #.# #.# ##. #.# #.#|L #.. #.. #.. #.. ###|M #.# ### ### #.# #.#|N ##. #.# #.# #.# #.#
O ### #.# #.# #.# ###|P ### #.# ### #.. #..|Q ### #.# #.# ### ..#|R ##. #.# ##. #.# #.#
S ### #.. ### ..# ###|T ### .#. .#. .#. .#.|U #.# #.# #.# #.# ###|V #.# #.# #.# #.# .#.
W #.# #.# ### ### #.#|X #.# #.# .#. #.# #.#|Y #.# #.# .#. .#. .#.|Z ### ..# .#. #.. ###
- ... ... ### ... ...|. ... ... ... ... .#.|> #.. .#. ..# .#. #..|  ... ... ... ... ...
"""


def _parse_font() -> dict[str, list[str]]:
    font: dict[str, list[str]] = {}
    for line in _FONT_ROWS.strip("\n").splitlines():
        for cell in line.split("|"):
            char, rows = cell[0], cell[2:].split(" ")
            font[char] = rows
    return font


FONT = _parse_font()
GLYPH_W, GLYPH_H, GAP = 3, 5, 1


def pixels(text: str) -> list[str]:
    """The text as rows of '#'/'.' pixels (unknown characters become blanks)."""
    rows = ["" for _ in range(GLYPH_H)]
    for i, char in enumerate(text.upper()):
        glyph = FONT.get(char, FONT[" "])
        for r in range(GLYPH_H):
            rows[r] += ("." * GAP if i else "") + glyph[r]
    return rows


class BigText(Widget):
    """Text drawn in block letters as large as the widget allows."""

    text: reactive[str] = reactive("", layout=True)

    def __init__(self, text: str = "", *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text

    def scale(self) -> tuple[int, int]:
        """(pixel width in cells, pixel height in half-cells); (0, 0) if it cannot fit.

        Half-block characters give two pixel rows per terminal row; a half-cell is about as
        tall as a cell is wide, so equal numbers make square pixels.
        """
        cols = len(pixels(self.text)[0]) if self.text else 1
        width, height = self.size
        pw = width // max(cols, 1)
        ph = (2 * height) // GLYPH_H
        if pw < 1 or ph < 1:
            return 0, 0
        side = min(pw, ph)
        # An even height keeps pixel edges on cell edges (full blocks only, crisp on any
        # terminal font); half blocks are used only at the smallest size.
        return side, side - side % 2 if side > 1 else 1

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height

    def _pixel(self, rows: list[str], half_row: int, x: int, top: int, left: int,
               pw: int, ph: int) -> bool:
        r, c = (half_row - top) // ph, (x - left) // pw
        if half_row < top or x < left or r >= GLYPH_H or c >= len(rows[0]):
            return False
        return rows[r][c] == "#"

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        width, height = self.size
        pw, ph = self.scale()
        if pw == 0:
            line = printable(self.text)[:width] if y == height // 2 else ""
            return Strip([Segment(line.center(width), style)], width)
        rows = pixels(self.text)
        top = (2 * height - GLYPH_H * ph) // 2
        top -= top % 2 if ph > 1 else 0
        left = (width - len(rows[0]) * pw) // 2
        lit = Style(bgcolor=style.color, color=style.color)
        segments: list[Segment] = []
        for x in range(width):
            upper = self._pixel(rows, 2 * y, x, top, left, pw, ph)
            lower = self._pixel(rows, 2 * y + 1, x, top, left, pw, ph)
            if upper and lower:  # a solid cell: a coloured space, crisp in any font
                segments.append(Segment(" ", style + lit))
            else:
                segments.append(Segment("▀" if upper else "▄" if lower else " ", style))
        return Strip(Segment.simplify(segments), width)
