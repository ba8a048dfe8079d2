"""The one way a screen shows text that a person typed: literal, never markup, never a control.

Textual parses a plain ``str`` given to ``Static``, ``Label``, ``DataTable`` cells, options and
notifications as content markup, so a mediator called ``[@click=app.quit]x[/]`` would become
a link that closes the console. Every name, contact, note, label or code that someone typed —
at this desk or at another office, arriving by sync — goes through :func:`inert` (or
:func:`inert_text` where a widget only understands Rich ``Text``) before it is shown. Our own
wording may use markup; it is assembled around these pieces with ``Content.assemble``.
"""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text
from textual.content import Content

from kiosk.terminal_text import DISPLAY_LIMIT, printable

#: Longest person-typed value shown in one table cell.
CELL_LIMIT = DISPLAY_LIMIT


def inert(text: object, style: str = "", *, limit: int | None = CELL_LIMIT,
          multiline: bool = False) -> Content:
    """Person-typed text as Textual ``Content`` that is shown exactly as typed.

    Args:
        text: the value (``None`` shows as an empty string).
        style: a style for the whole piece (e.g. ``"bold"``); the text itself never styles.
        limit: display length (see `kiosk.terminal_text.printable`); ``None`` for no limit.
        multiline: keep line feeds.
    """
    plain = printable(text, limit=limit, multiline=multiline)
    return Content.styled(plain, style) if style else Content(plain)


def inert_text(text: object, style: str = "", *, limit: int | None = CELL_LIMIT) -> Text:
    """The same as :func:`inert`, as a Rich ``Text`` (``Select`` searches only those)."""
    return Text(printable(text, limit=limit), style=style)


class PrintableHighlighter(Highlighter):
    """For ``Input(highlighter=…)``: what a person pastes into a field shows its controls as
    stand-ins too (the value itself stays as typed; the replacement keeps every index)."""

    def highlight(self, text: Text) -> None:
        text.plain = printable(text.plain)
