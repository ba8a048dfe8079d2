"""The visitor terminal prints the ticket it shows, and stays calm when the printer is off."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kiosk.config import NetworkConfig, PrinterSettings
from kiosk.context import KioskContext, make_context
from kiosk.i18n import messages as M
from kiosk.i18n.translator import translator
from kiosk.printing.render import render_ticket
from kiosk.printing.ticket import ticket_content
from kiosk.store.db import init_store
from kiosk.ui.visitor.app import make_visitor_app
from kiosk.ui.visitor.screens.ticket import TicketScreen
from kiosk.ui.visitor.widgets import BidiText
from tests.conftest import FakeClock
from tests.printing.escpos_decode import printed_image
from tests.printing.loopback import LoopbackPrinter, closed_port
from tests.printing.pixels import differing_share
from tests.ui_visitor.helpers import SIZE, shown_ticket, tap, type_into, walk_to_name


def _context(config: NetworkConfig, tmp_path: Path, clock: FakeClock,
             printer: PrinterSettings) -> KioskContext:
    config = dataclasses.replace(config, printer=printer)
    return make_context(config, init_store(tmp_path / "site.db", "EVSC", "EVSC-EV"), now=clock)


async def _check_in(app, lang: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, lang, ["wohnen"], lang)
        await type_into(pilot, "Qzxcanary")
        await tap(pilot, "#continue")
        await app.workers.wait_for_complete()
        await pilot.pause()
        yield pilot


async def test_the_ticket_on_paper_is_the_ticket_on_screen(config, tmp_path, clock) -> None:
    with LoopbackPrinter() as printer:
        ctx = _context(config, tmp_path, clock, PrinterSettings("network", printer.address))
        app = make_visitor_app(ctx)
        try:
            async for pilot in _check_in(app, "fa"):
                screen = app.screen
                assert isinstance(screen, TicketScreen)
                number = shown_ticket(pilot)
                assert screen.query_one("#take-ticket", BidiText).text == \
                    translator("fa").gettext(M.TAKE_TICKET)
                expected = render_ticket(ticket_content(
                    number, screen.view.people_ahead, screen.view.estimate_minutes, "fa",
                    ctx.queue.location.name, clock()))
        finally:
            ctx.close()
        stream = printer.wait()
    assert differing_share(printed_image(stream), expected) == 0
    assert b"Qzxcanary" not in stream and b"wohnen" not in stream


async def test_a_switched_off_printer_leaves_the_ticket_on_screen_calmly(
        config, tmp_path, clock, caplog) -> None:
    port = closed_port()
    ctx = _context(config, tmp_path, clock, PrinterSettings("network", f"127.0.0.1:{port}"))
    app = make_visitor_app(ctx)
    try:
        async for pilot in _check_in(app, "ar"):
            assert isinstance(app.screen, TicketScreen)
            assert shown_ticket(pilot) == "A-001"
            notice = app.screen.query_one("#take-ticket", BidiText)
            assert notice.text == translator("ar").gettext(M.PRINT_FAILED)
            assert app.is_running
    finally:
        ctx.close()
    assert "Qzxcanary" not in caplog.text
    assert f"network printer 127.0.0.1:{port} cannot be reached" in caplog.text
