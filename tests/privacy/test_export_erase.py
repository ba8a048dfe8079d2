"""Finding, exporting and erasing one visitor's records on a real store."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kiosk.privacy.erasure import erase_records
from kiosk.privacy.export import export_records
from kiosk.privacy.lookup import Finder, Selector
from kiosk.queue.appointments import code_hash
from kiosk.queue.errors import InvalidInput
from kiosk.store.models import Appointment, AuditEntry, Outbox, Visit
from kiosk.sync.records import rid_for
from tests.privacy.people import CANARY, OTHER, appointment, leaked, visit


@pytest.fixture
def people(ctx):
    """CANARY: two visits (one from an appointment) and the appointment; OTHER: one visit
    with the same ticket on another day, and one the same day."""
    today = ctx.queue.now().date()
    starts = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(9), ctx.queue.tz)
    appt = appointment(ctx.store, starts, CANARY, "KXM-447")
    first = visit(ctx.store, today - dt.timedelta(days=3), "T-001", CANARY, appointment=appt,
                  note="bringt Bescheid mit", interpreter="fa", language="de")
    with ctx.store.writing() as w:
        w.put(Appointment, appt, {"visit": first})
    second = visit(ctx.store, today, "A-002", " qeshMIRA ")
    other = visit(ctx.store, today - dt.timedelta(days=3), "A-002", OTHER)
    other_today = visit(ctx.store, today, "A-003", OTHER)
    return {"appt": appt, "first": first, "second": second, "other": other,
            "other_today": other_today, "today": today}


def finder(ctx):
    return Finder(ctx.store, ctx.config, ctx.queue.now())


def test_each_selector_finds_the_visitor_and_nobody_else(ctx, people):
    _, by_name = finder(ctx).find(Selector(name="QESHMIRA"))
    assert {r.id for r in by_name} == {people["first"], people["second"], people["appt"]}
    _, by_code = finder(ctx).find(Selector(code="kxm447"))
    assert {r.id for r in by_code} == {people["appt"], people["first"]}
    day = (people["today"] - dt.timedelta(days=3)).isoformat()
    _, by_ticket = finder(ctx).find(Selector(ticket="t-001", day=day))
    assert {r.id for r in by_ticket} == {people["first"], people["appt"]}
    _, other = finder(ctx).find(Selector(ticket="A-002", day=day))
    assert [r.id for r in other] == [people["other"]]


def test_the_export_holds_every_record_in_two_languages_and_json(ctx, people, tmp_path):
    sel, records = finder(ctx).find(Selector(name=CANARY))
    result = export_records(ctx.store, ctx.config, sel, records, tmp_path / "out",
                            ctx.queue.now(), staff="s1")
    assert result.languages == ("fa", "de")
    texts = {p.suffixes[-2]: p.read_text() for p in result.files if p.suffix == ".txt"}
    assert set(texts) == {".fa", ".de"}
    assert "Kopie Ihrer Daten" in texts[".de"] and "T-001" in texts[".de"]
    assert texts[".de"].count(CANARY) == 2 and OTHER not in texts[".de"]
    assert "LDI NRW" in texts[".fa"] and "T-001" in texts[".fa"]
    (js,) = [p for p in result.files if p.suffix == ".json"]
    doc = json.loads(js.read_text())
    assert {r["id"] for r in doc["records"]} == {people["first"], people["second"],
                                                 people["appt"]}
    assert OTHER not in js.read_text()
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in result.files)
    entries = list(AuditEntry.select().where(AuditEntry.action == "privacy.export"))
    assert {e.record for e in entries} == {r.id for r in records}
    assert all(e.staff == "s1" and e.detail == "by=name" for e in entries)


def test_erasure_removes_every_trace_and_is_audited_without_content(ctx, people, store_path):
    sel, records = finder(ctx).find(Selector(name=CANARY))
    Outbox.delete().execute()
    result = erase_records(ctx.store, sel, records, "request", ctx.queue.now(), staff="s1")
    assert (result.visits, result.appointments) == (2, 1)
    assert Visit.get_or_none(Visit.id == people["first"]) is None
    assert Appointment.get_or_none(Appointment.id == people["appt"]) is None
    assert Visit.get_by_id(people["other"]).first_name == OTHER
    # tombstones travel with the next sync
    assert {r.record for r in Outbox.select()} == {r.id for r in records}
    erased = {row[0] for row in ctx.store.db.execute_sql(
        "SELECT rid FROM sync_record WHERE erased = 1")}
    assert erased == {rid_for(r.kind, r.id) for r in records}
    assert leaked(store_path, CANARY) == {}
    audit = " ".join(f"{e.detail}" for e in AuditEntry.select())
    assert CANARY.lower() not in audit.lower() and "reason=request" in audit


def test_an_erased_ticket_is_answered_already_erased_and_nothing_is_written(ctx, people):
    day = people["today"].isoformat()
    sel, records = finder(ctx).find(Selector(ticket="A-002", day=day))
    erase_records(ctx.store, sel, records, "mistake", ctx.queue.now())
    before = ctx.store.db.execute_sql("SELECT total_changes()").fetchone()[0]
    with pytest.raises(InvalidInput, match="already erased"):
        finder(ctx).find(Selector(ticket="A-002", day=day))
    assert ctx.store.db.execute_sql("SELECT total_changes()").fetchone()[0] == before


@pytest.mark.parametrize(("selector", "message"), [
    (Selector(ticket="A-099", day="2026-11-20"), "no visit with ticket A-099"),
    (Selector(ticket="A-001", day="2027-01-01"), "in the future"),
    (Selector(ticket="A-001"), "needs its day"),
    (Selector(ticket="17", day="2026-11-20"), "not a ticket number"),
    (Selector(ticket="A-001", day="30.11.2026"), "not a day"),
    (Selector(code="ZZZ-999"), "not an appointment code"),
    (Selector(code="AAA-333"), "no appointment with this code at office EVSC"),
    (Selector(name="Nobody"), "no record with this name"),
    (Selector(name=CANARY, code="KXM-447"), "exactly one"),
    (Selector(ticket="A-001", day="2026-11-20", location="LUED-1"), "of office LUED"),
])
def test_bad_selectors_are_refused_with_a_clear_message(ctx, people, selector, message):
    with pytest.raises(InvalidInput, match=message):
        finder(ctx).find(selector)


def test_an_unknown_reason_erases_nothing(ctx, people):
    sel, records = finder(ctx).find(Selector(name=CANARY))
    with pytest.raises(InvalidInput, match="reason must be one of"):
        erase_records(ctx.store, sel, records, "because", ctx.queue.now())
    assert Visit.get_by_id(people["first"]).first_name == CANARY


def test_typed_control_characters_are_shown_not_executed_in_the_copy(ctx, tmp_path):
    hostile = "Ana\x1b[2J\x1b]0;pwned\x07"
    visit(ctx.store, ctx.queue.now().date(), "A-040", hostile, note="Zeile\rzurück")
    sel, records = finder(ctx).find(Selector(ticket="A-040", day=ctx.queue.now().date()
                                             .isoformat()))
    result = export_records(ctx.store, ctx.config, sel, records, tmp_path, ctx.queue.now())
    for path in result.files:
        if path.suffix == ".txt":
            text = path.read_text()
            assert "Ana" in text and not any(ch in text for ch in "\x1b\x07\r")
    (js,) = [p for p in result.files if p.suffix == ".json"]
    assert json.loads(js.read_text())["records"][0]["fields"]["first_name"] == hostile


def test_a_record_of_another_office_is_never_found(ctx):
    """A store holds only its office's visitors; a leftover of another office (a store from
    before office scopes) is still out of reach of every selector."""
    with ctx.store.writing() as w:
        w.put(Appointment, None, {"site": "LUED", "location": "LUED-1", "name": CANARY,
                                  "starts_at": int(ctx.queue.now().timestamp() * 1000),
                                  "language": "ar", "code_hash": code_hash("KXM-447")})
    for sel in (Selector(code="KXM-447"), Selector(name=CANARY)):
        with pytest.raises(InvalidInput, match="at office EVSC"):
            finder(ctx).find(sel)
