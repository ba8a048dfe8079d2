"""The staff console's logic: one signed-in staff member's view of the queue and actions.

Screens (and the multi-process test) call only this. `snapshot()` is one consistent read of
everything the main screen shows; every action goes through the queue core, which audits
it and takes the store's write lock, so consoles in several processes never double-call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from kiosk.context import KioskContext
from kiosk.queue import policy
from kiosk.queue.errors import InvalidInput
from kiosk.queue.states import State
from kiosk.queue.views import AppointmentInfo, VisitInfo
from kiosk.staffing import duty
from kiosk.staffing.audit import record_action
from kiosk.staffing.desks import desk_labels
from kiosk.staffing.mediators import MediatorNeed, MediatorRegister
from kiosk.staffing.profiles import StaffDirectory, StaffProfile
from kiosk.sync.state import last_sync_status

#: Why a visitor is called first; codes only, never free text (audited as they are).
REASON_CODES = ("medical", "safety", "disability", "pregnancy", "small_children", "elderly")
#: Booked appointments this many days ahead are checked for languages nobody speaks.
LOOKAHEAD_DAYS = 7


class Staffing:
    """The staff-side services over one kiosk context (built once per program)."""

    def __init__(self, ctx: KioskContext) -> None:
        self.ctx = ctx
        self.directory = StaffDirectory(ctx.store, ctx.config, ctx.queue.now_ms)
        self.mediators = MediatorRegister(ctx.store, ctx.queue.now_ms)


@dataclass(frozen=True)
class QueueRow:
    """A waiting visitor as one line of the console's queue."""

    visit: VisitInfo
    waited_minutes: int
    #: I speak the visitor's counselling language (or it was transferred to me).
    speakable: bool
    #: Transferred to another desk or colleague: not mine to call.
    elsewhere: bool
    #: A language nobody on duty speaks (flag early, suggest a mediator), or None.
    mediator_language: str | None


@dataclass(frozen=True)
class ConsoleSnapshot:
    """Everything the console's main screen shows, read at one moment."""

    now_ms: int
    waiting: tuple[QueueRow, ...]
    mine: tuple[VisitInfo, ...]
    parked: tuple[VisitInfo, ...]
    missed: tuple[VisitInfo, ...]
    on_duty: tuple[StaffProfile, ...]
    needs: tuple[MediatorNeed, ...]
    next_ticket: str | None
    appointments_today: tuple[AppointmentInfo, ...]
    #: When this site last completed a sync (ms), None if never.
    last_sync_at: int | None = None
    #: Changes made here that wait for the next sync.
    pending_sync: int = 0
    #: Visitors called or in service at my desk (by me or a colleague at the same desk).
    at_my_desk: tuple[VisitInfo, ...] = ()
    #: Staff id → display name, for hints such as "→ Amira Haddad" (never an internal id).
    staff_names: dict[str, str] = field(default_factory=dict)
    #: Desk → the label the board shows ("Raum 2.14"; the desk code where none is set).
    desk_labels: dict[str, str] = field(default_factory=dict)

    def visit(self, visit_id: str | None) -> VisitInfo | None:
        """The visit with this id wherever the screen shows it (None if it is not shown)."""
        if visit_id is None:
            return None
        return next((v for v in (*(r.visit for r in self.waiting), *self.mine, *self.parked,
                                 *self.missed) if v.id == visit_id), None)


def filter_rows(rows: Iterable[QueueRow], language: str | None = None,
                concern: str | None = None) -> list[QueueRow]:
    """The queue filtered by counselling language and/or concern (None: all)."""
    return [r for r in rows
            if (language is None or r.visit.language == language
                or r.visit.interpreter_language == language)
            and (concern is None or concern in r.visit.concerns)]


