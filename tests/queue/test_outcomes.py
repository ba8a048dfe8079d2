"""The one list of outcomes: the queue accepts exactly it, and every place that shows or
draws outcomes has an entry for each code."""

from __future__ import annotations

import pytest

from kiosk.demo.seed import OUTCOME_WEIGHTS
from kiosk.privacy.export import OUTCOME_LABELS
from kiosk.queue.errors import InvalidInput
from kiosk.queue.outcomes import OUTCOMES, REFERRED
from kiosk.ui.staff.texts import OUTCOME


def _at_the_desk(ctx) -> str:
    visit_id = ctx.queue.check_in(["post"], "de").visit_id
    ctx.queue.call(visit_id, "s1", "1")
    ctx.queue.start(visit_id, "s1")
    return visit_id


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_the_queue_finishes_a_visit_with_each_outcome(ctx, outcome):
    referral = "jobcenter" if outcome == REFERRED else None
    done = ctx.queue.finish(_at_the_desk(ctx), "s1", outcome, referral=referral)
    assert (done.status, done.outcome) == ("finished", outcome)


def test_the_queue_refuses_an_outcome_not_on_the_list(ctx):
    visit_id = _at_the_desk(ctx)
    with pytest.raises(InvalidInput) as info:
        ctx.queue.finish(visit_id, "s1", "vanished")
    assert info.value.field == "outcome"
    assert ctx.queue.get(visit_id).status == "in_service"


def test_console_export_and_seed_cover_exactly_the_outcomes():
    assert list(OUTCOME) == list(OUTCOMES)
    assert list(OUTCOME_LABELS) == list(OUTCOMES)
    assert list(OUTCOME_WEIGHTS) == list(OUTCOMES)
    assert all(OUTCOME_WEIGHTS[o] > 0 for o in OUTCOMES)
