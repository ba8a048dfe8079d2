"""A busy office day at the console, driven by keys: actions land on the visitor just called,
nothing is lost by one keystroke, the screen stays true (header, duty list, hints, footer),
and the emergency banner reaches every screen."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Select

from kiosk.staffing import alarm
from kiosk.staffing.audit import recent
from kiosk.staffing.console import Console, ConsoleSnapshot, action_target
from kiosk.staffing.desks import set_desk_label
from kiosk.staffing.duty import STALE_MINUTES
from kiosk.ui.staff.app import make_staff_app
from kiosk.ui.staff.dialogs import ChoiceDialog, ConfirmDialog, FormDialog
from tests.conftest import BERLIN
from tests.ui_staff.conftest import status_text, wait_for
from tests.ui_staff.test_console_pilot import call_shown, screen_lines, signed_in

SIZE = (150, 42)


def active_ids(staffing) -> set[str]:
    return {p.id for p in staffing.directory.list()}


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def test_action_target_prefers_a_pick_then_the_call_then_the_cursor(ctx):
    a = ctx.queue.check_in(["post"], "fa")
    b = ctx.queue.check_in(["post"], "fa")
    visits = {v.id: v for v in ctx.queue.today_visits()}
    snap = ConsoleSnapshot(now_ms=0, waiting=(), mine=(visits[b.visit_id],), parked=(),
                           missed=(), on_duty=(), needs=(), next_ticket=None,
                           appointments_today=())
    assert action_target(snap, picked=a.visit_id, just_called=b.visit_id,
                         cursor=a.visit_id) == a.visit_id
    # the cursor resting on another row (a parked one) never beats the visitor just called
    assert action_target(snap, just_called=b.visit_id, cursor=a.visit_id) == b.visit_id
    assert action_target(snap, cursor=a.visit_id) == b.visit_id
    empty = ConsoleSnapshot(0, (), (), (), (), (), (), None, ())
    # a snapshot read just before the call does not list it yet: the call still counts
    assert action_target(empty, just_called=b.visit_id, cursor=a.visit_id) == b.visit_id
    assert action_target(empty, cursor=a.visit_id) == a.visit_id


async def test_after_parking_the_next_call_is_what_b_and_f_act_on(ctx, staffing, clock):
    first = ctx.queue.check_in(["post"], "fa")
    clock.advance(minutes=1)
    second = ctx.queue.check_in(["wohnen"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("n")
        await call_shown(pilot, first.visit_id)
        await pilot.press("p")
        await wait_for(pilot, lambda: ctx.queue.get(first.visit_id).status == "parked")
        await wait_for(pilot, lambda: screen.snapshot.parked and not screen.snapshot.mine,
                       "parked row shown")
        await pilot.press("n")
        await wait_for(pilot, lambda: ctx.queue.get(second.visit_id).status == "called")
        await wait_for(pilot, lambda: screen.current == second.visit_id, "new call known")
        await pilot.press("b")
        await wait_for(pilot, lambda: ctx.queue.get(second.visit_id).status == "in_service")
        assert ctx.queue.get(first.visit_id).status == "parked"
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.title_text == f"{second.ticket} abschließen"
        await pilot.press("escape")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert app.screen.title_text.startswith(f"{second.ticket} weitergeben")


async def test_n_asks_when_the_desk_already_has_someone(ctx, staffing, clock):
    first = ctx.queue.check_in(["post"], "fa")
    clock.advance(minutes=1)
    second = ctx.queue.check_in(["post"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("n")
        await call_shown(pilot, first.visit_id)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked")
        assert first.ticket in screen_text(app) and "Schalter 2" in screen_text(app)
        await pilot.press("enter")  # the focus is on "Abbrechen": habit does no harm
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        assert ctx.queue.get(second.visit_id).status == "queued"
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked again")
        await pilot.click("#yes")
        await wait_for(pilot, lambda: ctx.queue.get(second.visit_id).status == "called")


async def test_cancelling_an_appointment_asks_and_can_be_undone(ctx, staffing, monkeypatch):
    ctx.appointments.book(dt.datetime(2026, 11, 24, 11, 0, tzinfo=BERLIN), "de", desk="2",
                          name="Mallory")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.id == "appointments-screen"
                       and app.screen.rows, "day shown")
        appointments = app.screen
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked")
        assert "11:00" in app.screen.title_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is appointments)
        assert ctx.appointments.day()[0].status == "booked"
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked again")
        await pilot.click("#yes")
        await wait_for(pilot, lambda: ctx.appointments.day()[0].status == "cancelled")
        await wait_for(pilot, lambda: "rückgängig" in status_text(app), "undo offered")
        await wait_for(pilot, lambda: "r Rückgängig" in screen_text(app), "undo key shown")
        await pilot.press("r")
        await wait_for(pilot, lambda: ctx.appointments.day()[0].status == "booked")
        assert recent(1)[0].action == "uncancel"
        # once the undo time is over, r does nothing
        monkeypatch.setattr("kiosk.ui.staff.undo.UNDO_SECONDS", 0.05)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked")
        await pilot.click("#yes")
        await wait_for(pilot, lambda: ctx.appointments.day()[0].status == "cancelled")
        await wait_for(pilot, lambda: "r Rückgängig" not in screen_text(app), "undo over")
        await pilot.press("r")
        await pilot.pause(0.3)
        assert ctx.appointments.day()[0].status == "cancelled"


async def test_retiring_a_mediator_asks_and_can_be_undone(ctx, staffing):
    staffing.mediators.add("Selam Tesfay", ["ti"], contact="0171 555", weekdays=["tue"])
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("m")
        await wait_for(pilot, lambda: app.screen.id == "mediators-screen"
                       and app.screen.mediators, "register shown")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked")
        assert app.screen.title_text == "Selam Tesfay austragen?"
        await pilot.click("#yes")
        await wait_for(pilot, lambda: not staffing.mediators.list(), "retired")
        await wait_for(pilot, lambda: "r Rückgängig" in screen_text(app), "undo offered")
        await pilot.press("r")
        await wait_for(pilot, lambda: staffing.mediators.list(), "back on the register")


async def test_header_follows_the_minute_without_any_change(ctx, staffing, clock):
    arabic = ctx.queue.check_in(["post"], "ar")
    clock.advance(minutes=5)
    persian = ctx.queue.check_in(["post"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        assert screen.snapshot.next_ticket == persian.ticket
        clock.advance(minutes=ctx.config.queue.fairness_minutes)  # nobody writes anything
        await wait_for(pilot, lambda: screen.snapshot.next_ticket == arabic.ticket,
                       "next for me follows the fairness bound")
        header = str(screen.query_one("#header").render())
        assert f"nächste:r für mich: {arabic.ticket}" in header
        assert f"{clock.value:%H:%M} Uhr" in header


async def test_two_consoles_show_the_same_duty_list(ctx, staffing, clock):
    amira = Console(staffing, staffing.directory.get("amira-haddad"))
    amira.sign_on()
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        assert {p.id for p in screen.snapshot.on_duty} == {"reza-ahmadi", "amira-haddad"}
        clock.advance(minutes=STALE_MINUTES + 1)  # Amira's console stopped beating
        await wait_for(pilot, lambda: [p.id for p in screen.snapshot.on_duty]
                       == ["reza-ahmadi"], "Amira dropped out")
        assert [p.id for p in amira.snapshot().on_duty] == ["reza-ahmadi"]
        assert "im Dienst: Reza Ahmadi ·" in str(screen.query_one("#header").render())


async def test_transfer_hint_names_the_colleague(ctx, staffing):
    Console(staffing, staffing.directory.get("amira-haddad")).sign_on()
    v = ctx.queue.check_in(["post"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("n")
        await call_shown(pilot, v.visit_id)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        options = app.screen.query_one("#choices")
        options.highlighted = next(i for i in range(options.option_count)
                                   if options.get_option_at_index(i).id
                                   == "staff:amira-haddad")
        await pilot.press("enter")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).target_staff
                       == "amira-haddad")
        await wait_for(pilot, lambda: screen.snapshot.waiting, "back in the queue")
        await pilot.pause(0.1)
        text = screen_text(app)
    assert "→ Amira Haddad" in text and "→ amira-haddad" not in text
    assert "Weitergegeben an Amira Haddad" in text


async def test_transfer_hint_names_the_desk_as_the_board_does(ctx, staffing):
    set_desk_label(ctx.store, ctx.config, "3", "Raum [b]2.14[/b]")
    v = ctx.queue.check_in(["post"], "fa")
    ctx.queue.transfer(v.visit_id, "reza-ahmadi", desk="3")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        await wait_for(pilot, lambda: screen.snapshot.waiting, "queue shown")
        await pilot.pause(0.1)
        assert "→ Schalter 3 (Raum [b]2.14[/b])" in screen_text(app)


async def test_dialogs_speak_german_and_follow_up_opens_the_booking_form(ctx, staffing):
    v = ctx.queue.check_in(["wohnen"], "fa", first_name="Dariush")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("n")
        await call_shown(pilot, v.visit_id)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "Select" not in text and "bitte wählen" in text
        app.screen.query_one("#f-outcome", Select).value = "follow_up"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog)
                       and app.screen.title_text.startswith("Folgetermin"), "booking form")
        values = app.screen.values()
        assert app.screen.title_text == f"Folgetermin für {v.ticket} buchen"
        assert (values["concern"], values["language"], values["name"]) == (
            "wohnen", "fa", "Dariush")
        await wait_for(pilot, lambda: ctx.queue.get(v.visit_id).status == "finished")
        assert ctx.queue.get(v.visit_id).outcome == "follow_up"


async def test_last_recall_says_missed_in_words(ctx, staffing):
    v = ctx.queue.check_in(["post"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("n")
        await call_shown(pilot, v.visit_id)
        for n in range(2, ctx.config.queue.max_calls + 2):
            await pilot.press("w")
            await wait_for(pilot, lambda n=n: ctx.queue.get(v.visit_id).call_count == n
                           or ctx.queue.get(v.visit_id).status == "missed")
        await wait_for(pilot, lambda: "nicht gekommen" in status_text(app), "missed told")
        assert "(verpasst)" not in status_text(app)
        assert f"{v.ticket} ist nach {ctx.config.queue.max_calls} Aufrufen" \
            in status_text(app)


async def test_a_mediator_without_weekdays_makes_a_sentence(ctx, staffing):
    staffing.mediators.add("Selam Tesfay", ["ti"], contact="0171 555", weekdays=[])
    ctx.queue.check_in(["post"], "ti")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        await wait_for(pilot, lambda: screen.snapshot.needs, "need shown")
        needs = str(screen.query_one("#needs").render())
    assert "Selam Tesfay (Tage nach Absprache)" in needs and "nur " not in needs


@pytest.mark.parametrize("size", [(80, 24), (120, 30)])
async def test_every_key_is_in_the_footer(ctx, staffing, size):
    app = make_staff_app(ctx)
    async with app.run_test(size=size) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.pause(0.2)
        footer = " ".join(screen_lines(app)[-4:])
    for key in ("n Nächste", "k Zahlen", "x Verwaltung", "? Hilfe", "^l Abmelden",
                "F12 Notruf", "u Dringend", "z Zurückholen"):
        assert key in footer, (size, footer)


async def test_emergency_banner_reaches_an_open_dialog_and_is_acknowledged(ctx, staffing):
    app = make_staff_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.id == "appointments-screen")
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog), "booking form")
        alarm.raise_alarm(ctx.store, desk="1", staff="amira-haddad", origin="other",
                                 now_ms=ctx.queue.now_ms())
        await wait_for(pilot, lambda: "NOTRUF Schalter 1" in screen_text(app), "banner")
        assert app.bells == 1 and "F8" in screen_text(app)
        await pilot.press("f8")  # works while the form has the focus
        await wait_for(pilot, lambda: alarm.current(ctx.queue.now_ms())[0].acknowledged)
        assert alarm.current(ctx.queue.now_ms())[0].ack_staff == "reza-ahmadi"
        await wait_for(pilot, lambda: "Reza Ahmadi kommt" in screen_text(app), "ack shown")
        assert isinstance(app.screen, FormDialog)  # the form was not lost


async def test_deactivating_a_colleague_asks_and_can_be_undone(ctx, staffing):
    staffing.directory.add("[b]Mallory[/b] \u05e9\u05dc\u05d5\u05dd", ["de"], "4444", desk="1")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-pin").value = "9999"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.id == "admin-screen"
                       and len(app.screen.profiles) == 4, "profiles listed")
        admin = app.screen
        table = admin.query_one("#staff-table")
        target = next(p for p in admin.profiles if p.display_name.startswith("[b]"))
        table.move_cursor(row=table.get_row_index(target.id))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked")
        await pilot.pause(0.1)
        # a name typed with markup shows literally, never as bold text
        assert "[b]Mallory[/b]" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is admin)
        assert target.id in active_ids(staffing)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked again")
        await pilot.click("#yes")
        await wait_for(pilot, lambda: target.id not in active_ids(staffing), "deactivated")
        await wait_for(pilot, lambda: "r Rückgängig" in screen_text(app), "undo offered")
        await pilot.press("r")
        await wait_for(pilot, lambda: target.id in active_ids(staffing), "active again")


async def test_f12_sends_from_any_screen_and_the_senders_console_stays_silent(ctx, staffing):
    app = make_staff_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, "reza-ahmadi", "2222")
        await pilot.press("m")
        await wait_for(pilot, lambda: app.screen.id == "mediators-screen")
        await pilot.press("f12")
        await wait_for(pilot, lambda: "Ihr Notruf" in screen_text(app), "sender's banner")
        sent = alarm.current(ctx.queue.now_ms())
        assert [(a.desk, a.staff) for a in sent] == [("2", "reza-ahmadi")]
        assert recent(1)[0].action == "alarm" and recent(1)[0].detail == "desk=2"
        assert app.bells == 0  # no sound at the desk where the visitor sits
        assert "F8" not in screen_text(app)  # nobody acknowledges their own call


async def test_c_calls_the_row_marked_in_the_queue(ctx, staffing, clock):
    first = ctx.queue.check_in(["post"], "fa")
    clock.advance(minutes=1)
    second = ctx.queue.check_in(["post"], "fa")
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "reza-ahmadi", "2222")
        await wait_for(pilot, lambda: len(screen.snapshot.waiting) == 2, "queue shown")
        screen.query_one("#queue").focus()
        await pilot.press("down")  # a person marks the second row
        await pilot.press("c")
        await wait_for(pilot, lambda: ctx.queue.get(second.visit_id).status == "called")
        assert ctx.queue.get(first.visit_id).status == "queued"
        await call_shown(pilot, second.visit_id)
        assert f"Aufgerufen: {second.ticket}" in status_text(app)
