"""Finding one visitor's records in this office's data: by ticket and day, by appointment
code, or by name.

Every selector is checked before anything is read, and every refusal is an
:class:`~kiosk.queue.errors.InvalidInput` with a message a person can act on (the command
line turns it into exit code 5, the console into a line in German).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.config import NetworkConfig
from kiosk.queue.appointments import CODE_ALPHABET, CODE_LENGTH, code_hash, normalise_code
from kiosk.queue.errors import InvalidInput
from kiosk.store.db import Store
from kiosk.store.models import Appointment, AuditEntry, SyncedModel, Visit

TICKET = re.compile(r"^[A-Z]-\d{3,4}$")
NAME_MAX = 200


@dataclass(frozen=True)
class Selector:
    """How staff name the visitor: exactly one of ticket (with day), code or name."""

    ticket: str | None = None
    day: str | None = None
    code: str | None = None
    name: str | None = None
    location: str | None = None

    def describe(self) -> str:
        """The selector without personal data, for messages and the audit (never the name)."""
        if self.ticket:
            return f"ticket {self.ticket} on {self.day}"
        if self.code:
            return "appointment code"
        return "name"

    def audit_detail(self) -> str:
        """What the audit keeps of the selector: its kind and a ticket's public number."""
        if self.ticket:
            return f"by=ticket;day={self.day};ticket={self.ticket}"
        return "by=code" if self.code else "by=name"


@dataclass(frozen=True)
class PersonRecord:
    """One record of the visitor, as export and erasure see it."""

    kind: str
    id: str
    day: str
    label: str
    """The ticket number of a visit, the local start time of an appointment."""
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> type[SyncedModel]:
        return Visit if self.kind == "visit" else Appointment


