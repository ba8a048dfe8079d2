"""Staff profiles of one site: who counsels in which languages at which desk, and sign-in.

Profiles stay at the site (they never sync): a PIN hash is worth nothing elsewhere and
should travel nowhere. Sign-in counts wrong PINs per profile in the store, so the lock-out
holds across all consoles of the office and survives a restart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kiosk.config import NetworkConfig
from kiosk.queue.errors import InvalidInput
from kiosk.queue.validation import check_language
from kiosk.staffing.audit import record_action
from kiosk.staffing.errors import AmbiguousStaff, LockedOut, NotAdmin, UnknownStaff, WrongPin
from kiosk.staffing.pins import hash_pin, verify_pin
from kiosk.store.db import Store
from kiosk.store.models import Staff
from kiosk.text_rules import MAX_NAME, clean_typed_text

#: Wrong PINs in a row before a profile is locked, and for how long.
MAX_FAILED_PINS = 5
LOCKOUT_MINUTES = 5


@dataclass(frozen=True)
class StaffProfile:
    """A staff member as screens see it (never the PIN hash)."""

    id: str
    display_name: str
    languages: tuple[str, ...]
    desk: str | None
    is_admin: bool
    active: bool

    @classmethod
    def of(cls, row: Staff) -> StaffProfile:
        return cls(row.id, row.display_name, tuple(row.languages or ()), row.desk,
                   bool(row.is_admin), bool(row.active))


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:24] or "staff"


class StaffDirectory:
    """Staff profiles and sign-in for the site's store.

    Args:
        store: the open site store.
        config: the network configuration (for the office's desks).
        now_ms: the clock, shared with the queue service so tests can fix it.
    """

    def __init__(self, store: Store, config: NetworkConfig, now_ms: Callable[[], int]) -> None:
        self.store = store
        self.config = config
        self.now_ms = now_ms

    @property
    def desks(self) -> tuple[str, ...]:
        """The desks of this office, from the configuration."""
        return self.config.office(self.store.site).desks

    def _check_desk(self, desk: str | None) -> str | None:
        if desk in (None, ""):
            return None
        if desk not in self.desks:
            raise InvalidInput("desk", "unknown",
                               f"there is no desk {desk!r} here (desks: {', '.join(self.desks)})")
        return desk

    @staticmethod
    def _check_languages(languages: Iterable[str]) -> list[str]:
        out: list[str] = []
        for code in languages:
            code = code.strip().lower()
            if code and code not in out:
                out.append(check_language("languages", code) or code)
        if not out:
            raise InvalidInput("languages", "missing", "a staff member needs a language")
        return out

    # --- reading ------------------------------------------------------------------------
    def list(self, *, include_inactive: bool = False) -> list[StaffProfile]:
        """Profiles by name (active ones only unless asked)."""
        query = Staff.select().order_by(Staff.display_name, Staff.id)
        if not include_inactive:
            query = query.where(Staff.active == True)  # noqa: E712
        return [StaffProfile.of(s) for s in query]

    def get(self, ref: str) -> StaffProfile:
        """A profile by id, or by display name if that is unique.

        Raises:
            UnknownStaff, AmbiguousStaff.
        """
        return StaffProfile.of(self._row(ref))

    def _row(self, ref: str) -> Staff:
        row = Staff.get_or_none(Staff.id == ref)
        if row is not None:
            return row
        rows = list(Staff.select().where(Staff.display_name == ref.strip()))
        if len(rows) > 1:
            raise AmbiguousStaff(f"several profiles are called {ref!r}; use the id")
        if not rows:
            raise UnknownStaff(f"no staff profile {ref!r}")
        return rows[0]

    # --- administration -----------------------------------------------------------------
    def add(self, name: str, languages: Iterable[str], pin: str, *, desk: str | None = None,
            is_admin: bool = False, by: str | None = None) -> StaffProfile:
        """Create a profile; the id is derived from the name (unique at the site)."""
        name = clean_typed_text("name", name, MAX_NAME)
        if not name:
            raise InvalidInput("name", "missing", "a staff profile needs a name")
        langs = self._check_languages(languages)
        desk = self._check_desk(desk)
        pin_hash = hash_pin(pin)
        with self.store.db.atomic("IMMEDIATE"):
            base = _slug(name)
            staff_id, n = base, 1
            while Staff.get_or_none(Staff.id == staff_id) is not None:
                n += 1
                staff_id = f"{base}-{n}"
            row = Staff.create(id=staff_id, display_name=name, languages=langs,
                               pin_hash=pin_hash, desk=desk, is_admin=is_admin, active=True,
                               failed_pins=0, locked_until=0)
            record_action(self.now_ms(), by, "staff_add", staff_id,
                          "admin" if is_admin else None)
        return StaffProfile.of(row)

    def update(self, ref: str, *, languages: Iterable[str] | None = None,
               desk: str | None = None, clear_desk: bool = False,
               is_admin: bool | None = None, by: str | None = None) -> StaffProfile:
        """Change languages, desk or the admin flag of a profile."""
        with self.store.db.atomic("IMMEDIATE"):
            row = self._row(ref)
            changed = []
            if languages is not None:
                row.languages = self._check_languages(languages)
                changed.append("languages")
            if clear_desk:
                row.desk = None
                changed.append("desk")
            elif desk is not None:
                row.desk = self._check_desk(desk)
                changed.append("desk")
            if is_admin is not None:
                row.is_admin = is_admin
                changed.append("admin")
            row.save()
            record_action(self.now_ms(), by, "staff_update", row.id, ",".join(changed))
        return StaffProfile.of(row)

    def set_pin(self, ref: str, pin: str, *, by: str | None = None) -> None:
        """Set a new PIN (and lift a lock-out)."""
        pin_hash = hash_pin(pin)
        with self.store.db.atomic("IMMEDIATE"):
            row = self._row(ref)
            row.pin_hash, row.failed_pins, row.locked_until = pin_hash, 0, 0
            row.save()
            record_action(self.now_ms(), by, "staff_set_pin", row.id)

    def set_active(self, ref: str, active: bool, *, by: str | None = None) -> StaffProfile:
        """Deactivate (or reactivate) a profile; its history stays."""
        with self.store.db.atomic("IMMEDIATE"):
            row = self._row(ref)
            row.active = active
            row.save()
            record_action(self.now_ms(), by,
                          "staff_activate" if active else "staff_deactivate", row.id)
        return StaffProfile.of(row)

    # --- sign-in ------------------------------------------------------------------------
    def authenticate(self, ref: str, pin: str, *, need_admin: bool = False) -> StaffProfile:
        """Check a PIN; count failures and lock the profile after too many.

        Each try is counted under the store's write lock *before* the (slow) scrypt check
        and given back if the PIN was right: otherwise guesses made at once from several
        consoles or processes were all checked while the first ones were still running
        (12 parallel guesses, 12 checks, with a limit of 5).

        Raises:
            UnknownStaff: no such active profile.
            LockedOut: the profile is locked now (also when this try reaches the limit).
            WrongPin: the PIN is wrong; says how many tries are left.
            NotAdmin: the PIN is right but an administrator was needed.
        """
        now = self.now_ms()
        locked = 0
        with self.store.db.atomic("IMMEDIATE"):
            row = self._row(ref)
            if not row.active:
                raise UnknownStaff(f"the profile {ref!r} is deactivated")
            if row.locked_until <= now and row.failed_pins >= MAX_FAILED_PINS:
                # every try is taken by checks still running: lock now
                row.failed_pins, row.locked_until = 0, now + LOCKOUT_MINUTES * 60_000
            if row.locked_until > now:
                locked = row.locked_until
            else:
                row.failed_pins += 1
            row.save()
            if locked:
                record_action(now, row.id, "sign_in_locked")
        if locked:
            raise LockedOut(locked)
        ok = verify_pin(pin, row.pin_hash)
        with self.store.db.atomic("IMMEDIATE"):
            row = Staff.get_by_id(row.id)  # re-read under the lock: other consoles count too
            if ok:
                row.failed_pins, row.locked_until = 0, 0
            elif row.failed_pins >= MAX_FAILED_PINS:
                row.failed_pins = 0
                row.locked_until = max(row.locked_until, now + LOCKOUT_MINUTES * 60_000)
            row.save()
            record_action(now, row.id, "sign_in" if ok else "sign_in_failed")
        if not ok:
            if row.locked_until > now:
                raise LockedOut(row.locked_until)
            raise WrongPin(MAX_FAILED_PINS - row.failed_pins)
        if need_admin and not row.is_admin:
            raise NotAdmin("this needs an administrator's PIN")
        return StaffProfile.of(row)

    def unlock_any(self, pin: str) -> StaffProfile | None:
        """The active, not locked-out profile whose PIN this is, or None (also for garbage).

        For leaving the visitor terminal, which has no name field: the PIN is checked
        against every such profile (salted scrypt, constant-time compare). Every attempt is
        audited, with codes only ("visitor_exit", "visitor_exit_failed"), never the PIN.
        """
        now = self.now_ms()
        if pin.isascii() and pin.strip().isdigit():
            rows = Staff.select().where((Staff.active == True)  # noqa: E712
                                        & (Staff.locked_until <= now))
            for row in rows:
                if verify_pin(pin, row.pin_hash):
                    record_action(now, row.id, "visitor_exit")
                    return StaffProfile.of(row)
        record_action(now, None, "visitor_exit_failed")
        return None
