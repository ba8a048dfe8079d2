"""On-screen keyboards as plain data: which keys a visitor sees for a name or an appointment code.

A visitor at a touch terminal has no physical keyboard, and a Latin one would not help most of
them anyway. The name keyboard follows the layout people know from their phones in their own
script (Arabic, Persian, Ukrainian, Russian, Bulgarian; German, French, Turkish, Kurmancî and
Romanian Latin with their own letters), with a switch to Latin for names written in Latin
letters. The code keypad offers the
appointment code's alphabet only, so a visitor cannot type a character no code contains.
Nothing here imports Textual: the widgets in ``keypad.py`` draw what this module describes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.queue.appointments import CODE_ALPHABET

BACKSPACE = "\b"
"""The key that removes the last character."""
CLEAR = "clear"
"""The key that empties the field."""
SWITCH = "switch"
"""The key that changes between the visitor's script and Latin."""
SPACE = " "
ZWNJ = "\u200c"
"""Zero-width non-joiner: Persian spelling needs it (علی‌رضا), so the Persian keyboard has it."""


@dataclass(frozen=True)
class Layout:
    """One keyboard: rows of letter keys, top row first, each row in its on-screen order.

    Attributes:
        name: a short label of the script in itself ("ABC", "ابپ"), shown on the switch key.
        rows: the letter rows; every entry is the text one key types.
        extra: keys of the last row besides space, backspace, clear and the switch.
        upper: the language's own upper-case mapping where Python's is wrong (Turkish i → İ).
    """

    name: str
    rows: tuple[tuple[str, ...], ...]
    extra: tuple[str, ...] = ("-", "'")
    upper: tuple[tuple[str, str], ...] = ()

    def to_upper(self, text: str) -> str:
        """Upper-case a letter the way this language does."""
        for low, up in self.upper:
            text = text.replace(low, up)
        return text.upper()


def _rows(*rows: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row.split()) for row in rows)


LATIN = Layout("ABC", _rows("q w e r t y u i o p", "a s d f g h j k l", "z x c v b n m"))
"""Plain Latin (QWERTY), the switch target for names written in Latin letters."""

LAYOUTS: dict[str, Layout] = {
    "ar": Layout("أبت", _rows(
        "ض ص ث ق ف غ ع ه خ ح ج",
        "ش س ي ب ل ا ت ن م ك ط",
        "ذ ء ؤ ر ى ة و ز ظ د"), extra=("أ", "إ", "آ", "ئ", "-")),
    "fa": Layout("ابپ", _rows(
        "ض ص ث ق ف غ ع ه خ ح ج چ",
        "ش س ی ب ل ا ت ن م ک گ",
        "ظ ط ز ر ذ د پ و ژ آ ئ ء"), extra=(ZWNJ, "-")),
    "uk": Layout("АБВ", _rows(
        "й ц у к е н г ш щ з х ї",
        "ф і в а п р о л д ж є",
        "я ч с м и т ь б ю ґ")),
    "ru": Layout("АБВ", _rows(
        "й ц у к е н г ш щ з х ъ",
        "ф ы в а п р о л д ж э",
        "я ч с м и т ь б ю ё")),
    "de": Layout("ABC", _rows(
        "q w e r t z u i o p ü",
        "a s d f g h j k l ö ä",
        "y x c v b n m ß")),
    "fr": Layout("ABC", _rows(
        "a z e r t y u i o p",
        "q s d f g h j k l m",
        "w x c v b n ç",
        "é è ê ë à â î ï ô û ù")),
    "tr": Layout("ABC", _rows(
        "q w e r t y u ı o p ğ ü",
        "a s d f g h j k l ş i",
        "z x c v b n m ö ç"), upper=(("i", "İ"), ("ı", "I"))),
    "en": LATIN,
    "bg": Layout("АБВ", _rows(  # the phonetic layout most Bulgarian phones use
        "я в е р т ъ у и о п ш щ",
        "а с д ф г х й к л ю",
        "з ь ц ж б н м ч")),
    "kmr": Layout("ABC", _rows(
        "q w e ê r t y u û i î o p",
        "a s d f g h j k l ş",
        "z x c ç v b n m")),
    "ro": Layout("ABC", _rows(  # ș and ț with comma below, as Romanian writes them
        "q w e r t y u i o p ă",
        "a s d f g h j k l ș ț",
        "z x c v b n m â î")),
}
"""The name keyboard of each UI language; a language without its own uses ``LATIN`` (Tigrinya:
a Ge'ez keyboard has hundreds of syllables and is not offered; its visitors may type a name
in Latin letters or go on without one)."""
LAYOUTS["ls"] = LAYOUTS["de"]  # Leichte Sprache: German letters

KEY_LABELS: dict[str, str] = {ZWNJ: "‹نیم‌فاصله›", SPACE: "␣", BACKSPACE: "⌫"}
"""What keys with invisible or special text show instead."""


def name_layout(lang: str) -> Layout:
    """The keyboard a visitor with this screen language types a name on."""
    return LAYOUTS.get(lang, LATIN)


def latin_layout(lang: str) -> Layout:
    """The Latin keyboard the switch leads to (the language's own if it is written in Latin)."""
    own = LAYOUTS.get(lang, LATIN)
    return own if own.name == "ABC" else LATIN


def has_own_script(lang: str) -> bool:
    """True when the language's keyboard is not Latin, so a switch to Latin is offered."""
    return name_layout(lang).name != "ABC"


def code_rows() -> tuple[tuple[str, ...], ...]:
    """The code keypad: the digits codes use, then the letters, alphabetically, seven a row."""
    digits = tuple(sorted(ch for ch in CODE_ALPHABET if ch.isdigit()))
    letters = sorted(ch for ch in CODE_ALPHABET if ch.isalpha())
    return (digits, *(tuple(letters[i:i + 7]) for i in range(0, len(letters), 7)))
