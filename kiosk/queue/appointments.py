"""Appointments: book, move, cancel, and check in with the short code the visitor holds.

The code is short, has no characters that are easily confused when read aloud or written
by hand (0/O, 1/I/L, 2/Z, 5/S, 8/B), and only its hash is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence

from kiosk.queue.errors import AppointmentNotFound, DoubleBooking, InvalidInput, NotFound
from kiosk.queue.service import QueueService
from kiosk.queue.validation import check_language, clean_first_name
from kiosk.queue.views import AppointmentInfo, TicketInfo
from kiosk.store.models import Appointment, AuditEntry

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_code() -> str:
    """A fresh appointment code like `K7M-4QX`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:3]}-{raw[3:]}"


def normalise_code(text: str) -> str:
    """What a visitor typed, as the code it most likely means."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(b"lw-appointment:" + normalise_code(code).encode()).hexdigest()


class Appointments:
    """The appointment book of one site's location."""

    def __init__(self, queue: QueueService) -> None:
        self.queue = queue
        self.store = queue.store

    def _overlapping(self, starts: int, minutes: int, desk: str | None,
                     exclude: str | None = None) -> bool:
        end = starts + minutes * 60_000
        query = Appointment.select().where(
            (Appointment.location == self.queue.location.code)
            & (Appointment.status == "booked") & (Appointment.erased == False)  # noqa: E712
            & (Appointment.starts_at < end) & (Appointment.starts_at > starts - 4 * 3600_000))
        query = query.where(Appointment.desk.is_null() if desk is None
                            else Appointment.desk == desk)
        return any(a.starts_at + a.duration_min * 60_000 > starts and a.id != exclude
                   for a in query)

    def _check_slot(self, starts_at: dt.datetime, minutes: int, desk: str | None,
                    exclude: str | None = None) -> int:
        if starts_at.tzinfo is None:
            raise InvalidInput("starts_at", "naive", "the start time needs a time zone")
        if not 5 <= minutes <= 240:
            raise InvalidInput("duration", "range", "an appointment lasts 5 to 240 minutes")
        if starts_at < self.queue.now():
            raise InvalidInput("starts_at", "past", "an appointment cannot be in the past")
        local = starts_at.astimezone(self.queue.tz)
        loc = self.queue.location
        if loc.hours and not (loc.is_open(local)
                              and loc.is_open(local + dt.timedelta(minutes=minutes - 1))):
            raise InvalidInput("starts_at", "closed", "that time is outside consulting hours")
        office = self.queue.config.office(self.store.site)
        if desk is not None and desk not in office.desks:
            raise InvalidInput("desk", "unknown", f"there is no desk {desk!r} here")
        ms = int(starts_at.timestamp() * 1000)
        if self._overlapping(ms, minutes, desk, exclude):
            raise DoubleBooking(f"desk {desk or '(any)'} is already booked at "
                                f"{local:%d.%m.%Y %H:%M}")
        return ms

    def book(self, starts_at: dt.datetime, language: str, *, minutes: int = 30,
             desk: str | None = None, interpreter_language: str | None = None,
             concerns: Sequence[str] = (), name: str | None = None, phone: str | None = None,
             staff_id: str | None = None) -> tuple[AppointmentInfo, str]:
        """Book an appointment.

        Returns:
            The appointment and its code (shown once; only a hash is kept).
        """
        check_language("language", language)
        check_language("interpreter_language", interpreter_language, optional=True)
        clean = self.queue._check_concerns(concerns)
        name = clean_first_name(name)
        if phone is not None and (len(phone) > 30 or not all(c in "+0123456789 /-()"
                                                            for c in phone)):
            raise InvalidInput("phone", "bad", "a phone number has digits, spaces and + / - only")
        code = new_code()
        with self.store.writing() as w:
            ms = self._check_slot(starts_at, minutes, desk)
            appt = w.put(Appointment, None, dict(
                site=self.store.site, location=self.queue.location.code, starts_at=ms,
                duration_min=minutes, desk=desk, language=language,
                interpreter_language=interpreter_language, concerns=clean, name=name,
                phone=phone or None, code_hash=code_hash(code), status="booked"))
            AuditEntry.create(at=self.queue.now_ms(), staff=staff_id, action="book",
                              record=appt.id)
        return AppointmentInfo.of(appt), code

    def move(self, appointment_id: str, starts_at: dt.datetime, *, minutes: int | None = None,
             desk: str | None = None, staff_id: str | None = None) -> AppointmentInfo:
        with self.store.writing() as w:
            appt = Appointment.get_or_none(Appointment.id == appointment_id)
            if appt is None or appt.status != "booked":
                raise NotFound("no booked appointment with that id")
            minutes = minutes or appt.duration_min
            ms = self._check_slot(starts_at, minutes, desk, exclude=appt.id)
            appt = w.put(Appointment, appt.id, dict(starts_at=ms, duration_min=minutes,
                                                    desk=desk))
            AuditEntry.create(at=self.queue.now_ms(), staff=staff_id, action="move",
                              record=appt.id)
        return AppointmentInfo.of(appt)

    def cancel(self, appointment_id: str, staff_id: str | None = None) -> AppointmentInfo:
        with self.store.writing() as w:
            appt = Appointment.get_or_none(Appointment.id == appointment_id)
            if appt is None or appt.status != "booked":
                raise NotFound("no booked appointment with that id")
            appt = w.put(Appointment, appt.id, dict(status="cancelled"))
            AuditEntry.create(at=self.queue.now_ms(), staff=staff_id, action="cancel",
                              record=appt.id)
        return AppointmentInfo.of(appt)

    def uncancel(self, appointment_id: str, staff_id: str | None = None) -> AppointmentInfo:
        """Take a cancellation back (the console offers it for a few seconds).

        The slot is checked again: a colleague may have booked the desk meanwhile.
        """
        with self.store.writing() as w:
            appt = Appointment.get_or_none(Appointment.id == appointment_id)
            if appt is None or appt.status != "cancelled" or appt.erased:
                raise NotFound("no cancelled appointment with that id")
            start = dt.datetime.fromtimestamp(appt.starts_at / 1000, self.queue.tz)
            self._check_slot(start, appt.duration_min, appt.desk, exclude=appt.id)
            appt = w.put(Appointment, appt.id, dict(status="booked"))
            AuditEntry.create(at=self.queue.now_ms(), staff=staff_id, action="uncancel",
                              record=appt.id)
        return AppointmentInfo.of(appt)

    def day(self, day: dt.date | None = None) -> list[AppointmentInfo]:
        """The day's appointments at this location, by start time."""
        day = day or self.queue.now().date()
        start = dt.datetime.combine(day, dt.time(0), tzinfo=self.queue.tz)
        lo = int(start.timestamp() * 1000)
        hi = lo + 24 * 3600_000
        query = (Appointment.select()
                 .where((Appointment.location == self.queue.location.code)
                        & (Appointment.starts_at >= lo) & (Appointment.starts_at < hi)
                        & (Appointment.erased == False))  # noqa: E712
                 .order_by(Appointment.starts_at, Appointment.desk))
        return [AppointmentInfo.of(a) for a in query]

    def check_in(self, code: str) -> TicketInfo:
        """Confirm the arrival of a visitor with an appointment today and give a ticket.

        Raises:
            AppointmentNotFound: unknown code, another day or place, or already used.
        """
        if len(normalise_code(code)) != CODE_LENGTH:
            raise AppointmentNotFound("appointment codes have 6 characters")
        today = self.queue.now().date()
        with self.store.writing() as w:
            appt = (Appointment.select()
                    .where((Appointment.code_hash == code_hash(code))
                           & (Appointment.location == self.queue.location.code)
                           & (Appointment.status == "booked")
                           & (Appointment.erased == False))  # noqa: E712
                    .first())
            if appt is None or dt.datetime.fromtimestamp(
                    appt.starts_at / 1000, self.queue.tz).date() != today:
                raise AppointmentNotFound("no appointment with this code here today")
            visit = self.queue._check_in_appointment(w, appt)
        return self.queue.ticket_info(visit.id)
