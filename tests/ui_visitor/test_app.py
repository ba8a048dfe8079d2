"""Pilot tests of the visitor terminal: full check-ins in German, Arabic and Persian, the
appointment code, back, bad input, the outside-hours notice, and the ticket printer."""

from __future__ import annotations

import datetime as dt

from kiosk.i18n import messages as M
from kiosk.i18n.formatting import format_name_too_long
from kiosk.i18n.translator import translator
from kiosk.store.models import Visit
from kiosk.ui.visitor.app import make_visitor_app
from kiosk.ui.visitor.screens.steps import ConcernScreen, NameScreen
from kiosk.ui.visitor.screens.ticket import ClosedScreen, TicketScreen
from kiosk.ui.visitor.screens.welcome import WelcomeScreen
from kiosk.ui.visitor.widgets import BidiText, Tile
from tests.conftest import FIXED_NOW
from tests.ui_visitor.helpers import (
    SIZE,
    problem_text,
    settle,
    shown_ticket,
    tap,
    type_into,
    walk_to_name,
)


async def test_german_check_in_is_stored_as_shown(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "de", ["wohnen", "post"], "de")
        await type_into(pilot, "Mina")
        await tap(pilot, "#continue")
        assert isinstance(app.screen, TicketScreen)
        ticket = shown_ticket(pilot)
    visit = ctx.queue.find_ticket(ticket)
    assert ticket == "A-001"
    assert (visit.concerns, visit.language, visit.interpreter_language, visit.first_name) == (
        ("post", "wohnen"), "de", None, "Mina")  # display order


async def test_arabic_check_in_with_arabic_name(ctx):
    ctx.queue.check_in([], "de")  # someone is already waiting
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "ar", ["aufenthalt"], "ar")
        assert app.screen.has_class("rtl")
        await type_into(pilot, "أحمد")
        await tap(pilot, "#continue")
        ticket = shown_ticket(pilot)
        people = app.screen.query_one("#people", BidiText).text
    visit = ctx.queue.find_ticket(ticket)
    assert (ticket, visit.concerns, visit.language, visit.interpreter_language,
            visit.first_name) == ("A-002", ("aufenthalt",), "ar", None, "أحمد")
    assert people == translator("ar").ngettext(*M.PEOPLE_BEFORE, 1).format(count="1")


async def test_persian_visitor_needing_an_interpreter_for_dari(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "fa", [], "prs", other=True)
        assert isinstance(app.screen, NameScreen)
        await tap(pilot, "#skip")
        ticket = shown_ticket(pilot)
    visit = ctx.queue.find_ticket(ticket)
    assert (visit.concerns, visit.language, visit.interpreter_language, visit.first_name) == (
        (), "de", "prs", None)


async def test_appointment_code_wrong_then_right(ctx):
    info, code = ctx.appointments.book(FIXED_NOW + dt.timedelta(minutes=30), "fa",
                                       concerns=["jobcenter"])
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await tap(pilot, "#lang-fa")
        await tap(pilot, "#appointment")
        await tap(pilot, "#continue")
        assert problem_text(pilot) == translator("fa").gettext(M.APPOINTMENT_CODE_EMPTY)
        await type_into(pilot, "QQQ-QQQ" if code != "QQQ-QQQ" else "WWW-WWW")
        await pilot.press("enter")
        await settle(pilot)
        assert problem_text(pilot) == translator("fa").gettext(M.APPOINTMENT_NOT_FOUND)
        assert Visit.select().count() == 0
        await type_into(pilot, code)
        await tap(pilot, "#continue")
        assert isinstance(app.screen, TicketScreen)
        ticket = shown_ticket(pilot)
        confirmed = app.screen.query_one("#confirmed", BidiText).text
    assert confirmed == translator("fa").gettext(M.APPOINTMENT_CONFIRMED)
    visit = ctx.queue.find_ticket(ticket)
    assert ticket == "T-001" and visit.appointment == info.id and visit.concerns == ("jobcenter",)
    assert ctx.appointments.day()[0].status == "arrived"


async def test_back_keeps_choices_until_the_language_changes(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "de", ["geld"], "de")
        await tap(pilot, "#back")  # name → counselling language
        await tap(pilot, "#back")  # → concern
        assert isinstance(app.screen, ConcernScreen)
        assert app.screen.selected() == ["geld"]
        await tap(pilot, "#back")  # → welcome
        assert isinstance(app.screen, WelcomeScreen)
        await tap(pilot, "#lang-en")
        assert app.screen.selected() == []
        assert app.flow.draft.language == "en" and app.flow.draft.concerns == []
        title = app.screen.query_one("#title", BidiText).text
    assert title == translator("en").gettext(M.CONCERN_TITLE)
    assert Visit.select().count() == 0


async def test_name_too_long_and_control_characters_get_a_kind_answer(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "ar", [], "ar")
        await type_into(pilot, "ب" * 5000)
        await tap(pilot, "#continue")
        assert isinstance(app.screen, NameScreen)
        assert problem_text(pilot) == format_name_too_long(40, "ar")
        for bad in ("Mina\x1b[2J", "\u202eanim", "Mi\x00na"):
            await type_into(pilot, bad)
            await tap(pilot, "#continue")
            assert problem_text(pilot) == translator("ar").gettext(M.NAME_BAD_CHARS)
        assert Visit.select().count() == 0
        await type_into(pilot, "")
        await tap(pilot, "#continue")  # empty is the same as skip
        ticket = shown_ticket(pilot)
    assert ctx.queue.find_ticket(ticket).first_name is None


async def test_ticket_returns_to_welcome_when_tapped(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "en", [], "en")
        await tap(pilot, "#skip")
        await tap(pilot, "#done")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen) and len(app.screen_stack) == 1
        assert app.flow.draft.language is None and app.last_ticket is None


async def test_outside_hours_notice_in_every_language_and_refusal(make_ctx):
    ctx = make_ctx(site="MEHU", location="MEHU-1")
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notices = [w.text for w in app.screen.query(".closed-notice")]
        assert len(notices) == len(ctx.config.ui_languages)
        for lang, notice in zip(ctx.config.ui_languages, notices, strict=True):
            assert notice.startswith(translator(lang).gettext(M.CLOSED_NOW))
        assert "13:00" in notices[0]
        await tap(pilot, "#lang-fa")
        assert isinstance(app.screen, ClosedScreen)
        await tap(pilot, "#back")
        assert isinstance(app.screen, WelcomeScreen)
    assert Visit.select().count() == 0


async def test_outside_hours_check_in_when_allowed(make_ctx):
    ctx = make_ctx(site="MEHU", location="MEHU-1", allow_checkin_outside_hours=True)
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "de", [], "de")
        await tap(pilot, "#skip")
        assert isinstance(app.screen, TicketScreen)


async def test_keyboard_only_visitor(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#lang-tr", Tile).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConcernScreen)
        app.screen.query_one("#concern-schule", Tile).focus()
        await pilot.press("space")
        await pilot.pause()
        assert app.screen.selected() == ["schule"]
