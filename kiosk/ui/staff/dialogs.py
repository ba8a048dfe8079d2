"""Small modal dialogs that return typed results (`dismiss(value)`), never reach into parents.

`ChoiceDialog` picks one value from a list, `FormDialog` collects a few fields as a dict (and
can check them before it closes), `ConfirmDialog` asks before anything that cannot simply be
taken back, `NoticeDialog` shows a text once (e.g. an appointment code) until acknowledged.
Titles, labels and options often carry a person's name: they are always shown literally
(`kiosk.ui.inert`); only a `NoticeDialog` given ready-made `Content` shows styles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from kiosk.queue.errors import QueueError
from kiosk.text_rules import JOINERS
from kiosk.ui.inert import PrintableHighlighter, inert, inert_text

#: Tab moves between fields; declared because every screen here declares all its bindings.
FOCUS_BINDINGS = [Binding("tab", "app.focus_next", "Weiter", show=False),
                  Binding("shift+tab", "app.focus_previous", "Zurück", show=False)]


class ChoiceDialog(ModalScreen[str | None], inherit_bindings=False):
    """Pick one option; returns its value, or None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Abbrechen")]

    def __init__(self, title: str, options: Sequence[tuple[str, str]]) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.options = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(inert(self.title_text, limit=None), classes="dialog-title")
            yield OptionList(*[Option(inert(label), id=value) for value, label in self.options],
                             id="choices")
            yield Static("Enter: wählen · Esc: abbrechen", classes="dialog-hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextField(Input):
    """An `Input` that also takes the joiners typed inside words (see `kiosk.text_rules`).

    Textual's `Input` inserts only what Python calls printable, so ZWNJ — Shift+Space on a
    Persian keyboard — and ZWJ were dropped while typing, and "علی‌رضا" became the different
    word "علیرضا". Every other control character is still ignored as typed.
    """

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character in JOINERS or super().check_consume_key(key, character)

    def on_key(self, event: events.Key) -> None:
        """Insert a joiner (runs before `Input`'s own key handler, which ignores it)."""
        if event.character in JOINERS:
            event.stop()
            if self.selection.is_empty:
                self.insert_text_at_cursor(event.character)
            else:
                self.replace(event.character, *self.selection)


@dataclass
class FieldSpec:
    """One field of a `FormDialog`."""

    name: str
    label: str
    kind: str = "text"  # text | password | select | checkbox
    value: str | bool = ""
    options: Sequence[tuple[str, str]] = field(default_factory=list)  # (label, value)
    placeholder: str = ""


#: What an empty choice reads (Textual's own prompt is the English "Select").
SELECT_PROMPT = "bitte wählen"


@dataclass(frozen=True)
class Rejected:
    """Why a form's values were refused: a German sentence and the fields to mark."""

    text: str
    fields: tuple[str, ...] = ()


class FormDialog(ModalScreen[object], inherit_bindings=False):
    """A few labelled fields; returns {name: value} on "OK", None on Escape/"Abbrechen".

    With `submit`, "OK" first hands the values to it (in a thread: it may write the store)
    and the dialog closes with its result only if it succeeds; a `QueueError` keeps the
    dialog open with every field as typed, says why and marks the wrong field (`explain`
    turns the error into a `Rejected`). A booking that failed on a busy desk then costs one
    changed field, not six retyped ones.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Abbrechen"),
                Binding("ctrl+s", "submit", "Speichern"), *FOCUS_BINDINGS]

    def __init__(self, title: str, fields: Sequence[FieldSpec], ok: str = "OK",
                 error: str = "", *, submit: Callable[[dict], object] | None = None,
                 explain: Callable[[QueueError], Rejected] | None = None) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.fields = list(fields)
        self.ok = ok
        self.error = error
        self.submit = submit
        self.explain = explain or (lambda exc: Rejected(str(exc)))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box form"):
            yield Label(inert(self.title_text, limit=None), classes="dialog-title")
            error = Static(inert(self.error, limit=None), classes="dialog-error",
                           id="form-error")
            error.display = bool(self.error)
            yield error
            for spec in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(inert(spec.label), classes="form-label")
                    yield self._widget(spec)
            with Horizontal(classes="form-buttons"):
                yield Button(self.ok, id="ok", variant="primary")
                yield Button("Abbrechen", id="cancel")

    @staticmethod
    def _widget(spec: FieldSpec):
        wid = f"f-{spec.name}"
        if spec.kind == "select":
            options = [(inert_text(label), v) for label, v in spec.options]
            value = spec.value if any(v == spec.value for _, v in options) else Select.NULL
            return Select(options, value=value, id=wid, allow_blank=value is Select.NULL,
                          prompt=SELECT_PROMPT)
        if spec.kind == "checkbox":
            return Checkbox(value=bool(spec.value), id=wid)
        return TextField(str(spec.value), placeholder=spec.placeholder, id=wid,
                         password=spec.kind == "password", highlighter=PrintableHighlighter())

    def values(self) -> dict:
        out: dict = {}
        for spec in self.fields:
            widget = self.query_one(f"#f-{spec.name}")
            if isinstance(widget, Select):
                out[spec.name] = None if widget.value is Select.NULL else widget.value
            else:
                out[spec.name] = widget.value
        return out

    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        if self.submit is None:
            self.dismiss(self.values())
            return
        self.query_one("#ok", Button).disabled = True
        self._check(self.values())

    @work(thread=True, exclusive=True, group="form-submit")
    def _check(self, values: dict) -> None:
        try:
            result = self.submit(values)
        except QueueError as exc:  # known errors are shown in the dialog; bugs surface
            self.app.call_from_thread(self.reject, self.explain(exc))
            return
        self.app.call_from_thread(self.dismiss, result)

    def reject(self, why: Rejected) -> None:
        """Keep the dialog open: say why, mark the wrong fields, focus the first of them."""
        self.query_one("#ok", Button).disabled = False
        error = self.query_one("#form-error", Static)
        error.update(inert(why.text, limit=None))
        error.display = True
        for spec in self.fields:
            self.query_one(f"#f-{spec.name}").set_class(spec.name in why.fields, "invalid")
        marked = [f for f in why.fields if any(s.name == f for s in self.fields)]
        if marked:
            self.query_one(f"#f-{marked[0]}").focus()

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool], inherit_bindings=False):
    """Ask before an action that cannot simply be taken back; "Abbrechen" has the focus, so
    an Enter pressed out of habit does nothing harmful. Returns True only for "yes"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", "Abbrechen"), *FOCUS_BINDINGS]

    def __init__(self, title: str, text: str, yes: str) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.text = text
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(inert(self.title_text, limit=None), classes="dialog-title")
            yield Static(inert(self.text, limit=None, multiline=True), id="confirm-text")
            with Horizontal(classes="form-buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button("Abbrechen", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class NoticeDialog(ModalScreen[None], inherit_bindings=False):
    """Shows a message (e.g. the appointment code, shown only this once) until Enter/Esc.

    A `str` is shown literally, line by line; styled text is passed as `Content` that the
    caller assembled with person-typed pieces made inert.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "Schließen")]

    def __init__(self, title: str, text: str | Content) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(inert(self.title_text, limit=None), classes="dialog-title")
            text = self.text if isinstance(self.text, Content) else inert(
                self.text, limit=None, multiline=True)
            yield Static(text, id="notice-text")
            yield Static("Enter: schließen", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
