"""Every character the kiosk can put on screen has a glyph in the fonts the kiosk display
installs, and every character drawn from the colour emoji font is two cells wide.

The fonts are the files of the font packages in deploy/kiosk-display/packages.txt (the list
the install step installs), read with fontTools. The characters: all catalog strings of all
UI languages, logical and as shaped for display, language endonyms, the concern pictograms,
numbers in every locale with Latin and native digits, every non-ASCII character in a string
of the UI code (block font, arrows, marks), and the border characters the stylesheets use.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tokenize
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from rich.cells import cell_len
from textual._border import BORDER_CHARS

from kiosk.config import load_config
from kiosk.i18n.bidi import display
from kiosk.i18n.formatting import format_number, format_time, to_native_digits
from kiosk.i18n.languages import INTERPRETER_LANGUAGES, UI_LANGUAGE_CODES
from kiosk.paths import DEFAULT_CONFIG

ROOT = Path(__file__).parents[2]
DISPLAY_KIT = ROOT / "deploy" / "kiosk-display"
LOCALES = ROOT / "kiosk" / "i18n" / "locales"
UI = ROOT / "kiosk" / "ui"
#: Not drawn: controls, format characters (bidi marks, ZWNJ), line and paragraph separators.
INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


def font_packages() -> list[str]:
    lines = (DISPLAY_KIT / "packages.txt").read_text().splitlines()
    words = [w for line in lines for w in line.split("#", 1)[0].split()]
    return [w for w in words if w.startswith("fonts-")]


@cache
def font_files() -> tuple[Path, ...]:
    """The font files of the packages the install step installs."""
    files: list[Path] = []
    for package in font_packages():
        listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True)
        assert listed.returncode == 0, f"{package} is not installed: {listed.stderr}"
        files += [Path(p) for p in listed.stdout.split() if p.endswith((".ttf", ".otf", ".ttc"))]
    return tuple(sorted(set(files)))


@cache
def charmaps() -> dict[Path, frozenset[int]]:
    maps = {}
    for path in font_files():
        with TTFont(path, fontNumber=0, lazy=True) as font:
            maps[path] = frozenset(font.getBestCmap())
    return maps


def family_files(family: str) -> list[Path]:
    """The installed files of one font family (its regular and bold faces)."""
    found = []
    for path in font_files():
        with TTFont(path, fontNumber=0, lazy=True) as font:
            names = {font["name"].getDebugName(i) for i in (1, 16)}
        if family in names:
            found.append(path)
    assert found, f"no installed font of the family {family!r}"
    return found


def launcher_fonts() -> tuple[list[str], str]:
    """The launcher's default text fonts (in order) and its font for wide characters."""
    text = (DISPLAY_KIT / "kiosk-display").read_text()
    fonts = re.search(r'KIOSK_FONT:=([^}"]*)', text).group(1).split(",")
    wide = re.search(r'KIOSK_WIDE_FONT:=([^}"]*)', text).group(1)
    return fonts, wide


def _catalog_texts() -> list[str]:
    texts = []
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/kiosk.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            for part in (message.id, message.string):
                texts += [part] if isinstance(part, str) else list(part)
    return [t for t in texts if t]


def _numbers() -> list[str]:
    out = []
    for lang in UI_LANGUAGE_CODES:
        for native in (False, True):
            out.append(format_number(1234567.5, lang, native))
            out.append(format_time(dt.time(14, 5), lang, native))
            out.append(to_native_digits("0123456789", lang, native))
    return out


def _ui_string_literals() -> list[str]:
    """Non-ASCII text in the UI code's string literals (block font, arrows, marks, 📅)."""
    out = []
    for source in sorted(UI.rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(source.read_text()).readline)
        out += [tok.string for tok in tokens if tok.type == tokenize.STRING
                and not tok.string.isascii()]
    return out


