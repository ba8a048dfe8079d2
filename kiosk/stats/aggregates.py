"""One office's day as anonymous counts, with small cells merged so no figure points at one person.

The network lead needs visits per office, language and interpreter demand, concerns, outcomes,
referrals and waiting times across all offices; no office may hold another office's visits.
So each office publishes, per day, counts along each dimension on its own (never a
cross-tabulation, which would single people out by combination), and any value seen fewer
than :data:`MIN_CELL` times that day is merged into ``other``. If ``other`` itself stays
below the threshold, the next smallest values join it until it does not (or nothing is left
to join): a rare language on a quiet day then reads "other: 5", never "Tigrinya: 1".
The day's totals (visits, visits with an interpreter) are exact: they say nothing about who.

Pure Python: the store reads rows, this module counts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

MIN_CELL = 5
"""The smallest count a published value may have (statistical offices use 3 to 10)."""
OTHER = "other"
WAIT_BUCKETS: tuple[tuple[int, str], ...] = (
    (0, "0-9"), (10, "10-19"), (20, "20-29"), (30, "30-44"), (45, "45-59"), (60, "60-89"),
    (90, "90+"))
"""Waiting-time classes in minutes (lower bound, label)."""


@dataclass(frozen=True)
class VisitFacts:
    """What the figures use of one visit: nothing personal."""

    location: str
    language: str
    interpreter_language: str | None = None
    concerns: tuple[str, ...] = ()
    outcome: str | None = None
    referral: str | None = None
    wait_minutes: int | None = None


@dataclass(frozen=True)
class DayFigures:
    """One office's published figures of one day (the synced ``daily_stats`` record)."""

    office: str
    day: str
    visits: int = 0
    interpreter: int = 0
    locations: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    interpreter_languages: dict[str, int] = field(default_factory=dict)
    concerns: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    referrals: dict[str, int] = field(default_factory=dict)
    waits: dict[str, int] = field(default_factory=dict)

    def fields(self) -> dict[str, object]:
        """The record's synced fields."""
        return asdict(self)


def merge_small(counts: Mapping[str, int], min_cell: int = MIN_CELL) -> dict[str, int]:
    """``counts`` with every value below ``min_cell`` merged into ``other`` (see module)."""
    kept = {k: v for k, v in counts.items() if v >= min_cell and k != OTHER}
    other = sum(v for k, v in counts.items() if k not in kept)
    while 0 < other < min_cell and kept:
        smallest = min(kept, key=lambda k: (kept[k], k))
        other += kept.pop(smallest)
    if other:
        kept[OTHER] = other
    return dict(sorted(kept.items()))


def wait_class(minutes: int) -> str:
    """The waiting-time class of ``minutes``."""
    label = WAIT_BUCKETS[0][1]
    for lower, name in WAIT_BUCKETS:
        if minutes >= lower:
            label = name
    return label


def day_figures(office: str, day: str, visits: Iterable[VisitFacts],
                min_cell: int = MIN_CELL) -> DayFigures:
    """The published figures of ``office`` on ``day`` from its visits of that day."""
    total = interpreter = 0
    dims: dict[str, Counter[str]] = {name: Counter() for name in (
        "locations", "languages", "interpreter_languages", "concerns", "outcomes",
        "referrals", "waits")}
    for v in visits:
        total += 1
        dims["locations"][v.location] += 1
        dims["languages"][v.language] += 1
        if v.interpreter_language:
            interpreter += 1
            dims["interpreter_languages"][v.interpreter_language] += 1
        for concern in v.concerns:
            dims["concerns"][concern] += 1
        if v.outcome:
            dims["outcomes"][v.outcome] += 1
        if v.referral:
            dims["referrals"][v.referral] += 1
        if v.wait_minutes is not None:
            dims["waits"][wait_class(v.wait_minutes)] += 1
    return DayFigures(office, day, total, interpreter,
                      **{name: merge_small(c, min_cell) for name, c in dims.items()})


@dataclass
class Totals:
    """Several days (and offices) of published figures added up."""

    visits: int = 0
    interpreter: int = 0
    dims: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, figures: DayFigures) -> None:
        self.visits += figures.visits
        self.interpreter += figures.interpreter
        for name in ("locations", "languages", "interpreter_languages", "concerns",
                     "outcomes", "referrals", "waits"):
            self.dims.setdefault(name, Counter()).update(getattr(figures, name))
