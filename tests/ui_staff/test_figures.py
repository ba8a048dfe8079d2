"""The figures screen (`k`): the network's charts, the office's own, and a calm empty state."""

from __future__ import annotations

from textual.widgets import Label, Static
from textual_plotext import PlotextPlot

from kiosk.ui.staff.app import make_staff_app
from kiosk.ui.staff.figures import EMPTY_TEXT, FiguresScreen
from tests.stats.network_data import CANARY, check_in_own, publish_other_offices
from tests.ui_staff.conftest import sign_in, wait_for

SIZE = (150, 42)


def _screen_text(app) -> str:
    return "\n".join("".join(seg.text for seg in strip)
                     for strip in app.screen._compositor.render_strips())


async def _open_figures(pilot) -> FiguresScreen:
    app = pilot.app
    await sign_in(pilot, "reza-ahmadi", "2222")
    await wait_for(pilot, lambda: app.screen.id == "queue-screen" and app.screen.loads > 0,
                   "queue shown")
    await pilot.press("k")
    await wait_for(pilot, lambda: isinstance(app.screen, FiguresScreen)
                   and app.screen.view is not None, "figures loaded")
    return app.screen


async def test_the_network_charts_and_the_offices_own(ctx, staffing, clock) -> None:
    publish_other_offices(ctx, clock.value.date())
    check_in_own(ctx)
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_figures(pilot)
        assert screen.view.title.startswith("Netzwerk")
        assert screen.view.visits == 197
        assert screen.query_one("#charts").display
        assert not screen.query_one("#figures-empty").display
        await pilot.pause()
        text = _screen_text(app)
        for title in ("Besuche pro Tag und Büro", "Sprache der Beratung", "Sprachmittlung",
                      "Anliegen", "Wartezeit in Minuten", "Weitervermittlung"):
            assert title in text, title
        assert "LUED" in text and "INNO" in text and "EVSC" in text  # the day chart's legend
        assert "197 Besuche, davon 11 mit Sprachmittlung" in text
        assert CANARY not in text

        await pilot.press("o")  # this office's own
        await wait_for(pilot, lambda: screen.view.visits == 7, "own office shown")
        await pilot.pause()
        text = _screen_text(app)
        assert "Eving/Scharnhorst" in str(screen.query_one("#figures-title", Label).render())
        assert "7 Besuche, davon 1 mit Sprachmittlung" in text
        assert "LUED" not in text and CANARY not in text

        await pilot.press("r")  # 90 days
        await wait_for(pilot, lambda: "letzte 90 Tage" in str(
            screen.query_one("#figures-summary", Static).render()), "range changed")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.id == "queue-screen", "back to the queue")


async def test_no_figures_yet_is_said_calmly(ctx, staffing) -> None:
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_figures(pilot)
        assert screen.view.empty
        empty = screen.query_one("#figures-empty", Static)
        assert empty.display and not screen.query_one("#charts").display
        await pilot.pause()
        assert EMPTY_TEXT[:40] in _screen_text(app)
        assert not screen.query(PlotextPlot).first().display or not screen.query_one(
            "#charts").display


def test_figures_snapshot(ctx, staffing, clock, snap_compare) -> None:
    publish_other_offices(ctx, clock.value.date())
    check_in_own(ctx)
    app = make_staff_app(ctx)

    async def shown(pilot) -> None:
        await _open_figures(pilot)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=shown)