def _theme_borders() -> list[str]:
    """The characters of every border and outline style the stylesheets use."""
    styles = set()
    for tcss in sorted(UI.rglob("*.tcss")):
        for value in re.findall(r"(?m)^\s*(?:border|outline)[a-z-]*:\s*([a-z]+)", tcss.read_text()):
            styles.add(value)
    return ["".join("".join(row) for row in BORDER_CHARS[s]) for s in styles if s != "none"]


def pictograms() -> set[str]:
    return {concern.symbol for concern in load_config(DEFAULT_CONFIG).concerns}


@cache
def shown_characters() -> dict[str, set[str]]:
    """Every character the kiosk can show, with where it comes from."""
    texts = _catalog_texts()
    sources = {
        "catalogs": texts + [display(t, "app") for t in texts],
        "endonyms": [i.endonym for i in INTERPRETER_LANGUAGES]
                    + [display(i.endonym, "app") for i in INTERPRETER_LANGUAGES],
        "pictograms": sorted(pictograms()),
        "numbers": _numbers(),
        "ui code": _ui_string_literals() + [display(t, "app") for t in _ui_string_literals()],
        "theme borders": _theme_borders(),
    }
    chars: dict[str, set[str]] = {}
    for source, items in sources.items():
        for text in items:
            for char in text:
                if unicodedata.category(char) not in INVISIBLE:
                    chars.setdefault(char, set()).add(source)
    return chars


def _describe(chars: object) -> str:
    return ", ".join(f"{c} U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in sorted(chars))


def test_the_fonts_come_from_the_install_list() -> None:
    assert {"fonts-noto-mono", "fonts-noto-core", "fonts-noto-color-emoji"} <= set(
        font_packages())
    assert len(font_files()) >= 20


def test_every_character_the_kiosk_shows_has_a_glyph() -> None:
    chars = shown_characters()
    maps = charmaps()
    covered = frozenset().union(*maps.values())
    missing = {c for c in chars if ord(c) not in covered}
    print(f"\n{len(chars)} characters × {len(maps)} font files")
    assert not missing, _describe(missing)
    blocks = {"Arabic": (0x0600, 0x06FF), "Arabic presentation forms": (0xFB50, 0xFEFF),
              "Ethiopic": (0x1200, 0x137F), "Cyrillic": (0x0400, 0x04FF),
              "box drawing and blocks": (0x2500, 0x259F), "pictographs": (0x1F300, 0x1FAFF)}
    for block, (first, last) in blocks.items():  # the collection itself found them
        assert any(first <= ord(c) <= last for c in chars), block


def test_pictograms_are_single_wide_emoji_in_the_colour_font() -> None:
    _, wide = launcher_fonts()
    emoji = frozenset().union(*(charmaps()[p] for p in family_files(wide)))
    for symbol in pictograms() | {"📅"}:
        assert len(symbol) == 1, f"{symbol!r}: one code point, no sequence or variation"
        assert unicodedata.east_asian_width(symbol) == "W", symbol
        assert cell_len(symbol) == 2, symbol
        assert ord(symbol) in emoji, f"{symbol} is not in {wide}"


def test_narrow_characters_never_come_from_the_emoji_font() -> None:
    """xterm takes a character from the first font of the list that has it: a narrow one
    from the colour emoji font would be a picture squeezed into one cell."""
    families, _ = launcher_fonts()
    text_font = frozenset().union(*(charmaps()[p] for p in family_files(families[0])))
    emoji = frozenset().union(*(charmaps()[p] for p in family_files(families[1])))
    squeezed = {c for c in shown_characters() if ord(c) not in text_font and ord(c) in emoji
                and cell_len(c) != 2}
    assert not squeezed, _describe(squeezed)


@pytest.mark.parametrize("family", ["Noto Sans Arabic", "Noto Sans Ethiopic",
                                    "Noto Color Emoji", "Noto Sans Mono"])
def test_the_named_fonts_are_installed(family: str) -> None:
    assert family_files(family)
