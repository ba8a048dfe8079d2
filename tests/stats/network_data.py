"""A small network's figures in one store: two other offices' published days (as they
arrive by sync) and this office's own check-ins, one of them with a canary name."""

from __future__ import annotations

import datetime as dt

from kiosk.context import KioskContext
from kiosk.stats.aggregates import VisitFacts, day_figures
from kiosk.stats.publish import stats_id
from kiosk.store.models import DailyStats

CANARY = "Qzxwcanary"
"""A first name that must never appear in any figure, chart or export."""


def _facts(office: str, n: int, day_index: int) -> list[VisitFacts]:
    """``n`` visits of a day: Arabic and Persian mostly, one Tigrinya visitor with an
    interpreter on even days (a cell of one, which must never be named)."""
    out = []
    for i in range(n):
        lang = ("ar", "fa", "de")[i % 3]
        out.append(VisitFacts(f"{office}-1", lang, None, ("wohnen",) if i % 2 else ("post",),
                              "resolved", "mbe_jmd" if i % 4 == 0 else None,
                              wait_minutes=(i * 7) % 80))
    if day_index % 2 == 0:
        out.append(VisitFacts(f"{office}-1", "de", "ti", ("aufenthalt",), "referred",
                              "auslaenderbehoerde", wait_minutes=95))
    return out


def publish_other_offices(ctx: KioskContext, today: dt.date, days: int = 10) -> None:
    """LUED (12 a day) and INNO (6 a day) over the ``days`` before and including today."""
    with ctx.store.writing() as w:
        for office, per_day in (("LUED", 12), ("INNO", 6)):
            for i in range(days):
                day = (today - dt.timedelta(days=i)).isoformat()
                w.put_new(DailyStats, stats_id(office, day),
                          day_figures(office, day, _facts(office, per_day, i)).fields())


def check_in_own(ctx: KioskContext) -> None:
    """Seven check-ins today at this office (EVSC), one with the canary name."""
    for i in range(6):
        ctx.queue.check_in(["post"], ("ar", "fa")[i % 2])
    ctx.queue.check_in(["gesundheit"], "de", "uk", first_name=CANARY)
