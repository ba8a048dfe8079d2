"""The figures of a range for the console's charts and the city's report: plain Python."""

from __future__ import annotations

import datetime as dt

from kiosk.stats.aggregates import MIN_CELL, OTHER
from kiosk.stats.chart_data import OTHER_LABEL, figures_view
from kiosk.stats.figures import collect
from kiosk.stats.report import ALL_OFFICES, report_rows
from tests.stats.network_data import CANARY, check_in_own, publish_other_offices

NAMES = {"ar": "Arabisch", "fa": "Persisch", "de": "Deutsch", "uk": "Ukrainisch"}


def _network(ctx, clock):
    today = clock.value.date()
    publish_other_offices(ctx, today)
    check_in_own(ctx)
    return collect(today - dt.timedelta(days=29), today, own_office=ctx.store.site)


def test_other_offices_come_from_what_they_published_and_this_one_from_its_visits(ctx, clock):
    figures = _network(ctx, clock)
    assert figures.totals["LUED"].visits == 12 * 10 + 5  # a Tigrinya visitor every 2nd day
    assert figures.totals["INNO"].visits == 6 * 10 + 5
    assert figures.totals["EVSC"].visits == 7  # today's check-ins, before any publishing
    assert figures.daily["EVSC"] == {clock.value.date().isoformat(): 7}
    assert figures.network().visits == 125 + 65 + 7


def test_no_chart_names_a_value_seen_fewer_than_five_times_a_day(ctx, clock):
    figures = _network(ctx, clock)
    view = figures_view(figures, ctx.config, None, NAMES.get)
    bars = {b.key: b for b in view.bars}
    # the lone Tigrinya visitor with an interpreter, every second day at two offices
    assert "ti" not in bars["interpreter_languages"].labels
    assert bars["interpreter_languages"].labels == (OTHER_LABEL,)
    assert "Ausländerbehörde / MigraDo (Friedensplatz 7)" not in bars["referrals"].labels
    assert "95" not in "".join(bars["waits"].labels)  # the 90+ wait of that one visitor
    own = figures_view(figures, ctx.config, "EVSC", NAMES.get)
    own_bars = {b.key: b for b in own.bars}
    assert own_bars["interpreter_languages"].values == (1,)  # uk, once: merged, not named
    assert own_bars["interpreter_languages"].labels == (OTHER_LABEL,)
    assert own.title == "lokal willkommen Eving/Scharnhorst · 26.10.2026 – 24.11.2026"
    assert CANARY not in repr(view) + repr(own)


def test_the_visits_chart_stacks_each_office_over_every_day_of_the_range(ctx, clock):
    figures = _network(ctx, clock)
    view = figures_view(figures, ctx.config, None, NAMES.get)
    assert view.daily.offices == ("EVSC", "INNO", "LUED")
    assert len(view.daily.days) == 30 and view.daily.days[-1] == "24.11."
    lued = view.daily.values[2]
    assert lued[-1] == 13 and lued[-2] == 12 and lued[0] == 0  # today, yesterday, 30 days ago
    assert view.visits == 197 and view.interpreter == 11


def test_an_empty_range_says_so(ctx, clock):
    today = clock.value.date()
    view = figures_view(collect(today, today, own_office="EVSC"), ctx.config, None, NAMES.get)
    assert view.empty and view.daily.offices == ()


def test_report_rows_keep_the_small_cell_rule_and_add_the_network(ctx, clock):
    figures = _network(ctx, clock)
    rows = report_rows(figures)
    offices = {r[0] for r in rows}
    assert offices == {"EVSC", "INNO", "LUED", ALL_OFFICES}
    cells = [r for r in rows if r[3] not in ("visits", "interpreter", "visits_per_day")]
    assert all(r[5] >= MIN_CELL for r in cells if r[4] != OTHER)
    assert ("LUED", "2026-10-26", "2026-11-24", "visits", "total", 125) in rows
    assert (ALL_OFFICES, "2026-10-26", "2026-11-24", "visits", "total", 197) in rows
    assert not [r for r in rows if r[4] in ("ti", "auslaenderbehoerde", "90+")]
    assert CANARY not in repr(rows)


def test_chart_axes_count_whole_people() -> None:
    from kiosk.stats.chart_data import count_ticks

    assert count_ticks(0) == [0]
    assert count_ticks(3) == [0, 1, 2, 3]
    assert count_ticks(7) == [0, 2, 4, 6, 8]
    assert count_ticks(27) == [0, 10, 20, 30]
    assert count_ticks(172) == [0, 50, 100, 150, 200]
    assert count_ticks(4321) == [0, 1000, 2000, 3000, 4000, 5000]
