"""The console's words, in German only.

Staff at the offices work in German (DESIGN.md: staff are German speakers; visitors choose
their language at the kiosk). Keeping the console's strings here in one module — not in the
visitors' gettext catalogs, where 8 real translations of ~150 staff strings would have to be
kept alive for nobody — makes the choice easy to revisit: a later move to gettext only has
to wrap this module. Queue-core errors are turned into German sentences here, in one place.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale

from kiosk.queue.errors import (
    AppointmentNotFound,
    Closed,
    DoubleBooking,
    InvalidInput,
    NotFound,
    QueueError,
)
from kiosk.queue.states import IllegalTransition
from kiosk.staffing.desks import MAX_LABEL
from kiosk.staffing.errors import AmbiguousStaff, LockedOut, NotAdmin, UnknownStaff, WrongPin
from kiosk.staffing.mediators import MAX_CONTACT, MediatorNeed
from kiosk.terminal_text import DISPLAY_LIMIT, printable
from kiosk.text_rules import MAX_NAME

STATUS = {
    "queued": "wartet", "called": "aufgerufen", "in_service": "im Gespräch",
    "parked": "geparkt", "missed": "verpasst", "finished": "erledigt", "cancelled": "storniert",
    "booked": "gebucht", "arrived": "angekommen",
}
ACTION = {
    "call": "Aufrufen", "start": "Gespräch beginnen", "miss": "Als verpasst markieren",
    "restore": "Zurückholen", "park": "Parken", "unpark": "Fortsetzen",
    "transfer": "Weitergeben", "finish": "Abschließen", "cancel": "Stornieren",
    "recall": "Erneut aufrufen",
}
OUTCOME = {
    "resolved": "Erledigt", "referred": "Weitervermittelt an Fachstelle",
    "follow_up": "Folgetermin vereinbart", "other": "Sonstiges (Notiz)",
}
REASON = {
    "medical": "Medizinisch", "safety": "Sicherheit", "disability": "Behinderung",
    "pregnancy": "Schwangerschaft", "small_children": "Mit kleinen Kindern",
    "elderly": "Hohes Alter",
}
WEEKDAY = {"mon": "Mo", "tue": "Di", "wed": "Mi", "thu": "Do", "fri": "Fr", "sat": "Sa",
           "sun": "So"}

POLICY_HELP = """\
[b]Wer als Nächstes aufgerufen wird[/b] (Taste [b]n[/b]):
 1. An andere Schalter oder Kolleg:innen weitergegebene Personen nie; an mich weitergegebene
    zählen als passend.
 2. Dringende (Priorität mit Grundcode) zuerst, die am längsten Wartenden zuerst.
 3. Fällige Termine (ab wenigen Minuten vor Beginn), frühester Beginn zuerst.
 4. Wer länger als die Fairness-Grenze ({fairness} min) wartet, egal in welcher Sprache:
    niemand wird dauerhaft übergangen.
 5. Personen, deren Beratungssprache ich spreche, nach Priorität und Ankunft.
 6. Sonst die am längsten Wartenden: Sprachmittlung oder Kolleg:innen können helfen.

Personen mit einer Sprache, die niemand im Dienst spricht, sind mit ⚑ markiert; unter
„Sprachmittlung“ stehen Sprachmittler:innen, die helfen könnten (Taste [b]m[/b]).
Nach {max_calls} Aufrufen ohne Erscheinen gilt ein Besuch als verpasst; mit [b]z[/b]
kommt er mit seinem alten Platz zurück in die Warteschlange.

Aktionen wirken auf die Person, die ich gerade aufgerufen habe – oder auf die Zeile, die
ich danach mit Pfeiltasten oder Maus ausgewählt habe. Jeder Dialog nennt die Nummer.
[b]F12[/b] sendet einen stillen Notruf an alle Konsolen des Büros, [b]F8[/b] bestätigt ihn.
"""


@lru_cache(maxsize=256)
def language_name(code: str | None) -> str:
    """German name of a language code ("fa" → "Persisch"), the code if unknown."""
    if not code:
        return "—"
    return _NAMES.get(code) or Locale("de").languages.get(code, code)


#: Names Babel lacks or words differently from the offices' usage.
_NAMES = {"prs": "Dari", "kmr": "Kurmandschi"}


def weekdays_text(codes: list[str] | tuple[str, ...], sep: str = " ") -> str:
    """German weekday abbreviations; a code this version does not know (by sync) as typed."""
    return sep.join(WEEKDAY.get(d) or printable(d, limit=12) for d in codes)


def mediator_hints(need: MediatorNeed, *, others_days: bool = True) -> str:
    """Mediators who could help with one need: today's with contact, others with their days.

    Names and contacts are typed by people at any office and arrive by sync; they are made
    printable and shortened here, the caller still shows the line as inert text.
    """
    helpers = [f"{printable(m.name, limit=DISPLAY_LIMIT)} "
               f"({printable(m.contact, limit=DISPLAY_LIMIT) or 'ohne Kontakt'})"
               for m in need.available]
    if others_days:
        helpers += [f"{printable(m.name, limit=DISPLAY_LIMIT)} "
                    + (f"nur {weekdays_text(m.weekdays, '/')}" if m.weekdays
                       else "(Tage nach Absprache)") for m in need.others]
    else:
        helpers += [printable(m.name, limit=DISPLAY_LIMIT) for m in need.others]
    return "; ".join(helpers)


def result_text(label: str, ticket: str, status: str, call_count: int = 0) -> str:
    """The status line after an action: what happened to which ticket, in words.

    A last recall makes the visit "missed"; "Erneut aufgerufen (verpasst)" read as if the
    visitor had been called once more, so that case says what really happened.
    """
    if status == "missed":
        return (f"{ticket} ist nach {call_count} Aufrufen nicht gekommen und steht jetzt "
                "unter „verpasst“ (z holt zurück).")
    return f"{label}: {ticket} ({STATUS.get(status, status)})"


def clock_text(ms: int, tz: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, tz).strftime("%H:%M")


def date_text(ms: int, tz: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, tz).strftime("%d.%m.%Y %H:%M")


def sync_text(last_ms: int | None, pending: int, now_ms: int, tz: dt.tzinfo) -> str:
    """When the site last synced and whether changes wait, for the console's queue title."""
    if last_ms is None:
        when = "noch nie"
    elif (dt.datetime.fromtimestamp(last_ms / 1000, tz).date()
          == dt.datetime.fromtimestamp(now_ms / 1000, tz).date()):
        when = f"heute {clock_text(last_ms, tz)} Uhr"
    else:
        when = date_text(last_ms, tz)
    waiting = (f"{pending} Änderung{'en' if pending != 1 else ''} warten auf den Abgleich"
               if pending else "nichts offen")
    return f"Netz-Abgleich: {when} · {waiting}"