class Console:
    """One signed-in staff member at a console.

    Args:
        staffing: the staff-side services.
        staff: the signed-in profile (its languages and desk drive call-next).
    """

    def __init__(self, staffing: Staffing, staff: StaffProfile) -> None:
        self.staffing = staffing
        self.ctx = staffing.ctx
        self.queue = staffing.ctx.queue
        self.staff = staff
        self._signed_off = False

    # --- duty ---------------------------------------------------------------------------
    def sign_on(self) -> None:
        """Mark this staff member on duty (call again as a heartbeat)."""
        self._signed_off = False
        duty.sign_on(self.ctx.store, self.staff.id, self.queue.now_ms())

    def keep_on_duty(self) -> None:
        """Renew the heartbeat when it is due by the office clock, or gone.

        Every console computes "im Dienst" from the heartbeats alone, so two consoles show the
        same list; each must therefore keep its own beat true — also after the same profile
        signed out at another console, which removed it. Once this console signed off it
        never renews again (checked under the store's write lock, so a watcher that was
        mid-poll cannot bring a signed-off colleague back onto the list).
        """
        if self._signed_off:
            return
        beat = duty.beat_of(self.staff.id)
        now = self.queue.now_ms()
        if beat is not None and now - beat < duty.HEARTBEAT_MINUTES * 60_000:
            return
        with self.ctx.store.db.atomic("IMMEDIATE"):
            if not self._signed_off:
                self.ctx.store.set_setting(duty.PREFIX + self.staff.id, str(now))

    def busy_at_desk(self) -> list[VisitInfo]:
        """Visitors called or in service at my desk now (read fresh, not from a snapshot)."""
        return [v for v in self.queue.today_visits()
                if v.status in (State.CALLED, State.IN_SERVICE)
                and (v.staff == self.staff.id
                     or (self.staff.desk is not None and v.desk == self.staff.desk))]

    def sign_off(self) -> None:
        self._signed_off = True
        duty.sign_off(self.ctx.store, self.staff.id)
        record_action(self.queue.now_ms(), self.staff.id, "sign_out")

    # --- reading ------------------------------------------------------------------------
    def on_duty(self) -> list[StaffProfile]:
        """Who is on duty, from the heartbeats alone: the same list on every console (a
        console once added itself here, and two consoles then disagreed)."""
        ids = set(duty.on_duty(self.queue.now_ms()))
        return [p for p in self.staffing.directory.list() if p.id in ids]

    def snapshot(self) -> ConsoleSnapshot:
        """One read of the queue, my visits, duty and mediator needs."""
        now = self.queue.now_ms()
        today = self.queue.today_visits()
        waiting = [v for v in today if v.status == State.QUEUED]
        on_duty = self.on_duty()
        spoken_now = set().union(*(p.languages for p in on_duty))
        spoken_by_staff = set().union(*(p.languages for p in self.staffing.directory.list()))
        appts = self.ctx.appointments.day()
        starts = {a.visit: a.starts_at for a in appts if a.visit}
        me = policy.Caller(self.staff.id, self.staff.desk, frozenset(self.staff.languages))
        rows = []
        for v in waiting:
            cand = _candidate(v, starts.get(v.id))
            need = next((lang for lang in (v.language, v.interpreter_language)
                         if lang and lang not in spoken_now), None)
            rows.append(QueueRow(
                visit=v, waited_minutes=max(0, (now - v.checked_in_at) // 60_000),
                speakable=v.language in me.languages or v.target_staff == me.staff_id
                or (v.target_desk is not None and v.target_desk == me.desk),
                elsewhere=not policy._mine(cand, me), mediator_language=need))
        rows.sort(key=lambda r: (r.visit.priority, r.visit.checked_in_at, r.visit.ticket))
        chosen = policy.choose_next(
            [_candidate(v, starts.get(v.id)) for v in waiting], me, now,
            normal_priority=self.queue.settings.priorities["normal"],
            fairness_minutes=self.queue.settings.fairness_minutes,
            appointment_due_minutes=self.queue.settings.appointment_due_minutes)
        upcoming = [a for a in appts if a.status == "booked" and a.starts_at >= now - 3600_000]
        day = self.queue.now().date()
        for ahead in range(1, LOOKAHEAD_DAYS + 1):
            upcoming += [a for a in self.ctx.appointments.day(day + dt.timedelta(days=ahead))
                         if a.status == "booked"]
        needs = self.staffing.mediators.needs(waiting, upcoming, spoken_now, spoken_by_staff,
                                              self.queue.now().date(), self.queue.tz)
        last_sync, pending = last_sync_status(self.queue.store)
        desk = self.staff.desk
        return ConsoleSnapshot(
            at_my_desk=tuple(v for v in today if v.status in (State.CALLED, State.IN_SERVICE)
                             and (v.staff == self.staff.id
                                  or (desk is not None and v.desk == desk))),
            staff_names={p.id: p.display_name
                         for p in self.staffing.directory.list(include_inactive=True)},
            desk_labels=desk_labels(self.ctx.store, self.ctx.config),
            now_ms=now, waiting=tuple(rows), last_sync_at=last_sync, pending_sync=pending,
            mine=tuple(v for v in today if v.staff == self.staff.id
                       and v.status in (State.CALLED, State.IN_SERVICE)),
            parked=tuple(v for v in today if v.status == State.PARKED),
            missed=tuple(v for v in today if v.status == State.MISSED),
            on_duty=tuple(on_duty), needs=tuple(needs),
            next_ticket=chosen.ticket if chosen else None, appointments_today=tuple(appts))

    # --- actions (each audited by the queue core) ---------------------------------------
    def call_next(self) -> VisitInfo | None:
        """Call whom the policy offers me; None if nobody waits for me."""
        return self.queue.call_next(self.staff.id, self.staff.desk, self.staff.languages)

    def call(self, visit_id: str) -> VisitInfo:
        return self.queue.call(visit_id, self.staff.id, self.staff.desk)

    def recall(self, visit_id: str) -> VisitInfo:
        """Call again; after the configured number of calls the visit becomes missed."""
        return self.queue.recall(visit_id, self.staff.id)

    def start(self, visit_id: str) -> VisitInfo:
        return self.queue.start(visit_id, self.staff.id)

    def restore(self, visit_id: str) -> VisitInfo:
        return self.queue.restore(visit_id, self.staff.id)

    def toggle_park(self, visit_id: str) -> VisitInfo:
        """Park a visitor (keeps the place), or put a parked one back into the queue."""
        if self.queue.get(visit_id).status == State.PARKED:
            return self.queue.unpark(visit_id, self.staff.id)
        return self.queue.park(visit_id, self.staff.id)

    def transfer(self, visit_id: str, *, desk: str | None = None,
                 to_staff: str | None = None) -> VisitInfo:
        if to_staff is not None:
            self.staffing.directory.get(to_staff)
        return self.queue.transfer(visit_id, self.staff.id, desk=desk, to_staff=to_staff)

    def prioritise(self, visit_id: str, reason: str | None) -> VisitInfo:
        """Mark urgent with a reason code, or (reason None) back to normal."""
        levels = self.queue.settings.priorities
        if reason is None:
            return self.queue.set_priority(visit_id, self.staff.id, levels["normal"], None)
        if reason not in REASON_CODES:
            raise InvalidInput("reason", "unknown",
                               f"reason must be one of: {', '.join(REASON_CODES)}")
        return self.queue.set_priority(visit_id, self.staff.id, levels["urgent"], reason)

    def finish(self, visit_id: str, outcome: str, referral: str | None = None,
               note: str | None = None) -> VisitInfo:
        note = (note or "").strip() or None
        return self.queue.finish(visit_id, self.staff.id, outcome,
                                 referral if outcome == "referred" else None, note)


def _candidate(v: VisitInfo, starts_at: int | None) -> policy.Candidate:
    return policy.Candidate(id=v.id, ticket=v.ticket, priority=v.priority, language=v.language,
                            checked_in_at=v.checked_in_at, appointment_starts_at=starts_at,
                            target_desk=v.target_desk, target_staff=v.target_staff)


def action_target(snap: ConsoleSnapshot | None, *, picked: str | None = None,
                  just_called: str | None = None, cursor: str | None = None) -> str | None:
    """The visit a console action acts on.

    A row the person explicitly picked comes first; then the visitor this console just
    called (the screen forgets it once it left my desk); then my first call; only then the
    row the cursor happens to rest on. (The cursor once stayed on a parked row after a new
    call, and "begin" started the parked visitor's counselling instead of the new one's.)
    """
    if picked is not None:
        return picked
    if just_called is not None:
        return just_called
    if snap and snap.mine:
        return snap.mine[0].id
    return cursor
