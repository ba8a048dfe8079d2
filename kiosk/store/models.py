"""Peewee models of the local store.

Records that sync between sites (`SyncedModel`) carry a random id, per-field clocks and an
erasure flag, so that two sites' edits of different fields both survive the merge. Records
that stay at the site (staff profiles with PIN hashes, the audit log, the outbox) are plain.
Timestamps are integer milliseconds since the epoch (UTC): cheap to compare and index.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DatabaseProxy,
    IntegerField,
    Model,
    TextField,
)

from kiosk.store.clock_column import ClocksField

#: Bound to a real database by `kiosk.store.db.open_store`; nothing connects at import time.
database = DatabaseProxy()


class JSONField(TextField):
    """A list or dict kept as compact JSON text."""

    _encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode

    def db_value(self, value: Any) -> str | None:
        return None if value is None else self._encode(value)

    def python_value(self, value: str | None) -> Any:
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Setting(BaseModel):
    """Site-wide values: site code, location, the persisted clock, counters."""

    key = CharField(primary_key=True)
    value = TextField()


class SyncedModel(BaseModel):
    """A record that syncs: a state-based CRDT, one last-writer-wins register per field."""

    #: The record kind named inside sealed envelopes.
    KIND: ClassVar[str] = ""
    #: The fields that are merged; everything else is bookkeeping.
    SYNCED_FIELDS: ClassVar[tuple[str, ...]] = ()

    id = CharField(primary_key=True, max_length=32)
    #: field name → text form of the HLC timestamp (which embeds the writer site),
    #: stored grouped by clock (see :mod:`kiosk.store.clock_column`).
    clocks = ClocksField(default=dict)
    erased = BooleanField(default=False)


class Visit(SyncedModel):
    """One person's visit: check-in, ticket, calls, service, outcome."""

    KIND = "visit"
    SYNCED_FIELDS = (
        "site", "location", "day", "prefix", "seq", "ticket", "kind", "status", "priority",
        "priority_reason", "concerns", "language", "interpreter_language", "first_name",
        "call_count", "desk", "staff", "target_desk", "target_staff", "appointment",
        "checked_in_at", "called_at", "service_started_at", "finished_at", "missed_at",
        "parked_at", "outcome", "referral", "note",
    )

    site = CharField()
    location = CharField()
    day = CharField()
    prefix = CharField()
    seq = IntegerField()
    ticket = CharField()
    kind = CharField(default="walk_in")
    status = CharField(default="queued")
    priority = IntegerField(default=2)
    priority_reason = CharField(null=True)
    concerns = JSONField(default=list)
    language = CharField()
    interpreter_language = CharField(null=True)
    first_name = CharField(null=True)
    call_count = IntegerField(default=0)
    desk = CharField(null=True)
    staff = CharField(null=True)
    target_desk = CharField(null=True)
    target_staff = CharField(null=True)
    appointment = CharField(null=True)
    checked_in_at = IntegerField()
    called_at = IntegerField(null=True)
    service_started_at = IntegerField(null=True)
    finished_at = IntegerField(null=True)
    missed_at = IntegerField(null=True)
    parked_at = IntegerField(null=True)
    outcome = CharField(null=True)
    referral = CharField(null=True)
    note = TextField(null=True)


class Appointment(SyncedModel):
    """A booked appointment; the visitor checks in with its short code."""

    KIND = "appointment"
    SYNCED_FIELDS = (
        "site", "location", "starts_at", "duration_min", "desk", "language",
        "interpreter_language", "concerns", "name", "phone", "code_hash", "status", "visit",
    )

    site = CharField()
    location = CharField()
    starts_at = IntegerField()
    duration_min = IntegerField(default=30)
    desk = CharField(null=True)
    language = CharField()
    interpreter_language = CharField(null=True)
    concerns = JSONField(default=list)
    name = CharField(null=True)
    phone = CharField(null=True)
    code_hash = CharField()
    status = CharField(default="booked")
    visit = CharField(null=True)


class Mediator(SyncedModel):
    """A volunteer language mediator (Sprachmittler:in), shared across the network."""

    KIND = "mediator"
    SYNCED_FIELDS = ("name", "languages", "contact", "weekdays", "active")

    name = CharField()
    languages = JSONField(default=list)
    contact = CharField(default="")
    weekdays = JSONField(default=list)
    active = BooleanField(default=True)


class DailyStats(SyncedModel):
    """One office's anonymous figures of one day, published to the whole network.

    Counts only, each dimension on its own (no cross-tabulation), with every value seen fewer
    than :data:`kiosk.stats.aggregates.MIN_CELL` times merged into ``other``: the network
    lead's figures come from these, never from another office's visits. The id is
    ``OFFICE-YYYY-MM-DD``, so every machine of the office writes the same record.
    """

    KIND = "daily_stats"
    SYNCED_FIELDS = ("office", "day", "visits", "interpreter", "locations", "languages",
                     "interpreter_languages", "concerns", "outcomes", "referrals", "waits")

    office = CharField()
    day = CharField()
    visits = IntegerField(default=0)
    interpreter = IntegerField(default=0)
    locations = JSONField(default=dict)
    languages = JSONField(default=dict)
    interpreter_languages = JSONField(default=dict)
    concerns = JSONField(default=dict)
    outcomes = JSONField(default=dict)
    referrals = JSONField(default=dict)
    waits = JSONField(default=dict)


class Staff(BaseModel):
    """A staff profile at this site. The PIN is kept only as a salted scrypt hash."""

    id = CharField(primary_key=True, max_length=32)
    display_name = CharField()
    languages = JSONField(default=list)
    pin_hash = CharField()
    desk = CharField(null=True)
    is_admin = BooleanField(default=False)
    active = BooleanField(default=True)
    failed_pins = IntegerField(default=0)
    locked_until = IntegerField(default=0)


class AuditEntry(BaseModel):
    """Who did what when. Codes and record ids only: never free text or personal data."""

    id = AutoField()
    at = IntegerField()
    staff = CharField(null=True)
    action = CharField()
    record = CharField(null=True)
    detail = CharField(null=True)


class Outbox(BaseModel):
    """Records changed since the last push; written in the same transaction as the change."""

    record = CharField(primary_key=True, max_length=32)
    kind = CharField()
    clock = CharField()
    """The hybrid-logical clock of the change that queued the row (it orders the push)."""


SYNCED_MODELS: dict[str, type[SyncedModel]] = {
    m.KIND: m for m in (Visit, Appointment, Mediator, DailyStats)
}
ALL_MODELS = (Setting, Visit, Appointment, Mediator, DailyStats, Staff, AuditEntry, Outbox)
