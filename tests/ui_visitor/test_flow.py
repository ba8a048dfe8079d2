"""The check-in controller without a terminal: choices, interpreter need, names, tickets."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.i18n import messages as M
from kiosk.store.models import Visit
from kiosk.ui.visitor.flow import Problem, VisitorFlow
from tests.conftest import FIXED_NOW


def test_walk_in_is_stored_with_every_choice(ctx):
    flow = VisitorFlow(ctx)
    flow.choose_language("uk")
    flow.set_concerns(["wohnen", "post", "wohnen"])
    options = flow.counsel_options()
    assert options[0].code == "uk" and options[0].interpreter
    assert [o.code for o in options[1:]] == list(ctx.config.office("EVSC").languages)
    flow.choose_counsel_language("uk")
    flow.set_name("  Olena  ")
    view = flow.finish()
    visit = ctx.queue.get(view.visit_id)
    assert (visit.ticket, visit.concerns, visit.language, visit.interpreter_language,
            visit.first_name) == (view.ticket, ("wohnen", "post"), "de", "uk", "Olena")


def test_site_language_needs_no_interpreter(ctx):
    flow = VisitorFlow(ctx)
    flow.choose_language("fa")
    assert not any(o.interpreter for o in flow.counsel_options())
    flow.choose_counsel_language("fa")
    assert (flow.draft.counsel_language, flow.draft.interpreter_language) == ("fa", None)


def test_other_languages_exclude_the_sites_own(ctx):
    flow = VisitorFlow(ctx)
    flow.choose_language("de")
    codes = [o.code for o in flow.other_language_options()]
    assert "kmr" in codes and "ti" in codes
    assert not set(codes) & set(ctx.config.office("EVSC").languages)
    assert all(o.interpreter for o in flow.other_language_options())


def test_concerns_in_the_visitors_language_with_german_keyword(ctx):
    flow = VisitorFlow(ctx)
    flow.choose_language("ar")
    options = flow.concern_options()
    assert options[-1].private and options[-1].id == "sonstiges"
    post = next(o for o in options if o.id == "post")
    assert post.keyword == "Brief, Formular"
    assert post.label != ctx.config.concern("post").label
    assert any("\u0600" <= ch <= "\u06ff" for ch in post.label)


@pytest.mark.parametrize(("raw", "msgid"), [
    ("x" * 41, M.NAME_TOO_LONG),
    ("Mi\x07na", M.NAME_BAD_CHARS),
    ("Mina\u202e", M.NAME_BAD_CHARS),
    ("<script>", M.NAME_BAD_CHARS),
])
def test_bad_names_are_refused_and_not_kept(ctx, raw, msgid):
    flow = VisitorFlow(ctx)
    flow.choose_language("de")
    with pytest.raises(Problem) as caught:
        flow.set_name(raw)
    assert caught.value.msgid == msgid
    assert flow.draft.first_name is None


def test_empty_name_is_skipped(ctx):
    flow = VisitorFlow(ctx)
    flow.choose_language("de")
    flow.set_name("   ")
    assert flow.draft.first_name is None


def test_appointment_code(ctx):
    info, code = ctx.appointments.book(FIXED_NOW + dt.timedelta(hours=1), "ar",
                                       concerns=["aufenthalt"])
    flow = VisitorFlow(ctx)
    flow.choose_language("ar")
    with pytest.raises(Problem) as caught:
        flow.check_in_appointment("   ")
    assert caught.value.msgid == M.APPOINTMENT_CODE_EMPTY
    with pytest.raises(Problem) as caught:
        flow.check_in_appointment("AAA-AAA" if code != "AAA-AAA" else "CCC-CCC")
    assert caught.value.msgid == M.APPOINTMENT_NOT_FOUND
    view = flow.check_in_appointment(code.lower())
    assert view.appointment and view.ticket.startswith("T-")
    visit = ctx.queue.get(view.visit_id)
    assert (visit.appointment, visit.language, visit.concerns) == (info.id, "ar", ("aufenthalt",))
    with pytest.raises(Problem):
        flow.check_in_appointment(code)  # a code checks in once


def test_reset_is_a_new_draft(ctx):
    flow = VisitorFlow(ctx)
    flow.choose_language("fa")
    flow.set_concerns(["geld"])
    old = flow.draft
    flow.reset()
    assert flow.draft is not old and flow.draft.concerns == [] and flow.draft.language is None


def test_closed_site_refuses_or_allows(make_ctx):
    closed = make_ctx(site="MEHU", location="MEHU-1")  # Tuesday 10:00; opens 13:00
    status = VisitorFlow(closed).opening_status()
    assert not status.open and not status.checkin_allowed
    assert status.next_opening == FIXED_NOW.replace(hour=13)
    flow = VisitorFlow(closed)
    flow.choose_language("de")
    with pytest.raises(Problem) as caught:
        flow.finish()
    assert caught.value.msgid == M.CLOSED_DURING_CHECKIN
    assert Visit.select().count() == 0
    allowed = make_ctx(site="MEHU", location="MEHU-1", allow_checkin_outside_hours=True)
    assert VisitorFlow(allowed).opening_status().checkin_allowed


@pytest.mark.parametrize("name", ["علی\u200cرضا", "نرگس\u200cخاتون", "मी\u200dना"])
def test_names_with_zero_width_joiners_between_letters_are_kept(ctx, name):
    """Persian spells علی‌رضا with a ZWNJ; ZWJ shapes some Indic and Arabic letters."""
    flow = VisitorFlow(ctx)
    flow.choose_language("fa")
    flow.set_name(name)
    assert flow.draft.first_name == name


@pytest.mark.parametrize("raw", [
    "\u200cعلی", "علی\u200c", "علی\u200c\u200cرضا", "علی \u200cرضا",  # a joiner not between letters
    "علی\u200fرضا", "Mina\u2066x", "Mi\u00adna",  # bidi marks and isolates, soft hyphen
])
def test_other_invisible_characters_are_still_refused(ctx, raw):
    flow = VisitorFlow(ctx)
    flow.choose_language("fa")
    with pytest.raises(Problem) as caught:
        flow.set_name(raw)
    assert caught.value.msgid == M.NAME_BAD_CHARS


def test_a_concern_tile_shows_the_keyword_the_config_resolved(ctx):
    """The flow shows the config's keyword as it is (the config did the fallback)."""
    flow = VisitorFlow(ctx)
    flow.choose_language("fa")
    by_id = {o.id: o.keyword for o in flow.concern_options()}
    assert by_id == {c.id: c.keyword for c in ctx.config.concerns}
