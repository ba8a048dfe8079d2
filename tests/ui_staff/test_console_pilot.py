"""The staff console driven like a person would: keys, dialogs, several staff and visitors."""

from __future__ import annotations

import datetime as dt
import re

from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Select

from kiosk.queue.errors import AppointmentNotFound
from kiosk.staffing.audit import recent
from kiosk.staffing.profiles import MAX_FAILED_PINS
from kiosk.ui.staff.app import make_staff_app
from kiosk.ui.staff.dialogs import FormDialog, NoticeDialog
from tests.ui_staff.conftest import sign_in, status_text, type_text, wait_for

SIZE = (150, 42)


def screen_lines(app) -> list[str]:
    """The rendered screen, line by line, as the terminal would receive it."""
    return ["".join(seg.text for seg in strip)
            for strip in app.screen._compositor.render_strips()]


async def call_shown(pilot, visit_id: str) -> None:
    """Wait until the console lists the call under "Bei mir" (keys act on what is shown)."""
    screen = pilot.app.screen
    await wait_for(pilot, lambda: any(m.id == visit_id for m in screen.snapshot.mine),
                   "call shown")
    # The action's own result moves focus to "Bei mir"; under load it can arrive after the
    # watcher's refresh, so wait for it too before the next key acts on the selection.
    await wait_for(pilot, lambda: getattr(pilot.app.focused, "id", None) == "mine",
                   "focus on my calls")


def form_error(app) -> str:
    """The refusal an open form shows ("" when none is open or it shows none)."""
    errors = app.screen.query("#form-error")
    return str(errors.first().render()) if errors and errors.first().display else ""


async def signed_in(pilot, staff_id: str, pin: str):
    await sign_in(pilot, staff_id, pin)
    await wait_for(pilot, lambda: pilot.app.screen.id == "queue-screen"
                   and pilot.app.screen.loads > 0, "queue shown")
    return pilot.app.screen


async def test_sign_in_wrong_pin_and_lock_out(ctx, staffing):
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "reza-ahmadi", "0000")
        await wait_for(pilot, lambda: "Falsche PIN" in status_text(app), "wrong PIN message")
        assert f"Noch {MAX_FAILED_PINS - 1} Versuch" in status_text(app)
        for _ in range(MAX_FAILED_PINS - 1):
            await sign_in(pilot, "reza-ahmadi", "0000")
        await wait_for(pilot, lambda: "gesperrt" in status_text(app), "lock-out message")
        await sign_in(pilot, "reza-ahmadi", "2222")  # the right PIN, but locked
        await wait_for(pilot, lambda: "gesperrt" in status_text(app)
                       and "sign_in_locked" in {e.action for e in recent(5)}, "still locked")
        assert app.screen.id == "signin"
        await sign_in(pilot, "amira-haddad", "1111")
        await wait_for(pilot, lambda: app.screen.id == "queue-screen", "Amira signed in")


async def test_call_next_matches_language_and_fairness_overrides(ctx, staffing, clock):
    arabic = ctx.queue.check_in(["post"], "ar")
    clock.advance(minutes=5)
    persian = ctx.queue.check_in(["wohnen"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        assert screen.snapshot.next_ticket == persian.ticket
        await pilot.press("n")
        await wait_for(pilot, lambda: ctx.queue.get(persian.visit_id).status == "called")
        await call_shown(pilot, persian.visit_id)
        assert ctx.queue.get(arabic.visit_id).status == "queued"
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.press("ctrl+s")  # resolved
        await wait_for(pilot, lambda: ctx.queue.get(persian.visit_id).status == "finished")
        clock.advance(minutes=10)
        later = ctx.queue.check_in(["wohnen"], "fa")
        clock.advance(minutes=ctx.config.queue.fairness_minutes)
        await pilot.press("n")  # the Arabic visitor has now waited past the fairness bound
        await wait_for(pilot, lambda: ctx.queue.get(arabic.visit_id).status == "called")
        await call_shown(pilot, arabic.visit_id)
        assert ctx.queue.get(later.visit_id).status == "queued"


async def test_recall_until_missed_then_restore(ctx, staffing):
    v = ctx.queue.check_in(["post"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("n")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).status == "called")
        await call_shown(pilot, v.visit_id)
        for n in range(2, ctx.config.queue.max_calls + 1):
            await wait_for(pilot, lambda: screen.snapshot.mine, "my call shown")
            await pilot.press("w")
            await wait_for(pilot, lambda n=n: ctx.queue.get(v.visit_id).call_count == n)
        await pilot.press("w")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).status == "missed")
        await wait_for(pilot, lambda: screen.snapshot.missed, "missed list shown")
        screen.query_one("#mine").focus()
        await pilot.press("z")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).status == "queued")
        assert ctx.queue.get(v.visit_id).call_count == 0


