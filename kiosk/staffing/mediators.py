"""The register of volunteer language mediators (Sprachmittler:innen) and who could help.

Mediators are synced records (the whole network shares one register). When a waiting
visitor or a booked appointment needs a language nobody on duty speaks, `needs()` says which
mediators could be phoned, those available on that weekday first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kiosk.config import WEEKDAYS
from kiosk.queue.errors import InvalidInput, NotFound
from kiosk.queue.validation import check_language
from kiosk.queue.views import AppointmentInfo, VisitInfo
from kiosk.staffing.audit import record_action
from kiosk.store.db import Store
from kiosk.store.models import Mediator
from kiosk.text_rules import MAX_NAME, clean_typed_text

#: Longest contact of a mediator (phone numbers, e-mail, "via Caritas, Frau K.").
MAX_CONTACT = 80


@dataclass(frozen=True)
class MediatorInfo:
    """A mediator as the console shows it."""

    id: str
    name: str
    languages: tuple[str, ...]
    contact: str
    weekdays: tuple[str, ...]
    active: bool

    @classmethod
    def of(cls, m: Mediator) -> MediatorInfo:
        return cls(m.id, m.name, tuple(m.languages or ()), m.contact or "",
                   tuple(m.weekdays or ()), bool(m.active))


@dataclass(frozen=True)
class MediatorNeed:
    """A visitor or appointment needing a language nobody on duty speaks.

    `ticket` is the waiting visitor's number, or None for an appointment (then `starts_at`).
    `available` mediators can come that weekday; `others` speak it but on other days.
    """

    language: str
    ticket: str | None
    starts_at: int | None
    available: tuple[MediatorInfo, ...]
    others: tuple[MediatorInfo, ...]


def _clean_weekdays(days: Iterable[str]) -> list[str]:
    out = []
    for day in days:
        day = day.strip().lower()
        if day not in WEEKDAYS:
            raise InvalidInput("weekdays", "unknown",
                               f"weekdays are {', '.join(WEEKDAYS)}, not {day!r}")
        if day not in out:
            out.append(day)
    return sorted(out, key=WEEKDAYS.index)


class MediatorRegister:
    """Add, change, list mediators and suggest them for a language."""

    def __init__(self, store: Store, now_ms: Callable[[], int]) -> None:
        self.store = store
        self.now_ms = now_ms

    def add(self, name: str, languages: Iterable[str], *, contact: str = "",
            weekdays: Iterable[str] = (), by: str | None = None) -> MediatorInfo:
        """Register a mediator (languages as codes, weekdays as mon…sun)."""
        name = clean_typed_text("name", name, MAX_NAME)
        if not name:
            raise InvalidInput("name", "missing", "a mediator needs a name")
        langs = [check_language("languages", c.strip().lower()) or "" for c in languages
                 if c.strip()]
        if not langs:
            raise InvalidInput("languages", "missing", "a mediator needs a language")
        fields = dict(name=name, languages=sorted(set(langs)),
                      contact=clean_typed_text("contact", contact, MAX_CONTACT),
                      weekdays=_clean_weekdays(weekdays), active=True)
        with self.store.writing() as w:
            m = w.put(Mediator, None, fields)
            record_action(self.now_ms(), by, "mediator_add", m.id)
        return MediatorInfo.of(m)

    def set_active(self, mediator_id: str, active: bool, *, by: str | None = None,
                   ) -> MediatorInfo:
        """Take a mediator off the register (or back on); the record stays for sync."""
        with self.store.writing() as w:
            if Mediator.get_or_none(Mediator.id == mediator_id) is None:
                raise NotFound(f"no mediator {mediator_id}")
            m = w.put(Mediator, mediator_id, dict(active=active))
            record_action(self.now_ms(), by,
                          "mediator_activate" if active else "mediator_deactivate", m.id)
        return MediatorInfo.of(m)

    def list(self, *, include_inactive: bool = False) -> list[MediatorInfo]:
        query = (Mediator.select().where(Mediator.erased == False)  # noqa: E712
                 .order_by(Mediator.name))
        if not include_inactive:
            query = query.where(Mediator.active == True)  # noqa: E712
        return [MediatorInfo.of(m) for m in query]

    def suggest(self, language: str, weekday: str | None = None,
                ) -> tuple[tuple[MediatorInfo, ...], tuple[MediatorInfo, ...]]:
        """Active mediators for `language`: (available on `weekday`, the others)."""
        speakers = [m for m in self.list() if language in m.languages]
        available = tuple(m for m in speakers if weekday is None or weekday in m.weekdays)
        others = tuple(m for m in speakers if m not in available)
        return available, others

    def needs(self, waiting: Sequence[VisitInfo], appointments: Sequence[AppointmentInfo],
              spoken_now: set[str], spoken_by_staff: set[str], today: dt.date,
              tz: dt.tzinfo) -> list[MediatorNeed]:
        """Waiting visitors and booked appointments that need a language nobody can speak.

        Args:
            waiting: today's waiting visitors; matched against `spoken_now` (on duty).
            appointments: upcoming booked appointments; matched against `spoken_by_staff`
                (every active profile, since who works that day is not known yet).
        """
        out: list[MediatorNeed] = []
        weekday = WEEKDAYS[today.weekday()]
        for v in waiting:
            for lang in _needed(v.language, v.interpreter_language, spoken_now):
                available, others = self.suggest(lang, weekday)
                out.append(MediatorNeed(lang, v.ticket, None, available, others))
        for a in appointments:
            if a.status != "booked":
                continue
            for lang in _needed(a.language, a.interpreter_language, spoken_by_staff):
                day = dt.datetime.fromtimestamp(a.starts_at / 1000, tz).date()
                available, others = self.suggest(lang, WEEKDAYS[day.weekday()])
                out.append(MediatorNeed(lang, None, a.starts_at, available, others))
        return out


def _needed(language: str, interpreter: str | None, spoken: set[str]) -> list[str]:
    """The languages a mediator must cover for this visitor (none if staff speak them)."""
    out = []
    if language not in spoken:
        out.append(language)
    if interpreter and interpreter not in spoken and interpreter not in out:
        out.append(interpreter)
    return out
