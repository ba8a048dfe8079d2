"""Which stored fields are personal, and which stay as anonymous facts.

One table, read by redaction, export, erasure and the report, so that a field added to a
model is classified in one place (a test fails on a synced field that is in neither list).
"""

from __future__ import annotations

from kiosk.store.models import Appointment, SyncedModel, Visit

PERSONAL_FIELDS: dict[type[SyncedModel], tuple[str, ...]] = {
    Visit: ("first_name", "note"),
    Appointment: ("name", "phone", "code_hash"),
}
"""Fields that name, reach or describe a person in words someone typed, or that let a record
be found again from what the visitor holds (the appointment code's hash)."""

ANONYMOUS_FIELDS: dict[type[SyncedModel], tuple[str, ...]] = {
    Visit: ("site", "location", "day", "prefix", "seq", "ticket", "kind", "status", "priority",
            "priority_reason", "concerns", "language", "interpreter_language", "call_count",
            "desk", "staff", "target_desk", "target_staff", "appointment", "checked_in_at",
            "called_at", "service_started_at", "finished_at", "missed_at", "parked_at",
            "outcome", "referral"),
    Appointment: ("site", "location", "starts_at", "duration_min", "desk", "language",
                  "interpreter_language", "concerns", "status", "visit"),
}
"""Fields kept after redaction: codes, times and counts the statistics are made of
(a priority reason is a code from a short list, never free text)."""


REASONS: dict[str, str] = {
    "request": "Die Person verlangt die Löschung (Art. 17 Abs. 1 DSGVO)",
    "consent_withdrawn": "Die Person widerruft ihre Einwilligung (Art. 17 Abs. 1 b)",
    "objection": "Die Person widerspricht der Verarbeitung (Art. 17 Abs. 1 c)",
    "unlawful": "Die Daten wurden unrechtmäßig erfasst (Art. 17 Abs. 1 d)",
    "mistake": "Versehentlich erfasst (falsche Person, Testeintrag)",
}
"""Reason codes staff choose from (kept in the audit; no free text)."""


def redacted_values(model: type[SyncedModel]) -> dict[str, object]:
    """The values a redacted record keeps in its personal fields: nothing personal."""
    out: dict[str, object] = {}
    for name in PERSONAL_FIELDS[model]:
        field = model._meta.fields[name]
        out[name] = None if field.null else ""
    return out
