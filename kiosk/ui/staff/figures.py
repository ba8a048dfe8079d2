"""The figures screen (`k`): charts of visits, languages, interpreters, concerns, waiting
times and referrals — the network's from the anonymous aggregates, or this office's own.

Thin on purpose: :mod:`kiosk.stats.chart_data` decides what each chart says; this screen
loads it off the UI thread and hands it to the chart widgets (textual-plotext).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Footer, Label, Static
from textual_plotext import PlotextPlot

from kiosk.context import KioskContext
from kiosk.staffing.quality import TOLERANCE_MINUTES, EstimateQuality
from kiosk.stats.chart_data import CHARTED, Bars, DailyVisits, FiguresView, count_ticks
from kiosk.ui.thread_store import thread_store

RANGES = (7, 30, 90)
"""The ranges `r` steps through, in days up to today."""
EMPTY_TEXT = "Noch keine Zahlen für diesen Zeitraum. Sie erscheinen, sobald Besuche erfasst " \
             "oder beim Abgleich von anderen Büros übermittelt sind."


class FiguresScreen(Screen[None], inherit_bindings=False):
    """Charts of one scope (network or own office) over the last 7, 30 or 90 days."""

    CSS_PATH = "figures.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Zurück"),
        Binding("o", "toggle_scope", "Netzwerk/eigenes Büro"),
        Binding("r", "next_range", "Zeitraum"),
    ]

    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(id="figures-screen")
        self.ctx = ctx
        self.own_office: str = ctx.store.site
        self.office_only = False
        self.days = 30
        self.view: FiguresView | None = None
        """What is shown (None while the first load runs)."""

    def compose(self) -> ComposeResult:
        yield Label("Zahlen", id="figures-title", classes="section")
        yield Static("Die Zahlen werden geladen …", id="figures-summary")
        yield Static(EMPTY_TEXT, id="figures-empty")
        with Grid(id="charts"):
            yield PlotextPlot(id="chart-daily")
            for key, _title in CHARTED:
                yield PlotextPlot(id=f"chart-{key}")
            yield Static("", id="figures-quality")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#figures-empty").display = False
        self.query_one("#charts").display = False
        self.load()

    def action_toggle_scope(self) -> None:
        self.office_only = not self.office_only
        self.load()

    def action_next_range(self) -> None:
        self.days = RANGES[(RANGES.index(self.days) + 1) % len(RANGES)]
        self.load()

    @work(thread=True, exclusive=True, group="figures-load")
    def load(self) -> None:
        from kiosk.staffing.quality import estimate_quality
        from kiosk.stats.chart_data import figures_view
        from kiosk.stats.figures import collect
        from kiosk.ui.staff.texts import language_name

        queue = self.ctx.queue
        last = queue.now().date()
        first = last - dt.timedelta(days=self.days - 1)
        with thread_store(self.ctx.store):
            figures = collect(first, last, own_office=self.own_office)
            quality = estimate_quality(queue.location.code, queue.today())
        view = figures_view(figures, self.ctx.config,
                            self.own_office if self.office_only else None, language_name)
        self.app.call_from_thread(self.show, view, quality)

    def show(self, view: FiguresView, quality: EstimateQuality) -> None:
        self.view = view
        self.query_one("#figures-title", Label).update(f"Zahlen · {view.title}")
        scope = "eigenes Büro" if self.office_only else "alle Büros (Stand des letzten Abgleichs)"
        self.query_one("#figures-summary", Static).update(
            f"{view.visits} Besuche, davon {view.interpreter} mit Sprachmittlung · {scope} · "
            f"letzte {self.days} Tage · Werte unter 5 an einem Tag sind zusammengefasst")
        self.query_one("#figures-empty").display = view.empty
        self.query_one("#charts").display = not view.empty
        self.query_one("#figures-quality", Static).update(quality_text(quality))
        if view.empty:
            return
        _draw_daily(self.query_one("#chart-daily", PlotextPlot), view.daily)
        for bars in view.bars:
            _draw_bars(self.query_one(f"#chart-{bars.key}", PlotextPlot), bars)


def _draw_daily(widget: PlotextPlot, daily: DailyVisits) -> None:
    plt = widget.plt
    plt.clear_figure()
    plt.title("Besuche pro Tag und Büro")
    positions = list(range(1, len(daily.days) + 1))
    plt.stacked_bar(positions, [list(v) for v in daily.values], labels=list(daily.offices),
                    width=0.8)
    step = max(1, len(positions) // 8)
    plt.xticks(positions[::step], list(daily.days[::step]))
    ticks = count_ticks(max(map(sum, zip(*daily.values, strict=True)), default=0))
    plt.yticks(ticks)
    plt.ylim(0, ticks[-1])
    widget.refresh()


def _draw_bars(widget: PlotextPlot, bars: Bars) -> None:
    plt = widget.plt
    plt.clear_figure()
    if not bars.values:
        plt.title(f"{bars.title}: keine Angaben")
    else:
        plt.title(bars.title)
        # horizontal bars draw from the bottom up: reversed, the largest stands on top
        plt.bar(list(reversed(bars.labels)), list(reversed(bars.values)),
                orientation="horizontal", width=0.6)
        ticks = count_ticks(max(bars.values))
        plt.xticks(ticks)
        plt.xlim(0, ticks[-1])
    widget.refresh()


def quality_text(q: EstimateQuality) -> str:
    """Today's waiting-time estimates against what happened (as before the charts)."""
    if not q.estimated:
        return (f"Heute aufgerufen (ohne Termin): {q.called}\n"
                "Noch keine Schätzungen: Die Wartezeit wird erst geschätzt, wenn heute "
                "mindestens drei Beratungen abgeschlossen sind.")
    return (f"Heute aufgerufen (ohne Termin): {q.called}\n"
            f"Mit Wartezeit-Schätzung: {q.estimated}\n"
            f"Schätzung traf auf ±{TOLERANCE_MINUTES} min: {q.within_tolerance} von "
            f"{q.estimated} ({100 * (q.share_within or 0):.0f} %)\n"
            f"Mittlere Abweichung: {q.mean_error:+.0f} min (positiv: länger gewartet)\n"
            f"Median der Abweichung (Betrag): {q.median_abs_error:.0f} min\n"
            f"Median der Wartezeit: {q.median_wait:.0f} min")
