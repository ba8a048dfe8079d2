"""A footer that wraps its keys onto as many lines as the terminal's width needs.

Textual's `Footer` is one line that scrolls sideways: at 120 columns the console's footer cut
off `k`, `x`, `?` and sign-out, and at 80 columns half the keys. The console's keys are its
manual, so every one of them must be on screen; this footer keeps Textual's clickable keys
and breaks between whole keys, never inside one.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def key_width(key: FooterKey) -> int:
    """Cells a compact footer key takes: key, space, description, one cell of margin."""
    return cell_len(key.key_display) + 1 + cell_len(key.description) + 1


def pack(widths: list[int], width: int) -> list[list[int]]:
    """Indices of items per line, greedily, in order (an item wider than a line gets one)."""
    lines: list[list[int]] = []
    used = width + 1
    for i, w in enumerate(widths):
        if used + w > width and (not lines or lines[-1]):
            lines.append([])
            used = 0
        lines[-1].append(i)
        used += w
    return lines


class KeyBar(Footer):
    """`Footer(compact=True)` on as many lines as needed; styles in staff.tcss."""

    def __init__(self, **kwargs) -> None:
        super().__init__(compact=True, show_command_palette=False, **kwargs)

    def compose(self) -> ComposeResult:
        keys = [k for k in super().compose() if isinstance(k, FooterKey)]
        width = self.size.width or self.app.size.width
        for line in pack([key_width(k) for k in keys], width):
            with HorizontalGroup(classes="key-line"):
                yield from (keys[i] for i in line)

    def on_resize(self, event: Resize) -> None:
        if event.size.width != getattr(self, "_packed_for", None):
            self._packed_for = event.size.width
            self.call_after_refresh(self.recompose)
