"""The booking form, from the appointments screen and as a follow-up from the finish dialog.

The form books when "Buchen" is pressed and stays open on a refused value (the wrong field
marked, every other field as typed). The visitor's one-time code is the dialog's result; the
caller shows it once in a `NoticeDialog` and nowhere else (it once lingered in the status
line for everyone walking past the desk to read).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.queue.errors import Closed, DoubleBooking, InvalidInput, QueueError
from kiosk.queue.views import VisitInfo
from kiosk.staffing.console import Console
from kiosk.staffing.forms import parse_minutes, parse_slot
from kiosk.ui.staff.dialogs import FieldSpec, FormDialog, Rejected
from kiosk.ui.staff.texts import error_text, language_name
from kiosk.ui.thread_store import thread_store

#: Which form fields an error of the booking service is about.
_FIELDS = {"starts_at": ("date", "time"), "duration": ("minutes",), "date": ("date",),
           "time": ("time",), "desk": ("desk",), "phone": ("phone",), "first_name": ("name",),
           "name": ("name",), "language": ("language",), "concerns": ("concern",)}


@dataclass(frozen=True)
class Booked:
    """What the notice shows once: when, and the visitor's code."""

    when: dt.datetime
    code: str

    def notice(self) -> str:
        return (f"Termin am {self.when:%d.%m.%Y um %H:%M} Uhr gebucht.\n\n"
                f"Code für die Besucherin / den Besucher:\n\n      {self.code}\n\n"
                "Der Code wird nur jetzt angezeigt – bitte aufschreiben oder mitgeben.")


def explain(exc: QueueError) -> Rejected:
    """The German sentence for a refused booking and the fields it is about."""
    if isinstance(exc, DoubleBooking):
        fields: tuple[str, ...] = ("time", "desk")
    elif isinstance(exc, Closed):
        fields = ("date", "time")
    elif isinstance(exc, InvalidInput):
        fields = _FIELDS.get(exc.field, ())
    else:
        fields = ()
    return Rejected(error_text(exc), fields)


def booking_dialog(console: Console, day: dt.date, desk: str | None = None,
                   follow_up: VisitInfo | None = None) -> FormDialog:
    """The form, pre-filled from a finished visit when it books its follow-up.

    Args:
        console: the signed-in console (the booking is audited as its staff member's).
        day: the day the form suggests.
        desk: the desk the form suggests (else the staff member's own).
        follow_up: the visit the appointment follows (concern, language, first name).
    """
    ctx = console.ctx
    office = ctx.config.office(ctx.store.site)
    desks = office.desks
    when = dt.datetime.combine(day, dt.time(10, 0))
    language = follow_up.language if follow_up and follow_up.language in office.languages \
        else "de"
    fields = [
        FieldSpec("date", "Datum", value=f"{when:%d.%m.%Y}"),
        FieldSpec("time", "Uhrzeit", value=f"{when:%H:%M}"),
        FieldSpec("minutes", "Dauer (min)", value="30"),
        FieldSpec("desk", "Schalter", "select", desk or console.staff.desk or "",
                  [(f"Schalter {d}", d) for d in desks]),
        FieldSpec("language", "Beratungssprache", "select", language,
                  [(language_name(c), c) for c in office.languages]),
        FieldSpec("interpreter", "Dolmetsch für", "select",
                  (follow_up.interpreter_language or "") if follow_up else "",
                  [(language_name(c), c) for c in ctx.config.interpreter_languages]),
        FieldSpec("concern", "Anliegen", "select",
                  follow_up.concerns[0] if follow_up and follow_up.concerns else "",
                  [(c.label, c.id) for c in ctx.config.concerns]),
        FieldSpec("name", "Vorname (optional)",
                  value=(follow_up.first_name or "") if follow_up else ""),
        FieldSpec("phone", "Telefon (optional)"),
    ]
    staff = console.staff.id
    tz = ctx.queue.tz

    def book(values: dict) -> Booked:
        with thread_store(ctx.store):
            at = parse_slot(values["date"], values["time"], tz)
            _info, code = ctx.appointments.book(
                at, values["language"] or "de", minutes=parse_minutes(values["minutes"]),
                desk=values["desk"], interpreter_language=values["interpreter"],
                concerns=[values["concern"]] if values["concern"] else [],
                name=values["name"] or None, phone=values["phone"].strip() or None,
                staff_id=staff)
        return Booked(at, code)

    title = (f"Folgetermin für {follow_up.ticket} buchen" if follow_up
             else "Termin buchen")
    return FormDialog(title, fields, ok="Buchen", submit=book, explain=explain)
