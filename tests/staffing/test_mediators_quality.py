"""Mediator register and suggestions, duty, desk labels, estimate quality, board feed."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.queue.errors import InvalidInput
from kiosk.staffing import duty
from kiosk.staffing.board import BoardFeed
from kiosk.staffing.console import Console, Staffing, filter_rows
from kiosk.staffing.desks import desk_labels, set_desk_label
from kiosk.staffing.quality import estimate_quality


@pytest.fixture
def staffing(ctx):
    s = Staffing(ctx)
    s.directory.add("Amira", ["de", "ar"], "1111", desk="1")
    s.directory.add("Reza", ["de", "fa"], "2222", desk="2")
    return s


def test_mediator_suggested_for_language_nobody_on_duty_speaks(staffing, ctx):
    reg = staffing.mediators
    tue = reg.add("Selam", ["ti", "am"], contact="0171 000", weekdays=["tue", "thu"])
    reg.add("Yonas", ["ti"], weekdays=["fri"])
    reg.add("Olena", ["uk", "ru"], weekdays=["tue"])
    with pytest.raises(InvalidInput):
        reg.add("Bad", ["ti"], weekdays=["someday"])
    amira = Console(staffing, staffing.directory.get("amira"))
    amira.sign_on()
    ctx.queue.check_in(["post"], "ar")
    ti = ctx.queue.check_in(["wohnen"], "de", interpreter_language="ti")
    snap = amira.snapshot()
    needs = {n.ticket: n for n in snap.needs}
    assert set(needs) == {ti.ticket}  # Arabic is spoken by Amira, Tigrinya by nobody
    assert [m.name for m in needs[ti.ticket].available] == ["Selam"]  # Tuesday
    assert [m.name for m in needs[ti.ticket].others] == ["Yonas"]
    assert {r.visit.ticket: r.mediator_language for r in snap.waiting}[ti.ticket] == "ti"
    reg.set_active(tue.id, False)
    assert [m.name for m in reg.suggest("ti", "tue")[0]] == []


def test_appointment_needing_unspoken_language_is_flagged(staffing, ctx, clock):
    staffing.mediators.add("Olena", ["uk"], weekdays=["wed"])
    when = clock.value + dt.timedelta(days=1)  # Wednesday
    ctx.appointments.book(when, "de", interpreter_language="uk")
    snap = Console(staffing, staffing.directory.get("reza")).snapshot()
    [need] = snap.needs
    assert need.ticket is None and need.language == "uk"
    assert [m.name for m in need.available] == ["Olena"]


def test_duty_heartbeat_expires(ctx, clock):
    duty.sign_on(ctx.store, "amira", ctx.queue.now_ms())
    assert duty.on_duty(ctx.queue.now_ms()) == ["amira"]
    clock.advance(minutes=duty.STALE_MINUTES + 1)
    assert duty.on_duty(ctx.queue.now_ms()) == []
    duty.sign_on(ctx.store, "amira", ctx.queue.now_ms())
    duty.sign_off(ctx.store, "amira")
    assert duty.on_duty(ctx.queue.now_ms()) == []


def test_filters_by_language_and_concern(staffing, ctx):
    ctx.queue.check_in(["post"], "ar")
    ctx.queue.check_in(["wohnen"], "fa")
    ctx.queue.check_in(["wohnen", "post"], "de", interpreter_language="fa")
    rows = Console(staffing, staffing.directory.get("reza")).snapshot().waiting
    assert [r.visit.ticket for r in filter_rows(rows, language="fa")] == ["A-002", "A-003"]
    assert [r.visit.ticket for r in filter_rows(rows, concern="post")] == ["A-001", "A-003"]
    assert [r.visit.ticket for r in filter_rows(rows, "ar", "wohnen")] == []


def test_estimate_quality_compares_told_and_waited(staffing, ctx, clock):
    reza = Console(staffing, staffing.directory.get("reza"))
    for _ in range(3):  # three services of 10 minutes give the estimator its samples
        v = ctx.queue.check_in(["post"], "fa")
        reza.call(v.visit_id)
        clock.advance(minutes=10)
        reza.finish(v.visit_id, "resolved")
    a = ctx.queue.check_in(["post"], "fa")
    b = ctx.queue.check_in(["post"], "fa")
    assert b.estimate_minutes == 10  # one ahead × 10 min
    reza.call(a.visit_id)
    clock.advance(minutes=25)
    reza.finish(a.visit_id, "resolved")
    reza.call(b.visit_id)
    q = estimate_quality(ctx.queue.location.code, ctx.queue.today())
    assert q.called == 5 and q.estimated == 5
    assert q.within_tolerance == 4  # b was told 10 and waited 25
    assert q.mean_error == pytest.approx(15 / 5)


def test_board_feed_rings_once_per_call_and_shows_labels(staffing, ctx, clock):
    set_desk_label(ctx.store, ctx.config, "2", "Raum 2.14")
    assert desk_labels(ctx.store, ctx.config)["2"] == "Raum 2.14"
    feed = BoardFeed(ctx)
    reza = Console(staffing, staffing.directory.get("reza"))
    first = ctx.queue.check_in(["post"], "fa")
    reza.call(first.visit_id)
    lines, new = feed.read()
    assert [(x.ticket, x.desk) for x in lines] == [("A-001", "Raum 2.14")] and new == []
    second = ctx.queue.check_in(["post"], "fa", first_name="Zerbinetta")
    clock.advance(seconds=5)
    reza.call(second.visit_id)
    lines, new = feed.read()
    assert [x.ticket for x in new] == ["A-002"] and feed.read()[1] == []
    clock.advance(seconds=5)
    reza.recall(second.visit_id)
    assert [x.ticket for x in feed.read()[1]] == ["A-002"]
    assert "Zerbinetta" not in repr(feed.read())
