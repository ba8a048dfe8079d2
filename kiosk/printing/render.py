"""The ticket as a 1-bit image the width of the printer's line, in any script.

Printers' code pages cannot print Arabic, Persian, Cyrillic or Ethiopic (PC858 dropped them),
so the ticket is drawn with Pillow and printed as a raster image. Pillow's RAQM layout
(libraqm: HarfBuzz shaping, FriBiDi reordering) joins Arabic and Persian letters and sets them
right to left. Text is wrapped in logical order first, then each line is shaped and reordered
as a whole, so wrapped right-to-left lines come out in reading order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw, ImageFont, features

from kiosk.printing.errors import PrinterError
from kiosk.printing.fonts import Script, load_font, script_of

Direction = Literal["ltr", "rtl"]
MARGIN = 16
"""Blank dots left and right: printers do not print to the very edge."""


@dataclass(frozen=True)
class TicketContent:
    """What goes on paper; never a name or a concern, because tickets get left on chairs.

    Attributes:
        number: the ticket code, printed very large.
        heading: the office and location.
        stamp: date and time of the check-in, already formatted.
        lines: people ahead, the estimate and "take a seat", in the visitor's language.
        direction: the visitor's language's direction.
        language: its code, so the shaper picks the right letter forms (Persian ≠ Arabic).
        footer: the same words in German for the staff, when the visitor's language is not.
    """

    number: str
    heading: str
    stamp: str
    lines: tuple[str, ...]
    direction: Direction = "ltr"
    language: str = "de"
    footer: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Style:
    size: int
    bold: bool = False


@dataclass(frozen=True)
class _Line:
    text: str
    style: _Style
    direction: Direction
    language: str


def check_layout_engine() -> None:
    """Fail clearly where Pillow lacks libraqm (then Arabic would print unjoined, backwards).

    Raises:
        PrinterError: code "font", naming what to install.
    """
    if not features.check("raqm"):
        raise PrinterError("font", "Pillow cannot shape Arabic/Persian here: libraqm is "
                                   "missing (Debian: libraqm0 and libfribidi0)")


def render_ticket(content: TicketContent, width: int = 576, shaping: bool = True
                  ) -> Image.Image:
    """The ticket as a black-on-white 1-bit image ``width`` dots wide.

    Args:
        content: the words.
        width: the printer's dots per line (576 for 80 mm paper, 384 for 58 mm).
        shaping: off only in tests, to show that shaping is what joins Arabic letters.
    """
    if shaping:
        check_layout_engine()
    renderer = _Renderer(width, shaping)
    scale = width / 576
    heading = _Style(round(30 * scale), bold=True)
    small = _Style(round(24 * scale))
    body = _Style(round(30 * scale))
    footer = _Style(round(22 * scale))
    lines: list[_Line | int] = []
    lines += renderer.wrap(content.heading, heading, "ltr", "de")
    lines += renderer.wrap(content.stamp, small, "ltr", "de")
    if content.number:
        lines += [round(12 * scale), renderer.number_line(content.number), round(12 * scale)]
    for text in content.lines:
        lines += renderer.wrap(text, body, content.direction, content.language)
    if content.footer:
        lines.append(round(18 * scale))
        for text in content.footer:
            lines += renderer.wrap(text, footer, "ltr", "de")
    lines.append(round(40 * scale))
    return renderer.draw(lines)


class _Renderer:
    def __init__(self, width: int, shaping: bool) -> None:
        self.width = width
        self.shaping = shaping
        self.room = width - 2 * MARGIN

    def font(self, script: Script, style: _Style) -> ImageFont.FreeTypeFont:
        return load_font(script, style.size, style.bold, self.shaping)

    def runs(self, line: _Line) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        """Left-to-right runs, each in the font of its script; a right-to-left line is one
        run in the Arabic font (it has digits and punctuation) so the shaper sees it whole."""
        if line.direction == "rtl":
            return [(line.text, self.font("arabic", line.style))]
        runs: list[tuple[Script, str]] = []
        for char in line.text:
            script = script_of(char)
            if runs and (script is None or script == runs[-1][0]):
                runs[-1] = (runs[-1][0], runs[-1][1] + char)
            else:
                runs.append((script or "latin", char))
        return [(text, self.font(script, line.style)) for script, text in runs]

    def _layout(self, line: _Line) -> dict[str, str]:
        if not self.shaping:
            return {}
        return {"direction": line.direction, "language": line.language}

    def length(self, line: _Line) -> float:
        return sum(font.getlength(text, **self._layout(line)) for text, font in self.runs(line))

    def wrap(self, text: str, style: _Style, direction: Direction, language: str
             ) -> list[_Line]:
        """Greedy word wrap in logical order (shaping comes later, line by line)."""
        out: list[_Line] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if current and self.length(_Line(candidate, style, direction, language)) > self.room:
                out.append(_Line(current, style, direction, language))
                current = word
            else:
                current = candidate
        if current:
            out.append(_Line(current, style, direction, language))
        return out

    def number_line(self, number: str) -> _Line:
        """The ticket code as large as the paper allows (at most 160 dots high)."""
        size = round(160 * self.width / 576)
        while size > 24:
            line = _Line(number, _Style(size, bold=True), "ltr", "de")
            if self.length(line) <= self.room:
                return line
            size -= 4
        return _Line(number, _Style(size, bold=True), "ltr", "de")

    def height(self, line: _Line) -> tuple[int, int]:
        """(ascent, descent) of the tallest font on the line."""
        metrics = [font.getmetrics() for _text, font in self.runs(line)]
        return max(a for a, _d in metrics), max(d for _a, d in metrics)

    def draw(self, lines: Iterable[_Line | int]) -> Image.Image:
        items = list(lines)
        total = MARGIN + sum(item if isinstance(item, int) else sum(self.height(item))
                             for item in items)
        image = Image.new("L", (self.width, total), 255)
        pen = ImageDraw.Draw(image)
        y = MARGIN
        for item in items:
            if isinstance(item, int):
                y += item
                continue
            ascent, descent = self.height(item)
            x = (self.width - self.length(item)) / 2
            for text, font in self.runs(item):
                pen.text((x, y + ascent), text, font=font, fill=0, anchor="ls",
                         **self._layout(item))
                x += font.getlength(text, **self._layout(item))
            y += ascent + descent
        return image.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=None)
