"""Parsing what staff type in the console's forms (dates, times, lists) into clean values.

Kept out of the screens so the same rules hold in the console and can be unit-tested.
"""

from __future__ import annotations

import datetime as dt
import re

from kiosk.config import WEEKDAYS
from kiosk.queue.errors import InvalidInput

#: German weekday abbreviations staff type, mapped to the config's codes.
GERMAN_WEEKDAYS = {"mo": "mon", "di": "tue", "mi": "wed", "do": "thu", "fr": "fri",
                   "sa": "sat", "so": "sun"}


def parse_date(text: str) -> dt.date:
    """`24.11.2026`, `24.11.` (this year) or ISO `2026-11-24`."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})?", text)
        if m:
            year = int(m.group(3)) if m.group(3) else dt.date.today().year
            return dt.date(year, int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    raise InvalidInput("date", "format", "a date looks like 24.11.2026")


def parse_time(text: str) -> dt.time:
    """`9:30`, `09:30` or `0930`."""
    m = re.fullmatch(r"(\d{1,2}):?(\d{2})", text.strip())
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return dt.time(int(m.group(1)), int(m.group(2)))
    raise InvalidInput("time", "format", "a time looks like 09:30")


def parse_slot(date_text: str, time_text: str, tz: dt.tzinfo) -> dt.datetime:
    """A timezone-aware start time from the date and time fields."""
    return dt.datetime.combine(parse_date(date_text), parse_time(time_text), tzinfo=tz)


def parse_minutes(text: str, default: int = 30) -> int:
    text = text.strip()
    if not text:
        return default
    if not text.isdigit():
        raise InvalidInput("duration", "format", "the duration is a number of minutes")
    return int(text)


def parse_codes(text: str) -> list[str]:
    """`de, fa ar` → ["de", "fa", "ar"] (language codes, lower case, in order)."""
    return [c for c in re.split(r"[\s,;]+", text.strip().lower()) if c]


def parse_weekdays(text: str) -> list[str]:
    """`Mo, Di` or `mon,tue` → ["mon", "tue"]."""
    return [_FULL_NAMES.get(word) or GERMAN_WEEKDAYS.get(word) or word
            for word in parse_codes(text)]


_FULL_NAMES = {name: code for code, names in zip(WEEKDAYS, (
    ("monday", "montag"), ("tuesday", "dienstag"), ("wednesday", "mittwoch"),
    ("thursday", "donnerstag"), ("friday", "freitag"), ("saturday", "samstag"),
    ("sunday", "sonntag")), strict=True) for name in names}
