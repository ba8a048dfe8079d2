"""The queue core: check in, call, recall, park, transfer, prioritise, finish.

Screens and commands call this; it knows nothing of Textual. Every operation is one write
transaction that takes the store's lock first (`BEGIN IMMEDIATE`), so two processes never
hand out the same ticket number and two staff members never call the same visitor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from zoneinfo import ZoneInfo

from kiosk.config import NetworkConfig
from kiosk.queue import policy
from kiosk.queue.errors import Closed, InvalidInput, NotFound
from kiosk.queue.estimate import estimate_wait_minutes
from kiosk.queue.outcomes import OUTCOMES, REFERRED
from kiosk.queue.states import Action, State, next_state
from kiosk.queue.validation import check_language, clean_first_name
from kiosk.queue.views import BoardCall, TicketInfo, VisitInfo
from kiosk.store.db import Store, WriteTransaction
from kiosk.store.models import Appointment, AuditEntry, Visit

#: Finished services considered for the waiting-time estimate.
ESTIMATE_WINDOW = 20


def format_ticket(prefix: str, seq: int) -> str:
    """`A-017`: short, easy to read aloud, sorts with its number."""
    return f"{prefix}-{seq:03d}"


class QueueService:
    """The queue of one site's location.

    Args:
        store: the open site store.
        config: the network configuration.
        now: the wall clock (timezone-aware), replaceable in tests.
    """

    def __init__(self, store: Store, config: NetworkConfig,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self.store = store
        self.config = config
        self.tz = ZoneInfo(config.timezone)
        self._now = now or (lambda: dt.datetime.now(self.tz))
        self.location = config.location(store.location)
        self.settings = config.queue

    # --- time ---------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        return self._now().astimezone(self.tz)

    def now_ms(self) -> int:
        return int(self._now().timestamp() * 1000)

    def today(self) -> str:
        return self.now().date().isoformat()

    def is_open(self) -> bool:
        """Whether the location is in consulting hours now."""
        return self.location.is_open(self.now())

    # --- check-in -----------------------------------------------------------------------
    def _check_concerns(self, concerns: Iterable[str]) -> list[str]:
        known = {c.id for c in self.config.concerns}
        out: list[str] = []
        for concern in concerns:
            if concern not in known:
                names = ", ".join(sorted(known))
                raise InvalidInput("concerns", "unknown",
                                   f"unknown concern {concern!r} (known: {names})")
            if concern not in out:
                out.append(concern)
        return out

    def _allocate(self, w: WriteTransaction, prefix: str) -> tuple[str, int]:
        """The day's next number for this location and prefix, under the write lock.

        Taken from the visits themselves (not a separate counter), so that a replacement
        machine that received the day's visits by sync continues without collision.
        """
        day = self.today()
        last = w.store.db.execute_sql(
            'SELECT MAX("seq") FROM "visit" WHERE "location" = ? AND "day" = ? AND "prefix" = ?',
            (self.location.code, day, prefix)).fetchone()[0]
        return day, (last or 0) + 1

    def check_in(self, concerns: Sequence[str], language: str,
                 interpreter_language: str | None = None, first_name: str | None = None,
                 *, priority: int | None = None, enforce_hours: bool = True) -> TicketInfo:
        """Check a walk-in visitor in and give them the next ticket, place and estimate.

        Raises:
            InvalidInput, Closed: see `commit_check_in`.
        """
        visit_id = self.commit_check_in(concerns, language, interpreter_language, first_name,
                                        priority=priority, enforce_hours=enforce_hours)
        return self.ticket_info(visit_id)

    def commit_check_in(self, concerns: Sequence[str], language: str,
                        interpreter_language: str | None = None,
                        first_name: str | None = None, *, priority: int | None = None,
                        enforce_hours: bool = True) -> str:
        """The durable part of a check-in: one transaction; returns the visit id.

        Raises:
            InvalidInput: unknown concern, bad language code, a name that cannot be stored.
            Closed: outside consulting hours when the site does not allow it.
        """
        clean = self._check_concerns(concerns)
        check_language("language", language)
        check_language("interpreter_language", interpreter_language, optional=True)
        name = clean_first_name(first_name)
        level = self.settings.priorities["normal"] if priority is None else priority
        if level not in self.settings.priorities.values():
            raise InvalidInput("priority", "unknown", f"unknown priority level {level}")
        if (enforce_hours and not self.config.visitor.allow_checkin_outside_hours
                and not self.is_open()):
            raise Closed("outside consulting hours")
        prefix = self.settings.walk_in_prefix
        with self.store.writing() as w:
            day, seq = self._allocate(w, prefix)
            visit = w.put(Visit, None, dict(
                site=self.store.site, location=self.location.code, day=day, prefix=prefix,
                seq=seq, ticket=format_ticket(prefix, seq), kind="walk_in",
                status=State.QUEUED.value, priority=level, concerns=clean, language=language,
                interpreter_language=interpreter_language, first_name=name, call_count=0,
                checked_in_at=self.now_ms(),
            ))
        return visit.id

    def _check_in_appointment(self, w: WriteTransaction, appt: Appointment) -> Visit:
        prefix = self.settings.appointment_prefix
        day, seq = self._allocate(w, prefix)
        visit = w.put(Visit, None, dict(
            site=self.store.site, location=self.location.code, day=day, prefix=prefix,
            seq=seq, ticket=format_ticket(prefix, seq), kind="appointment",
            status=State.QUEUED.value, priority=self.settings.priorities["normal"],
            concerns=list(appt.concerns or ()), language=appt.language,
            interpreter_language=appt.interpreter_language, first_name=None, call_count=0,
            appointment=appt.id, target_desk=appt.desk, checked_in_at=self.now_ms(),
        ))
        w.put(Appointment, appt.id, dict(status="arrived", visit=visit.id))
        return visit

    # --- reading ------------------------------------------------------------------------
    def get(self, visit_id: str) -> VisitInfo:
        visit = Visit.get_or_none(Visit.id == visit_id)
        if visit is None or visit.erased:
            raise NotFound(f"no visit {visit_id}")
        return VisitInfo.of(visit)

    def find_ticket(self, ticket: str, day: str | None = None) -> VisitInfo:
        """Today's visit with this ticket number at this location."""
        visit = (Visit.select()
                 .where((Visit.location == self.location.code)
                        & (Visit.day == (day or self.today()))
                        & (Visit.ticket == ticket.strip().upper()) & (Visit.erased == False))  # noqa: E712
                 .first())
        if visit is None:
            raise NotFound(f"no ticket {ticket} today")
        return VisitInfo.of(visit)

    def _today(self, *states: State):
        query = Visit.select().where((Visit.location == self.location.code)
                                     & (Visit.day == self.today())
                                     & (Visit.erased == False))  # noqa: E712
        if states:
            query = query.where(Visit.status.in_([s.value for s in states]))
        return query

    def waiting(self) -> list[VisitInfo]:
        """Everyone waiting to be called today, in arrival order."""
        query = self._today(State.QUEUED).order_by(Visit.checked_in_at, Visit.seq)
        return [VisitInfo.of(v) for v in query]

    def today_visits(self, *states: State) -> list[VisitInfo]:
        """Today's visits at this location (optionally only in `states`), in arrival order."""
        return [VisitInfo.of(v) for v in self._today(*states).order_by(Visit.checked_in_at)]

    def recent_calls(self, limit: int = 8) -> list[BoardCall]:
        """The latest calls for the board: numbers and desks only."""
        query = (Visit.select(Visit.ticket, Visit.desk, Visit.called_at, Visit.call_count,
                              Visit.language)
                 .where((Visit.location == self.location.code) & (Visit.day == self.today())
                        & Visit.called_at.is_null(False) & (Visit.erased == False)  # noqa: E712
                        & (Visit.status.in_([State.CALLED.value, State.IN_SERVICE.value])))
                 .order_by(Visit.called_at.desc()).limit(limit))
        return [BoardCall(v.ticket, v.desk or "", v.called_at, v.call_count, v.language or "")
                for v in query]

    def ticket_info(self, visit_id: str) -> TicketInfo:
        """Position and estimate for a waiting visitor (counted in SQL: the queue can be long)."""
        me = self.get(visit_id)
        ahead = self._today(State.QUEUED).where(
            (Visit.id != me.id)
            & ((Visit.priority < me.priority)
               | ((Visit.priority == me.priority)
                  & (Visit.checked_in_at <= me.checked_in_at)))).count()
        return TicketInfo(me.id, me.ticket, ahead, self.estimate(ahead), me.checked_in_at)

    def recent_service_minutes(self) -> list[float]:
        query = (self._today(State.FINISHED)
                 .select(Visit.called_at, Visit.finished_at)
                 .where(Visit.called_at.is_null(False))
                 .order_by(Visit.finished_at.desc()).limit(ESTIMATE_WINDOW))
        return [(finished - called) / 60_000 for called, finished in query.tuples()]

    def staff_on_duty(self) -> int:
        since = self.now_ms() - 60 * 60_000
        query = (self._today().select(Visit.staff).distinct()
                 .where((Visit.called_at >= since) & Visit.staff.is_null(False)))
        return max(1, query.count())

    def estimate(self, people_ahead: int) -> int | None:
        return estimate_wait_minutes(people_ahead, self.recent_service_minutes(),
                                     self.staff_on_duty())

    # --- staff actions ------------------------------------------------------------------
    def _audit(self, staff: str | None, action: str, record: str | None,
               detail: str | None = None) -> None:
        AuditEntry.create(at=self.now_ms(), staff=staff, action=action, record=record,
                          detail=detail)

    def _transition(self, w: WriteTransaction, visit_id: str, action: Action, staff: str | None,
                    fields: dict | None = None, detail: str | None = None) -> Visit:
        visit = Visit.get_or_none(Visit.id == visit_id)
        if visit is None or visit.erased:
            raise NotFound(f"no visit {visit_id}")
        new = next_state(visit.status, action, visit.ticket)
        changes = {"status": new.value, **(fields or {})}
        visit = w.put(Visit, visit.id, changes)
        self._audit(staff, action.value, visit.id, detail)
        return visit

    def _candidates(self) -> list[policy.Candidate]:
        rows = list(self._today(State.QUEUED))
        starts = {}
        appt_ids = [v.appointment for v in rows if v.appointment]
        if appt_ids:
            starts = dict(Appointment.select(Appointment.id, Appointment.starts_at)
                          .where(Appointment.id.in_(appt_ids)).tuples())
        return [policy.Candidate(
            id=v.id, ticket=v.ticket, priority=v.priority, language=v.language,
            checked_in_at=v.checked_in_at, appointment_starts_at=starts.get(v.appointment),
            target_desk=v.target_desk, target_staff=v.target_staff) for v in rows]

    def call_next(self, staff_id: str, desk: str | None,
                  languages: Iterable[str]) -> VisitInfo | None:
        """Call the visitor the policy offers this staff member (see `policy`), atomically."""
        me = policy.Caller(staff_id, desk, frozenset(languages))
        with self.store.writing() as w:
            chosen = policy.choose_next(
                self._candidates(), me, self.now_ms(),
                normal_priority=self.settings.priorities["normal"],
                fairness_minutes=self.settings.fairness_minutes,
                appointment_due_minutes=self.settings.appointment_due_minutes)
            if chosen is None:
                return None
            visit = self._call(w, chosen.id, staff_id, desk)
        return VisitInfo.of(visit)

    def _call(self, w: WriteTransaction, visit_id: str, staff_id: str, desk: str | None) -> Visit:
        visit = Visit.get_by_id(visit_id)
        return self._transition(w, visit_id, Action.CALL, staff_id, dict(
            staff=staff_id, desk=desk, called_at=self.now_ms(),
            call_count=visit.call_count + 1, target_desk=None, target_staff=None))

    def call(self, visit_id: str, staff_id: str, desk: str | None) -> VisitInfo:
        """Call a specific visitor (e.g. picked in the list)."""
        with self.store.writing() as w:
            return VisitInfo.of(self._call(w, visit_id, staff_id, desk))

    def recall(self, visit_id: str, staff_id: str) -> VisitInfo:
        """Call again; after `max_calls` calls the visit is missed and leaves the queue."""
        with self.store.writing() as w:
            visit = Visit.get_or_none(Visit.id == visit_id)
            if visit is None:
                raise NotFound(f"no visit {visit_id}")
            if visit.status == State.CALLED and visit.call_count >= self.settings.max_calls:
                return VisitInfo.of(self._transition(
                    w, visit_id, Action.MISS, staff_id, dict(missed_at=self.now_ms())))
            if visit.status != State.CALLED:
                next_state(visit.status, "recall", visit.ticket)
            return VisitInfo.of(self._call(w, visit_id, staff_id, visit.desk))

    def start(self, visit_id: str, staff_id: str) -> VisitInfo:
        """The called visitor has arrived at the desk."""
        with self.store.writing() as w:
            return VisitInfo.of(self._transition(w, visit_id, Action.START, staff_id,
                                                 dict(service_started_at=self.now_ms())))

    def restore(self, visit_id: str, staff_id: str) -> VisitInfo:
        """A missed visitor turned up: back into the queue with their original place."""
        with self.store.writing() as w:
            return VisitInfo.of(self._transition(w, visit_id, Action.RESTORE, staff_id,
                                                 dict(call_count=0, missed_at=None)))

    def park(self, visit_id: str, staff_id: str) -> VisitInfo:
        with self.store.writing() as w:
            return VisitInfo.of(self._transition(w, visit_id, Action.PARK, staff_id,
                                                 dict(parked_at=self.now_ms())))

    def unpark(self, visit_id: str, staff_id: str) -> VisitInfo:
        with self.store.writing() as w:
            return VisitInfo.of(self._transition(w, visit_id, Action.UNPARK, staff_id,
                                                 dict(parked_at=None)))

    def transfer(self, visit_id: str, staff_id: str, *, desk: str | None = None,
                 to_staff: str | None = None) -> VisitInfo:
        """Hand a visitor to a desk or a colleague; place in the queue and priority stay."""
        if desk is None and to_staff is None:
            raise InvalidInput("target", "missing", "transfer needs a desk or a colleague")
        if desk is not None and desk not in self.config.office(self.store.site).desks:
            raise InvalidInput("desk", "unknown", f"there is no desk {desk!r} here")
        with self.store.writing() as w:
            return VisitInfo.of(self._transition(
                w, visit_id, Action.TRANSFER, staff_id,
                dict(target_desk=desk, target_staff=to_staff, desk=None, staff=None),
                detail=f"desk={desk}" if desk else "staff"))

    def set_priority(self, visit_id: str, staff_id: str, level: int,
                     reason: str | None = None) -> VisitInfo:
        """Mark a visitor urgent (or back to normal) with a reason code, never free text."""
        if level not in self.settings.priorities.values():
            raise InvalidInput("priority", "unknown", f"unknown priority level {level}")
        if reason is not None and not reason.replace("_", "").isalnum():
            raise InvalidInput("reason", "bad_code", "the reason must be a code like 'medical'")
        with self.store.writing() as w:
            visit = Visit.get_or_none(Visit.id == visit_id)
            if visit is None or visit.status not in (State.QUEUED, State.PARKED, State.CALLED):
                raise NotFound(f"no waiting visit {visit_id}")
            visit = w.put(Visit, visit_id, dict(priority=level, priority_reason=reason))
            self._audit(staff_id, "priority", visit_id, f"{level}:{reason or ''}")
            return VisitInfo.of(visit)

    def finish(self, visit_id: str, staff_id: str, outcome: str,
               referral: str | None = None, note: str | None = None) -> VisitInfo:
        """Close a visit with an outcome: resolved, referred (to whom), follow_up, other."""
        if outcome not in OUTCOMES:
            raise InvalidInput("outcome", "unknown", f"unknown outcome {outcome!r}")
        if outcome == REFERRED:
            known = {r.id for r in self.config.referrals}
            if referral not in known:
                raise InvalidInput("referral", "unknown",
                                   f"referral must be one of: {', '.join(sorted(known))}")
        if note is not None and len(note) > 500:
            raise InvalidInput("note", "too_long", "a note can have at most 500 characters")
        with self.store.writing() as w:
            return VisitInfo.of(self._transition(
                w, visit_id, Action.FINISH, staff_id,
                dict(finished_at=self.now_ms(), outcome=outcome, referral=referral, note=note),
                detail=f"{outcome}:{referral or ''}"))

    def cancel(self, visit_id: str, staff_id: str | None) -> VisitInfo:
        with self.store.writing() as w:
            return VisitInfo.of(self._transition(w, visit_id, Action.CANCEL, staff_id))
