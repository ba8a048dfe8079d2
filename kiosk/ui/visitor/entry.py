"""What a visitor types, as plain Python: a first name, or an appointment code in its shape.

The on-screen keyboard and a physical keyboard both end up here, so the rules are the same
for both and are tested without a terminal: a name capitalises the first letter of each part
(in the language's own way), a code accepts its alphabet only and shows itself in the shape the
visitor holds on paper (``6PM-ECJ``), and nothing grows past its limit. The value is always
kept in logical order; only the display edge reorders right-to-left text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.queue.appointments import CODE_ALPHABET, CODE_LENGTH
from kiosk.ui.visitor.keyboards import Layout

CODE_SHAPE = "___-___"
"""How an empty code field looks: the code's shape, filled in as the visitor types."""
_WORD_STARTS = frozenset(" -'’")


@dataclass
class NameText:
    """A first name being typed.

    Attributes:
        limit: characters accepted; the name check answers kindly beyond its own maximum, so
            this only stops a stuck key from growing the field without end.
        layout: the keyboard in use, for its upper-case rule.
    """

    limit: int = 200
    layout: Layout | None = None
    value: str = field(default="")

    def add(self, text: str) -> None:
        """Add what a key (or a paste) typed; a letter after a break starts upper case.

        Every character is kept, controls too: the name check refuses them with a kind
        message, and the field shows them as a replacement mark, never raw.
        """
        for ch in text:
            if len(self.value) >= self.limit:
                return
            if ch.isalpha() and (not self.value or self.value[-1] in _WORD_STARTS):
                ch = self.layout.to_upper(ch) if self.layout else ch.upper()
            self.value += ch

    def backspace(self) -> None:
        """Remove the last character."""
        self.value = self.value[:-1]

    def clear(self) -> None:
        """Empty the field."""
        self.value = ""


@dataclass
class CodeText:
    """An appointment code being typed: its alphabet only, at most its length."""

    value: str = field(default="")

    def add(self, text: str) -> None:
        """Add the characters of ``text`` that a code can contain (lower case is raised)."""
        for ch in text.upper():
            if ch in CODE_ALPHABET and len(self.value) < CODE_LENGTH:
                self.value += ch

    def backspace(self) -> None:
        """Remove the last character."""
        self.value = self.value[:-1]

    def clear(self) -> None:
        """Empty the field."""
        self.value = ""

    @property
    def shaped(self) -> str:
        """The code as printed on the appointment slip, blanks still to fill: ``6PM-E__``."""
        chars = iter(self.value)
        return "".join(next(chars, "_") if slot == "_" else slot for slot in CODE_SHAPE)

    @property
    def complete(self) -> bool:
        """True when every character of the code is there."""
        return len(self.value) == CODE_LENGTH

    @property
    def code(self) -> str:
        """The code as the appointment book expects it (``6PM-ECJ``)."""
        return f"{self.value[:3]}-{self.value[3:]}" if len(self.value) > 3 else self.value
