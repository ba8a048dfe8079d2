"""Touch input: the field that shows what was typed, and the on-screen keyboard and code keypad.

`TypedField` keeps the text in logical order (what is stored) and shows it through the
display-edge bidi helper, so an Arabic name appears joined and right to left whether the
letters came from the on-screen keys or a physical keyboard. Keys never take the focus: the
field keeps it, so a physical keyboard still types into it. The keyboards post
`Keyboard.Typed` to their screen (messages up); the screen tells the field (attributes down).
Layouts are data in `keyboards.py`; styles live in `visitor.tcss`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from kiosk.i18n import messages as M
from kiosk.i18n.bidi import cell_width, display, paragraph_direction
from kiosk.ui.visitor.entry import CodeText, NameText
from kiosk.ui.visitor.keyboards import (
    BACKSPACE,
    CLEAR,
    KEY_LABELS,
    SPACE,
    SWITCH,
    Layout,
    code_rows,
    has_own_script,
    latin_layout,
    name_layout,
)
from kiosk.ui.visitor.wording import Wording

CURSOR = "▏"
_SHOWN_AS_IS = frozenset("\u200c\u200d")


def _visible(text: str) -> str:
    """Control characters as a replacement mark: shown, never sent to the terminal as is."""
    return "".join(ch if ch.isprintable() or ch in _SHOWN_AS_IS else "\ufffd" for ch in text)


class TypedField(Widget, can_focus=True):
    """The visitor's name or appointment code as typed, ready for the terminal.

    Args:
        model: what is typed (`NameText` or `CodeText`), kept in logical order.
        wording: the visitor's language and the site's bidi mode.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace", "backspace", show=False),
        Binding("enter", "submit", show=False),
    ]

    @dataclass
    class Submitted(Message):
        """Enter on a physical keyboard."""

        value: str

    def __init__(self, model: NameText | CodeText, wording: Wording, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = model
        self._wording = wording
        self._direction = wording.direction
        self.set_class(wording.rtl, "rtl")

    @property
    def value(self) -> str:
        """The text in logical order (what the flow checks and the store keeps)."""
        if isinstance(self.model, CodeText):
            return self.model.code
        return self.model.value

    def add(self, text: str) -> None:
        """Type ``text`` (a key, a paste); characters a code cannot have are ignored."""
        self.model.add(text)
        self._changed()

    def backspace(self) -> None:
        self.model.backspace()
        self._changed()

    def clear(self) -> None:
        self.model.clear()
        self._changed()

    def set_layout(self, layout: Layout) -> None:
        """Follow the keyboard's script (for the language's upper case)."""
        if isinstance(self.model, NameText):
            self.model.layout = layout

    def _changed(self) -> None:
        """A right-to-left name sits at the right even in a left-to-right language."""
        text = self.model.value if isinstance(self.model, NameText) else ""
        self._direction = paragraph_direction(text, self._wording.direction)
        self.set_class(self._direction == "rtl", "rtl")
        self.refresh()

    def action_backspace(self) -> None:
        self.backspace()

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self.value))

    def on_key(self, event: events.Key) -> None:
        if event.character and event.is_printable:
            event.stop()
            event.prevent_default()
            self.add(event.character)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.add(event.text)

    def shown(self, width: int) -> str:
        """The line the terminal gets: the tail that fits, reordered in "app" mode, a cursor."""
        if isinstance(self.model, CodeText):
            return self.model.shaped
        text = _visible(self.model.value)
        room = max(1, width - 1)
        while cell_width(text) > room:
            text = text[1:]
        line = display(text, self._wording.bidi, self._direction)
        if self._wording.bidi == "app" and self._direction == "rtl":
            return CURSOR + line
        return line + CURSOR

    def render(self) -> Content:
        return Content(self.shown(self.content_region.width or 40))


class Key(Widget):
    """One key of an on-screen keyboard: a tap types it; it never takes the focus."""

    @dataclass
    class Pressed(Message):
        key: str

    def __init__(self, key: str, label: str, *, classes: str = "") -> None:
        super().__init__(classes=classes)
        self.key = key
        self.label = label

    def render(self) -> Content:
        return Content(self.label)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Pressed(self.key))


class Keyboard(Widget):
    """Rows of keys; posts `Typed` for every tap (a character, backspace, clear).

    Args:
        wording: the visitor's language (labels of Clear, right-to-left letters).
    """

    @dataclass
    class Typed(Message):
        """A key was tapped: a character, `BACKSPACE` or `CLEAR`."""

        key: str

    @dataclass
    class Switched(Message):
        """The keyboard now shows another script."""

        layout: Layout

    def __init__(self, wording: Wording, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.wording = wording

    def letter_rows(self) -> tuple[tuple[str, ...], ...]:
        """The character keys, top row first; subclasses say which."""
        raise NotImplementedError

    def last_row(self) -> list[Key]:
        """Space, punctuation, backspace and Clear, as each keyboard needs them."""
        return [self._key(BACKSPACE, classes="wide"), self._clear()]

    def _key(self, key: str, *, classes: str = "") -> Key:
        label = KEY_LABELS.get(key, key)
        return Key(key, self.wording.line(label), classes=f"key {classes}".strip())

    def _clear(self) -> Key:
        return Key(CLEAR, self.wording.line(self.wording(M.CLEAR)), classes="key wide clear")

    def compose(self) -> ComposeResult:
        for number, row in enumerate(self.letter_rows()):
            yield Horizontal(*(self._key(k) for k in row), classes=f"key-row row-{number}")
        yield Horizontal(*self.last_row(), classes="key-row last")

    async def on_key_pressed(self, event: Key.Pressed) -> None:
        event.stop()
        await self.tapped(event.key)

    async def tapped(self, key: str) -> None:
        """A key was tapped: tell the screen (subclasses handle their own keys first)."""
        self.post_message(self.Typed(key))


class CodeKeypad(Keyboard):
    """The appointment code's alphabet only: digits, letters, backspace, Clear."""

    def letter_rows(self) -> tuple[tuple[str, ...], ...]:
        return code_rows()


class NameKeyboard(Keyboard):
    """Letters of the visitor's script, with a switch to Latin where the script is not.

    Args:
        wording: the visitor's language: it picks the layout.
    """

    def __init__(self, wording: Wording, *, id: str | None = None) -> None:
        super().__init__(wording, id=id)
        self.script = name_layout(wording.lang)

    def letter_rows(self) -> tuple[tuple[str, ...], ...]:
        return self.script.rows

    def last_row(self) -> list[Key]:
        keys: list[Key] = []
        if has_own_script(self.wording.lang):
            other = (latin_layout(self.wording.lang) if self.script.name != "ABC"
                     else name_layout(self.wording.lang))
            keys.append(Key(SWITCH, self.wording.line(other.name), classes="key wide switch"))
        keys += [self._key(k, classes="wide" if len(KEY_LABELS.get(k, k)) > 2 else "")
                 for k in self.script.extra]
        keys.append(self._key(SPACE, classes="space"))
        return [*keys, *super().last_row()]

    async def tapped(self, key: str) -> None:
        """The switch changes the letters shown; every other key goes to the screen."""
        if key != SWITCH:
            await super().tapped(key)
            return
        own = name_layout(self.wording.lang)
        self.script = latin_layout(self.wording.lang) if self.script == own else own
        await self.recompose()
        self.post_message(self.Switched(self.script))