async def test_transfer_to_desk_keeps_place_and_goes_to_that_desk(ctx, staffing):
    v = ctx.queue.check_in(["post"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("n")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).status == "called")
        await call_shown(pilot, v.visit_id)
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ChoiceDialog")
        options = app.screen.query_one("#choices")
        options.highlighted = next(i for i in range(options.option_count)
                                   if options.get_option_at_index(i).id == "desk:3")
        await pilot.press("enter")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).target_desk == "3")
        info = ctx.queue.get(v.visit_id)
        assert info.status == "queued" and info.checked_in_at == v.checked_in_at
    # Amira (desk 1) is not offered the visitor; the colleague at desk 3 is.
    assert ctx.queue.call_next("amira-haddad", "1", ["de", "ar", "fa"]) is None
    assert ctx.queue.call_next("chef-admin", "3", ["de"]).id == v.visit_id


async def test_finish_with_referral_is_recorded_and_audited(ctx, staffing):
    v = ctx.queue.check_in(["jobcenter"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("n")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).status == "called")
        await call_shown(pilot, v.visit_id)
        await pilot.press("b")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).status == "in_service")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-outcome", Select).value = "referred"
        app.screen.query_one("#f-referral", Select).value = "jobcenter"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).status == "finished")
    info = ctx.queue.get(v.visit_id)
    assert (info.outcome, info.referral) == ("referred", "jobcenter")
    entry = recent(1, action="finish")[0]
    assert (entry.staff, entry.record, entry.detail) == ("reza-ahmadi", v.visit_id,
                                                         "referred:jobcenter")


async def test_priority_needs_a_reason_code(ctx, staffing, clock):
    first = ctx.queue.check_in(["post"], "fa")
    clock.advance(minutes=1)
    second = ctx.queue.check_in(["post"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        table = screen.query_one("#queue")
        table.focus()
        table.move_cursor(row=table.get_row_index(second.visit_id))
        await pilot.press("u")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ChoiceDialog")
        await pilot.press("enter")  # the first reason: medical
        await wait_for(pilot, lambda: ctx.queue.get(second.visit_id).priority == 1)
        assert ctx.queue.get(second.visit_id).priority_reason == "medical"
        await wait_for(pilot, lambda: screen.snapshot.next_ticket == second.ticket)
    assert ctx.queue.get(first.visit_id).priority == 2


async def _open_booking(pilot, app):
    await pilot.press("a")
    await wait_for(pilot, lambda: app.screen.id == "appointments-screen")
    await pilot.press("b")
    await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))


def _fill(app, **values: str) -> None:
    for name, value in values.items():
        widget = app.screen.query_one(f"#f-{name}")
        widget.value = value


async def test_booking_shows_code_once_and_double_booking_is_refused(ctx, staffing):
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await _open_booking(pilot, app)
        _fill(app, date="25.11.2026", time="10:30", desk="2", language="fa",
              interpreter="ti", name="Dariush", phone="0231 123")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, NoticeDialog), "code shown")
        text = app.screen.text
        code = re.search(r"\n +(\S+)\n", text).group(1)  # on a line of its own
        assert len(code) == 7 and code[3] == "-"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.id == "appointments-screen")
        await wait_for(pilot, lambda: len(app.screen.rows) == 1, "day view shows it")
        # the code was shown once, in the dialog; it does not linger for passers-by
        assert "gebucht" in status_text(app) and code not in status_text(app)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        _fill(app, date="25.11.2026", time="10:45", desk="2", language="de", name="Mina")
        await pilot.press("ctrl+s")
        # refused in the dialog, which stays open with every field as typed, time marked
        await wait_for(pilot, lambda: "Doppelbuchung abgelehnt" in form_error(app))
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        assert dialog.values()["time"] == "10:45" and dialog.values()["name"] == "Mina"
        assert dialog.query_one("#f-time").has_class("invalid")
        assert not dialog.query_one("#f-name").has_class("invalid")
        assert len(ctx.appointments.day(dt.date(2026, 11, 25))) == 1
        dialog.query_one("#f-time", Input).value = "11:30"  # one field changed, not six
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, NoticeDialog), "second code")
        assert len(ctx.appointments.day(dt.date(2026, 11, 25))) == 2
    # the code is what the visitor kiosk accepts on the day, and only then
    try:
        ctx.appointments.check_in(code)
    except AppointmentNotFound:
        pass
    else:
        raise AssertionError("a code for tomorrow must not check in today")


async def test_booking_in_the_past_and_bad_time_refused(ctx, staffing):
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await _open_booking(pilot, app)
        _fill(app, date="23.11.2026", time="10:30", desk="2")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "nicht in der Vergangenheit" in form_error(app))
        assert app.screen.query_one("#f-date").has_class("invalid")
        _fill(app, date="25.11.2026", time="25:99", desk="2")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Uhrzeit sieht so aus" in form_error(app))
        assert app.screen.query_one("#f-time").has_class("invalid")
        assert not app.screen.query_one("#f-date").has_class("invalid")
    assert ctx.appointments.day(dt.date(2026, 11, 23)) == []


