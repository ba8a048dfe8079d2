"""The languages the kiosk speaks: endonyms, script direction and Babel locale, as plain data.

Endonyms are data, not translations: a visitor recognises their language by its own name in its
own script, whatever the screen's current language (DESIGN.md, "Every language is first class").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["ltr", "rtl"]


class UnknownLanguageError(ValueError):
    """Raised for a language code the kiosk has no data for; the message names the code."""

    code = "i18n.unknown_language"


@dataclass(frozen=True, slots=True)
class LanguageInfo:
    """One language as the kiosk needs to know it.

    Attributes:
        code: the short code used in config, catalogs and the store ("fa", "kmr").
        endonym: the language's name in itself, in its own script ("فارسی").
        direction: "rtl" for right-to-left scripts, else "ltr".
        babel_locale: the Babel/CLDR locale used for numbers, dates and plural rules.
        native_digits: the CLDR numbering system of the digits its readers use natively
            ("arab" ٠١٢, "arabext" ۰۱۲), or None when that is the Latin 0-9.
    """

    code: str
    endonym: str
    direction: Direction
    babel_locale: str
    native_digits: str | None = None

    @property
    def rtl(self) -> bool:
        """True when the language is written right to left."""
        return self.direction == "rtl"


# Arabic: CLDR's plain "ar" defaults to Latin digits, but the Levantine and Iraqi readers who
# are most of Dortmund's Arabic speakers write Arabic-Indic digits, so the switch offers those.
LANGUAGES: tuple[LanguageInfo, ...] = (
    LanguageInfo("de", "Deutsch", "ltr", "de_DE"),
    LanguageInfo("ar", "العربية", "rtl", "ar", "arab"),
    LanguageInfo("fa", "فارسی / دری", "rtl", "fa_IR", "arabext"),
    LanguageInfo("en", "English", "ltr", "en_GB"),
    LanguageInfo("fr", "Français", "ltr", "fr_FR"),
    LanguageInfo("uk", "Українська", "ltr", "uk_UA"),
    LanguageInfo("tr", "Türkçe", "ltr", "tr_TR"),
    LanguageInfo("ru", "Русский", "ltr", "ru_RU"),
    LanguageInfo("ls", "Leichte Sprache", "ltr", "de_DE"),
    LanguageInfo("kmr", "Kurmancî", "ltr", "ku_TR"),
    LanguageInfo("ro", "Română", "ltr", "ro_RO"),
    LanguageInfo("ti", "ትግርኛ", "ltr", "ti_ER"),
    LanguageInfo("bg", "Български", "ltr", "bg_BG"),
)
"""The user-interface languages with a complete catalog, in the order the welcome screen shows.

"ls" is Leichte Sprache (easy-read German after DIN SPEC 33429; no ISO code exists): German
numbers and dates, German speech, counselling in German. Pashto stays an interpreter language
only: its letters ښ ځ ټ have no presentation forms, so the kiosk's own shaping cannot join
them on terminals without shaping (README "Languages")."""

# Languages a visitor may need an interpreter (Sprachmittler:in) for, beyond the UI languages.
# Sources: domain research §6.3 (waves 2 and 3) and the BAMF shortage languages.
INTERPRETER_ONLY_LANGUAGES: tuple[LanguageInfo, ...] = (
    LanguageInfo("ckb", "سۆرانی", "rtl", "ckb", "arab"),
    LanguageInfo("prs", "دری", "rtl", "fa_AF", "arabext"),
    LanguageInfo("ps", "پښتو", "rtl", "ps", "arabext"),
    LanguageInfo("pl", "Polski", "ltr", "pl"),
    LanguageInfo("es", "Español", "ltr", "es"),
    LanguageInfo("so", "Soomaali", "ltr", "so"),
)
"""Extra languages offered under "I need another language"; they have no UI catalog."""

INTERPRETER_LANGUAGES: tuple[LanguageInfo, ...] = LANGUAGES + INTERPRETER_ONLY_LANGUAGES
"""Every language a visitor can ask to be counselled in (UI languages first)."""

UI_LANGUAGE_CODES: tuple[str, ...] = tuple(info.code for info in LANGUAGES)
"""Codes of the languages that have a catalog, in display order."""

_BY_CODE: dict[str, LanguageInfo] = {info.code: info for info in INTERPRETER_LANGUAGES}


def language_info(code: str) -> LanguageInfo:
    """Return the data for any known language code (UI or interpreter-only).

    Raises:
        UnknownLanguageError: the code is not one the kiosk knows.
    """
    try:
        return _BY_CODE[code]
    except KeyError:
        known = ", ".join(_BY_CODE)
        raise UnknownLanguageError(f"unknown language code {code!r} (known: {known})") from None


def ui_language(code: str) -> LanguageInfo:
    """Return the data for a language that has a UI catalog.

    Raises:
        UnknownLanguageError: the code has no catalog (it may still be an interpreter language).
    """
    info = language_info(code)
    if info.code not in UI_LANGUAGE_CODES:
        raise UnknownLanguageError(
            f"language {code!r} has no kiosk catalog (UI languages: {', '.join(UI_LANGUAGE_CODES)})"
        )
    return info


COUNSEL_LANGUAGE_OF: dict[str, str] = {"ls": "de"}
"""A screen language whose visitors are counselled in another one (Leichte Sprache: German)."""


def counsel_language_of(lang: str) -> str:
    """The language of counselling a visitor using screen language `lang` needs."""
    return COUNSEL_LANGUAGE_OF.get(lang, lang)


def is_rtl(lang: str) -> bool:
    """True when the language is written right to left (Arabic, Persian, Pashto, Sorani, Dari)."""
    return language_info(lang).rtl


def endonym(lang: str) -> str:
    """The language's own name in its own script, never translated."""
    return language_info(lang).endonym
