"""Who is "im Dienst" comes from the heartbeats alone, kept true by each console itself."""

from __future__ import annotations

from kiosk.staffing import duty
from kiosk.staffing.console import Console, Staffing


def _console(ctx, name: str, desk: str) -> Console:
    staffing = Staffing(ctx)
    profile = staffing.directory.add(name, ["de"], "1234", desk=desk)
    return Console(staffing, profile)


def test_a_console_renews_its_beat_by_the_office_clock(ctx, clock):
    reza, amira = _console(ctx, "Reza", "2"), _console(ctx, "Amira", "1")
    reza.sign_on()
    amira.sign_on()
    clock.advance(minutes=duty.STALE_MINUTES + 1)
    reza.keep_on_duty()  # Amira's console stopped beating
    assert [p.id for p in reza.on_duty()] == [p.id for p in amira.on_duty()] == ["reza"]


def test_the_same_profile_signed_out_elsewhere_is_back_at_the_next_poll(ctx):
    here = _console(ctx, "Reza", "2")
    elsewhere = Console(here.staffing, here.staff)
    here.sign_on()
    elsewhere.sign_on()
    elsewhere.sign_off()
    assert here.on_duty() == []
    here.keep_on_duty()
    assert [p.id for p in here.on_duty()] == ["reza"]


def test_a_signed_off_console_never_renews(ctx):
    reza = _console(ctx, "Reza", "2")
    reza.sign_on()
    reza.sign_off()
    reza.keep_on_duty()  # a watcher that was mid-poll when the console signed off
    assert reza.on_duty() == []
