"""Numbers, dates, times and the ticket screen's sentences in the visitor's locale (Babel/CLDR).

Every function takes the language explicitly (no process locale) and a ``native_digits`` switch
from the site config: when on, Arabic shows Arabic-Indic digits (٠١٢) and Persian shows
Extended Arabic-Indic digits (۰۱۲); languages written with Latin digits are unaffected.
Ticket codes ("A-017") are not numbers and are never converted: the board shows them as is.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from kiosk.i18n import messages as M
from kiosk.i18n.languages import LanguageInfo, endonym, ui_language
from kiosk.i18n.translator import translator

_DIGIT_ZERO: dict[str, int] = {"arab": 0x0660, "arabext": 0x06F0}
"""First code point of each supported native digit block (the ten digits follow in order)."""

_LATIN_DIGITS = "0123456789"

_WIDEN = re.compile(r"(?<![EcML])(?:E{1,3}|c{3}|M{3}|L{3})(?![EcML])")
"""Abbreviated weekday and month fields of a CLDR pattern, to be written out in full."""


def _numbering(info: LanguageInfo, native_digits: bool) -> str | None:
    """The numbering system to show, or None for Latin digits."""
    return info.native_digits if native_digits and info.native_digits in _DIGIT_ZERO else None


def to_native_digits(text: str, lang: str, native_digits: bool = True) -> str:
    """Replace ASCII digits by the language's native digits (when it has any and the switch is on).

    Babel formats CLDR patterns with Latin digits only, so dates and times go through this.
    """
    system = _numbering(ui_language(lang), native_digits)
    if system is None:
        return text
    zero = _DIGIT_ZERO[system]
    return text.translate({ord(d): zero + i for i, d in enumerate(_LATIN_DIGITS)})


def format_number(number: int | float, lang: str, native_digits: bool = False) -> str:
    """A number with the locale's separators, e.g. ``1.234`` (de), ``۱٬۲۳۴`` (fa, native)."""
    info = ui_language(lang)
    system = _numbering(info, native_digits) or "latn"
    text = babel_numbers.format_decimal(number, locale=info.babel_locale, numbering_system=system)
    return to_native_digits(text, lang, native_digits)


def format_time(value: dt.datetime | dt.time, lang: str, native_digits: bool = False) -> str:
    """A wall-clock time in the locale's short form ("14:05", "2:05 م").

    The time is shown as given (naive or aware); convert to the site's zone before calling.
    """
    info = ui_language(lang)
    text = babel_dates.format_time(value, "short", locale=info.babel_locale)
    return to_native_digits(text, lang, native_digits)


def format_date(value: dt.date, lang: str, native_digits: bool = False, fmt: str = "medium") -> str:
    """A date in a CLDR format ("short", "medium", "long", "full") of the visitor's locale."""
    info = ui_language(lang)
    text = babel_dates.format_date(value, fmt, locale=info.babel_locale)
    return to_native_digits(text, lang, native_digits)


@lru_cache(maxsize=32)
def _weekday_day_month_pattern(babel_locale: str) -> str:
    """The locale's "weekday, day month" pattern with names written out in full.

    CLDR has only abbreviated-weekday skeletons for most locales and Babel does not widen
    fields as ICU does, so widen them here: a full weekday is easier to read than "Di.".
    """
    skeletons = Locale.parse(babel_locale).datetime_skeletons
    pattern = str(skeletons[babel_dates.match_skeleton("MMMMEEEEd", skeletons)])
    parts = pattern.split("'")
    for i in range(0, len(parts), 2):  # even parts are outside quoted literals
        parts[i] = _WIDEN.sub(lambda m: m.group(0)[0] * 4, parts[i])
    return "'".join(parts)


def format_weekday_datetime(value: dt.datetime, lang: str, native_digits: bool = False) -> str:
    """Weekday, day, month and time ("Dienstag, 2. Dezember, 14:05"): when we next open."""
    info = ui_language(lang)
    day = babel_dates.format_date(
        value, _weekday_day_month_pattern(info.babel_locale), locale=info.babel_locale
    )
    time = babel_dates.format_time(value, "short", locale=info.babel_locale)
    pattern = str(babel_dates.get_datetime_format("medium", locale=info.babel_locale))
    text = pattern.replace("{1}", day).replace("{0}", time)
    return to_native_digits(text, lang, native_digits)


def format_next_opening(value: dt.datetime, lang: str, native_digits: bool = False) -> str:
    """The outside-hours line "We open again: <weekday, date, time>" in the visitor's language."""
    when = format_weekday_datetime(value, lang, native_digits)
    return translator(lang).gettext(M.NEXT_OPENING).format(when=when)


def format_wait_minutes(minutes: float | None, lang: str, native_digits: bool = False) -> str:
    """The honest waiting-time line: "Waiting time: about 20 minutes", or "we cannot estimate yet".

    One plural message, not "Waiting time" + ": " + "About 20 minutes": languages differ in
    what follows a colon (German lower case, French a space before it).

    Minutes are rounded to whole minutes and never shown below 1.

    Raises:
        ValueError: ``minutes`` is negative.
    """
    t = translator(lang)
    if minutes is None:
        return t.gettext(M.WAIT_UNKNOWN)
    if minutes < 0:
        raise ValueError(f"waiting time cannot be negative: {minutes!r}")
    n = max(1, round(minutes))
    return t.ngettext(*M.WAIT_ABOUT, n).format(minutes=format_number(n, lang, native_digits))


def format_people_before(count: int, lang: str, native_digits: bool = False) -> str:
    """ "3 people before you" with the language's plural rule; "Nobody is waiting" for 0.

    Raises:
        ValueError: ``count`` is negative.
    """
    if count < 0:
        raise ValueError(f"people before cannot be negative: {count!r}")
    t = translator(lang)
    if count == 0:
        return t.gettext(M.NOBODY_BEFORE)
    return t.ngettext(*M.PEOPLE_BEFORE, count).format(
        count=format_number(count, lang, native_digits)
    )


def format_idle_countdown(seconds: int, lang: str, native_digits: bool = False) -> str:
    """ "The screen starts again in 10 seconds." for the idle notice."""
    n = max(0, int(seconds))
    return (
        translator(lang)
        .ngettext(*M.IDLE_COUNTDOWN, n)
        .format(seconds=format_number(n, lang, native_digits))
    )


def format_interpreter_notice(language_code: str, lang: str) -> str:
    """ "We will try to find an interpreter for Kurmancî." — the language by its own name."""
    return translator(lang).gettext(M.INTERPRETER_SEARCH).format(language=endonym(language_code))


def format_name_too_long(max_chars: int, lang: str, native_digits: bool = False) -> str:
    """The name-too-long error with the allowed length in the visitor's digits."""
    return (
        translator(lang)
        .gettext(M.NAME_TOO_LONG)
        .format(max=format_number(max_chars, lang, native_digits))
    )
