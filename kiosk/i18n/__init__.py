"""Translations, locale formatting and right-to-left display for the kiosk; never imports Textual.

Screens pass the visitor's language explicitly (``translator(lang)``); nothing here sets a
process-wide locale. See ``kiosk/i18n/README.md`` for the message ids the UI uses.

The names from ``bidi``, ``concerns`` and ``formatting`` load on first use (PEP 562): the
visitor terminal's first screen needs neither Babel's formatting nor the concern list, and
``import kiosk.i18n`` is on every kiosk program's start-up path. ``translator`` is imported
eagerly on purpose: it is also the name of a submodule, and a lazily bound function would
lose to the submodule attribute that a plain ``import kiosk.i18n.translator`` sets.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kiosk.i18n import messages
from kiosk.i18n.languages import (
    INTERPRETER_LANGUAGES,
    INTERPRETER_ONLY_LANGUAGES,
    LANGUAGES,
    UI_LANGUAGE_CODES,
    Direction,
    LanguageInfo,
    UnknownLanguageError,
    endonym,
    is_rtl,
    language_info,
    ui_language,
)
from kiosk.i18n.translator import CatalogMissingError, Translator, load_translator, translator

if TYPE_CHECKING:
    from kiosk.i18n.bidi import (
        BIDI_MODES,
        BidiMode,
        BidiModeError,
        cell_width,
        contains_presentation_forms,
        display,
        display_lines,
        has_rtl,
        paragraph_direction,
        wrap_logical,
    )
    from kiosk.i18n.concerns import DEFAULT_CONCERNS, Concern, concern, concern_label
    from kiosk.i18n.formatting import (
        format_date,
        format_idle_countdown,
        format_interpreter_notice,
        format_name_too_long,
        format_next_opening,
        format_number,
        format_people_before,
        format_time,
        format_wait_minutes,
        format_weekday_datetime,
        to_native_digits,
    )

_LAZY: dict[str, str] = {
    **dict.fromkeys(
        ("BIDI_MODES", "BidiMode", "BidiModeError", "cell_width", "contains_presentation_forms",
         "display", "display_lines", "has_rtl", "paragraph_direction", "wrap_logical"),
        "bidi"),
    **dict.fromkeys(("DEFAULT_CONCERNS", "Concern", "concern", "concern_label"), "concerns"),
    **dict.fromkeys(
        ("format_date", "format_idle_countdown", "format_interpreter_notice",
         "format_name_too_long", "format_next_opening", "format_number", "format_people_before",
         "format_time", "format_wait_minutes", "format_weekday_datetime", "to_native_digits"),
        "formatting"),
}
"""Public name -> the submodule that defines it, loaded on first access."""

_LAZY_MODULES = frozenset(_LAZY.values())


def __getattr__(name: str) -> Any:
    """Load a lazily exported name from its submodule and keep it as a module global."""
    if name in _LAZY_MODULES:  # `kiosk.i18n.bidi` worked after a bare `import kiosk.i18n`
        return importlib.import_module(f"{__name__}.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "BIDI_MODES",
    "DEFAULT_CONCERNS",
    "INTERPRETER_LANGUAGES",
    "INTERPRETER_ONLY_LANGUAGES",
    "LANGUAGES",
    "UI_LANGUAGE_CODES",
    "BidiMode",
    "BidiModeError",
    "CatalogMissingError",
    "Concern",
    "Direction",
    "LanguageInfo",
    "Translator",
    "UnknownLanguageError",
    "cell_width",
    "concern",
    "concern_label",
    "contains_presentation_forms",
    "display",
    "display_lines",
    "endonym",
    "format_date",
    "format_idle_countdown",
    "format_interpreter_notice",
    "format_name_too_long",
    "format_next_opening",
    "format_number",
    "format_people_before",
    "format_time",
    "format_wait_minutes",
    "format_weekday_datetime",
    "has_rtl",
    "is_rtl",
    "language_info",
    "load_translator",
    "messages",
    "paragraph_direction",
    "to_native_digits",
    "translator",
    "ui_language",
    "wrap_logical",
]
