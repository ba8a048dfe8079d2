"""Numbers, dates and the ticket sentences follow the visitor's locale and the digits switch."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.i18n import (
    UI_LANGUAGE_CODES,
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

OPENING = dt.datetime(2025, 12, 2, 14, 5)  # a Tuesday


def test_persian_and_arabic_native_digits_only_when_switched_on() -> None:
    assert format_number(1234, "fa", native_digits=True) == "۱٬۲۳۴"
    assert format_number(1234, "ar", native_digits=True) == "١٬٢٣٤"
    assert format_number(1234, "fa") == "1,234"
    assert format_number(1234, "ar") == "1,234"


def test_latin_digit_languages_ignore_the_switch() -> None:
    for lang in ("de", "en", "fr", "uk", "tr", "ru"):
        assert format_number(1234, lang, native_digits=True) == format_number(1234, lang)
    assert format_number(1234.5, "de") == "1.234,5"
    assert format_number(1234.5, "ru") == "1\xa0234,5"


def test_times_and_dates_in_the_locale() -> None:
    assert format_time(OPENING, "de") == "14:05"
    assert format_time(OPENING, "fa", native_digits=True) == "۱۴:۰۵"
    assert format_time(OPENING.time(), "en") == "14:05"
    assert format_date(OPENING.date(), "de") == "02.12.2025"
    assert format_date(OPENING.date(), "fa", native_digits=True) == "۲ دسامبر ۲۰۲۵"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "Dienstag, 2. Dezember, 14:05"),
        ("en", "Tuesday 2 December, 14:05"),
        ("fr", "mardi 2 décembre, 14:05"),
        ("ru", "вторник, 2 декабря, 14:05"),
        ("uk", "вівторок, 2 грудня, 14:05"),
        ("tr", "2 Aralık Salı 14:05"),
    ],
)
def test_next_opening_writes_weekday_and_month_in_full(lang: str, expected: str) -> None:
    assert format_weekday_datetime(OPENING, lang) == expected


def test_next_opening_sentence_in_persian_with_native_digits() -> None:
    text = format_next_opening(OPENING, "fa", native_digits=True)
    assert text.startswith("زمان بازگشایی بعدی: سه‌شنبه ۲ دسامبر")
    assert "۱۴:۰۵" in text
    assert not any(ch.isascii() and ch.isdigit() for ch in text)


def test_wait_minutes_honest_and_plural() -> None:
    """One sentence per language, never "Wartezeit" + ": " + "Etwa 20 Minuten"."""
    assert format_wait_minutes(None, "de") == "Die Wartezeit können wir noch nicht schätzen."
    assert format_wait_minutes(20, "de") == "Wartezeit: etwa 20 Minuten"
    assert format_wait_minutes(1, "de") == "Wartezeit: etwa 1 Minute"
    assert format_wait_minutes(0.2, "en") == "Waiting time: about 1 minute"
    assert format_wait_minutes(20, "fr") == "Temps d'attente\u00a0: environ 20 minutes"
    assert format_wait_minutes(21, "ru") == "Время ожидания: примерно 21 минута"
    assert format_wait_minutes(22, "ru") == "Время ожидания: примерно 22 минуты"
    assert format_wait_minutes(25, "ru") == "Время ожидания: примерно 25 минут"
    assert format_wait_minutes(20, "fa", native_digits=True) == "زمان انتظار: حدود ۲۰ دقیقه"
    assert format_wait_minutes(2, "ar", native_digits=True) == "وقت الانتظار التقريبي بالدقائق: ٢"
    with pytest.raises(ValueError, match="negative"):
        format_wait_minutes(-1, "de")


def test_people_before() -> None:
    assert format_people_before(0, "en") == "No one is waiting ahead of you."
    assert format_people_before(3, "en") == "3 people are waiting ahead of you."
    assert format_people_before(2, "ar") == "عدد الأشخاص أمامك: 2"
    assert format_people_before(0, "de") == "Vor Ihnen wartet niemand."
    assert format_people_before(1, "de") == "Vor Ihnen wartet 1 Person."
    assert format_people_before(4, "de") == "Vor Ihnen warten 4 Personen."
    assert format_people_before(1, "fr") == "1 personne attend avant vous."
    assert format_people_before(3, "tr") == "Önünüzde 3 kişi var."
    assert format_people_before(12, "fa", native_digits=True) == "تعداد افراد قبل از شما: ۱۲"
    with pytest.raises(ValueError):
        format_people_before(-2, "en")


def test_placeholder_sentences_in_every_language() -> None:
    for lang in UI_LANGUAGE_CODES:
        assert "Kurmancî" in format_interpreter_notice("kmr", lang)
        assert "ትግርኛ" in format_interpreter_notice("ti", lang)
        assert "{" not in format_idle_countdown(10, lang)
        assert "{" not in format_name_too_long(40, lang)
    assert format_idle_countdown(1, "uk") == "Через 1 секунду все почнеться спочатку."
    assert format_name_too_long(40, "ar", native_digits=True).endswith("٤٠ حرفاً.")


def test_to_native_digits_leaves_latin_languages_and_codes_alone() -> None:
    assert to_native_digits("A-017", "de") == "A-017"
    assert to_native_digits("12:30", "fa") == "۱۲:۳۰"
    assert to_native_digits("12:30", "fa", native_digits=False) == "12:30"
