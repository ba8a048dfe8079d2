"""What the console's figures screen draws, as plain data: series with German labels.

The screen only hands these to the chart widgets, so what a chart says is decided (and
tested) here, without a terminal. Categories keep the published order (``other`` last:
the merged small cells), and every value is a count of visits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.config import NetworkConfig
from kiosk.stats.aggregates import OTHER
from kiosk.stats.figures import FigureSet, ordered

CHARTED: tuple[tuple[str, str], ...] = (
    ("languages", "Sprache der Beratung"),
    ("interpreter_languages", "Sprachmittlung (Sprache)"),
    ("concerns", "Anliegen"),
    ("waits", "Wartezeit in Minuten"),
    ("referrals", "Weitervermittlung"),
)
"""The bar charts under the visits-per-day chart, in screen order."""
OTHER_LABEL = "andere (zusammengefasst)"
"""What ``other`` is called: values seen fewer than five times a day, merged."""
LABEL_LIMIT = 22
"""Longest label drawn (referral names run long; the chart is a third of the screen)."""


@dataclass(frozen=True)
class Bars:
    """One bar chart: a label and a count per category."""

    key: str
    title: str
    labels: tuple[str, ...]
    values: tuple[int, ...]


@dataclass(frozen=True)
class DailyVisits:
    """Visits per day, one series per office (stacked)."""

    days: tuple[str, ...]
    """Each day of the range as "24.11."."""
    offices: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]
    """Per office (same order as ``offices``), visits per day."""


@dataclass(frozen=True)
class FiguresView:
    """Everything the figures screen shows for one scope and range."""

    title: str
    visits: int
    interpreter: int
    daily: DailyVisits
    bars: tuple[Bars, ...]

    @property
    def empty(self) -> bool:
        return self.visits == 0


def figures_view(figures: FigureSet, config: NetworkConfig, office: str | None,
                 language_name: Callable[[str], str]) -> FiguresView:
    """The charts of ``office`` (its own figures), or of the whole network (``None``).

    Args:
        figures: every office's figures of the range (:func:`kiosk.stats.figures.collect`).
        config: for the German names of concerns and referrals.
        office: an office code, or None for the network.
        language_name: German name of a language code (the console's wording).
    """
    scope = figures.only(office) if office else figures
    totals = scope.network()
    span = f"{figures.first:%d.%m.%Y} – {figures.last:%d.%m.%Y}"
    title = f"{_office_name(config, office)} · {span}" if office else f"Netzwerk · {span}"
    offices = tuple(sorted(o for o, t in scope.totals.items() if t.visits))
    days = scope.days()
    daily = DailyVisits(
        days=tuple(f"{dt.date.fromisoformat(d):%d.%m.}" for d in days),
        offices=offices,
        values=tuple(tuple(scope.daily.get(o, {}).get(d, 0) for d in days) for o in offices))
    names = _namer(config, language_name)
    bars = tuple(
        Bars(key, title_, *_columns([(names[key](k), v)
                                     for k, v in ordered(key, totals.dims.get(key, {}))]))
        for key, title_ in CHARTED)
    return FiguresView(title, totals.visits, totals.interpreter, daily, bars)


def _columns(pairs: list[tuple[str, int]]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


def _office_name(config: NetworkConfig, code: str | None) -> str:
    try:
        return config.office(code or "").name
    except KeyError:
        return code or "?"


def _namer(config: NetworkConfig, language_name: Callable[[str], str]
           ) -> dict[str, Callable[[str], str]]:
    concerns = {c.id: c.label for c in config.concerns}
    referrals = {r.id: r.name for r in config.referrals}

    def cut(text: str) -> str:
        return text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT - 1] + "…"

    def wrap(name: Callable[[str], str]) -> Callable[[str], str]:
        return lambda key: OTHER_LABEL if key == OTHER else cut(name(key))

    return {
        "languages": wrap(language_name),
        "interpreter_languages": wrap(language_name),
        "concerns": wrap(lambda k: concerns.get(k, k)),
        "waits": wrap(lambda k: k),
        "referrals": wrap(lambda k: referrals.get(k, k)),
    }


def count_ticks(largest: int, most: int = 5) -> list[int]:
    """Whole-number axis marks from 0 to at least ``largest`` (counts of people are never
    2.8), at most ``most`` + 1 of them, on a step of 1, 2 or 5 times a power of ten."""
    if largest <= 0:
        return [0]
    step = 1
    while -(-largest // step) > most:
        step = _next_step(step)
    top = -(-largest // step) * step
    return list(range(0, top + 1, step))


def _next_step(step: int) -> int:
    """1, 2, 5, 10, 20, 50, …"""
    digits = str(step)
    head, zeros = int(digits[0]), len(digits) - 1
    return {1: 2, 2: 5, 5: 10}[head] * 10 ** zeros