async def test_unknown_appointment_code_has_a_clear_message(ctx, staffing):
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.id == "appointments-screen")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-code", Input).value = "KKK-777"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Unbekannter Termincode" in status_text(app))


async def test_mediator_suggested_when_nobody_on_duty_speaks_the_language(ctx, staffing):
    staffing.mediators.add("Selam Tesfay", ["ti"], contact="0171 555", weekdays=["tue"])
    staffing.mediators.add("Yonas", ["ti"], weekdays=["fri"])
    v = ctx.queue.check_in(["post"], "de", interpreter_language="ti")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        needs = str(screen.query_one("#needs").render())
        assert f"{v.ticket}: Tigrinya" in needs and "Selam Tesfay (0171 555)" in needs
        assert "Yonas nur Fr" in needs
        await pilot.press("m")
        await wait_for(pilot, lambda: app.screen.id == "mediators-screen"
                       and "Selam" in str(app.screen.query_one("#needs-list").render()))


async def test_a_persian_name_with_zwnj_is_typed_and_listed_as_typed(ctx, staffing):
    """ZWNJ (Shift+Space on a Persian keyboard) belongs to the name: without it "علیرضا" is
    a different word. Typed key by key into the form, it is stored and listed with it."""
    name = "علی\u200cرضا"
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("m")
        await wait_for(pilot, lambda: app.screen.id == "mediators-screen"
                       and app.screen.is_mounted, "register shown")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog)
                       and app.screen.is_mounted, "form composed")
        _fill(app, languages="fa", weekdays="Di")
        field = app.screen.query_one("#f-name", Input)
        field.focus()
        await wait_for(pilot, lambda: app.focused is field, "name field focused")
        type_text(pilot, name)
        await wait_for(pilot, lambda: field.value == name, "the name typed with its ZWNJ")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.id == "mediators-screen"
                       and "eingetragen" in status_text(app), "registered")
        table = app.screen.query_one("#mediator-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1
                       and table.get_cell_at(Coordinate(0, 0)).plain == name, "listed")
        await wait_for(pilot, lambda: any(name in line for line in screen_lines(app)),
                       "on screen with its ZWNJ")
    assert [m.name for m in staffing.mediators.list()] == [name]


async def test_admin_screen_needs_an_admin_pin(ctx, staffing):
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        _fill(app, pin="0000")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("Falsche PIN" in n.message
                                          for n in app._notifications), "refused")
        assert app.screen.id == "queue-screen"
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        _fill(app, pin="9999")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.id == "admin-screen")
        await wait_for(pilot, lambda: len(app.screen.profiles) == 3)


async def test_quit_leaves_the_duty_list(ctx, staffing):
    from kiosk.staffing import duty

    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await wait_for(pilot, lambda: duty.on_duty(ctx.queue.now_ms()) == ["reza-ahmadi"])
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, "console closed")
    assert duty.on_duty(ctx.queue.now_ms()) == []
    assert recent(1)[0].action == "sign_out"


async def test_console_shows_when_the_site_last_synced_and_what_waits(ctx, staffing, clock):
    from textual.widgets import Label

    from kiosk.store.models import Outbox
    from kiosk.sync.state import LAST_SYNC

    ctx.queue.check_in(["post"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        title = lambda: str(screen.query_one("#queue-title", Label).render())  # noqa: E731
        pending = Outbox.select().count()
        assert pending >= 1
        await wait_for(pilot, lambda: "Netz-Abgleich: noch nie" in title()
                       and f"{pending} Änderung" in title(), "never synced, changes wait")
        synced_at = int((clock.value - dt.timedelta(minutes=5)).timestamp() * 1000)
        with ctx.store.writing():
            ctx.store.set_setting(LAST_SYNC, str(synced_at))
            Outbox.delete().execute()
        await wait_for(pilot, lambda: "heute 09:55 Uhr" in title()
                       and "nichts offen" in title(), "synced five minutes ago")


class _FreshlyBooted:
    """`time` as the console's watcher sees it on a machine that booted seconds ago:
    monotonic() counts from boot, so it is smaller than a heartbeat interval."""

    def __init__(self) -> None:
        import time

        self._time, self._offset = time, time.monotonic() - 5.0

    def monotonic(self) -> float:
        return self._time.monotonic() - self._offset

    def sleep(self, seconds: float) -> None:
        self._time.sleep(seconds)


async def test_a_console_on_a_freshly_booted_machine_is_on_duty_at_once(ctx, staffing,
                                                                          monkeypatch):
    from kiosk.staffing import duty
    from kiosk.ui.staff import queue_screen

    monkeypatch.setattr(queue_screen, "time", _FreshlyBooted())
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await wait_for(pilot, lambda: duty.on_duty(ctx.queue.now_ms()) == ["reza-ahmadi"],
                       "on duty right after sign-in")
