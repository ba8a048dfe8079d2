"""Network-wide figures from the offices' published daily figures, never from their visits."""

from __future__ import annotations

import datetime as dt

from kiosk.staffing.network import visits_per_office
from kiosk.stats.aggregates import day_figures
from kiosk.stats.publish import days_changed_here, publish, stats_id
from kiosk.store.models import DailyStats, Outbox


def other_office_figures(ctx, office: str, day: str, visits: int, interpreter: int) -> None:
    """Another office's published figures, as they arrive by sync (no visit of it comes)."""
    from kiosk.stats.aggregates import VisitFacts

    facts = [VisitFacts(f"{office}-1", "de", "ti" if i < interpreter else None)
             for i in range(visits)]
    with ctx.store.writing() as w:
        w.put_new(DailyStats, stats_id(office, day), day_figures(office, day, facts).fields())


def test_counts_per_office_in_the_period_largest_first(ctx, clock):
    today = clock.value.date()
    ctx.queue.check_in([], "fa", first_name="Leyla")
    assert days_changed_here(ctx.store) == {today.isoformat()}
    assert publish(ctx.store, days_changed_here(ctx.store)) == 1
    assert publish(ctx.store, {today.isoformat()}) == 0  # nothing changed: nothing written
    other_office_figures(ctx, "LUED", today.isoformat(), 3, 1)
    other_office_figures(ctx, "INNO", (today - dt.timedelta(days=10)).isoformat(), 1, 0)
    figures = visits_per_office(today - dt.timedelta(days=6), today)
    assert [(f.site, f.visits, f.with_interpreter) for f in figures] == [
        ("LUED", 3, 1), ("EVSC", 1, 0)]
    assert "Leyla" not in repr(figures)
    row = DailyStats.get_by_id(stats_id("EVSC", today.isoformat()))
    assert "Leyla" not in repr(row.__data__)
    assert Outbox.get_or_none(Outbox.record == row.id) is not None  # it goes to the network


def test_this_offices_own_figures_are_counted_as_they_are_now(ctx, clock):
    today = clock.value.date()
    ctx.queue.check_in([], "fa")
    publish(ctx.store, {today.isoformat()})
    ctx.queue.check_in([], "ar", interpreter_language="ar")  # not yet published
    other_office_figures(ctx, "LUED", today.isoformat(), 2, 0)
    published = {f.site: f.visits for f in visits_per_office(today, today)}
    live = {f.site: (f.visits, f.with_interpreter)
            for f in visits_per_office(today, today, own_office="EVSC")}
    assert published == {"EVSC": 1, "LUED": 2}
    assert live == {"EVSC": (2, 1), "LUED": (2, 0)}


def test_figures_follow_a_later_change_of_the_day(ctx, clock):
    today = clock.value.date().isoformat()
    first = ctx.queue.check_in([], "fa")
    publish(ctx.store, {today})
    ctx.queue.check_in([], "ar", interpreter_language="ar")
    assert publish(ctx.store, {today}) == 1
    row = DailyStats.get_by_id(stats_id("EVSC", today))
    assert (row.visits, row.interpreter) == (2, 1)
    assert first.visit_id not in repr(row.__data__)