_INVALID = {
    ("starts_at", "past"): "Ein Termin kann nicht in der Vergangenheit liegen.",
    ("starts_at", "closed"): "Diese Zeit liegt außerhalb der Beratungszeiten.",
    ("duration", "range"): "Ein Termin dauert 5 bis 240 Minuten.",
    ("duration", "format"): "Die Dauer ist eine Zahl von Minuten.",
    ("date", "format"): "Ein Datum sieht so aus: 24.11.2026.",
    ("time", "format"): "Eine Uhrzeit sieht so aus: 09:30.",
    ("desk", "unknown"): "Diesen Schalter gibt es hier nicht.",
    ("phone", "bad"): "Eine Telefonnummer enthält nur Ziffern, Leerzeichen und + / - ( ).",
    ("first_name", "too_long"): "Der Name ist zu lang (höchstens 40 Zeichen).",
    ("first_name", "bad_character"): "Der Name enthält Zeichen, die nicht erlaubt sind.",
    ("pin", "format"): "Eine PIN hat 4 bis 12 Ziffern.",
    ("pin", "mismatch"): "Die beiden PINs stimmen nicht überein.",
    ("target", "missing"): "Bitte einen Schalter oder eine Kollegin / einen Kollegen wählen.",
    ("note", "too_long"): "Die Notiz ist zu lang (höchstens 500 Zeichen).",
    ("languages", "missing"): "Mindestens eine Sprache angeben.",
    ("languages", "bad_code"): "Sprachen als Kürzel angeben, z. B. de, fa, ar.",
    ("weekdays", "unknown"): "Wochentage als Mo, Di, Mi, Do, Fr, Sa, So angeben.",
    ("referral", "unknown"): "Bitte eine Fachstelle aus der Liste wählen.",
    ("name", "missing"): "Bitte einen Namen angeben.",
    ("name", "too_long"): f"Der Name ist zu lang (höchstens {MAX_NAME} Zeichen).",
    ("contact", "too_long"): f"Der Kontakt ist zu lang (höchstens {MAX_CONTACT} Zeichen).",
    ("label", "too_long"): f"Die Bezeichnung ist zu lang (höchstens {MAX_LABEL} Zeichen).",
    **{(field, "bad_character"): f"{what} enthält ein unsichtbares Steuerzeichen (z. B. eine "
       "Richtungsumkehr), das nicht erlaubt ist. Bitte neu tippen statt einfügen."
       for field, what in (("name", "Der Name"), ("contact", "Der Kontakt"),
                           ("label", "Die Bezeichnung"))},
}


def error_text(exc: Exception, tz: dt.tzinfo | None = None) -> str:
    """A German sentence for a known error (the one place where they are worded)."""
    if isinstance(exc, WrongPin):
        return (f"Falsche PIN. Noch {exc.remaining} Versuch(e), dann wird das Profil "
                "für einige Minuten gesperrt.")
    if isinstance(exc, LockedOut):
        until = f" bis {clock_text(exc.until_ms, tz)} Uhr" if tz else ""
        return f"Zu viele falsche PINs: das Profil ist{until} gesperrt."
    if isinstance(exc, NotAdmin):
        return "Dafür ist die PIN eines Admin-Profils nötig."
    if isinstance(exc, UnknownStaff):
        return "Dieses Profil gibt es nicht oder es ist deaktiviert."
    if isinstance(exc, AmbiguousStaff):
        return "Mehrere Profile heißen so – bitte die Kennung verwenden."
    if isinstance(exc, DoubleBooking):
        return ("Doppelbuchung abgelehnt: Der Schalter ist zu dieser Zeit schon belegt. "
                "Bitte eine andere Zeit oder einen anderen Schalter wählen.")
    if isinstance(exc, AppointmentNotFound):
        return ("Unbekannter Termincode: kein gebuchter Termin mit diesem Code heute hier "
                "(oder schon eingelöst).")
    if isinstance(exc, IllegalTransition):
        return (f"Nicht möglich: „{ACTION.get(exc.action, exc.action)}“, solange der Besuch "
                f"„{STATUS.get(exc.state, exc.state)}“ ist.")
    if isinstance(exc, Closed):
        return "Außerhalb der Beratungszeiten."
    if isinstance(exc, InvalidInput):
        return _INVALID.get((exc.field, exc.reason), f"Ungültige Eingabe ({exc.field}).")
    if isinstance(exc, NotFound):
        return "Nicht gefunden – vielleicht hat es gerade jemand anderes bearbeitet."
    if isinstance(exc, QueueError):
        return f"Fehler: {exc}"
    return f"Unerwarteter Fehler: {type(exc).__name__}"
