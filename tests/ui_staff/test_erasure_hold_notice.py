"""A mass erasure held for an admin is shown on the admin screen (counts only, no content)."""

from __future__ import annotations

from kiosk.ui.staff.app import make_staff_app
from kiosk.ui.staff.dialogs import FormDialog
from tests.ui_staff.conftest import status_text, wait_for
from tests.ui_staff.test_console_pilot import SIZE, _fill, signed_in


async def open_admin(app, pilot) -> None:
    await signed_in(pilot, "reza-ahmadi", "2222")
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
    _fill(app, pin="9999")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: app.screen.id == "admin-screen"
                   and len(app.screen.profiles) == 3, "admin screen loaded")


async def test_the_admin_screen_says_when_erasures_are_held(ctx, staffing):
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(app, pilot)
        assert "zurückgehalten" not in status_text(app)
    with ctx.store.writing():  # what a held mass erasure leaves (kiosk/sync/erasure_hold.py)
        ctx.store.db.execute_sql(
            'INSERT INTO sync_erasure_hold (writer, day, state, "count", first_seen) '
            "VALUES ('EVSC-3F2A', '2026-11-30', 'held', 2, 0)")
        for rid in ("a" * 32, "b" * 32):
            ctx.store.db.execute_sql(
                "INSERT INTO sync_erasure_pending (rid, writer, day, scope, clock, seq) "
                "VALUES (?, 'EVSC-3F2A', '2026-11-30', 'EVSC', NULL, 1)", (rid,))
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(app, pilot)
        await wait_for(pilot, lambda: "2 Löschungen" in status_text(app), "notice shown")
        assert "kiosk erasures list" in status_text(app)
