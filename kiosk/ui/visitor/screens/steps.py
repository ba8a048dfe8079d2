"""Steps 2-4: concern (or appointment code), language of counselling, optional first name."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget

from kiosk.i18n import messages as M
from kiosk.ui.visitor.entry import CodeText, NameText
from kiosk.ui.visitor.flow import UNLISTED, ConcernOption, LanguageOption
from kiosk.ui.visitor.keyboards import BACKSPACE, CLEAR, name_layout
from kiosk.ui.visitor.keypad import CodeKeypad, Keyboard, NameKeyboard, TypedField
from kiosk.ui.visitor.screens.base import StepScreen, mirrored, rows_mirrored, text_tile
from kiosk.ui.visitor.screens.privacy import PrivacyNoticeScreen, more_tile, short_notice_text
from kiosk.ui.visitor.widgets import BidiText, Tile
from kiosk.ui.visitor.wording import Wording

#: Characters the name field accepts before the name check speaks up (the limit itself is 40).
INPUT_MAX = 200
CONCERN_COLUMNS = 4


class ConcernTile(Tile):
    """Symbol and label in the visitor's language, the German keyword underneath."""

    def __init__(self, option: ConcernOption, wording: Wording) -> None:
        self.option = option
        self._wording = wording
        self._label = BidiText(self._label_text(False), wording, classes="concern-label")
        keyword = BidiText(option.keyword, Wording("de", wording.bidi), classes="keyword")
        keyword.set_class(wording.rtl, "rtl")
        super().__init__(self._label, keyword, value=option.id, id=f"concern-{option.id}",
                         classes="concern private" if option.private else "concern")

    def _label_text(self, selected: bool) -> str:
        mark = "✓ " if selected else ""
        return f"{mark}{self.option.symbol} {self.option.label}"

    def watch_selected(self, selected: bool) -> None:
        super().watch_selected(selected)
        self._label.update(self._label_text(selected))


class ConcernScreen(StepScreen):
    """"What is it about?": several or none; "I have an appointment" comes first."""

    @dataclass
    class Chosen(Message):
        """Continue with these concerns (possibly none)."""

        concerns: list[str]

    class AppointmentRequested(Message):
        """The visitor has an appointment code."""

    def __init__(self, wording: Wording, options: list[ConcernOption],
                 selected: list[str]) -> None:
        super().__init__(wording)
        self.options = options
        self.initially = set(selected)

    def compose(self) -> ComposeResult:
        w = self.wording
        yield self.title_bar(w(M.CONCERN_TITLE), w(M.CONCERN_HINT))
        appointment = text_tile(f"📅 {w(M.HAVE_APPOINTMENT)}", w, "appointment",
                                id="appointment", classes="concern appointment")
        tiles: list[Tile] = [appointment]
        for option in self.options:
            tile = ConcernTile(option, w)
            tile.selected = option.id in self.initially
            tiles.append(tile)
        yield Grid(*rows_mirrored(tiles, CONCERN_COLUMNS, w.rtl), id="concerns")
        yield self.nav_bar([self.forward_tile(M.CONTINUE, "continue")])

    def first_focus(self) -> Widget | None:
        """ "I have an appointment", the first tile in reading order in every language."""
        return self.query_one("#appointment", Tile)

    def selected(self) -> list[str]:
        """The chosen concern ids in display order."""
        return [t.value for t in self.query(ConcernTile) if t.selected]

    def show_selection(self, selected: list[str]) -> None:
        """Select exactly these concerns and drop the focus: ready for the next visitor.

        The app keeps one concern screen per language (its tiles are the biggest screen of
        the flow to build) and calls this before showing it again or when it forgets a
        visitor, so no tile keeps a previous visitor's choice or focus.
        """
        self.initially = set(selected)
        for tile in self.query(ConcernTile):
            tile.selected = tile.value in self.initially
        self.set_focus(None)

    def tile_pressed(self, tile: Tile) -> None:
        if tile.value == "appointment":
            self.post_message(self.AppointmentRequested())
        elif tile.value == "continue":
            self.post_message(self.Chosen(self.selected()))
        else:
            tile.selected = not tile.selected


class EntryStep(StepScreen):
    """A step where the visitor types (a code or a name) on the on-screen keys or a keyboard.

    The keyboard posts what was tapped; this screen passes it down to the field.
    """

    def field(self) -> TypedField:
        return self.query_one(TypedField)

    def first_focus(self) -> Widget | None:
        """The field, so that a physical keyboard types into it at once."""
        return self.field()

    def show_problem(self, text: str) -> None:
        """Tell the visitor what went wrong (already in their language)."""
        self.query_one("#problem", BidiText).update(text)

    def on_keyboard_typed(self, event: Keyboard.Typed) -> None:
        event.stop()
        field = self.field()
        if event.key == BACKSPACE:
            field.backspace()
        elif event.key == CLEAR:
            field.clear()
        else:
            field.add(event.key)

    def on_keyboard_switched(self, event: Keyboard.Switched) -> None:
        event.stop()
        self.field().set_layout(event.layout)


