"""What every visitor step shares: a title bar, a body, Back, Start again and Continue.

Right-to-left languages mirror the rows that carry meaning by position (the navigation bar,
rows of tiles); text is reordered by `BidiText`, and the focus moves in reading order (from the
right in Arabic and Persian), starting at the step's first choice. Esc and Backspace go back
where a keyboard is attached. Screens never touch the store or the flow: they post messages,
and the app decides. That includes speech: a step says what could be heard (`Speak`: its
prompt and focused tile when it appears, a tile when the focus moves to it, everything on
the speaker tile 🔊) and the app's read-aloud policy decides whether it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import events
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
        Binding("escape,backspace", "back", show=False),
    ]

    AUTO_FOCUS = ""
    """No automatic focus (Textual's picks the first widget in the DOM, i.e. the leftmost
    of a mirrored row): the step picks its own (`first_focus`)."""

    ASK_BEFORE_RESET: ClassVar[bool] = True
    """Whether the idle reset asks "Are you still there?" first (not where nothing is kept)."""

    START_OVER: ClassVar[bool] = True
    """Whether the navigation bar offers "Start again"."""

    class Back(Message):
        """The visitor wants the previous step."""

    class StartOver(Message):
        """The visitor wants to forget everything and start at the welcome screen."""

    @dataclass
    class Speak(Message):
        """What could be read aloud now, in reading order (already in the visitor's language).

        `reason`: "screen" (the step appeared), "focus" (a tile got the focus) or "tile"
        (the visitor tapped the speaker tile).
        """

        screen: StepScreen
        texts: tuple[str, ...]
        reason: Literal["screen", "focus", "tile"]

    def __init__(self, wording: Wording) -> None:
        super().__init__()
        self.wording = wording
        self.set_class(wording.rtl, "rtl")
        self._quiet_focus: Widget | None = None
        self._last_tile: Tile | None = None

    @property
    def focus_chain(self) -> list[Widget]:
        """Focusable widgets in reading order: top to bottom, then from the reading side.

        Textual orders by position from the left; an Arabic or Persian visitor reads a row
        from the right, so Tab must start at the rightmost tile.
        """
        chain = super().focus_chain
        if not self.wording.rtl:
            return chain
        return sorted(chain, key=lambda w: (w.region.y, -w.region.right))

    def first_focus(self) -> Widget | None:
        """Where the focus goes when the step appears: its first choice in reading order.

        Steps name it (it must not depend on a layout that may not be done yet); by default
        the first tile in the order the screen was composed, before any mirroring.
        """
        return next(iter(self.query(Tile)), None)

    def on_screen_resume(self) -> None:
        """A fresh (or reset) step puts the focus on its first choice; a step shown again
        after a notice keeps the focus the visitor had."""
        if self.focused is None:
            target = self.first_focus()
            if target is not None:
                self._quiet_focus = target  # it is read with the prompt, not on its own
                self.set_focus(target)
        focused = self.focused if isinstance(self.focused, Tile) else None
        self.post_message(self.Speak(self, (*self.prompt_texts(), *self.tile_texts(focused)),
                                     "screen"))

    # --- what can be heard ----------------------------------------------------------------
    def prompt_texts(self) -> list[str]:
        """The step's question and hint (the title bar), in logical order."""
        return [w.text for w in self.query("#title-bar BidiText").results(BidiText)]

    @staticmethod
    def tile_texts(tile: Widget | None) -> list[str]:
        """What a tile says, without the German keyword under a concern (another language)."""
        if not isinstance(tile, Tile) or tile.value == "speak":
            return []
        return [w.text for w in tile.query(BidiText).results(BidiText)
                if not w.has_class("keyword")]

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        if isinstance(widget, Tile) and widget.value != "speak":
            self._last_tile = widget
        if widget is self._quiet_focus:
            self._quiet_focus = None
            return
        texts = self.tile_texts(widget)
        if texts:
            self.post_message(self.Speak(self, tuple(texts), "focus"))

    def action_back(self) -> None:
        self.post_message(self.Back())

    def title_bar(self, title: str, hint: str | None = None) -> Widget:
        """The step's question, large and first."""
        parts: list[Widget] = [BidiText(title, self.wording, id="title")]
        if hint:
            parts.append(BidiText(hint, self.wording, id="hint"))
        return Widget(*parts, id="title-bar")

    def nav_bar(self, forward: Iterable[Tile] = ()) -> Horizontal:
        """Back and Start again at the start side, forward actions at the end side (mirrored
        for RTL)."""
        arrow = "→" if self.wording.rtl else "←"
        back = text_tile(f"{arrow} {self.wording(M.BACK)}", self.wording, "back", id="back",
                         classes="nav back")
        items: list[Widget] = [back]
        if self.START_OVER:
            items.append(text_tile(f"↺ {self.wording(M.START_AGAIN)}", self.wording,
                                   "start-over", id="start-over", classes="nav start-over"))
        if self.wording.speaker_tile:
            items.append(Tile(Static("🔊", classes="tile-text"), value="speak", id="speak",
                              classes="nav speak"))
        items += [Static(classes="spacer"), *forward]
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
        if event.tile.value == "start-over":
            event.stop()
            self.post_message(self.StartOver())
            return
        if event.tile.value == "speak":
            event.stop()
            self.post_message(self.Speak(
                self, (*self.prompt_texts(), *self.tile_texts(self._last_tile)), "tile"))
            return
        event.stop()
        self.tile_pressed(event.tile)

    def tile_pressed(self, tile: Tile) -> None:
        """A tile other than Back was pressed; steps override this."""
