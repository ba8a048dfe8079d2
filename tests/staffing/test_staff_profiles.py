"""Staff profiles, PIN hashing, sign-in and lock-out (plain Python, real store)."""

from __future__ import annotations

import pytest

from kiosk.queue.errors import InvalidInput
from kiosk.staffing import pins
from kiosk.staffing.audit import recent
from kiosk.staffing.console import Staffing
from kiosk.staffing.errors import LockedOut, NotAdmin, UnknownStaff, WrongPin
from kiosk.staffing.profiles import LOCKOUT_MINUTES, MAX_FAILED_PINS
from kiosk.store.models import Staff


def test_pin_hash_is_salted_scrypt_and_verifies():
    a, b = pins.hash_pin("4711"), pins.hash_pin("4711")
    assert a != b and a.startswith("scrypt$") and "4711" not in a
    assert pins.verify_pin("4711", a) and not pins.verify_pin("4712", a)
    assert not pins.verify_pin("4711", "garbage") and not pins.verify_pin("4711", "x$1$2$3$4$5")


@pytest.mark.parametrize("bad", ["", "123", "12a4", "1234567890123", "١٢٣٤"])
def test_pin_format_refused(bad):
    with pytest.raises(InvalidInput):
        pins.hash_pin(bad)


def test_add_list_get_and_no_pin_in_store(ctx):
    d = Staffing(ctx).directory
    p = d.add("Amira Haddad", ["de", "ar"], "2468", desk="2")
    assert p.id == "amira-haddad" and p.languages == ("de", "ar") and p.desk == "2"
    again = d.add("Amira Haddad", ["fa"], "1357")
    assert again.id == "amira-haddad-2"
    assert d.get("amira-haddad").display_name == "Amira Haddad"
    assert [s.id for s in d.list()] == ["amira-haddad", "amira-haddad-2"]
    assert all("2468" not in s.pin_hash for s in Staff.select())
    with pytest.raises(InvalidInput):
        d.add("X", ["de"], "2468", desk="99")
    with pytest.raises(InvalidInput):
        d.add("X", [], "2468")


def test_sign_in_wrong_pin_then_lock_out_then_unlock(ctx, clock):
    d = Staffing(ctx).directory
    d.add("Reza", ["de", "fa"], "1234", desk="1")
    assert d.authenticate("reza", "1234").id == "reza"
    for i in range(MAX_FAILED_PINS - 1):
        with pytest.raises(WrongPin) as err:
            d.authenticate("reza", "9999")
        assert err.value.remaining == MAX_FAILED_PINS - 1 - i
    with pytest.raises(LockedOut):
        d.authenticate("reza", "9999")
    with pytest.raises(LockedOut):  # even the right PIN is refused while locked
        d.authenticate("reza", "1234")
    clock.advance(minutes=LOCKOUT_MINUTES + 1)
    assert d.authenticate("reza", "1234").id == "reza"
    actions = [e.action for e in recent(20, staff="reza")]
    assert actions.count("sign_in_failed") == MAX_FAILED_PINS and "sign_in_locked" in actions


def test_admin_pin_needed_and_deactivated_refused(ctx):
    d = Staffing(ctx).directory
    d.add("Chef", ["de"], "0000", is_admin=True)
    d.add("Lea", ["de"], "1111")
    assert d.authenticate("chef", "0000", need_admin=True).is_admin
    with pytest.raises(NotAdmin):
        d.authenticate("lea", "1111", need_admin=True)
    d.set_active("lea", False, by="chef")
    with pytest.raises(UnknownStaff):
        d.authenticate("lea", "1111")
    d.set_pin("chef", "5555")
    with pytest.raises(WrongPin):
        d.authenticate("chef", "0000")
    assert {e.action for e in recent(10)} >= {"staff_add", "staff_deactivate", "staff_set_pin"}
