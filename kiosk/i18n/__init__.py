"""Translations, locale formatting and right-to-left display for the kiosk; never imports Textual.

Screens pass the visitor's language explicitly (``translator(lang)``); nothing here sets a
process-wide locale. See ``kiosk/i18n/README.md`` for the message ids the UI uses.
"""

from kiosk.i18n import messages
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