def normalise_name(text: str) -> str:
    """Compare names as people mean them: NFC, case-folded, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def check_selector(sel: Selector, today: dt.date) -> Selector:
    """The selector cleaned up, or InvalidInput naming what is wrong."""
    given = [n for n in ("ticket", "code", "name") if getattr(sel, n)]
    if len(given) != 1:
        raise InvalidInput("selector", "count", "name the visitor by exactly one of: "
                           "--ticket with --day, --code, --name")
    if sel.ticket:
        ticket = sel.ticket.strip().upper()
        if not TICKET.match(ticket):
            raise InvalidInput("ticket", "format", f"{ticket!r} is not a ticket number like A-017")
        if not sel.day:
            raise InvalidInput("day", "missing", "a ticket number needs its day (--day YYYY-MM-DD)")
        try:
            day = dt.date.fromisoformat(sel.day.strip())
        except ValueError:
            raise InvalidInput("day", "format", f"{sel.day!r} is not a day like 2026-11-30"
                               ) from None
        if day > today:
            raise InvalidInput("day", "future", f"{day} is in the future")
        return Selector(ticket=ticket, day=day.isoformat(), location=sel.location)
    if sel.day:
        raise InvalidInput("day", "unused", "--day goes with --ticket only")
    if sel.code:
        code = normalise_code(sel.code)
        if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
            raise InvalidInput("code", "format", "this is not an appointment code "
                               f"({CODE_LENGTH} characters like K7M-4QX)")
        return Selector(code=code, location=sel.location)
    name = normalise_name(sel.name or "")
    if not name or len(name) > NAME_MAX:
        raise InvalidInput("name", "format", f"a name of 1 to {NAME_MAX} characters is needed")
    return Selector(name=name, location=sel.location)


_HIDDEN = {"clocks", "erased", "code_hash", "staff", "target_staff"}
"""Not part of the visitor's data: bookkeeping, a hash, and staff members' ids."""


def _visible(record: SyncedModel) -> dict[str, Any]:
    return {n: getattr(record, n) for n in type(record).SYNCED_FIELDS if n not in _HIDDEN}


def _visit(v: Visit) -> PersonRecord:
    return PersonRecord("visit", v.id, v.day, v.ticket, _visible(v))


def _appointment(a: Appointment, tz: ZoneInfo) -> PersonRecord:
    start = dt.datetime.fromtimestamp(a.starts_at / 1000, tz)
    return PersonRecord("appointment", a.id, start.date().isoformat(),
                        start.strftime("%H:%M"), _visible(a))


class Finder:
    """Looks up a visitor's records within this office's store."""

    def __init__(self, store: Store, config: NetworkConfig, now: dt.datetime) -> None:
        self.store, self.config = store, config
        self.tz = ZoneInfo(config.timezone)
        self.today = now.astimezone(self.tz).date()

    def find(self, selector: Selector) -> tuple[Selector, list[PersonRecord]]:
        """The checked selector and the records it finds (visits first, then appointments).

        Raises:
            InvalidInput: a malformed selector, or one that finds nothing here (with why).
        """
        sel = check_selector(selector, self.today)
        if sel.location is not None:
            try:
                loc = self.config.location(sel.location)
            except KeyError as exc:
                raise InvalidInput("location", "unknown", str(exc.args[0])) from None
            if loc.office != self.store.site:
                raise InvalidInput("location", "foreign", f"{sel.location} is a location of "
                                   f"office {loc.office}, not of {self.store.site}")
        if sel.ticket:
            visits, appointments = self._by_ticket(sel), []
        elif sel.code:
            visits, appointments = [], self._by_code(sel)
        else:
            visits, appointments = self._by_name(sel)
        visits, appointments = self._linked(visits, appointments)
        found = [_visit(v) for v in visits] + [_appointment(a, self.tz) for a in appointments]
        if not found:
            raise InvalidInput(self._field(sel), "not_found", self._not_found(sel))
        return sel, found

    @staticmethod
    def _field(sel: Selector) -> str:
        return "ticket" if sel.ticket else "code" if sel.code else "name"

    def _mine(self, model: type[Visit] | type[Appointment], sel: Selector) -> Any:
        cond = (model.site == self.store.site) & (model.erased == False)  # noqa: E712
        if sel.location:
            cond &= model.location == sel.location
        return cond

    def _by_ticket(self, sel: Selector) -> list[Visit]:
        visits = list(Visit.select().where(self._mine(Visit, sel) & (Visit.day == sel.day)
                                           & (Visit.ticket == sel.ticket)))
        places = sorted({v.location for v in visits})
        if len(places) > 1:
            raise InvalidInput("ticket", "ambiguous",
                               f"ticket {sel.ticket} on {sel.day} was given at {len(places)} "
                               f"locations ({', '.join(places)}); add --location CODE")
        return visits

    def _by_code(self, sel: Selector) -> list[Appointment]:
        return list(Appointment.select().where(
            self._mine(Appointment, sel) & (Appointment.code_hash == code_hash(sel.code or ""))))

    def _by_name(self, sel: Selector) -> tuple[list[Visit], list[Appointment]]:
        # Names are compared case-folded (Unicode rules), which SQLite cannot do: read the
        # few records that still hold a name (retention keeps them to a few months).
        visits = [v for v in Visit.select().where(self._mine(Visit, sel)
                                                  & Visit.first_name.is_null(False))
                  if normalise_name(v.first_name) == sel.name]
        appts = [a for a in Appointment.select().where(self._mine(Appointment, sel)
                                                       & Appointment.name.is_null(False))
                 if normalise_name(a.name) == sel.name]
        return visits, appts

    def _linked(self, visits: list[Visit], appointments: list[Appointment]
                ) -> tuple[list[Visit], list[Appointment]]:
        """Add the appointment a visit came for, and the visit an appointment led to."""
        seen_v = {v.id for v in visits}
        seen_a = {a.id for a in appointments}
        more_a = {v.appointment for v in visits if v.appointment} - seen_a
        more_v = {a.visit for a in appointments if a.visit} - seen_v
        if more_a:
            appointments += list(Appointment.select().where(
                Appointment.id.in_(sorted(more_a)) & (Appointment.site == self.store.site)))
        if more_v:
            visits += list(Visit.select().where(
                Visit.id.in_(sorted(more_v)) & (Visit.site == self.store.site)))
        visits.sort(key=lambda v: (v.day, v.checked_in_at, v.id))
        appointments.sort(key=lambda a: (a.starts_at, a.id))
        return visits, appointments

    def _not_found(self, sel: Selector) -> str:
        office = self.store.site
        if sel.ticket:
            erased = (AuditEntry.select(AuditEntry.at)
                      .where((AuditEntry.action == "privacy.erase")
                             & AuditEntry.detail.contains(f"day={sel.day};ticket={sel.ticket}"))
                      .order_by(AuditEntry.at.desc()).first())
            if erased is not None:
                when = dt.datetime.fromtimestamp(erased.at / 1000, self.tz)
                return (f"ticket {sel.ticket} of {sel.day} was already erased here on "
                        f"{when:%Y-%m-%d %H:%M}")
            return (f"no visit with ticket {sel.ticket} on {sel.day} at office {office} "
                    "(or it was erased at another machine)")
        if sel.code:
            return (f"no appointment with this code at office {office}: a code of another "
                    "office is found only there; an erased or redacted one no longer")
        return f"no record with this name at office {office} (names past retention are redacted)"
