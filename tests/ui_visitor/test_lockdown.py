"""Privacy and lockdown: the idle reset forgets the visitor, nothing a visitor presses quits,
and only a staff PIN leaves visitor mode."""

from __future__ import annotations

from textual.command import CommandPalette

from kiosk.staffing.profiles import StaffDirectory
from kiosk.store.models import AuditEntry, Visit
from kiosk.ui.visitor.app import STAFF_EXIT_KEY, make_visitor_app
from kiosk.ui.visitor.screens.staff import StaffPinScreen
from kiosk.ui.visitor.screens.steps import ConcernScreen, CounselScreen, NameScreen
from kiosk.ui.visitor.screens.welcome import WelcomeScreen
from tests.ui_visitor.helpers import SIZE, FakeMonotonic, all_text, type_into, walk_to_name

VISITOR_KEYS = ["ctrl+c", "ctrl+q", "ctrl+p", "ctrl+d", "ctrl+z", "ctrl+w",
                "alt+f4", "f1", "ctrl+x", "ctrl+l", "ctrl+s", "ctrl+t"]
"""Keys that must do nothing at all (Esc goes back one step: `test_escape_goes_back_...`)."""


async def test_idle_timeout_forgets_everything(ctx):
    """The idle time runs on a fake clock: a loaded machine taking seconds between two taps
    must not reset the walk, and the reset comes from the app's own idle timer."""
    clock = FakeMonotonic()
    app = make_visitor_app(ctx, idle_timeout=2, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "fa", ["gesundheit"], "fa")
        await type_into(pilot, "Shirin")
        old_draft = app.flow.draft
        old_screens = list(app.screen_stack)
        assert "Shirin" in all_text(pilot) and old_draft.concerns == ["gesundheit"]
        clock.advance(2.01)
        for _ in range(300):  # the app's timer looks at the clock a few times a second
            if isinstance(app.screen, WelcomeScreen) and len(app.screen_stack) == 1:
                break
            await pilot.pause(0.1)
        assert isinstance(app.screen, WelcomeScreen) and len(app.screen_stack) == 1
        assert app.flow.draft is not old_draft and app.flow.draft.language is None
        assert "Shirin" not in all_text(pilot)
        # Every step screen is gone with its widgets, except the concern and counselling
        # screens, which the app keeps per language for speed: they keep nothing of the
        # visitor (no chosen concern, no focus on the tile last tapped).
        kept = [s for s in old_screens[1:] if s.is_attached]
        assert [type(s) for s in kept] == [ConcernScreen, CounselScreen]
        assert kept[0].selected() == [] and all(s.focused is None for s in kept)
        assert not any("Shirin" in (getattr(w, "value", "") or "")
                       for w in app.screen.walk_children())
    assert Visit.select().count() == 0


async def test_taps_keep_the_visitor_from_the_idle_reset(ctx):
    """On a fake clock: every key starts the idle time again, however late the timer runs."""
    clock = FakeMonotonic()
    app = make_visitor_app(ctx, idle_timeout=2, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "de", [], "de")
        for _ in range(4):
            clock.advance(1.5)
            await pilot.press("x")
            await app.check_idle_time()
            await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        clock.advance(2.0)
        await app.check_idle_time()
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)


async def test_quit_keys_do_nothing(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "de", [], "de")
        screen = app.screen
        for key in VISITOR_KEYS:
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running and app.return_code is None and not app._exit
        assert app.screen is screen
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)
    assert not app.ENABLE_COMMAND_PALETTE
    assert [b.key for b in app.BINDINGS] == [STAFF_EXIT_KEY]


async def test_staff_pin_leaves_visitor_mode_wrong_pin_does_not(ctx):
    staff = StaffDirectory(ctx.store, ctx.config, ctx.queue.now_ms)
    staff.add("Leyla Demir", ["de", "tr"], "482915")
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(STAFF_EXIT_KEY)
        await pilot.pause()
        assert isinstance(app.screen, StaffPinScreen)
        await pilot.press(*"111111", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and not app._exit
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press(STAFF_EXIT_KEY)
        await pilot.pause()
        await pilot.press(*"482915", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app._exit
    actions = [a.action for a in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions[-2:] == ["visitor_exit_failed", "visitor_exit"]


async def test_escape_goes_back_one_step_and_never_quits(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "de", [], "de")
        for _ in range(6):  # name → counselling → concern → welcome, then nothing more
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen) and len(app.screen_stack) == 1
        assert app.is_running and app.return_code is None and not app._exit
