"""The console's privacy screen driven like a person would: find a visitor by ticket, hand
them a copy, erase their records after a confirmation that names what goes and why."""

from __future__ import annotations

import dataclasses

from textual.widgets import Select, Static

from kiosk.staffing.audit import recent
from kiosk.store.models import Visit
from kiosk.ui.staff.app import make_staff_app
from kiosk.ui.staff.privacy import ConfirmErase, PrivacyScreen
from tests.privacy.people import CANARY, OTHER, visit
from tests.ui_staff.conftest import ENTER, sign_in, type_text, wait_for

SIZE = (120, 36)


def _status(app) -> str:
    """The privacy screen's status line (also while a dialog is on top of it)."""
    screen = next(s for s in app.screen_stack if isinstance(s, PrivacyScreen))
    return str(screen.query_one("#status", Static).render())


def _found(app) -> str:
    screen = next(s for s in app.screen_stack if isinstance(s, PrivacyScreen))
    return str(screen.query_one("#privacy-found", Static).render())


async def _open(pilot, ctx):
    await sign_in(pilot, "reza-ahmadi", "2222")
    await wait_for(pilot, lambda: pilot.app.screen.id == "queue-screen", "queue shown")
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PrivacyScreen), "privacy")
    return pilot.app.screen


async def test_find_export_then_erase_with_confirmation(ctx, staffing, tmp_path):
    today = ctx.queue.now().date()
    mine = visit(ctx.store, today, "A-004", CANARY, note="Mietvertrag")
    other = visit(ctx.store, today, "A-005", OTHER)
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, ctx)
        type_text(pilot, "A-004" + ENTER)
        await wait_for(pilot, lambda: "Gefunden: 1" in _found(app), "found")
        assert CANARY in _found(app) and OTHER not in _found(app)

        out = tmp_path / "copy"
        dir_field = screen.query_one("#privacy-dir")
        dir_field.value = str(out)
        await pilot.press("f6")
        await wait_for(pilot, lambda: "Auskunft erstellt" in _status(app), "exported")
        texts = [p.read_text() for p in out.iterdir()]
        assert len(texts) == 3 and all(CANARY in t for t in texts)
        assert not any(OTHER in t for t in texts)

        await pilot.press("f8")  # first time: change of mind
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmErase), "confirmation")
        listed = str(app.screen.query_one("#erase-list", Static).render())
        assert f"Besuch A-004 vom {today.isoformat()}" in listed
        await pilot.press("escape")
        await wait_for(pilot, lambda: "Nichts gelöscht" in _status(app), "cancelled")
        assert Visit.get_by_id(mine).first_name == CANARY

        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmErase), "confirmation")
        await pilot.click("#erase-ok")  # no reason chosen yet: refused
        await wait_for(pilot, lambda: "Grund" in str(
            app.screen.query_one("#erase-problem", Static).render()), "reason asked for")
        app.screen.query_one("#erase-reason", Select).value = "request"
        ok = app.screen.query_one("#erase-ok")
        # a button ignores presses while it still shows the previous one
        await wait_for(pilot, lambda: not ok.has_class("-active"), "button released")
        assert await pilot.click("#erase-ok")
        await wait_for(pilot, lambda: "Gelöscht: 1 Besuche" in _status(app), "erased")

    assert Visit.get_or_none(Visit.id == mine) is None
    assert Visit.get_by_id(other).first_name == OTHER
    (entry,) = recent(5, action="privacy.erase")
    assert entry.staff == "reza-ahmadi" and entry.record == mine
    assert "reason=request" in entry.detail and CANARY not in entry.detail
    assert {e.record for e in recent(5, action="privacy.export")} == {mine}


async def test_a_wrong_ticket_gets_a_calm_message(ctx, staffing):
    app = make_staff_app(dataclasses.replace(ctx))
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, ctx)
        type_text(pilot, "A-999" + ENTER)
        await wait_for(pilot, lambda: "no visit with ticket A-999" in _status(app), "message")
        assert app.screen.query_one("#privacy-erase").disabled
