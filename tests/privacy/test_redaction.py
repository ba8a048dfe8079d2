"""Redaction past retention on a real store: names go, anonymous facts and figures stay,
a second run writes nothing, audit entries are thinned after their own retention."""

from __future__ import annotations

import dataclasses
import datetime as dt

from kiosk.context import KioskContext
from kiosk.privacy.personal import ANONYMOUS_FIELDS, PERSONAL_FIELDS
from kiosk.privacy.redaction import redact_expired
from kiosk.stats.publish import _facts_by_day
from kiosk.store.models import Appointment, AuditEntry, Outbox, Visit
from tests.privacy.people import CANARY, OTHER, appointment, leaked, visit


def _today(ctx: KioskContext) -> dt.date:
    return ctx.queue.now().date()


def _changes(ctx: KioskContext) -> int:
    return ctx.store.db.execute_sql("PRAGMA data_version").fetchone()[0] + \
        ctx.store.db.execute_sql("SELECT total_changes()").fetchone()[0]


def test_every_synced_field_is_classified():
    for model, personal in PERSONAL_FIELDS.items():
        assert sorted((*personal, *ANONYMOUS_FIELDS[model])) == sorted(model.SYNCED_FIELDS)


def test_old_records_lose_personal_fields_and_keep_the_facts(ctx, store_path):
    today = _today(ctx)
    old_day = today - dt.timedelta(days=ctx.config.retention_days + 1)
    edge_day = today - dt.timedelta(days=ctx.config.retention_days)
    old = visit(ctx.store, old_day, "A-001", CANARY, note=f"{CANARY} bringt den Mietvertrag")
    edge = visit(ctx.store, edge_day, "A-001", OTHER, note="Rückruf")
    appt = appointment(ctx.store, dt.datetime.combine(old_day, dt.time(9), ctx.queue.tz),
                       CANARY, "KXM-447")
    before_facts = _facts_by_day(Visit.site == "EVSC")
    before = {n: getattr(Visit.get_by_id(old), n) for n in ANONYMOUS_FIELDS[Visit]}
    Outbox.delete().execute()  # as after a sync: only what redaction writes is queued

    result = redact_expired(ctx.store, ctx.config, ctx.queue.now())

    assert (result.visits, result.appointments) == (1, 1)
    v = Visit.get_by_id(old)
    assert v.first_name is None and v.note is None
    assert {n: getattr(v, n) for n in ANONYMOUS_FIELDS[Visit]} == before
    a = Appointment.get_by_id(appt)
    assert (a.name, a.phone, a.code_hash) == (None, None, "")
    assert a.language == "fa" and a.concerns == ["aufenthalt"]
    # the last day within retention is kept whole
    assert Visit.get_by_id(edge).first_name == OTHER
    # a synced write: queued for the other machines, every personal field with a new clock
    assert {r.record for r in Outbox.select()} == {old, appt}
    assert v.clocks["first_name"] == v.clocks["note"] > v.clocks["day"]
    assert _facts_by_day(Visit.site == "EVSC") == before_facts
    # nothing of the name is left in the store, its WAL or shared memory
    assert leaked(store_path, CANARY) == {}
    entries = list(AuditEntry.select().where(AuditEntry.action == "privacy.redact"))
    assert sorted(e.detail for e in entries) == ["appointment=1", "visit=1"]
    assert all(e.staff is None and e.record is None for e in entries)


def test_a_second_run_writes_nothing(ctx):
    old_day = _today(ctx) - dt.timedelta(days=200)
    visit(ctx.store, old_day, "A-004", CANARY)
    assert redact_expired(ctx.store, ctx.config, ctx.queue.now()).changed
    before = _changes(ctx)
    again = redact_expired(ctx.store, ctx.config, ctx.queue.now())
    assert not again.changed
    assert _changes(ctx) == before


def test_audit_entries_are_thinned_after_their_own_retention(ctx):
    now_ms = int(ctx.queue.now().timestamp() * 1000)
    day_ms = 86_400_000
    config = dataclasses.replace(ctx.config, audit_retention_days=400)
    AuditEntry.create(at=now_ms - 401 * day_ms, staff="s1", action="call", record="r1",
                      detail="desk=2")
    AuditEntry.create(at=now_ms - 399 * day_ms, staff="s1", action="call", record="r2")
    result = redact_expired(ctx.store, config, ctx.queue.now())
    assert result.audit_entries == 1
    rows = [(e.action, e.staff, e.record, e.detail) for e in AuditEntry.select()
            .order_by(AuditEntry.at)]
    assert rows == [("call", None, None, None), ("call", "s1", "r2", None)]
    assert redact_expired(ctx.store, config, ctx.queue.now()).audit_entries == 0


def test_a_concurrent_loser_holding_the_name_is_dropped(ctx):
    old = visit(ctx.store, _today(ctx) - dt.timedelta(days=120), "A-009", CANARY)
    ctx.store.db.execute_sql(
        "INSERT INTO sync_conflict (record, kind, field, value, clock, winner_clock, at) "
        "VALUES (?, 'visit', 'first_name', ?, 'x', 'y', 0)", (old, f'"{CANARY}"'))
    redact_expired(ctx.store, ctx.config, ctx.queue.now())
    assert ctx.store.db.execute_sql("SELECT COUNT(*) FROM sync_conflict").fetchone()[0] == 0


def test_each_start_redacts_what_came_due_since_the_last_run(ctx, clock):
    from kiosk.privacy.redaction import REDACTED_BEFORE, redact_at_start

    today = _today(ctx)
    last_day = visit(ctx.store, today - dt.timedelta(days=ctx.config.retention_days),
                     "A-001", CANARY)
    before = _changes(ctx)
    assert not redact_at_start(ctx).changed  # nothing due: a start writes nothing
    assert _changes(ctx) == before and ctx.store.setting(REDACTED_BEFORE) is None
    assert not redact_expired(ctx.store, ctx.config, ctx.queue.now()).changed  # the nightly run
    assert ctx.store.setting(REDACTED_BEFORE) == (
        today - dt.timedelta(days=ctx.config.retention_days)).isoformat()
    clock.advance(days=1)
    result = redact_at_start(ctx)
    assert result.visits == 1 and Visit.get_by_id(last_day).first_name is None
