"""Publishing this office's daily figures into the network scope, and reading everyone's.

Every machine of an office computes the same figures from the office's visits (they hold the
same records once synced) and writes them to the same record, ``OFFICE-YYYY-MM-DD``, field by
field only where something changed: the merge keeps the newest, so the machines converge on
the figures of everything the office holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kiosk.stats.aggregates import DayFigures, Totals, VisitFacts, day_figures
from kiosk.store.db import Store
from kiosk.store.models import DailyStats, Outbox, Visit


def stats_id(office: str, day: str) -> str:
    """The one record id of an office's day (every machine of the office writes it)."""
    return f"{office}-{day}"


_FACT_COLUMNS = (Visit.day, Visit.location, Visit.language, Visit.interpreter_language,
                 Visit.concerns, Visit.outcome, Visit.referral, Visit.checked_in_at,
                 Visit.called_at)


def _facts_by_day(where: object) -> dict[str, list[VisitFacts]]:
    """The facts of this store's visits matching ``where``, by day: only the columns the
    figures use, as plain tuples (a nightly sync recomputes days of tens of thousands)."""
    by_day: dict[str, list[VisitFacts]] = {}
    query = Visit.select(*_FACT_COLUMNS).where(where & (Visit.erased == False))  # noqa: E712
    for day, loc, lang, interp, conc, outcome, referral, checked, called in query.tuples():
        wait = max(0, (called - checked) // 60_000) if called and checked else None
        by_day.setdefault(day, []).append(VisitFacts(
            loc, lang, interp, tuple(conc or ()), outcome, referral, wait))
    return by_day


def days_changed_here(store: Store) -> set[str]:
    """Days of this office's visits waiting in the outbox (changed here since the last push)."""
    query = (Visit.select(Visit.day).distinct()
             .join(Outbox, on=(Outbox.record == Visit.id))
             .where((Visit.site == store.site) & (Outbox.kind == Visit.KIND)))
    return {day for (day,) in query.tuples()}


def publish(store: Store, days: Iterable[str]) -> int:
    """Recompute this office's figures of ``days`` and write what changed; the number of
    day records written."""
    days = sorted(set(days))
    if not days:
        return 0
    office = store.site
    by_day: dict[str, list[VisitFacts]] = {d: [] for d in days}
    for i in range(0, len(days), 500):
        by_day.update(_facts_by_day((Visit.site == office) & Visit.day.in_(days[i:i + 500])))
    written = 0
    with store.writing() as w:
        for day in days:
            figures = day_figures(office, day, by_day[day]).fields()
            rid = stats_id(office, day)
            current = DailyStats.get_or_none(DailyStats.id == rid)
            if current is None:
                if not by_day[day]:
                    continue
                w.put_new(DailyStats, rid, figures)
                written += 1
                continue
            changed = {k: v for k, v in figures.items() if getattr(current, k) != v}
            if changed:
                w.put(DailyStats, rid, changed)
                written += 1
    return written


def published(first_day: dt.date, last_day: dt.date) -> Iterable[DayFigures]:
    """Every office's published figures of the days (inclusive), as this store holds them.

    Read as plain tuples in field order: five years of seven offices are 13,000 rows, and
    building a model object for each took most of the time of a report.
    """
    columns = [getattr(DailyStats, name) for name in DayFigures.__dataclass_fields__]
    query = DailyStats.select(*columns).where(
        (DailyStats.day >= first_day.isoformat()) & (DailyStats.day <= last_day.isoformat())
        & (DailyStats.erased == False))  # noqa: E712
    for row in query.tuples():
        yield DayFigures(*row)


def totals_per_office(first_day: dt.date, last_day: dt.date, live: str | None = None
                      ) -> dict[str, Totals]:
    """Each office's published figures added up over the days (inclusive); ``live``'s are
    computed from its visits in this store instead (nothing is written)."""
    out: dict[str, Totals] = {}
    for figures in published(first_day, last_day):
        if figures.office != live:
            out.setdefault(figures.office, Totals()).add(figures)
    if live:
        for figures in office_figures(live, first_day, last_day):
            out.setdefault(live, Totals()).add(figures)
    return out


def office_figures(office: str, first_day: dt.date, last_day: dt.date
                   ) -> Iterable[DayFigures]:
    """``office``'s figures of each day with visits, from this store's visits."""
    by_day = _facts_by_day((Visit.site == office) & (Visit.day >= first_day.isoformat())
                           & (Visit.day <= last_day.isoformat()))
    return [day_figures(office, day, facts) for day, facts in sorted(by_day.items())]
