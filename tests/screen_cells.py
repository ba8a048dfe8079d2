"""What a terminal receives from a running Textual app, cell by cell.

The 16-colour tests look at the colour numbers a terminal gets, and the kiosk display test
compares the pixels xterm shows with the colours the app composed. Both need the composed
screen as a grid of characters and styles, which is what Textual's own SVG export renders
(`App.export_screenshot` reads the same compositor update).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.color import Color, ColorSystem
from rich.style import Style
from textual.app import App
from textual.geometry import Region


@dataclass(frozen=True)
class Cell:
    """One terminal cell: its character ("" for the right half of a wide one) and style."""

    char: str
    style: Style

    def colours(self) -> tuple[Color | None, Color | None]:
        """(foreground, background) as the terminal paints them (reverse video applied)."""
        fg, bg = self.style.color, self.style.bgcolor
        return (bg, fg) if self.style.reverse else (fg, bg)


def screen_cells(app: App) -> list[list[Cell]]:
    """The app's current screen as rows of cells (the whole screen, freshly composed)."""
    update = app.screen._compositor.render_full_update()
    rows: list[list[Cell]] = []
    for line in update.strips:
        row: list[Cell] = []
        for segment in (segment for strip in line for segment in strip):
            style = segment.style or Style.null()
            for char in segment.text:
                row.append(Cell(char, style))
                row.extend(Cell("", style) for _ in range(cell_len(char) - 1))
        rows.append(row)
    return rows


def cells_in(rows: list[list[Cell]], region: Region) -> list[list[Cell]]:
    """The cells of a widget's region (e.g. `widget.region`)."""
    return [row[region.x:region.right] for row in rows[region.y:region.bottom]]


def colour_number(color: Color | None, system: ColorSystem = ColorSystem.STANDARD) -> int | None:
    """The palette number a terminal with `system` colours gets for `color` (None: default)."""
    if color is None or color.is_default:
        return None
    return color.downgrade(system).number


#: The 16 colours of the Linux console (the kernel's default palette) and of xterm (its
#: default resources): a 16-colour theme has to read well in both.
LINUX_CONSOLE_PALETTE = (
    (0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0), (0, 0, 170), (170, 0, 170),
    (0, 170, 170), (170, 170, 170), (85, 85, 85), (255, 85, 85), (85, 255, 85), (255, 255, 85),
    (85, 85, 255), (255, 85, 255), (85, 255, 255), (255, 255, 255),
)
XTERM_PALETTE = (
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
    (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def worst_contrast(first: int, second: int) -> float:
    """The WCAG contrast ratio of two palette colours, in the worse of the two palettes."""
    ratios = []
    for palette in (LINUX_CONSOLE_PALETTE, XTERM_PALETTE):
        a, b = sorted((_luminance(palette[first]), _luminance(palette[second])))
        ratios.append((b + 0.05) / (a + 0.05))
    return min(ratios)
