"""A visitor with a touch screen only: the code keypad, the name keyboard in their own script,
Back by Esc/Backspace where a keyboard is attached, and "Start again" on every step."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot

from kiosk.i18n.bidi import contains_presentation_forms, display
from kiosk.queue.appointments import CODE_ALPHABET
from kiosk.ui.visitor.app import make_visitor_app
from kiosk.ui.visitor.keyboards import BACKSPACE, CLEAR, SPACE, SWITCH, ZWNJ
from kiosk.ui.visitor.keypad import CURSOR, Key, TypedField
from kiosk.ui.visitor.screens.steps import (
    AppointmentScreen,
    ConcernScreen,
    CounselScreen,
    NameScreen,
)
from kiosk.ui.visitor.screens.ticket import TicketScreen
from kiosk.ui.visitor.screens.welcome import WelcomeScreen
from tests.conftest import FIXED_NOW
from tests.ui_visitor.helpers import SIZE, settle, shown_ticket, tap, walk_to_name

SPECIAL = {BACKSPACE, CLEAR, SWITCH, SPACE}


def keys(pilot: Pilot) -> list[Key]:
    return list(pilot.app.screen.query(Key))


async def press_key(pilot: Pilot, key: str) -> None:
    """Tap the on-screen key that types `key`."""
    matches = [k for k in keys(pilot) if k.key == key]
    assert matches, f"no on-screen key for {key!r}"
    await pilot.pause()
    assert await pilot.click(matches[0])
    await pilot.pause()


def field(pilot: Pilot) -> TypedField:
    return pilot.app.screen.query_one(TypedField)


async def test_code_keypad_has_the_code_alphabet_only_and_shows_the_codes_shape(ctx):
    _, code = ctx.appointments.book(FIXED_NOW + dt.timedelta(minutes=20), "en")
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-en")
        await tap(pilot, "#appointment")
        assert isinstance(app.screen, AppointmentScreen)
        typed = {k.key for k in keys(pilot)} - SPECIAL
        assert typed == set(CODE_ALPHABET)
        assert {BACKSPACE, CLEAR} <= {k.key for k in keys(pilot)}
        assert field(pilot).shown(40) == "___-___"
        assert app.focused is field(pilot)
        await pilot.press("o", "0", "-", "b")  # not in any code: a keyboard cannot add them
        assert field(pilot).value == ""
        raw = code.replace("-", "")
        for ch in raw[:4]:
            await press_key(pilot, ch)
        assert field(pilot).shown(40) == f"{raw[:3]}-{raw[3]}__"
        await press_key(pilot, BACKSPACE)
        assert field(pilot).value == raw[:3]
        await press_key(pilot, CLEAR)
        assert field(pilot).value == ""
        for ch in raw + "A":  # a seventh character does not fit a code
            await press_key(pilot, ch)
        assert field(pilot).value == code
        await tap(pilot, "#continue")
        assert isinstance(app.screen, TicketScreen) and shown_ticket(pilot) == "T-001"


@pytest.mark.parametrize(("lang", "letters", "name"), [
    ("ar", "محمد", "محمد"),
    ("fa", "رضا", "رضا"),
    ("ru", "мина", "Мина"),
    ("uk", "їжак", "Їжак"),
    ("tr", "ilkay", "İlkay"),  # Turkish upper case of i is İ
    ("de", "jürgen", "Jürgen"),
    ("fr", "zoé", "Zoé"),
])
async def test_name_keyboard_in_the_visitors_script(ctx, lang, letters, name):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, lang, [], "de")
        assert isinstance(app.screen, NameScreen)
        for ch in letters:
            await press_key(pilot, ch)
        assert field(pilot).value == name
        await tap(pilot, "#continue")
        ticket = shown_ticket(pilot)
    assert ctx.queue.find_ticket(ticket).first_name == name


async def test_switch_to_latin_and_back_clear_and_backspace(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "ar", [], "ar")
        assert "q" not in {k.key for k in keys(pilot)}
        await press_key(pilot, SWITCH)
        assert {"q", "a", "z"} <= {k.key for k in keys(pilot)}
        assert "م" not in {k.key for k in keys(pilot)}
        for ch in "sara":
            await press_key(pilot, ch)
        assert field(pilot).value == "Sara"
        await press_key(pilot, BACKSPACE)
        assert field(pilot).value == "Sar"
        await press_key(pilot, CLEAR)
        assert field(pilot).value == ""
        await press_key(pilot, SWITCH)
        assert "م" in {k.key for k in keys(pilot)}


async def test_persian_keyboard_types_a_name_with_zwnj(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "fa", [], "fa")
        for ch in ["ع", "ل", "ی", ZWNJ, "ر", "ض", "ا"]:
            await press_key(pilot, ch)
        await tap(pilot, "#continue")
        assert isinstance(app.screen, TicketScreen)
        ticket = shown_ticket(pilot)
    assert ctx.queue.find_ticket(ticket).first_name == "علی\u200cرضا"


@pytest.mark.parametrize("mode", ["app", "terminal"])
@pytest.mark.parametrize("lang", ["ar", "de"])  # an Arabic name typed on a German screen too
async def test_typed_arabic_name_is_shown_joined_and_right_to_left(make_ctx, mode, lang):
    ctx = make_ctx(bidi=mode)
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, lang, [], "de")
        field(pilot).add("محمد")
        await pilot.pause()
        shown = str(field(pilot).render())
        assert field(pilot).value == "محمد"  # kept in logical order
        assert field(pilot).has_class("rtl")  # and right-aligned
    if mode == "app":
        assert shown == CURSOR + display("محمد", "app", "rtl")
        assert contains_presentation_forms(shown) and shown[1:] != "دمحم"
    else:
        assert shown == "محمد" + CURSOR


async def test_physical_keyboard_backspace_edits_escape_and_backspace_go_back(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "de", [], "de")
        await pilot.press("m", "i", "n", "a", "backspace")
        assert field(pilot).value == "Min"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CounselScreen)
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, ConcernScreen)
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)


async def test_backspace_on_the_ticket_starts_over_instead_of_reopening_the_flow(ctx):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, "de", [], "de")
        await tap(pilot, "#skip")
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("backspace")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen) and len(app.screen_stack) == 1


STEPS = {
    "concern": ["#lang-fa"],
    "appointment": ["#lang-fa", "#appointment"],
    "counsel": ["#lang-fa", "#continue"],
    "other": ["#lang-fa", "#continue", "#other"],
    "name": ["#lang-fa", "#continue", "#counsel-fa"],
}


@pytest.mark.parametrize("step", list(STEPS))
async def test_start_again_on_every_step_forgets_everything(ctx, step):
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        for selector in STEPS[step]:
            await tap(pilot, selector)
        if step == "concern":
            await tap(pilot, "#concern-geld")
        old = app.flow.draft
        await tap(pilot, "#start-over")
        assert isinstance(app.screen, WelcomeScreen) and len(app.screen_stack) == 1
        assert app.flow.draft is not old and app.flow.draft.language is None
        assert app.focused is not None and app.focused.id == "lang-de"
