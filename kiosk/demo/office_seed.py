"""An office's demo day, for `kiosk seed` and the demo network alike: past visits and a few
visitors waiting now.

Both callers want the same office (the demo network's stores must look like `kiosk seed`'s),
so what a seeded office holds is decided here once and the callers only differ in how they
show progress.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from kiosk.context import KioskContext

#: The languages the waiting visitors ask for, in turn (an interpreter where the office
#: does not counsel in one).
WAITING_LANGUAGES = ("ar", "fa", "de", "uk", "tr", "ru", "en", "fr")


def seed_office(ctx: KioskContext, visits: int, waiting: int, rng: random.Random, *,
                progress: Callable[[int], None] | None = None) -> int:
    """Write ``visits`` past visits (days up to today) and check in ``waiting`` visitors now;
    how many past visits were written. ``progress`` hears how many rows each batch wrote."""
    from kiosk.demo.seed import demo_visits, insert_visits

    rows = demo_visits(ctx.config, ctx.store, visits, end=ctx.queue.now().date(), rng=rng)
    made = insert_visits(ctx.store, rows, progress=progress)
    concerns = [c.id for c in ctx.config.concerns]
    spoken = ctx.config.office(ctx.store.site).languages
    for i in range(waiting):
        lang = WAITING_LANGUAGES[i % len(WAITING_LANGUAGES)]
        counsel = lang if lang in spoken else "de"
        ctx.queue.check_in(rng.sample(concerns, k=1 + i % 2), counsel,
                           None if counsel == lang else lang, enforce_hours=False)
    return made
