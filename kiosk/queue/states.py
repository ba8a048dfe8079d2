"""The life of a visit as one explicit table: state × action → new state."""

from __future__ import annotations

from enum import StrEnum

from kiosk.queue.errors import QueueError


class State(StrEnum):
    QUEUED = "queued"
    CALLED = "called"
    IN_SERVICE = "in_service"
    FINISHED = "finished"
    MISSED = "missed"
    PARKED = "parked"
    CANCELLED = "cancelled"


class Action(StrEnum):
    CALL = "call"          # called to a desk (also: called again = recall)
    START = "start"        # the visitor arrived at the desk
    MISS = "miss"          # did not come after the last allowed call
    RESTORE = "restore"    # a missed visitor turned up after all
    PARK = "park"          # set aside (e.g. fetching a document), keeps the place
    UNPARK = "unpark"
    TRANSFER = "transfer"  # to another desk or colleague, keeps place and priority
    FINISH = "finish"
    CANCEL = "cancel"


#: Every legal transition. Anything not listed is an `IllegalTransition`.
TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.QUEUED, Action.CALL): State.CALLED,
    (State.CALLED, Action.CALL): State.CALLED,
    (State.CALLED, Action.START): State.IN_SERVICE,
    (State.CALLED, Action.MISS): State.MISSED,
    (State.CALLED, Action.FINISH): State.FINISHED,
    (State.IN_SERVICE, Action.FINISH): State.FINISHED,
    (State.MISSED, Action.RESTORE): State.QUEUED,
    (State.QUEUED, Action.PARK): State.PARKED,
    (State.CALLED, Action.PARK): State.PARKED,
    (State.IN_SERVICE, Action.PARK): State.PARKED,
    (State.PARKED, Action.UNPARK): State.QUEUED,
    (State.QUEUED, Action.TRANSFER): State.QUEUED,
    (State.CALLED, Action.TRANSFER): State.QUEUED,
    (State.IN_SERVICE, Action.TRANSFER): State.QUEUED,
    (State.PARKED, Action.TRANSFER): State.QUEUED,
    (State.QUEUED, Action.CANCEL): State.CANCELLED,
    (State.CALLED, Action.CANCEL): State.CANCELLED,
    (State.PARKED, Action.CANCEL): State.CANCELLED,
    (State.MISSED, Action.CANCEL): State.CANCELLED,
}

#: States in which a visitor still waits to be called.
WAITING = (State.QUEUED,)
#: States that end a visit.
FINAL = (State.FINISHED, State.CANCELLED)


class IllegalTransition(QueueError):
    """An action that the visit's current state does not allow."""

    code = "illegal_transition"

    def __init__(self, state: str, action: str, ticket: str = "") -> None:
        self.state, self.action = state, action
        who = f"ticket {ticket} " if ticket else ""
        super().__init__(f"cannot {action} {who}while it is {state}")


def next_state(state: str, action: str, ticket: str = "") -> State:
    """The state after `action`, or `IllegalTransition`."""
    try:
        return TRANSITIONS[(State(state), Action(action))]
    except (KeyError, ValueError):
        raise IllegalTransition(state, action, ticket) from None
