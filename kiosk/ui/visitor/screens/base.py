"""What every visitor step shares: a title bar, a body, and Back (plus Continue) at the bottom.

Right-to-left languages mirror the rows that carry meaning by position (the navigation bar,
rows of tiles); text is reordered by `BidiText`. Screens never touch the store or the flow:
they post messages, and the app decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from kiosk.i18n import messages as M
from kiosk.ui.visitor.widgets import BidiText, Tile
from kiosk.ui.visitor.wording import Wording


def mirrored(items: Sequence[Widget], rtl: bool) -> list[Widget]:
    """The widgets of one row in reading order: reversed for right-to-left languages."""
    return list(reversed(items)) if rtl else list(items)


def rows_mirrored(items: Sequence[Widget], columns: int, rtl: bool,
                  filler: type[Widget] = Static) -> list[Widget]:
    """Grid cells so that each row reads from the right in RTL (short last row padded)."""
    if not rtl:
        return list(items)
    out: list[Widget] = []
    for start in range(0, len(items), columns):
        row = list(items[start:start + columns])
        row += [filler(classes="filler") for _ in range(columns - len(row))]
        out += reversed(row)
    return out


def text_tile(text: str, wording: Wording, value: str, *, id: str | None = None,
              classes: str = "") -> Tile:
    """A tile showing one piece of text (a language name, "Back", "Continue")."""
    return Tile(BidiText(text, wording, classes="tile-text"), value=value, id=id,
                classes=classes)


class StepScreen(Screen[None]):
    """Base of the visitor steps.

    Args:
        wording: the visitor's language on screen.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab,down,right", "app.focus_next", show=False),
        Binding("shift+tab,up,left", "app.focus_previous", show=False),
    ]

    class Back(Message):
        """The visitor wants the previous step."""

    def __init__(self, wording: Wording) -> None:
        super().__init__()
        self.wording = wording
        self.set_class(wording.rtl, "rtl")

    def title_bar(self, title: str, hint: str | None = None) -> Widget:
        """The step's question, large and first."""
        parts: list[Widget] = [BidiText(title, self.wording, id="title")]
        if hint:
            parts.append(BidiText(hint, self.wording, id="hint"))
        return Widget(*parts, id="title-bar")

    def nav_bar(self, forward: Iterable[Tile] = ()) -> Horizontal:
        """Back at the start side, forward actions at the end side (mirrored for RTL)."""
        arrow = "→" if self.wording.rtl else "←"
        back = text_tile(f"{arrow} {self.wording(M.BACK)}", self.wording, "back", id="back",
                         classes="nav back")
        items: list[Widget] = [back, Static(classes="spacer"), *forward]
        return Horizontal(*mirrored(items, self.wording.rtl), id="nav")

    def forward_tile(self, msgid: str, value: str, *, primary: bool = True) -> Tile:
        arrow = "←" if self.wording.rtl else "→"
        text = f"{self.wording(msgid)} {arrow}" if primary else self.wording(msgid)
        return text_tile(text, self.wording, value, id=value,
                         classes="nav primary" if primary else "nav")

    def on_tile_pressed(self, event: Tile.Pressed) -> None:
        if event.tile.value == "back":
            event.stop()
            self.post_message(self.Back())
            return
        event.stop()
        self.tile_pressed(event.tile)

    def tile_pressed(self, tile: Tile) -> None:
        """A tile other than Back was pressed; steps override this."""