class AppointmentScreen(EntryStep):
    """The appointment code on a keypad of its alphabet; a wrong one is answered kindly."""

    @dataclass
    class CodeEntered(Message):
        code: str

    def compose(self) -> ComposeResult:
        w = self.wording
        yield self.title_bar(w(M.HAVE_APPOINTMENT), w(M.APPOINTMENT_CODE_PROMPT))
        yield Vertical(
            Horizontal(TypedField(CodeText(), w, id="code"), classes="entry-row"),
            BidiText("", w, id="problem"),
            id="entry")
        yield CodeKeypad(w, id="keypad")
        yield self.nav_bar([self.forward_tile(M.CONTINUE, "continue")])

    def _submit(self) -> None:
        self.post_message(self.CodeEntered(self.field().value))

    def on_typed_field_submitted(self, event: TypedField.Submitted) -> None:
        event.stop()
        self._submit()

    def tile_pressed(self, tile: Tile) -> None:
        if tile.value == "continue":
            self._submit()


class CounselScreen(StepScreen):
    """"In which language do you want to talk?": the site's languages, or an interpreter."""

    @dataclass
    class Chosen(Message):
        code: str

    class OtherRequested(Message):
        """The visitor's language is not offered: show the interpreter languages."""

    def __init__(self, wording: Wording, options: list[LanguageOption]) -> None:
        super().__init__(wording)
        self.options = options

    def compose(self) -> ComposeResult:
        w = self.wording
        yield self.title_bar(w(M.COUNSEL_LANGUAGE_TITLE))
        tiles: list[Tile] = []
        for option in self.options:
            parts = [BidiText(option.endonym, w, classes="tile-text")]
            if option.interpreter:
                parts.append(BidiText(w.interpreter(option.code), w, classes="tile-note"))
            tiles.append(Tile(*parts, value=option.code, id=f"counsel-{option.code}",
                              classes="language interpreter" if option.interpreter
                              else "language"))
        tiles.append(text_tile(w(M.OTHER_LANGUAGE), w, "other", id="other",
                               classes="language other"))
        yield Grid(*rows_mirrored(tiles, 3, w.rtl), id="counsel")
        yield self.nav_bar()

    def first_focus(self) -> Widget | None:
        """The visitor's own language: spoken here, or the one to find an interpreter for."""
        for tile in self.query(Tile):
            if tile.value == self.wording.lang:
                return tile
        return self.query_one(f"#counsel-{self.options[0].code}", Tile) if self.options \
            else super().first_focus()

    def tile_pressed(self, tile: Tile) -> None:
        if tile.value == "other":
            self.post_message(self.OtherRequested())
        else:
            self.post_message(self.Chosen(tile.value))


class OtherLanguageScreen(StepScreen):
    """Languages an interpreter / language mediator can be looked for, and "not in the list"."""

    def __init__(self, wording: Wording, options: list[LanguageOption]) -> None:
        super().__init__(wording)
        self.options = options

    def compose(self) -> ComposeResult:
        w = self.wording
        yield self.title_bar(w(M.WHICH_LANGUAGE))
        tiles = [text_tile(o.endonym, w, o.code, id=f"other-{o.code}", classes="language")
                 for o in self.options]
        tiles.append(text_tile(w(M.LANGUAGE_NOT_LISTED), w, UNLISTED, id="not-listed",
                               classes="language other"))
        yield Grid(*rows_mirrored(tiles, 4, w.rtl), id="others")
        yield self.nav_bar()

    def first_focus(self) -> Widget | None:
        if self.options:
            return self.query_one(f"#other-{self.options[0].code}", Tile)
        return super().first_focus()

    def tile_pressed(self, tile: Tile) -> None:
        self.post_message(CounselScreen.Chosen(tile.value))


class NameScreen(EntryStep):
    """The optional first name: why it is asked, a keyboard in the visitor's script, and
    "Continue without a name" always there."""

    @dataclass
    class Entered(Message):
        """The name as typed; None when the visitor went on without one."""

        name: str | None

    def __init__(self, wording: Wording, retention_days: int = 90) -> None:
        super().__init__(wording)
        self.retention_days = retention_days
        """Days the name is kept, for the privacy notice (``retention_days`` of the config)."""

    def compose(self) -> ComposeResult:
        w = self.wording
        yield self.title_bar(w(M.NAME_PROMPT), w(M.NAME_WHY))
        field = TypedField(NameText(INPUT_MAX, name_layout(w.lang)), w, id="name")
        yield Vertical(
            Horizontal(*mirrored([field, more_tile(w)], w.rtl), classes="entry-row"),
            short_notice_text(w, self.retention_days),
            BidiText("", w, id="problem"),
            id="entry")
        yield NameKeyboard(w, id="keyboard")
        yield self.nav_bar([self.forward_tile(M.NO_NAME, "skip", primary=False),
                            self.forward_tile(M.CONTINUE, "continue")])

    def on_typed_field_submitted(self, event: TypedField.Submitted) -> None:
        event.stop()
        self.post_message(self.Entered(event.value))

    def tile_pressed(self, tile: Tile) -> None:
        if tile.value == "privacy":
            self.app.push_screen(PrivacyNoticeScreen(self.wording, self.retention_days))
        elif tile.value == "skip":
            self.post_message(self.Entered(None))
        elif tile.value == "continue":
            self.post_message(self.Entered(self.field().value))
