"""The queue core on a real store: tickets, calls, recall, park, transfer, finish."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.queue.errors import (
    AppointmentNotFound,
    Closed,
    DoubleBooking,
    InvalidInput,
)
from kiosk.queue.states import IllegalTransition
from kiosk.store.models import AuditEntry, Visit


def test_tickets_count_up_per_day_and_prefix(ctx, clock):
    assert [ctx.queue.check_in([], "de").ticket for _ in range(3)] == ["A-001", "A-002", "A-003"]
    clock.advance(days=1)
    assert ctx.queue.check_in(["post"], "ar").ticket == "A-001"


def test_check_in_stores_what_the_visitor_chose(ctx):
    ticket = ctx.queue.check_in(["wohnen", "post", "wohnen"], "de", "fa", "  Zahra ")
    visit = ctx.queue.get(ticket.visit_id)
    assert visit.concerns == ("wohnen", "post")
    assert (visit.language, visit.interpreter_language, visit.first_name) == ("de", "fa", "Zahra")
    assert visit.status == "queued" and visit.kind == "walk_in"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"concerns": ["nope"]}, "concerns"),
    ({"language": "Deutsch"}, "language"),
    ({"first_name": "x" * 41}, "first_name"),
    ({"first_name": "Ali\u202e"}, "first_name"),
    ({"first_name": "Ali\x1b[2J"}, "first_name"),
    ({"first_name": "<script>"}, "first_name"),
])
def test_bad_check_in_input_is_refused_and_nothing_is_written(ctx, kwargs, field):
    args = {"concerns": [], "language": "de", **kwargs}
    with pytest.raises(InvalidInput) as info:
        ctx.queue.check_in(**args)
    assert info.value.field == field
    assert Visit.select().count() == 0


def test_outside_hours_check_in_follows_the_config(config, store_path, clock):
    from kiosk.context import make_context
    from kiosk.store.db import init_store

    store = init_store(store_path, "MEHU", "MEHU-1", force=True)
    clock.value = clock.value.replace(hour=19)
    ctx = make_context(config, store, now=clock)
    assert not ctx.queue.is_open()
    with pytest.raises(Closed):
        ctx.queue.check_in([], "de")
    assert ctx.queue.check_in([], "de", enforce_hours=False).ticket == "A-001"
    store.close()


def test_recall_counts_calls_and_misses_after_the_maximum(ctx):
    visit_id = ctx.queue.check_in([], "fa").visit_id
    called = ctx.queue.call_next("s1", "1", ["fa"])
    assert (called.id, called.call_count, called.desk) == (visit_id, 1, "1")
    assert ctx.queue.recall(visit_id, "s1").call_count == 2
    assert ctx.queue.recall(visit_id, "s1").call_count == 3
    missed = ctx.queue.recall(visit_id, "s1")
    assert missed.status == "missed"
    assert ctx.queue.waiting() == []
    back = ctx.queue.restore(visit_id, "s1")
    assert back.status == "queued" and back.call_count == 0


def test_transfer_keeps_place_and_is_called_only_by_the_target(ctx, clock):
    first = ctx.queue.check_in([], "de").visit_id
    clock.advance(minutes=1)
    ctx.queue.check_in([], "de")
    ctx.queue.call(f"{first}", "s1", "1")
    moved = ctx.queue.transfer(first, "s1", desk="3")
    assert moved.status == "queued" and moved.target_desk == "3"
    assert ctx.queue.waiting()[0].id == first
    assert ctx.queue.call_next("s2", "2", ["de"]).ticket == "A-002"
    assert ctx.queue.call_next("s3", "3", ["ar"]).id == first
    with pytest.raises(InvalidInput):
        ctx.queue.transfer(first, "s1", desk="99")


def test_park_finish_and_referral_rules(ctx):
    visit_id = ctx.queue.check_in(["jobcenter"], "ar").visit_id
    ctx.queue.park(visit_id, "s1")
    with pytest.raises(IllegalTransition):
        ctx.queue.finish(visit_id, "s1", "resolved")
    ctx.queue.unpark(visit_id, "s1")
    ctx.queue.call(visit_id, "s1", "2")
    ctx.queue.start(visit_id, "s1")
    with pytest.raises(InvalidInput):
        ctx.queue.finish(visit_id, "s1", "referred", referral="nowhere")
    done = ctx.queue.finish(visit_id, "s1", "referred", referral="jobcenter")
    assert (done.status, done.outcome, done.referral) == ("finished", "referred", "jobcenter")
    actions = [a.action for a in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions == ["park", "unpark", "call", "start", "finish"]


def test_priority_moves_a_visitor_ahead_with_a_reason_code(ctx, clock):
    ctx.queue.check_in([], "de")
    clock.advance(minutes=2)
    late = ctx.queue.check_in([], "de").visit_id
    ctx.queue.set_priority(late, "s1", 1, "medical")
    assert ctx.queue.ticket_info(late).people_ahead == 0
    assert ctx.queue.call_next("s1", "1", ["de"]).id == late
    with pytest.raises(InvalidInput):
        ctx.queue.set_priority(late, "s1", 1, "she said something private")


def test_estimate_is_honest_until_enough_services(ctx, clock):
    ids = [ctx.queue.check_in([], "de").visit_id for _ in range(6)]
    assert ctx.queue.ticket_info(ids[-1]).estimate_minutes is None
    for visit_id in ids[:3]:
        ctx.queue.call(visit_id, "s1", "1")
        clock.advance(minutes=12)
        ctx.queue.finish(visit_id, "s1", "resolved")
    info = ctx.queue.ticket_info(ids[-1])
    assert info.people_ahead == 2
    assert info.estimate_minutes == 25  # 2 × 12 min with one desk, rounded up to 5


def test_board_calls_show_numbers_and_desks_only(ctx):
    visit_id = ctx.queue.check_in([], "de", first_name="Yasmin").visit_id
    ctx.queue.call(visit_id, "s1", "2")
    (call,) = ctx.queue.recent_calls()
    assert (call.ticket, call.desk) == ("A-001", "2")
    assert "Yasmin" not in repr(call)


def test_appointment_book_check_in_and_double_booking(ctx, clock):
    start = clock.value + dt.timedelta(hours=1)
    _info, code = ctx.appointments.book(start, "fa", desk="2", concerns=["aufenthalt"])
    assert len(code) == 7 and code[3] == "-"
    with pytest.raises(DoubleBooking):
        ctx.appointments.book(start + dt.timedelta(minutes=15), "ar", desk="2")
    ctx.appointments.book(start + dt.timedelta(minutes=30), "ar", desk="2")
    with pytest.raises(InvalidInput, match="past"):
        ctx.appointments.book(clock.value - dt.timedelta(hours=1), "ar", desk="1")
    with pytest.raises(AppointmentNotFound):
        ctx.appointments.check_in("AAA-AAA")
    ticket = ctx.appointments.check_in(code.lower().replace("-", " "))
    assert ticket.ticket == "T-001"
    visit = ctx.queue.get(ticket.visit_id)
    assert (visit.kind, visit.language, visit.concerns) == ("appointment", "fa", ("aufenthalt",))
    with pytest.raises(AppointmentNotFound):
        ctx.appointments.check_in(code)  # a code is used once
    assert ctx.appointments.day()[0].status == "arrived"
