"""The transition table and the call-next policy, as plain functions."""

from __future__ import annotations

import pytest

from kiosk.queue.policy import Caller, Candidate, choose_next, unserved_languages
from kiosk.queue.states import TRANSITIONS, Action, IllegalTransition, State, next_state

MIN = 60_000
NOW = 1_000 * MIN


def test_every_state_action_pair_is_either_in_the_table_or_refused():
    for state in State:
        for action in Action:
            if (state, action) in TRANSITIONS:
                assert next_state(state, action) == TRANSITIONS[(state, action)]
            else:
                with pytest.raises(IllegalTransition, match=f"cannot {action.value}"):
                    next_state(state, action, "A-001")


def test_final_states_allow_nothing():
    for action in Action:
        for final in (State.FINISHED, State.CANCELLED):
            with pytest.raises(IllegalTransition):
                next_state(final, action)


def cand(ticket, language, waited_min, **kw):
    return Candidate(id=ticket, ticket=ticket, priority=kw.pop("priority", 2),
                     language=language, checked_in_at=NOW - waited_min * MIN, **kw)


persian = Caller("s-fa", "2", frozenset({"de", "fa"}))


def test_persian_speaker_is_offered_the_persian_visitor_before_an_earlier_arabic_one():
    pool = [cand("A-001", "ar", 10), cand("A-002", "fa", 5)]
    assert choose_next(pool, persian, NOW).ticket == "A-002"


def test_fairness_bound_overrides_language_matching():
    pool = [cand("A-001", "ar", 31), cand("A-002", "fa", 5)]
    assert choose_next(pool, persian, NOW, fairness_minutes=30).ticket == "A-001"
    assert choose_next(pool, persian, NOW, fairness_minutes=40).ticket == "A-002"


def test_urgent_first_then_due_appointments():
    pool = [cand("A-001", "fa", 20), cand("T-001", "ar", 1, appointment_starts_at=NOW + 5 * MIN),
            cand("A-002", "ar", 2, priority=1)]
    assert choose_next(pool, persian, NOW).ticket == "A-002"
    assert choose_next(pool[:2], persian, NOW).ticket == "T-001"
    later = [pool[0], cand("T-001", "ar", 1, appointment_starts_at=NOW + 30 * MIN)]
    assert choose_next(later, persian, NOW).ticket == "A-001"


def test_nobody_matching_still_gets_the_longest_waiting_visitor():
    pool = [cand("A-001", "ti", 3), cand("A-002", "ru", 8)]
    assert choose_next(pool, persian, NOW).ticket == "A-002"
    assert choose_next([], persian, NOW) is None


def test_transferred_visitors_go_only_to_their_target():
    pool = [cand("A-001", "fa", 9, target_desk="3"), cand("A-002", "ar", 1, target_staff="s-x")]
    assert choose_next(pool, persian, NOW) is None
    assert choose_next(pool, Caller("s-x", "1", frozenset({"de"})), NOW).ticket == "A-002"
    assert choose_next(pool, Caller("s-y", "3", frozenset({"de"})), NOW).ticket == "A-001"


def test_languages_nobody_on_duty_speaks_are_flagged():
    pool = [cand("A-001", "fa", 1), cand("A-002", "ti", 1)]
    assert unserved_languages(pool, [frozenset({"de", "fa"})]) == {"ti"}
