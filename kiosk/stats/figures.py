"""The figures the network lead and the city ask for, over a range of days: plain data.

Both the console's figures screen and ``kiosk report`` read them from here, so the chart and
the spreadsheet can never disagree. Other offices' figures come only from what they published
(the ``daily_stats`` records: small cells already merged into ``other``); this office's are
computed from its own visits with the same rule, as they are now. Adding up days keeps the
rule: a sum of cells of at least :data:`MIN_CELL` is at least :data:`MIN_CELL`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from kiosk.stats.aggregates import OTHER, WAIT_BUCKETS, DayFigures, Totals
from kiosk.stats.publish import office_figures, published

DIMENSIONS: tuple[str, ...] = ("languages", "interpreter_languages", "concerns", "waits",
                              "referrals", "outcomes", "locations")
"""The published dimensions, in the order a report lists them."""


@dataclass
class FigureSet:
    """Figures of several offices over ``first``..``last`` (inclusive).

    Attributes:
        totals: per office, its days added up.
        daily: per office, visits per day (ISO date → count; days without visits absent).
    """

    first: dt.date
    last: dt.date
    totals: dict[str, Totals] = field(default_factory=dict)
    daily: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when no office recorded a visit in the range."""
        return not any(t.visits for t in self.totals.values())

    def add(self, figures: DayFigures) -> None:
        self.totals.setdefault(figures.office, Totals()).add(figures)
        if figures.visits:
            per_day = self.daily.setdefault(figures.office, {})
            per_day[figures.day] = per_day.get(figures.day, 0) + figures.visits

    def network(self) -> Totals:
        """All offices added up."""
        out = Totals()
        for totals in self.totals.values():
            out.visits += totals.visits
            out.interpreter += totals.interpreter
            for name, counts in totals.dims.items():
                out.dims.setdefault(name, Counter()).update(counts)
        return out

    def only(self, office: str) -> FigureSet:
        """The same range with ``office``'s figures alone."""
        out = FigureSet(self.first, self.last)
        if office in self.totals:
            out.totals[office] = self.totals[office]
        if office in self.daily:
            out.daily[office] = self.daily[office]
        return out

    def days(self) -> list[str]:
        """Every day of the range, ISO dates."""
        count = (self.last - self.first).days + 1
        return [(self.first + dt.timedelta(days=i)).isoformat() for i in range(count)]


def collect(first: dt.date, last: dt.date, own_office: str | None = None) -> FigureSet:
    """Every office's figures in the range from this store.

    Args:
        own_office: this machine's office, counted from its visits (its published figures
            lag behind until the next sync); None reads only what was published.
    """
    out = FigureSet(first, last)
    for figures in published(first, last):
        if figures.office != own_office:
            out.add(figures)
    if own_office:
        for figures in office_figures(own_office, first, last):
            out.add(figures)
    return out


def ordered(dimension: str, counts: Counter[str] | dict[str, int]) -> list[tuple[str, int]]:
    """A dimension's cells in reading order: waiting times by class, everything else largest
    first; ``other`` always last."""
    if dimension == "waits":
        order = {label: i for i, (_low, label) in enumerate(WAIT_BUCKETS)}
        key = lambda item: (item[0] == OTHER, order.get(item[0], len(order)), item[0])  # noqa: E731
    else:
        key = lambda item: (item[0] == OTHER, -item[1], item[0])  # noqa: E731
    return sorted(((k, v) for k, v in counts.items() if v), key=key)
